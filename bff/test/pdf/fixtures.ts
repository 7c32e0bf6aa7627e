/** Sample views for the PDF tests (values shaped like the seed data). */
import { MATTERS } from '@zhiyetong/shared';
import type { ApplicationFormView } from '../../src/pdf/application-form.js';
import type { SignerSubject } from '../../src/pdf/ca.js';
import type { CertificateView } from '../../src/pdf/certificate.js';

export const APPLICANT_NAME = '张三丰';
export const EMPLOYER_NAME = '上海浦江建设工程有限公司';
export const EMPLOYER_USCC = '91310115MA1H8XYZ3K';

export const formView: ApplicationFormView = {
  acceptanceNo: 'W2026112100001',
  title: '二级建造师初始注册申请表',
  generatedAt: new Date('2026-11-21T07:36:00Z'), // 15:36:00 in Shanghai
  applicant: { name: APPLICANT_NAME, gender: '男', birthDate: '1988-04-12', idNumberMasked: '3101**********1234', phone: '138****5678' },
  employer: { name: EMPLOYER_NAME, uscc: EMPLOYER_USCC, phone: '021-58881234' },
  currentRegistration: null,
  // the initial registration's 申请事项 as the shared matter catalogue describes them
  sections: MATTERS.initial.describe(
    {
      employer: { name: EMPLOYER_NAME, uscc: EMPLOYER_USCC, phone: '021-58881234' },
      specialties: [
        { specialty: 'building', issueDate: '2025-10-18', dateIsApprovalDate: false },
        { specialty: 'municipal', issueDate: '2026-06-30', dateIsApprovalDate: true },
      ],
      continuingEducation: [
        { specialty: 'building', compulsoryHours: 60, electiveHours: 60 },
        { specialty: 'municipal', compulsoryHours: 30, electiveHours: 30 },
      ],
      declarationAccepted: true,
    },
    null,
  ),
  applicantDeclaration: [
    `本人${APPLICANT_NAME}已按照相关法律规定，符合考试报名条件，并合法取得了二级建造师执业资格，与${EMPLOYER_NAME}签订真实有效劳动聘用合同。`,
    '本人无其他资格证书注册在其他企业（机构），承诺已按规定完成相应继续教育，同意将证书注册至该企业。',
    '本人已核对上述内容，对申请表内容及申报材料的真实性负责。',
  ],
  employerOpinion: `${EMPLOYER_NAME}已按照相关法律规定与${APPLICANT_NAME}签订真实有效劳动聘用合同，并确认其申报材料真实，同意该同志申报初始注册。`,
};

export const applicantSigner: SignerSubject = { kind: 'applicant', commonName: APPLICANT_NAME };
export const employerSigner: SignerSubject = { kind: 'employer', commonName: EMPLOYER_NAME, organization: EMPLOYER_NAME, uscc: EMPLOYER_USCC };
export const AUTHORITY_NAME = '上海市住房和城乡建设管理委员会';
export const authoritySigner: SignerSubject = { kind: 'authority', commonName: AUTHORITY_NAME, organization: AUTHORITY_NAME };

export const certificateView: CertificateView = {
  title: '二级建造师注册证书',
  holderName: APPLICANT_NAME,
  gender: '男',
  registrationNo: '沪2312026202600123',
  employerName: EMPLOYER_NAME,
  specialties: [
    { name: '建筑工程', validUntil: '2029-11-20' },
    { name: '市政公用工程', validUntil: '2029-11-20' },
  ],
  authorityName: AUTHORITY_NAME,
  issueDate: '2026-11-21',
  verifyUrl: 'https://zhiyetong.example.cn/verify/certificate/2312026202600123?sig=8f3Kq2Xw',
};
