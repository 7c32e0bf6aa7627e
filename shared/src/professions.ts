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
export type Specialty = ConstructorSpecialty | CostEngineerSpecialty;

export const SPECIALTY_LABELS: Record<Specialty, string> = {
  building: '建筑工程',
  highway: '公路工程',
  water_conservancy: '水利水电工程',
  municipal: '市政公用工程',
  mining: '矿业工程',
  electromechanical: '机电工程',
  civil: '土木建筑工程',
  installation: '安装工程',
};

/**
 * Registration matters (注册事项; ../shared/catalogue.md). The first seven are seed 000's constructor matters;
 * the Hunan-only ones (003) are listed so the UI can show them disabled. `change` covers both a change of
 * employer and a change of personal details (name or ID number): the form says which.
 */
export const REGISTRATION_TYPES = ['initial', 'add_specialty', 'renewal', 'cancellation', 'change', 'paper_exchange', 'reregistration', 'replacement'] as const;
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
};

/**
 * Which (profession, matter) pairs the platform can take today: every seed-000 matter for constructors.
 * Others are listed so the UI can show them disabled with a reason rather than hide them.
 */
export const SUPPORTED_APPLICATIONS: ReadonlyArray<{ profession: Profession; type: RegistrationType }> = (
  ['initial', 'add_specialty', 'renewal', 'cancellation', 'change', 'paper_exchange'] as const
).map((type) => ({ profession: 'constructor' as const, type }));

export function isSupportedApplication(profession: Profession, type: RegistrationType): boolean {
  return SUPPORTED_APPLICATIONS.some((s) => s.profession === profession && s.type === type);
}

/** The form's title as printed on the PDF, e.g. 二级建造师初始注册申请表 (seed 000 figure 9). */
export function applicationFormTitle(profession: Profession, type: RegistrationType): string {
  if (type === 'paper_exchange') return `${PROFESSION_LABELS[profession]}纸质证书换领电子证书确认表`;
  return `${PROFESSION_LABELS[profession]}${REGISTRATION_TYPE_LABELS[type]}申请表`;
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
}
export const PROFESSION_RULES: Record<Profession, ProfessionRules> = {
  constructor: { lateAfterYears: 3, minimumHours: { compulsory: 60, elective: 60 }, validityYears: 3, registrationNoCode: '23', maxSpecialtiesPerApplication: 6 },
  cost_engineer: { lateAfterYears: 3, minimumHours: { compulsory: 60, elective: 60 }, validityYears: 4, registrationNoCode: '25', maxSpecialtiesPerApplication: 1 },
  architect: { lateAfterYears: 3, minimumHours: { compulsory: 40, elective: 40 }, validityYears: 2, registrationNoCode: '22', maxSpecialtiesPerApplication: 1 },
};
