/**
 * Declaration texts printed on the application form, word for word from seed 000 §3.1.1 figures 7 and 9
 * (申请人员意见) and §3.1.2 figure 13 (聘用企业意见), with the person's and employer's names filled in.
 */
import { PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, type Profession, type RegistrationType } from './professions.js';

/**
 * 申请人员意见. Initial, additional-specialty and renewal forms carry the three sentences of 000 figures 9, 21
 * and 35; cancellation (000 figure 46) and the other matters the one sentence of responsibility.
 */
export function applicantDeclaration(p: { applicantName: string; employerName: string; profession: Profession; type?: RegistrationType }): string[] {
  if (p.type && !['initial', 'add_specialty', 'renewal'].includes(p.type)) return ['本人已核对上述内容，对申请表内容及申报材料的真实性负责。如有虚报瞒报愿承担由此产生的一切法律责任。'];
  return [
    `本人${p.applicantName}已按照相关法律规定，符合考试报名条件，并合法取得了${PROFESSION_LABELS[p.profession]}执业资格，与${p.employerName}签订真实有效劳动聘用合同。`,
    '本人无其他资格证书注册在其他企业（机构），承诺已按规定完成相应继续教育，同意将证书注册至该企业。',
    '本人已核对上述内容，对申请表内容及申报材料的真实性负责。',
  ];
}

export function employerOpinion(p: { applicantName: string; employerName: string; type: RegistrationType }): string {
  return `${p.employerName}已按照相关法律规定与${p.applicantName}签订真实有效劳动聘用合同，并确认其申报材料真实，同意该同志申报${REGISTRATION_TYPE_LABELS[p.type]}。`;
}

/** 原聘用企业意见 of a temporary constructor's transfer (003 §3.2.3.9: 原单位…点同意转出). */
export function releaseOpinion(p: { applicantName: string; releasingEmployerName: string; employerName: string }): string {
  return `${p.releasingEmployerName}同意${p.applicantName}（临时建造师）转出，转入${p.employerName}。`;
}
