/**
 * Professions, specialties and registration types as the source documents name them
 * (../shared/glossary.md; seeds 000 §3.1, 001, 002). Codes are the glossary's; labels are what users see.
 */

export const PROFESSIONS = ['constructor', 'cost_engineer', 'architect'] as const;
export type Profession = (typeof PROFESSIONS)[number];

export const PROFESSION_LABELS: Record<Profession, string> = {
  constructor: '二级建造师',
  cost_engineer: '二级造价工程师',
  architect: '二级注册建筑师',
};

/** Specialty codes per profession (glossary "Specialty codes"). Architects register without specialties. */
export const SPECIALTIES = {
  constructor: ['building', 'highway', 'water_conservancy', 'municipal', 'mining', 'electromechanical'],
  cost_engineer: ['civil', 'installation'],
  architect: [],
} as const satisfies Record<Profession, readonly string[]>;

export type ConstructorSpecialty = (typeof SPECIALTIES.constructor)[number];
export type CostEngineerSpecialty = (typeof SPECIALTIES.cost_engineer)[number];
/**
 * The register's code for a registration held as a whole (architects, 002: no specialties). It is what the
 * register row and the certificate's validity hang on; it is never offered, printed or shown as a specialty
 * (forms, sections, certificate and the API's register views leave it out: see `PROFESSION_RULES.specialties`).
 */
export const WHOLE_REGISTRATION = 'whole' as const;
export type Specialty = ConstructorSpecialty | CostEngineerSpecialty | typeof WHOLE_REGISTRATION;

/** The codes the register (and the certificate claims' specialty index) holds per profession. */
export const REGISTER_SPECIALTIES = {
  constructor: SPECIALTIES.constructor,
  cost_engineer: SPECIALTIES.cost_engineer,
  architect: [WHOLE_REGISTRATION],
} as const satisfies Record<Profession, readonly Specialty[]>;

export const SPECIALTY_LABELS: Record<Specialty, string> = {
  building: '建筑工程',
  highway: '公路工程',
  water_conservancy: '水利水电工程',
  municipal: '市政公用工程',
  mining: '矿业工程',
  electromechanical: '机电工程',
  civil: '土木建筑工程',
  installation: '安装工程',
  whole: '整体注册（不分专业）',
};

/**
 * Registration matters (注册事项; ../shared/catalogue.md). The first six are seed 000's constructor matters;
 * re-registration and lost-certificate replacement are 003's and 004's (offered per province: settings notOffered). `change` covers both a change of
 * employer and a change of personal details (name or ID number): the form says which.
 */
export const REGISTRATION_TYPES = [
  'initial',
  'add_specialty',
  'renewal',
  'cancellation',
  'change',
  'paper_exchange',
  'reregistration',
  'replacement',
  // temporary constructors (临时建造师, 003 §3.2.3.8-11): filed by an employer, Hunan only (settings notOffered elsewhere)
  'temporary_transfer',
  'temporary_extension',
  'temporary_cancellation',
] as const;
export type RegistrationType = (typeof REGISTRATION_TYPES)[number];

export const REGISTRATION_TYPE_LABELS: Record<RegistrationType, string> = {
  initial: '初始注册',
  add_specialty: '增项注册',
  renewal: '延续注册',
  cancellation: '注销注册',
  change: '变更注册',
  paper_exchange: '纸质证书换领电子证书',
  reregistration: '重新注册',
  replacement: '遗失补办',
  // 003 §3.2.3.8 二级临时建造师变更申报 (转入企业申报, 转出单位确认), §3.2.3.10 延期申报, §3.2.3.11 注销申报
  temporary_transfer: '临时建造师变更',
  temporary_extension: '临时建造师延期',
  temporary_cancellation: '临时建造师注销',
};

/** The matters of a temporary constructor (临时建造师, 003 §3.2.3.8-11), the only ones a temporary registration takes. */
export const TEMPORARY_MATTERS = ['temporary_transfer', 'temporary_extension', 'temporary_cancellation'] as const satisfies readonly RegistrationType[];

/** The register's 注册类型 (003 §3.2.3.10-11 forms, §3.2.4.2 建造师历史数据): 二级注册建造师 or 二级注册临时建造师. */
export const TEMPORARY_REGISTRATION_LABEL = '二级注册临时建造师';

const NOT_ONLINE = '暂不支持在线办理，请到注册机构窗口办理';
/** 临时建造师 is a constructors' registration type only (003 §3.2.3.8-11; glossary: Hunan only). */
const NOT_TEMPORARY = { temporary_transfer: '临时建造师事项仅适用于二级建造师', temporary_extension: '临时建造师事项仅适用于二级建造师', temporary_cancellation: '临时建造师事项仅适用于二级建造师' } as const;

/**
 * Which matters each profession's seed describes online, and for the others the reason shown with the
 * disabled button (000 for constructors; 001 §3.5 and 002 §3.5: a change of name or ID number goes to the
 * authority, a change of employer is a cancellation followed by an initial registration; 001 has no
 * paper-to-electronic exchange; architects have no specialties, so no additional-specialty registration).
 */
export const PROFESSION_MATTERS: Record<Profession, Record<RegistrationType, true | string>> = {
  // re-registration and replacement (003 §3.2.3.2, .4; 004): constructors only, where the province offers them (settings notOffered)
  constructor: {
    initial: true,
    add_specialty: true,
    renewal: true,
    cancellation: true,
    change: true,
    paper_exchange: true,
    reregistration: true,
    replacement: true,
    temporary_transfer: true,
    temporary_extension: true,
    temporary_cancellation: true,
  },
  cost_engineer: {
    initial: true,
    add_specialty: true,
    renewal: true,
    cancellation: true,
    change: '变更姓名或身份证号码请联系注册机构；更换聘用企业请先办理注销注册，再由新企业办理初始注册',
    paper_exchange: '二级造价工程师暂无纸质证书换领电子证书事项',
    reregistration: NOT_ONLINE,
    replacement: NOT_ONLINE,
    ...NOT_TEMPORARY,
  },
  architect: {
    initial: true,
    add_specialty: '二级注册建筑师不分专业，无增项注册',
    renewal: true,
    cancellation: true,
    change: '变更姓名或身份证号码请联系注册机构；更换聘用企业请先办理注销注册，再由新企业办理初始注册',
    paper_exchange: true,
    reregistration: NOT_ONLINE,
    replacement: NOT_ONLINE,
    ...NOT_TEMPORARY,
  },
};

/**
 * Which (profession, matter) pairs the platform can take today (PROFESSION_MATTERS). Others are listed so
 * the UI can show them disabled with a reason rather than hide them.
 */
export const SUPPORTED_APPLICATIONS: ReadonlyArray<{ profession: Profession; type: RegistrationType }> = PROFESSIONS.flatMap((profession) =>
  REGISTRATION_TYPES.filter((type) => PROFESSION_MATTERS[profession][type] === true).map((type) => ({ profession, type })),
);

export function isSupportedApplication(profession: Profession, type: RegistrationType): boolean {
  return PROFESSION_MATTERS[profession][type] === true;
}

/** Why `type` is not offered to `profession` (shown with the disabled matter), or null when it is. */
export function notOfferedReason(profession: Profession, type: RegistrationType): string | null {
  const m = PROFESSION_MATTERS[profession][type];
  return m === true ? null : m;
}

/**
 * Professions the Shanghai portal lists that the platform does not take (001 §2 and 002 §2 show
 * 二级注册结构工程师 in the menu), with the reason: no seed describes their forms, so their rules are not invented.
 */
export const NOT_OFFERED_PROFESSIONS = [
  { code: 'structural_engineer', label: '二级注册结构工程师', reason: '暂不支持在线办理：尚无该职业注册申请表和办理规则的依据材料，请到注册机构窗口办理' },
] as const;

/** The form's title as printed on the PDF, e.g. 二级建造师初始注册申请表 (seed 000 figure 9). */
export function applicationFormTitle(profession: Profession, type: RegistrationType): string {
  if (type === 'paper_exchange') return `${PROFESSION_LABELS[profession]}纸质证书换领电子证书确认表`;
  return `${matterLabel(profession, type)}申请表`;
}

/** The matter's name as people say it: 二级建造师初始注册; a temporary constructor's as the seed's menu names it, 二级临时建造师变更 (003 §3.2.3.8). */
export function matterLabel(profession: Profession, type: RegistrationType): string {
  if ((TEMPORARY_MATTERS as readonly RegistrationType[]).includes(type)) return `二级${REGISTRATION_TYPE_LABELS[type]}`;
  return `${PROFESSION_LABELS[profession]}${REGISTRATION_TYPE_LABELS[type]}`;
}

/**
 * Registration rules that differ per profession (domain.md: "where they differ, the product makes it a
 * setting per province or profession").
 * - lateAfterYears: registering more than this many years after the qualification's issue date is late
 *   registration and needs continuing education (seed 004).
 * - minimumHours: continuing-education hours required per late specialty (seed 000 shows 60 + 60).
 * - validityYears: how long a registered specialty stays valid (three years for constructors).
 * - maxSpecialtiesPerApplication: how many specialties one initial or additional-specialty application may
 *   add (seed 000: several; seed 001: cost engineers one at a time).
 */
export interface ProfessionRules {
  lateAfterYears: number;
  minimumHours: { compulsory: number; elective: number };
  validityYears: number;
  registrationNoCode: string;
  maxSpecialtiesPerApplication: number;
  /**
   * Whether the profession registers specialties. false (architects, 002): the registration is held as a
   * whole; forms have no specialty fields, the register holds one WHOLE_REGISTRATION entry for its validity,
   * and nothing prints or shows a specialty (no 专业 column, no 注册专业 line).
   */
  specialties: boolean;
  /**
   * Where the qualification came from: 'none' (000: issue date only); 'place' (001: 资格取得所在地 typed with
   * each qualification); 'province_or_scan' (002 §3.1 note 2: issued in the province, or elsewhere and typed
   * by hand with a PDF scan ≤ 2 MB, document `qualification_scan`).
   */
  qualificationOrigin: 'none' | 'place' | 'province_or_scan';
  /** Continuing education also records 培训日期 and 培训机构 with the hours (001), required on renewal per specialty. */
  trainingDetails: boolean;
  /** Late registration's continuing-education proof must be uploaded (002 §3.1 step 5: PDF ≤ 2 MB, document `ce_proof`). */
  continuingEducationProof: boolean;
  /** The applicant uploads a signature image (签名图片) that the certificate prints with its date (001 §3.1, §4). */
  signatureImage: boolean;
  /** What the certificate prints besides seed 000's fields (001 §4: 出生日期, 个人签名 and 签名日期). */
  certificate: { birthDate: boolean; signature: boolean };
  /**
   * Whether the evidence documents of a matter (shared MATTER_DOCUMENTS, catalogue "Documents each matter
   * needs") must be uploaded before signing. Constructors: optional, as seed 000's Shanghai flow has no
   * attachments; cost engineers and architects: required (004 lists, Hunan's 附件材料 tab).
   */
  evidenceDocuments: 'required' | 'optional';
}
export const PROFESSION_RULES: Record<Profession, ProfessionRules> = {
  constructor: {
    lateAfterYears: 3, minimumHours: { compulsory: 60, elective: 60 }, validityYears: 3, registrationNoCode: '23', maxSpecialtiesPerApplication: 6,
    specialties: true, qualificationOrigin: 'none', trainingDetails: false, continuingEducationProof: false, signatureImage: false,
    certificate: { birthDate: false, signature: false }, evidenceDocuments: 'optional',
  },
  cost_engineer: {
    lateAfterYears: 3, minimumHours: { compulsory: 60, elective: 60 }, validityYears: 4, registrationNoCode: '25', maxSpecialtiesPerApplication: 1,
    specialties: true, qualificationOrigin: 'place', trainingDetails: true, continuingEducationProof: false, signatureImage: true,
    certificate: { birthDate: true, signature: true }, evidenceDocuments: 'required',
  },
  architect: {
    lateAfterYears: 3, minimumHours: { compulsory: 40, elective: 40 }, validityYears: 2, registrationNoCode: '22', maxSpecialtiesPerApplication: 1,
    specialties: false, qualificationOrigin: 'province_or_scan', trainingDetails: false, continuingEducationProof: true, signatureImage: false,
    certificate: { birthDate: true, signature: false }, evidenceDocuments: 'required',
  },
};

/** The specialty labels a person sees for register entries of `profession`: none for one registered as a whole. */
export function visibleSpecialties<T extends { specialty: Specialty }>(profession: Profession, list: T[]): T[] {
  return PROFESSION_RULES[profession].specialties ? list : [];
}
