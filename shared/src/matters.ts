/**
 * The matter catalogue (注册事项目录, ../shared/catalogue.md) as data, and the register (注册信息库) it reads
 * and changes. One definition per matter: its form schema and rules, when the register allows it, who signs,
 * the authority's route, what it does to the register, and how its content reads on the form. The BFF runs
 * every matter through one state machine (workflow.ts) and one completion step; the miniapp reads the same
 * definitions to offer, disable and explain. Adding a matter means adding an entry here and its form.
 *
 * Dates are Asia/Shanghai calendar dates as 'YYYY-MM-DD' strings.
 */
import dayjs from 'dayjs';
import { z } from 'zod';
import { identityRequest } from './api.js';
import { maskIdNumber } from './id-number.js';
import type { ErrorCode } from './errors.js';
import {
  checkHours,
  checkInitialRegistrationForm,
  checkLateSpecialties,
  isLateRegistration,
  hoursSchema,
  initialRegistrationFormSchema,
  isoDateSchema,
  PHONE_PATTERN,
  specialtySchema,
  usccSchema,
  zodFieldErrors,
  type FieldErrors,
  type InitialRegistrationForm,
} from './forms.js';
import { PROFESSION_RULES, SPECIALTIES, SPECIALTY_LABELS, TEMPORARY_REGISTRATION_LABEL, WHOLE_REGISTRATION, isSupportedApplication, notOfferedReason, type Profession, type RegistrationType, type Specialty } from './professions.js';
import { REVIEW_STAGES, type FiledBy, type ReviewStage, type Signer } from './workflow.js';
import { PROVINCE_SETTINGS, type Province, type ProvinceSettings } from './province-settings.js';

// ---- per-province settings ----


/**
 * Rules where the seeds differ by province (catalogue.md: "the product makes it a setting"):
 * - employerChange: Shanghai (000 §3.5) cancels at the old employer and registers again at the new one;
 *   Sichuan (004 变更) files one change application to the new employer, keeping the original validity.
 * - employerChangeMinIntervalDays: 004 refuses a second change of employer within a year; null = no limit.
 * - renewalWindowDays: renewal is offered from this many days before a specialty's valid-until date. 90 days
 *   by default: the regulations ask for renewal at least 30 days before expiry (建造师执业资格注册管理规定:
 *   届满30日前), and a 90-day window leaves two months to gather the continuing-education proof.
 * - detailsChangeWithinDays: 004 — other changes must be reported within 30 days of the change.
 */
export interface ProvinceRules {
  label: string;
  employerChange: 'cancel_then_initial' | 'change_application';
  employerChangeMinIntervalDays: number | null;
  renewalWindowDays: number;
  detailsChangeWithinDays: number | null;
  /** Matters the province does not take, with the reason shown (settings file notOffered; Shanghai: re-registration, replacement). */
  notOffered?: Partial<Record<RegistrationType, string>>;
}

/** Each province's settings file (shared/src/provinces/*.json, province-settings.ts), which holds these rules and more. */
export const PROVINCE_RULES: Record<Province, ProvinceSettings> = PROVINCE_SETTINGS;

// ---- the register ----

export type RegistrationStatus = 'registered' | 'cancelled';
export const REGISTRATION_STATUS_LABELS: Record<RegistrationStatus, string> = { registered: '已注册', cancelled: '已注销' };

/** A specialty in the register (schema: views.ts registeredSpecialtySchema). */
export type RegisteredSpecialty = z.infer<typeof import('./views.js').registeredSpecialtySchema>;

/** One person's registration in one profession, as the register holds it (schema: views.ts registerStateSchema). */
export type RegisterState = z.infer<typeof import('./views.js').registerStateSchema>;

/** A specialty that is registered and not past its valid-until date on `today`. */
export function isCurrentSpecialty(s: RegisteredSpecialty, today: string): boolean {
  return s.status === 'registered' && s.validUntil >= today;
}

/** The specialties a certificate shows: registered ones, expired included (with their dates), in register order. */
export function certificateSpecialties(state: RegisterState): { specialty: Specialty; validUntil: string }[] {
  return state.specialties.filter((s) => s.status === 'registered').map((s) => ({ specialty: s.specialty, validUntil: s.validUntil }));
}

/** What a certificate prints from the register: when this changes, a new certificate version is issued. */
export function certificateContent(state: RegisterState): string {
  return JSON.stringify([state.registrationNo, state.holderName, state.employer?.name ?? '', certificateSpecialties(state)]);
}

/**
 * The register as people see it (API views): a registration held as a whole (architects) shows no specialty
 * entries, only its `validUntil`; for the others `validUntil` is the earliest of the registered specialties'.
 */
export function registerView(state: RegisterState): RegisterState & { validUntil: string | null } {
  const registered = state.specialties.filter((s) => s.status === 'registered').map((s) => s.validUntil).sort();
  const validUntil = registered[0] ?? state.specialties.map((s) => s.validUntil).sort().reverse()[0] ?? null;
  return { ...state, specialties: PROFESSION_RULES[state.profession].specialties ? state.specialties : [], validUntil };
}

/** 注册号：沪23…  已注册专业：建筑工程(有效期至2027-06-13)、… (seed 000 figure 50, 现注册证书状态). */
export function describeRegister(state: RegisterState): string {
  if (!PROFESSION_RULES[state.profession].specialties) {
    // registered as a whole (002): the validity, no 已注册专业
    const whole = state.specialties.find((s) => s.status === 'registered');
    return `注册号：${state.registrationNo} 有效期至：${whole?.validUntil ?? '无'}`;
  }
  const specialties = state.specialties.filter((s) => s.status === 'registered').map((s) => `${SPECIALTY_LABELS[s.specialty]}(有效期至${s.validUntil})`);
  return `${state.temporary ? `注册类型：${TEMPORARY_REGISTRATION_LABEL} ` : ''}注册号：${state.registrationNo} 已注册专业：${specialties.join('、') || '无'}`;
}

// ---- forms ----

const declaration = z.literal(true, { error: '请阅读并勾选申请人员意见' });
const employerPhone = z.strictObject({
  phone: z.string({ error: '请填写企业联系电话' }).trim().regex(PHONE_PATTERN, { error: '请填写正确的手机号或带区号的固定电话' }),
});
const newSpecialties = (profession: Profession) =>
  z
    .array(z.strictObject({ specialty: specialtySchema(profession), issueDate: isoDateSchema, dateIsApprovalDate: z.boolean().optional() }), { error: '请选择注册专业' })
    .min(1, { error: '请至少选择一个注册专业' })
    .max(SPECIALTIES[profession].length);
const continuingEducation = (profession: Profession) =>
  z.array(z.strictObject({ specialty: specialtySchema(profession), compulsoryHours: hoursSchema, electiveHours: hoursSchema })).default([]);

/** 增项注册 (000 §3.2, figure 19): new specialties with their qualification dates; the employer is the registration's. */
export const addSpecialtyFormSchema = z.strictObject({
  employer: employerPhone,
  specialties: newSpecialties('constructor'),
  continuingEducation: continuingEducation('constructor'),
  declarationAccepted: declaration,
});

/** 延续注册 (000 §3.3, figure 33): the specialties to renew, each with its continuing-education hours. */
export const renewalFormSchema = z.strictObject({
  employer: employerPhone,
  specialties: z
    .array(z.strictObject({ specialty: specialtySchema('constructor'), compulsoryHours: hoursSchema, electiveHours: hoursSchema }), { error: '请选择延续注册的专业' })
    .min(1, { error: '请至少选择一个延续注册的专业' }),
  declarationAccepted: declaration,
});

/** 注销原因: the seed's examples (000 figures 46, 50; domain.md), plus other with text. */
export const CANCELLATION_REASONS = {
  contract_ended: '已与聘用企业解除劳动合同关系',
  grade_one: '考出一级建造师相关专业，需注销二级建造师相关专业',
  employer_bankrupt: '聘用单位破产',
  other: '其他',
} as const;
export type CancellationReason = keyof typeof CANCELLATION_REASONS;

/** 注销注册 (000 §3.4, figure 45): some or all registered specialties and a reason. */
export const cancellationFormSchema = z
  .strictObject({
    employer: employerPhone,
    specialties: z.array(specialtySchema('constructor'), { error: '请选择注销的专业' }).min(1, { error: '请至少选择一个注销的专业' }),
    reason: z.enum(Object.keys(CANCELLATION_REASONS) as [CancellationReason, ...CancellationReason[]], { error: '请选择注销原因' }),
    reasonText: z.string().trim().max(200, { error: '注销原因不超过 200 字' }).optional(),
    declarationAccepted: declaration,
  })
  .refine((f) => f.reason !== 'other' || (f.reasonText?.length ?? 0) >= 2, { error: '请填写注销原因', path: ['reasonText'] });

/** 变更注册 — change of employer (004 变更: to the new employer, validity kept). */
export const employerChangeFormSchema = z.strictObject({
  kind: z.literal('employer'),
  employer: z.strictObject({
    name: z.string({ error: '请填写新聘用企业全称' }).trim().min(2, { error: '请填写新聘用企业全称' }).max(100, { error: '企业名称过长' }),
    uscc: usccSchema,
    phone: employerPhone.shape.phone,
  }),
  declarationAccepted: declaration,
});

/** 变更注册 — change of name or ID number (000 §3.5 item 1; 003 §3.2.3.6; 004: within 30 days), with evidence uploaded separately. */
export const detailsChangeFormSchema = z
  .strictObject({
    kind: z.literal('details'),
    employer: employerPhone,
    name: identityRequest.shape.name.optional(),
    idNumber: identityRequest.shape.idNumber.optional(),
    changedOn: isoDateSchema,
    declarationAccepted: declaration,
  })
  .refine((f) => f.name !== undefined || f.idNumber !== undefined, { error: '请填写变更后的姓名或身份证号码', path: ['name'] });

export const changeFormSchema = z.discriminatedUnion('kind', [employerChangeFormSchema, detailsChangeFormSchema], { error: '请选择变更内容' });

/** 纸质证书换领电子证书 (000 §5): the holder confirms the register's details (and uploads a photo). */
export const paperExchangeFormSchema = z.strictObject({
  detailsConfirmed: z.literal(true, { error: '请核对并确认证书信息' }),
});

/**
 * 重新注册 (003 §3.2.3.2, 004; catalogue: after a cancellation or expiry, like initial, with continuing
 * education): initial's form — the employer named in full, the specialties with their qualification dates —
 * and continuing-education hours for every specialty applied for, not only late ones.
 */
export const reregistrationFormSchema = initialRegistrationFormSchema;

/** 补办原因 (004: 遗失补办或污损更换). */
export const REPLACEMENT_CAUSES = { lost: '证书遗失', damaged: '证书污损' } as const;
export type ReplacementCause = keyof typeof REPLACEMENT_CAUSES;

/**
 * 遗失补办 (003 §3.2.3.4; 004 遗失补办或污损更换): why the certificate is replaced, when it was lost or damaged,
 * and what happened; the loss statement (or the damaged certificate) is uploaded as a document. The employer is
 * the registration's.
 */
export const replacementFormSchema = z.strictObject({
  employer: employerPhone,
  cause: z.enum(Object.keys(REPLACEMENT_CAUSES) as [ReplacementCause, ...ReplacementCause[]], { error: '请选择补办原因（遗失或污损）' }),
  occurredOn: isoDateSchema,
  description: z.string({ error: '请填写遗失或污损情况说明' }).trim().min(2, { error: '请填写遗失或污损情况说明' }).max(200, { error: '情况说明不超过 200 字' }),
  declarationAccepted: declaration,
});

// ---- temporary constructors (临时建造师, 003 §3.2.3.8-11) ----

/**
 * 聘用开始时间, 聘用结束时间 and 是否长期 (the starred fields of every temporary constructor's form, 003 §3.2.3.8,
 * .10, .11): `endOn` null = 长期 (no end date).
 */
export const employmentPeriodSchema = z
  .strictObject({
    startOn: isoDateSchema,
    endOn: isoDateSchema.nullable(),
  })
  .refine((e) => e.endOn === null || e.endOn > e.startOn, { error: '聘用结束时间须晚于聘用开始时间（长期聘用请勾选“是否长期”）', path: ['endOn'] });

const shortText = (what: string, max: number) => z.string({ error: `请填写${what}` }).trim().min(1, { error: `请填写${what}` }).max(max, { error: `${what}不超过 ${max} 字` });

/** 毕业院校, 所学专业, 毕业时间, 学历, 学位: starred on the temporary constructor's forms (003 §3.2.3.8, .10, .11); the seed gives no list of values, so they are text. */
export const educationSchema = z.strictObject({
  school: shortText('毕业院校', 50),
  major: shortText('所学专业', 50),
  graduatedOn: isoDateSchema,
  level: shortText('学历', 20),
  degree: shortText('学位', 20),
});

const temporaryCommon = {
  employment: employmentPeriodSchema,
  education: educationSchema,
  /** 处罚或不良情形 (not starred in the seed). */
  penalties: z.string().trim().max(500, { error: '处罚或不良情形不超过 500 字' }).optional(),
};

/**
 * 二级临时建造师变更申报 (003 §3.2.3.8): filed by the new employer (转入企业), named in full as the form's 现聘用企业信息;
 * the old employer (转出企业, the registration's) confirms the release (§3.2.3.9), then the authority (省厅) reviews.
 */
export const temporaryTransferFormSchema = z.strictObject({ employer: initialRegistrationFormSchema.shape.employer, ...temporaryCommon });

/** 二级临时建造师延期申报 (003 §3.2.3.10, the form titled 延续注册申报, with 延续专业): the specialties to extend. */
export const temporaryExtensionFormSchema = z.strictObject({
  employer: employerPhone,
  specialties: z.array(specialtySchema('constructor'), { error: '请选择延期的专业' }).min(1, { error: '请至少选择一个延期的专业' }),
  ...temporaryCommon,
});

/** 二级临时建造师注销申报 (003 §3.2.3.11): the whole temporary registration; the seed's form has no reason nor specialty to choose. */
export const temporaryCancellationFormSchema = z.strictObject({ employer: employerPhone, ...temporaryCommon });

export type TemporaryTransferForm = z.infer<typeof temporaryTransferFormSchema>;
export type TemporaryExtensionForm = z.infer<typeof temporaryExtensionFormSchema>;
export type TemporaryCancellationForm = z.infer<typeof temporaryCancellationFormSchema>;

export type ReregistrationForm = z.infer<typeof reregistrationFormSchema>;
export type ReplacementForm = z.infer<typeof replacementFormSchema>;
export type AddSpecialtyForm = z.infer<typeof addSpecialtyFormSchema>;
export type RenewalForm = z.infer<typeof renewalFormSchema>;
export type CancellationForm = z.infer<typeof cancellationFormSchema>;
export type EmployerChangeForm = z.infer<typeof employerChangeFormSchema>;
export type DetailsChangeForm = z.infer<typeof detailsChangeFormSchema>;
export type ChangeForm = z.infer<typeof changeFormSchema>;
export type PaperExchangeForm = z.infer<typeof paperExchangeFormSchema>;
export type MatterForm = InitialRegistrationForm | AddSpecialtyForm | RenewalForm | CancellationForm | ChangeForm | PaperExchangeForm | ReplacementForm | TemporaryTransferForm | TemporaryExtensionForm | TemporaryCancellationForm;


// ---- the forms of cost engineers (001) and architects (002) ----

const trainingDate = z.string({ error: '请填写培训日期' }).min(1, { error: '请填写培训日期' }).pipe(isoDateSchema);
const trainingInstitution = z.string({ error: '请填写培训机构' }).trim().min(2, { error: '请填写培训机构' }).max(100, { error: '培训机构名称过长' });
const obtainedIn = z.string({ error: '请填写资格取得所在地' }).trim().min(2, { error: '请填写资格取得所在地' }).max(30, { error: '资格取得所在地过长' });
const employerFull = initialRegistrationFormSchema.shape.employer;

/** A qualification of a profession with specialties: 001 adds 资格取得所在地 (obtainedIn). */
const qualificationEntry = (p: Profession) =>
  PROFESSION_RULES[p].qualificationOrigin === 'place'
    ? z.strictObject({ specialty: specialtySchema(p), issueDate: isoDateSchema, dateIsApprovalDate: z.boolean().optional(), obtainedIn })
    : z.strictObject({ specialty: specialtySchema(p), issueDate: isoDateSchema, dateIsApprovalDate: z.boolean().optional() });
/** Continuing education of one specialty: 001 adds 培训日期 and 培训机构 to the hours. */
const ceEntry = (p: Profession) =>
  PROFESSION_RULES[p].trainingDetails
    ? z.strictObject({ specialty: specialtySchema(p), compulsoryHours: hoursSchema, electiveHours: hoursSchema, trainingDate, trainingInstitution })
    : z.strictObject({ specialty: specialtySchema(p), compulsoryHours: hoursSchema, electiveHours: hoursSchema });
const specialtyList = (p: Profession) =>
  z.array(qualificationEntry(p), { error: '请选择注册专业' }).min(1, { error: '请至少选择一个注册专业' }).max(SPECIALTIES[p].length);

/**
 * An architect's qualification (002 §3.1 note 1-2): issued in the province (`province`: the authority's
 * qualification data has it) or elsewhere (`elsewhere`: typed by hand — certificate number and issuing
 * province — and a PDF scan ≤ 2 MB uploaded as document `qualification_scan`).
 */
export const architectQualificationSchema = z
  .strictObject({
    issuedIn: z.enum(['province', 'elsewhere'], { error: '请选择资格证书签发地' }),
    issueDate: isoDateSchema,
    dateIsApprovalDate: z.boolean().optional(),
    certificateNo: z.string().trim().min(4, { error: '请填写资格证书编号' }).max(40, { error: '资格证书编号过长' }).optional(),
    issuingProvince: z.string().trim().min(2, { error: '请填写资格证书签发省市' }).max(30, { error: '签发省市过长' }).optional(),
  })
  .superRefine((q, c) => {
    if (q.issuedIn !== 'elsewhere') return;
    if (!q.certificateNo) c.addIssue({ code: 'custom', path: ['certificateNo'], message: '外省市签发的资格证书，请填写资格证书编号' });
    if (!q.issuingProvince) c.addIssue({ code: 'custom', path: ['issuingProvince'], message: '外省市签发的资格证书，请填写签发省市' });
  });
const architectHours = z.strictObject({ compulsoryHours: hoursSchema, electiveHours: hoursSchema });

/**
 * The form schema of `type` for `profession` (what the miniapp builds and the BFF checks):
 * - constructor: the seed-000 schemas above (initialRegistrationFormSchema, addSpecialtyFormSchema, …);
 * - cost_engineer (001): specialties carry `obtainedIn` (资格取得所在地); continuing education and each
 *   renewed specialty carry `trainingDate` and `trainingInstitution`; one specialty per application;
 * - architect (002): no specialties anywhere — initial `{employer, qualification, continuingEducation:
 *   {compulsoryHours, electiveHours} | null, declarationAccepted}`, renewal `{employer, continuingEducation,
 *   declarationAccepted}`, cancellation `{employer, reason, reasonText?, declarationAccepted}` (the whole
 *   registration).
 */
export function matterFormSchema(profession: Profession, type: RegistrationType): z.ZodType<unknown> {
  const rules = PROFESSION_RULES[profession];
  if (profession === 'constructor' || type === 'change' || type === 'paper_exchange') {
    return ({ initial: initialRegistrationFormSchema, add_specialty: addSpecialtyFormSchema, renewal: renewalFormSchema, cancellation: cancellationFormSchema, change: changeFormSchema, paper_exchange: paperExchangeFormSchema, reregistration: reregistrationFormSchema, replacement: replacementFormSchema, temporary_transfer: temporaryTransferFormSchema, temporary_extension: temporaryExtensionFormSchema, temporary_cancellation: temporaryCancellationFormSchema } as Record<string, z.ZodType<unknown>>)[type] ?? z.never();
  }
  if (!rules.specialties) {
    if (type === 'initial')
      return z.strictObject({ employer: employerFull, qualification: architectQualificationSchema, continuingEducation: architectHours.nullable().default(null), declarationAccepted: declaration });
    if (type === 'renewal') return z.strictObject({ employer: employerPhone, continuingEducation: architectHours, declarationAccepted: declaration });
    if (type === 'cancellation')
      return z
        .strictObject({ employer: employerPhone, reason: cancellationFormSchema.shape.reason, reasonText: cancellationFormSchema.shape.reasonText, declarationAccepted: declaration })
        .refine((f) => f.reason !== 'other' || (f.reasonText?.length ?? 0) >= 2, { error: '请填写注销原因', path: ['reasonText'] });
    return z.never();
  }
  const ce = z.array(ceEntry(profession)).default([]);
  if (type === 'initial') return z.strictObject({ employer: employerFull, specialties: specialtyList(profession), continuingEducation: ce, declarationAccepted: declaration });
  if (type === 'add_specialty') return z.strictObject({ employer: employerPhone, specialties: specialtyList(profession), continuingEducation: ce, declarationAccepted: declaration });
  if (type === 'renewal')
    return z.strictObject({
      employer: employerPhone,
      specialties: z.array(ceEntry(profession), { error: '请选择延续注册的专业' }).min(1, { error: '请至少选择一个延续注册的专业' }),
      declarationAccepted: declaration,
    });
  if (type === 'cancellation')
    return z
      .strictObject({ ...cancellationFormSchema.shape, specialties: z.array(specialtySchema(profession), { error: '请选择注销的专业' }).min(1, { error: '请至少选择一个注销的专业' }) })
      .refine((f) => f.reason !== 'other' || (f.reasonText?.length ?? 0) >= 2, { error: '请填写注销原因', path: ['reasonText'] });
  return z.never();
}

/** An architect's saved forms (002), for the code that reads them. */
export interface ArchitectInitialForm {
  employer: { name: string; uscc: string; phone: string };
  qualification: { issuedIn: 'province' | 'elsewhere'; issueDate: string; dateIsApprovalDate?: boolean; certificateNo?: string; issuingProvince?: string };
  continuingEducation: { compulsoryHours: number; electiveHours: number } | null;
  declarationAccepted: true;
}

type SpecialtyEntry = { specialty: Specialty; issueDate: string; dateIsApprovalDate?: boolean; obtainedIn?: string };
type CeEntry = { specialty: Specialty; compulsoryHours: number; electiveHours: number; trainingDate?: string; trainingInstitution?: string };

/** The register codes a new-specialty form adds: its specialties, or the whole registration (architects). */
function formSpecialtyCodes(form: { specialties?: { specialty: Specialty }[] }): Specialty[] {
  return form.specialties ? form.specialties.map((s) => s.specialty) : [WHOLE_REGISTRATION];
}

/** Dates not after today: training dates (001). */
function checkTrainingDates(list: CeEntry[], today: string, path: (i: number) => string, fields: FieldErrors) {
  list.forEach((c, i) => {
    if (c.trainingDate && c.trainingDate > today) fields[`${path(i)}.trainingDate`] = '培训日期不能晚于今天';
  });
}

/** Late registration for a profession without specialties (002): the qualification's date decides, and the hours are one pair. */
function checkArchitectLate(form: ArchitectInitialForm, ctx: MatterContext, profession: Profession, fields: FieldErrors) {
  const rules = PROFESSION_RULES[profession];
  const q = form.qualification;
  if (q.issueDate > ctx.today) fields['qualification.issueDate'] = '签发日期不能晚于今天';
  const late = isLateRegistration(q.issueDate, dayjs(ctx.today).hour(12).toDate(), profession);
  if (late && !form.continuingEducation) {
    fields['qualification.issueDate'] ??= `距签发日期已超过 ${rules.lateAfterYears} 年，属于逾期注册，请填写继续教育学时并上传继续教育证明`;
    fields.continuingEducation = '逾期注册须填写继续教育学时';
  } else if (!late && form.continuingEducation) fields.continuingEducation = '不属于逾期注册，无需填写继续教育';
  else if (form.continuingEducation) checkHours(form.continuingEducation, rules, fields, 'continuingEducation');
}

const qualificationSection = (rows: SpecialtyEntry[], title: string, profession: Profession): FormSection =>
  PROFESSION_RULES[profession].qualificationOrigin === 'place'
    ? {
        title,
        columns: ['序号', '注册专业', '资格取得所在地', '日期类型', '日期'],
        widths: [0.08, 0.26, 0.22, 0.22, 0.22],
        rows: rows.map((s, i) => [String(i + 1), label(s.specialty), s.obtainedIn ?? '', s.dateIsApprovalDate ? '批准日期' : '资格证书签发日期', s.issueDate]),
      }
    : newSpecialtiesSection(title, rows);
const ceSectionFor = (rows: CeEntry[], profession: Profession, title = '继续教育情况'): FormSection =>
  PROFESSION_RULES[profession].trainingDetails
    ? {
        title,
        columns: ['专业', '必修课学时', '选修课学时', '培训日期', '培训机构'],
        widths: [0.2, 0.14, 0.14, 0.18, 0.34],
        rows: rows.map((c) => [label(c.specialty), String(c.compulsoryHours), String(c.electiveHours), c.trainingDate ?? '', c.trainingInstitution ?? '']),
        empty: '无',
      }
    : ceSection(rows, title);
const architectSections = (form: ArchitectInitialForm): FormSection[] => {
  const q = form.qualification;
  const sections: FormSection[] = [
    {
      title: '资格证书信息',
      columns: ['签发地', '资格证书编号', '日期类型', '日期'],
      widths: [0.28, 0.3, 0.2, 0.22],
      rows: [[q.issuedIn === 'elsewhere' ? `外省市（${q.issuingProvince ?? ''}）` : '本省市', q.certificateNo ?? '（资格库记录）', q.dateIsApprovalDate ? '批准日期' : '签发日期', q.issueDate]],
    },
  ];
  if (form.continuingEducation) sections.push(hoursSection(form.continuingEducation, '继续教育情况（逾期注册）'));
  return sections;
};
const hoursSection = (c: { compulsoryHours: number; electiveHours: number }, title: string): FormSection => ({
  title,
  columns: ['必修课学时', '选修课学时', '合计学时'],
  widths: [0.34, 0.33, 0.33],
  rows: [[String(c.compulsoryHours), String(c.electiveHours), String(c.compulsoryHours + c.electiveHours)]],
});

// ---- the matters ----

export interface MatterContext {
  /** The application date, Asia/Shanghai. */
  today: string;
  /** The province's rules in force (PROVINCE_RULES of the deployment's province, with any overrides it sets). */
  rules: ProvinceRules;
  /** The person's registration in this profession, or null when they have none. */
  register: RegisterState | null;
}

export type Availability = { available: true } | { available: false; code: ErrorCode; reason: string };
export type MatterCheck<T = MatterForm> = { ok: true; value: T } | { ok: false; code: ErrorCode; fields: FieldErrors };

/** A section of the form's 申请事项 (PDF table and read-only summary): column titles and rows of text. */
export interface FormSection {
  title: string;
  columns: string[];
  /** Column widths as fractions of the table (sum 1). */
  widths: number[];
  rows: string[][];
  /** Shown as one row when `rows` is empty. */
  empty?: string;
}

export interface ApplyContext {
  today: string;
  profession: Profession;
  holderName: string;
  /** A new registration number, for a matter that creates a registration (initial). */
  newRegistrationNo?: string;
  /** The employer named on the form, resolved by the server (initial, change of employer). */
  formEmployer?: { id: string; name: string; uscc: string };
}

export interface MatterDefinition<F = any> {
  type: RegistrationType;
  /**
   * Who signs the form, in order (000: applicant, then employer; 000 §5: the holder alone; 003 §3.2.3.8-9: the
   * new employer, then the old employer releasing the person — `releasing_employer` is the registration's employer
   * when the matter is filed, and must not be the filer).
   */
  signers: readonly Signer[];
  /** Who may start it (default both): the temporary constructor's matters are the enterprise's (003 §3.2.3.8-11: 企业用户…添加申报). */
  filers?: readonly FiledBy[];
  /** A temporary constructor's matter (003 §3.2.3.8-11): offered only for a temporary registration, which takes no other register-based matter. */
  temporary?: boolean;
  /** The authority's stages; empty = the matter completes with the last signature (000 §3.4.1 step 10). */
  route: readonly ReviewStage[];
  /** Whose employer counter-signs: the one named on the form, or the registration's. */
  employerFrom: 'form' | 'register' | null;
  /** Whether a photo must be uploaded before signing (000 §3.1.1 step 4, §5). */
  photoRequired: boolean;
  /** Whether evidence files must be uploaded before signing (details change: the new ID card or the name change record). */
  evidenceRequired: boolean;
  /** When the register allows the matter (catalogue: "a matter is offered only when the register allows it"). */
  availability(ctx: MatterContext): Availability;
  /** Checks a submitted form against the schema and the register. */
  check(input: unknown, ctx: MatterContext, profession: Profession): MatterCheck<F>;
  /** The register after the matter completes on `ctx.today`. */
  apply(state: RegisterState | null, form: F, ctx: ApplyContext): RegisterState;
  /** The 申请事项 sections of the form (profession default: constructor). */
  describe(form: F, register: RegisterState | null, profession?: Profession): FormSection[];
  /** The matter gives the registration a new registration number (initial; re-registration, 004: 核定注册编号). */
  newRegistrationNo?: boolean;
  /** A new certificate version is issued even when the register's content is unchanged (replacement). */
  reissuesCertificate?: boolean;
}

/** What most matters share (000: the applicant and the employer sign; the authority's four stages; no files). */
const COMMON = { signers: ['applicant', 'employer'], route: REVIEW_STAGES, employerFrom: 'register', photoRequired: false, evidenceRequired: false } as const;
type MatterSpec<F> = Omit<MatterDefinition<F>, keyof typeof COMMON> & Partial<Pick<MatterDefinition<F>, keyof typeof COMMON>>;
/** A matter definition: `spec` with the common defaults for what it does not say. */
const matter = <F>(spec: MatterSpec<F>): MatterDefinition<F> => ({ ...COMMON, ...spec });

const notRegistered: Availability = { available: false, code: 'registration_required', reason: '您尚未注册或注册已注销，请先办理初始注册' };
const label = (s: Specialty) => SPECIALTY_LABELS[s];
const addYears = (date: string, years: number) => dayjs(date).add(years, 'year').format('YYYY-MM-DD');
const parse = <T>(schema: z.ZodType<T>, input: unknown): MatterCheck<T> => {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, code: 'validation_failed', fields: zodFieldErrors(r.error) };
};
const done = <T>(value: T, fields: FieldErrors, code: ErrorCode = 'validation_failed'): MatterCheck<T> =>
  Object.keys(fields).length ? { ok: false, code, fields } : { ok: true, value };
const registered = (ctx: MatterContext) => ctx.register?.status === 'registered' ? ctx.register : null;
const findSpecialty = (state: RegisterState | null, s: Specialty) => state?.specialties.find((x) => x.specialty === s);
const ceSection = (rows: { specialty: Specialty; compulsoryHours: number; electiveHours: number }[], title = '继续教育情况'): FormSection => ({
  title,
  columns: ['专业', '必修课学时', '选修课学时', '合计学时'],
  widths: [0.34, 0.22, 0.22, 0.22],
  rows: rows.map((c) => [label(c.specialty), String(c.compulsoryHours), String(c.electiveHours), String(c.compulsoryHours + c.electiveHours)]),
  empty: '无',
});
const newSpecialtiesSection = (title: string, rows: { specialty: Specialty; issueDate: string; dateIsApprovalDate?: boolean }[]): FormSection => ({
  title,
  columns: ['序号', '注册专业', '日期类型', '日期'],
  widths: [0.1, 0.35, 0.25, 0.3],
  rows: rows.map((s, i) => [String(i + 1), label(s.specialty), s.dateIsApprovalDate ? '批准日期' : '资格证书签发日期', s.issueDate]),
});

/** Which specialties an additional-specialty application may add: not registered, cancelled, or expired (000 §3.3.1 step 4). */
export function addableSpecialties(profession: Profession, ctx: MatterContext): Specialty[] {
  return (SPECIALTIES[profession] as readonly Specialty[]).filter((s) => {
    const r = findSpecialty(ctx.register, s);
    return !r || !isCurrentSpecialty(r, ctx.today);
  });
}

/** Which specialties may be renewed now: registered, still valid, and within the renewal window. */
export function renewableSpecialties(ctx: MatterContext): RegisteredSpecialty[] {
  const window = ctx.rules.renewalWindowDays;
  return (registered(ctx)?.specialties ?? []).filter((s) => isCurrentSpecialty(s, ctx.today) && dayjs(s.validUntil).diff(dayjs(ctx.today), 'day') <= window);
}

const initial = matter<InitialRegistrationForm>({
  type: 'initial',
  employerFrom: 'form',
  newRegistrationNo: true,
  availability: (ctx) =>
    registered(ctx)
      ? { available: false, code: 'already_registered', reason: `您已注册（${ctx.register!.registrationNo}），新增专业请办理增项注册，到期请办理延续注册` }
      : { available: true },
  check(input, ctx, profession) {
    if (profession === 'constructor') {
      const r = checkInitialRegistrationForm(input, dayjs(ctx.today).hour(12).toDate());
      if (!r.ok) return { ok: false, code: 'validation_failed', fields: r.fields };
      const max = PROFESSION_RULES[profession].maxSpecialtiesPerApplication;
      return done(r.value, r.value.specialties.length > max ? { specialties: `每次申请最多选择 ${max} 个专业` } : {});
    }
    return checkNewQualifications(input, ctx, profession, 'initial') as MatterCheck<InitialRegistrationForm>;
  },
  apply: (_state, form, ctx) => ({
    profession: ctx.profession,
    registrationNo: ctx.newRegistrationNo!,
    status: 'registered',
    holderName: ctx.holderName,
    employer: ctx.formEmployer!,
    specialties: formSpecialtyCodes(form).map((specialty) => ({ specialty, registeredOn: ctx.today, validUntil: addYears(ctx.today, PROFESSION_RULES[ctx.profession].validityYears), status: 'registered' })),
    lastEmployerChangeOn: null,
    hasElectronicCertificate: true,
  }),
  describe: (form, _register, profession = 'constructor') =>
    PROFESSION_RULES[profession].specialties
      ? [qualificationSection(form.specialties, '申请注册专业', profession), ceSectionFor(form.continuingEducation, profession)]
      : architectSections(form as unknown as ArchitectInitialForm),
});

/**
 * The new-qualification forms of cost engineers and architects (initial, additional specialty): the
 * profession's schema (matterFormSchema), at most `maxSpecialtiesPerApplication` specialties (001: one),
 * the late-registration rule, and training dates not in the future.
 */
function checkNewQualifications(input: unknown, ctx: MatterContext, profession: Profession, type: 'initial' | 'add_specialty'): MatterCheck<unknown> {
  const r = parse(matterFormSchema(profession, type), input);
  if (!r.ok) return r;
  const fields: FieldErrors = {};
  if (!PROFESSION_RULES[profession].specialties) {
    checkArchitectLate(r.value as ArchitectInitialForm, ctx, profession, fields);
    return done(r.value, fields);
  }
  const form = r.value as { specialties: SpecialtyEntry[]; continuingEducation: CeEntry[] };
  const max = PROFESSION_RULES[profession].maxSpecialtiesPerApplication;
  if (form.specialties.length > max) fields.specialties = max === 1 ? '每次申请只能选择一个专业' : `每次申请最多选择 ${max} 个专业`;
  checkLateSpecialties(form, dayjs(ctx.today).hour(12).toDate(), profession, fields);
  checkTrainingDates(form.continuingEducation, ctx.today, (i) => `continuingEducation.${i}`, fields);
  return done(r.value, fields);
}

const addSpecialty = matter<AddSpecialtyForm>({
  type: 'add_specialty',
  availability(ctx) {
    if (!registered(ctx)) return notRegistered;
    if (addableSpecialties(ctx.register!.profession, ctx).length === 0) return { available: false, code: 'no_specialty_to_add', reason: '您的全部专业均已注册且在有效期内，无可增项的专业' };
    return { available: true };
  },
  check(input, ctx, profession) {
    const r = parse(matterFormSchema(profession, 'add_specialty') as typeof addSpecialtyFormSchema, input);
    if (!r.ok) return r;
    const form = r.value;
    const fields: FieldErrors = {};
    const max = PROFESSION_RULES[profession].maxSpecialtiesPerApplication;
    if (form.specialties.length > max) fields.specialties = max === 1 ? '每次申请只能选择一个专业' : `每次申请最多选择 ${max} 个专业`;
    checkTrainingDates(form.continuingEducation as CeEntry[], ctx.today, (i) => `continuingEducation.${i}`, fields);
    let code: ErrorCode = 'validation_failed';
    form.specialties.forEach((s, i) => {
      const reg = findSpecialty(ctx.register, s.specialty);
      if (reg && isCurrentSpecialty(reg, ctx.today)) {
        fields[`specialties.${i}.specialty`] = `${label(s.specialty)}已注册（有效期至${reg.validUntil}），不能重复增项；到期前请办理延续注册`;
        code = 'specialty_already_registered';
      }
    });
    checkLateSpecialties(form, dayjs(ctx.today).hour(12).toDate(), profession, fields);
    return done(form, fields, code);
  },
  apply(state, form, ctx) {
    const validUntil = addYears(ctx.today, PROFESSION_RULES[ctx.profession].validityYears);
    const added = form.specialties.map((s) => s.specialty);
    return {
      ...state!,
      specialties: [
        ...state!.specialties.filter((s) => !added.includes(s.specialty)),
        ...added.map((specialty) => ({ specialty, registeredOn: ctx.today, validUntil, status: 'registered' as const })),
      ],
    };
  },
  describe: (form, _register, profession = 'constructor') => [qualificationSection(form.specialties, '申请增项注册专业', profession), ceSectionFor(form.continuingEducation, profession)],
});

const renewal = matter<RenewalForm>({
  type: 'renewal',
  availability(ctx) {
    const reg = registered(ctx);
    if (!reg) return notRegistered;
    if (!reg.specialties.some((s) => isCurrentSpecialty(s, ctx.today)))
      return { available: false, code: 'specialty_expired', reason: '您的注册专业均已超过有效期，不能延续注册，请办理初始注册或增项注册' };
    if (renewableSpecialties(ctx).length === 0) {
      const first = reg.specialties.filter((s) => isCurrentSpecialty(s, ctx.today)).map((s) => s.validUntil).sort()[0];
      const opens = dayjs(first).subtract(ctx.rules.renewalWindowDays, 'day').format('YYYY-MM-DD');
      return { available: false, code: 'renewal_not_open', reason: `延续注册自有效期届满前 ${ctx.rules.renewalWindowDays} 日起办理，最早可于 ${opens} 申请` };
    }
    return { available: true };
  },
  check(input, ctx, profession) {
    if (!PROFESSION_RULES[profession].specialties) {
      // registered as a whole (002): renew the whole registration with one pair of hours
      const a = parse(matterFormSchema(profession, 'renewal'), input);
      if (!a.ok) return a as MatterCheck<RenewalForm>;
      const fields: FieldErrors = {};
      if (!renewableSpecialties(ctx).length) return { ok: false, code: 'renewal_not_open', fields: { _: `有效期届满前 ${ctx.rules.renewalWindowDays} 日内方可延续注册` } };
      checkHours((a.value as { continuingEducation: { compulsoryHours: number; electiveHours: number } }).continuingEducation, PROFESSION_RULES[profession], fields, 'continuingEducation');
      return done(a.value as RenewalForm, fields);
    }
    const r = parse(matterFormSchema(profession, 'renewal') as typeof renewalFormSchema, input);
    if (!r.ok) return r;
    const form = r.value;
    const fields: FieldErrors = {};
    checkTrainingDates(form.specialties as CeEntry[], ctx.today, (i) => `specialties.${i}`, fields);
    let code: ErrorCode = 'validation_failed';
    const renewable = renewableSpecialties(ctx).map((s) => s.specialty);
    const seen = new Set<Specialty>();
    form.specialties.forEach((s, i) => {
      const path = `specialties.${i}`;
      if (seen.has(s.specialty)) fields[`${path}.specialty`] = '同一专业只能选择一次';
      seen.add(s.specialty);
      const reg = findSpecialty(registered(ctx), s.specialty);
      if (!reg || reg.status !== 'registered') {
        fields[`${path}.specialty`] = `${label(s.specialty)}未注册，不能延续注册`;
        code = 'specialty_not_registered';
      } else if (!isCurrentSpecialty(reg, ctx.today)) {
        fields[`${path}.specialty`] = `${label(s.specialty)}已超过有效期（有效期至${reg.validUntil}），不能延续注册，请通过初始注册或增项注册申请`;
        code = 'specialty_expired';
      } else if (!renewable.includes(s.specialty)) {
        fields[`${path}.specialty`] = `${label(s.specialty)}有效期至${reg.validUntil}，届满前 ${ctx.rules.renewalWindowDays} 日内方可延续注册`;
        code = 'renewal_not_open';
      }
      checkHours(s, PROFESSION_RULES[profession], fields, path);
    });
    return done(form, fields, code);
  },
  apply(state, form, ctx) {
    const years = PROFESSION_RULES[ctx.profession].validityYears;
    const renewed = new Set<Specialty>(form.specialties ? form.specialties.map((s) => s.specialty) : [WHOLE_REGISTRATION]);
    // 000 §3.3 and 004: the new validity runs from the current valid-until date, not from approval
    return { ...state!, specialties: state!.specialties.map((s) => (renewed.has(s.specialty) ? { ...s, validUntil: addYears(s.validUntil, years) } : s)) };
  },
  describe: (form, register, profession = 'constructor') =>
    PROFESSION_RULES[profession].specialties
      ? [ceSectionFor(form.specialties, profession, '申请延续注册专业及继续教育情况')]
      : [
          { title: '申请延续注册', columns: ['注册号', '现有效期至'], widths: [0.5, 0.5], rows: [[register?.registrationNo ?? '', register?.specialties[0]?.validUntil ?? '']] },
          hoursSection((form as unknown as { continuingEducation: { compulsoryHours: number; electiveHours: number } }).continuingEducation, '继续教育情况'),
        ],
});

const cancellation = matter<CancellationForm>({
  type: 'cancellation',
  route: [],
  availability: (ctx) => (registered(ctx)?.specialties.some((s) => s.status === 'registered') ? { available: true } : notRegistered),
  check(input, ctx, profession) {
    const r = parse(matterFormSchema(profession, 'cancellation') as typeof cancellationFormSchema, input);
    if (!r.ok) return r;
    // registered as a whole (002): the whole registration is cancelled, no specialties to choose
    if (!PROFESSION_RULES[profession].specialties) return r;
    const form = r.value;
    const fields: FieldErrors = {};
    let code: ErrorCode = 'validation_failed';
    const seen = new Set<Specialty>();
    form.specialties.forEach((s, i) => {
      if (seen.has(s)) fields[`specialties.${i}`] = '同一专业只能选择一次';
      seen.add(s);
      if (findSpecialty(registered(ctx), s)?.status !== 'registered') {
        fields[`specialties.${i}`] = `${label(s)}未注册，不能注销`;
        code = 'specialty_not_registered';
      }
    });
    return done(form, fields, code);
  },
  apply(state, form) {
    const cancelled = new Set<Specialty>(form.specialties ?? state!.specialties.map((s) => s.specialty));
    const specialties = state!.specialties.map((s) => (cancelled.has(s.specialty) ? { ...s, status: 'cancelled' as const } : s));
    // all specialties cancelled = the whole registration ends and its certificate is void (000 §3.4.1 note)
    return { ...state!, specialties, status: specialties.some((s) => s.status === 'registered') ? 'registered' : 'cancelled' };
  },
  describe: (form, register, profession = 'constructor') => [
    ...(!PROFESSION_RULES[profession].specialties
      ? [{ title: '申请注销注册', columns: ['注册号', '有效期至'], widths: [0.5, 0.5], rows: [[register?.registrationNo ?? '', register?.specialties.find((s) => s.status === 'registered')?.validUntil ?? '']] }]
      : []),
    ...(PROFESSION_RULES[profession].specialties ? [{
      title: '申请注销注册专业',
      columns: ['序号', '注销专业', '有效期至'],
      widths: [0.1, 0.5, 0.4],
      rows: (form.specialties ?? []).map((s, i) => [String(i + 1), label(s), findSpecialty(register, s)?.validUntil ?? '']),
    }] : []),
    { title: '注销原因', columns: ['原因'], widths: [1], rows: [[form.reason === 'other' ? (form.reasonText ?? '') : CANCELLATION_REASONS[form.reason]]] },
  ],
});

const change = matter<ChangeForm>({
  type: 'change',
  // a change of employer is signed by the new employer; the form names it (employerFrom is resolved per form)
  evidenceRequired: true,
  availability: (ctx) => (registered(ctx) ? { available: true } : notRegistered),
  check(input, ctx) {
    const r = parse(changeFormSchema, input);
    if (!r.ok) return r;
    const form = r.value;
    const rules = ctx.rules;
    const reg = registered(ctx)!;
    const fields: FieldErrors = {};
    if (form.kind === 'employer') {
      const avail = employerChangeAvailability(ctx);
      if (!avail.available) return { ok: false, code: avail.code, fields: { kind: avail.reason } };
      if (reg.employer && (reg.employer.uscc === form.employer.uscc || reg.employer.name === form.employer.name)) fields['employer.name'] = '新聘用企业与现聘用企业相同';
      return done(form, fields);
    }
    if (form.name !== undefined && form.name === reg.holderName) fields.name = '变更后的姓名与现注册姓名相同';
    if (dayjs(form.changedOn).isAfter(dayjs(ctx.today), 'day')) fields.changedOn = '变更日期不能晚于今天';
    else if (rules.detailsChangeWithinDays !== null && dayjs(ctx.today).diff(dayjs(form.changedOn), 'day') > rules.detailsChangeWithinDays)
      return { ok: false, code: 'change_reported_late', fields: { changedOn: `注册内容变更须在变更后 ${rules.detailsChangeWithinDays} 日内申请，已超过期限，请联系注册机构` } };
    return done(form, fields);
  },
  apply(state, form, ctx) {
    if (form.kind === 'employer') return { ...state!, employer: ctx.formEmployer!, lastEmployerChangeOn: ctx.today };
    return { ...state!, holderName: form.name ?? state!.holderName };
  },
  describe(form, register) {
    const rows: string[][] =
      form.kind === 'employer'
        ? [['聘用企业', register?.employer?.name ?? '', form.employer.name], ['统一社会信用代码', register?.employer?.uscc ?? '', form.employer.uscc]]
        : [
            ...(form.name !== undefined ? [['姓名', register?.holderName ?? '', form.name]] : []),
            ...(form.idNumber !== undefined ? [['身份证号码', '（原号码）', maskIdNumber(form.idNumber)]] : []),
            ['变更日期', '', form.changedOn],
          ];
    return [{ title: form.kind === 'employer' ? '变更聘用企业' : '变更个人信息', columns: ['变更项目', '变更前', '变更后'], widths: [0.24, 0.38, 0.38], rows }];
  },
});

/** A change of employer as one application: only where the province files it so (004), and not twice within the interval. */
export function employerChangeAvailability(ctx: MatterContext): Availability {
  const rules = ctx.rules;
  const reg = registered(ctx);
  if (!reg) return notRegistered;
  if (rules.employerChange === 'cancel_then_initial')
    return { available: false, code: 'employer_change_by_cancellation', reason: `${rules.label}变更聘用企业须先在原企业办理注销注册，再由新企业办理初始注册` };
  if (rules.employerChangeMinIntervalDays !== null && reg.lastEmployerChangeOn && dayjs(ctx.today).diff(dayjs(reg.lastEmployerChangeOn), 'day') < rules.employerChangeMinIntervalDays) {
    const next = dayjs(reg.lastEmployerChangeOn).add(rules.employerChangeMinIntervalDays, 'day').format('YYYY-MM-DD');
    return { available: false, code: 'employer_change_too_soon', reason: `上次变更聘用企业为 ${reg.lastEmployerChangeOn}，一年内不得再次变更，${next} 起可申请` };
  }
  return { available: true };
}

const paperExchange = matter<PaperExchangeForm>({
  type: 'paper_exchange',
  signers: ['applicant'],
  route: [],
  employerFrom: null,
  photoRequired: true,
  availability(ctx) {
    if (!registered(ctx)) return { available: false, code: 'paper_registration_not_found', reason: '未找到您的纸质证书注册记录，请联系注册机构核实' };
    if (ctx.register!.hasElectronicCertificate) return { available: false, code: 'already_exchanged', reason: '您的注册已有电子证书，请到“证书”中领取或下载' };
    return { available: true };
  },
  check: (input) => parse(paperExchangeFormSchema, input),
  apply: (state) => ({ ...state!, hasElectronicCertificate: true }),
  describe: (_form, register, profession = 'constructor') => [
    PROFESSION_RULES[profession].specialties
      ? {
          title: '换领电子证书的注册信息',
          columns: ['注册专业', '有效期至'],
          widths: [0.5, 0.5],
          rows: (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => [label(s.specialty), s.validUntil]),
          empty: '无',
        }
      : {
          title: '换领电子证书的注册信息',
          columns: ['注册号', '有效期至'],
          widths: [0.5, 0.5],
          rows: [[register?.registrationNo ?? '', register?.specialties.find((s) => s.status === 'registered')?.validUntil ?? '']],
        },
  ],
});

/**
 * 重新注册 (003 §3.2.3.2, 004 初始、重新注册 → 审批、通告 → 核定注册编号; catalogue: "after a cancellation or
 * expiry: like initial, with continuing education"): open to a person whose registration was cancelled or whose
 * every specialty has expired; the employer named on the form counter-signs; the route and notice are the
 * province's (as initial); the registration gets a new registration number and new specialties valid from
 * approval, and a new certificate version.
 */
const reregistration = matter<ReregistrationForm>({
  type: 'reregistration',
  employerFrom: 'form',
  newRegistrationNo: true,
  availability(ctx) {
    const reg = ctx.register;
    if (!reg) return { available: false, code: 'no_previous_registration', reason: '未找到您以前的注册记录，请办理初始注册' };
    if (reg.status === 'registered' && reg.specialties.some((s) => isCurrentSpecialty(s, ctx.today)))
      return { available: false, code: 'registration_current', reason: `您的注册（${reg.registrationNo}）仍在有效期内，无需重新注册；新增专业请办理增项注册，到期前请办理延续注册` };
    return { available: true };
  },
  check(input, ctx, profession) {
    const r = parse(matterFormSchema(profession, 'reregistration') as typeof reregistrationFormSchema, input);
    if (!r.ok) return r;
    const form = r.value;
    const rules = PROFESSION_RULES[profession];
    const fields: FieldErrors = {};
    if (form.specialties.length > rules.maxSpecialtiesPerApplication) fields.specialties = `每次申请最多选择 ${rules.maxSpecialtiesPerApplication} 个专业`;
    const seen = new Set<Specialty>();
    form.specialties.forEach((s, i) => {
      if (seen.has(s.specialty)) fields[`specialties.${i}.specialty`] = '同一专业只能选择一次';
      seen.add(s.specialty);
      if (s.issueDate > ctx.today) fields[`specialties.${i}.issueDate`] = '签发日期不能晚于今天';
    });
    // continuing education for every specialty applied for (重新注册 always needs it), at least the minimum hours
    const ce = new Set<Specialty>();
    form.continuingEducation.forEach((c, i) => {
      if (ce.has(c.specialty)) fields[`continuingEducation.${i}.specialty`] = '同一专业只能填写一次';
      ce.add(c.specialty);
      if (!seen.has(c.specialty)) fields[`continuingEducation.${i}.specialty`] = `${label(c.specialty)}不是本次申请的专业`;
      else checkHours(c, rules, fields, `continuingEducation.${i}`);
    });
    const missing = form.specialties.filter((s) => !ce.has(s.specialty));
    if (missing.length) fields.continuingEducation = `重新注册须填写每个申请专业的继续教育学时：${missing.map((s) => label(s.specialty)).join('、')}`;
    return done(form, fields);
  },
  apply: (state, form, ctx) => initial.apply(state, form, ctx),
  describe: (form, register, profession = 'constructor') => [
    {
      title: '原注册信息',
      columns: ['原注册号', '注册状态'],
      widths: [0.5, 0.5],
      rows: register ? [[register.registrationNo, register.status === 'cancelled' ? REGISTRATION_STATUS_LABELS.cancelled : '已过有效期']] : [],
      empty: '无',
    },
    qualificationSection(form.specialties, '申请重新注册专业', profession),
    ceSectionFor(form.continuingEducation, profession),
  ],
});

/**
 * 遗失补办 (003 §3.2.3.4; 004 遗失补办或污损更换 → 核发电子证书; catalogue: "review, then issue; none; a new
 * certificate, the old one revoked"): open to a current registration; the registration's employer
 * counter-signs; the province's route (Sichuan: 审查, then issue); the register's content is unchanged and a new
 * certificate version is issued, so the one it replaces verifies as superseded (已换发).
 */
const replacement = matter<ReplacementForm>({
  type: 'replacement',
  reissuesCertificate: true,
  availability(ctx) {
    const reg = registered(ctx);
    if (!reg) return notRegistered;
    if (!reg.specialties.some((s) => isCurrentSpecialty(s, ctx.today)))
      return { available: false, code: 'specialty_expired', reason: '您的注册专业均已超过有效期，证书已失效，请办理重新注册' };
    return { available: true };
  },
  check(input, ctx) {
    const r = parse(replacementFormSchema, input);
    if (!r.ok) return r;
    return done(r.value, r.value.occurredOn > ctx.today ? { occurredOn: '遗失或污损日期不能晚于今天' } : {});
  },
  // an electronic certificate in place of the lost one, paper or electronic (004: 核发电子证书)
  apply: (state) => ({ ...state!, hasElectronicCertificate: true }),
  describe: (form, register, profession = 'constructor') => [
    {
      title: '申请补办证书',
      columns: ['注册号', '补办原因', '遗失（污损）日期', '情况说明'],
      widths: [0.26, 0.16, 0.2, 0.38],
      rows: [[register?.registrationNo ?? '', REPLACEMENT_CAUSES[form.cause], form.occurredOn, form.description]],
    },
    PROFESSION_RULES[profession].specialties
      ? {
          title: '原证书注册专业',
          columns: ['注册专业', '有效期至'],
          widths: [0.5, 0.5],
          rows: (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => [label(s.specialty), s.validUntil]),
          empty: '无',
        }
      : { title: '原证书有效期', columns: ['有效期至'], widths: [1], rows: [[register?.specialties.find((s) => s.status === 'registered')?.validUntil ?? '']] },
  ],
});

// ---- temporary constructors (临时建造师, 003 §3.2.3.8-11) ----

const notTemporary: Availability = { available: false, code: 'not_temporary_constructor', reason: '该人员不是临时建造师（注册类型不是二级注册临时建造师），不能办理临时建造师事项' };
/** The registration a temporary constructor's matter acts on: a temporary one, not cancelled. */
const temporaryRegistration = (ctx: MatterContext): Availability => {
  if (!ctx.register?.temporary) return notTemporary;
  if (ctx.register.status !== 'registered') return { available: false, code: 'registration_required', reason: '该临时建造师注册已注销' };
  return { available: true };
};
const employmentRow = (e: { startOn: string; endOn: string | null }) => [e.startOn, e.endOn ?? '长期'];
const temporarySections = (form: TemporaryTransferForm | TemporaryExtensionForm | TemporaryCancellationForm): FormSection[] => [
  { title: '学历信息', columns: ['毕业院校', '所学专业', '毕业时间', '学历', '学位'], widths: [0.28, 0.24, 0.18, 0.15, 0.15], rows: [[form.education.school, form.education.major, form.education.graduatedOn, form.education.level, form.education.degree]] },
  { title: '聘用情况', columns: ['聘用开始时间', '聘用结束时间'], widths: [0.5, 0.5], rows: [employmentRow(form.employment)] },
  { title: '处罚或不良情形', columns: ['情形'], widths: [1], rows: form.penalties ? [[form.penalties]] : [], empty: '无' },
];
const TEMPORARY = { temporary: true, filers: ['employer'] } as const;

/**
 * 二级临时建造师变更申报 / 变更确认 (003 §3.2.3.8-9; catalogue "temporary constructor transfer"): the new employer
 * (转入企业) files it for a temporary constructor registered at another enterprise and signs it; the old employer
 * (转出单位, the registration's employer) agrees to release the person ("原单位登录系统在该模块找到相应数据点同意转出")
 * or refuses with a reason; then the authority reviews ("最后在由省厅进行审核"; Hunan announces it, settings
 * publicNotice, §1.1.2). Effect: the registration moves to the new employer, its validity unchanged (catalogue:
 * "the temporary registration moves").
 */
const temporaryTransfer = matter<TemporaryTransferForm>({
  ...TEMPORARY,
  type: 'temporary_transfer',
  signers: ['employer', 'releasing_employer'],
  employerFrom: 'form',
  availability: temporaryRegistration,
  check(input, ctx) {
    const r = parse(temporaryTransferFormSchema, input);
    if (!r.ok) return r;
    const fields: FieldErrors = {};
    if (r.value.education.graduatedOn > ctx.today) fields['education.graduatedOn'] = '毕业时间不能晚于今天';
    const reg = ctx.register;
    if (reg?.employer && (reg.employer.uscc === r.value.employer.uscc || reg.employer.name === r.value.employer.name)) fields['employer.name'] = '转入企业与现聘用企业相同';
    return done(r.value, fields);
  },
  apply: (state, _form, ctx) => ({ ...state!, employer: ctx.formEmployer!, lastEmployerChangeOn: ctx.today }),
  describe: (form, register) => [
    {
      title: '临时建造师变更',
      columns: ['变更项目', '转出企业（原聘用企业）', '转入企业（现聘用企业）'],
      widths: [0.24, 0.38, 0.38],
      rows: [['企业名称', register?.employer?.name ?? '', form.employer.name], ['统一社会信用代码', register?.employer?.uscc ?? '', form.employer.uscc]],
    },
    {
      title: '注册专业',
      columns: ['注册专业', '有效期至'],
      widths: [0.5, 0.5],
      rows: (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => [label(s.specialty), s.validUntil]),
      empty: '无',
    },
    ...temporarySections(form),
  ],
});

/**
 * 二级临时建造师延期申报 (003 §3.2.3.10; catalogue "extension"): filed and signed by the registration's employer, then
 * reviewed. The seed gives no period of its own: its form is titled 延续注册申报 (申报类型 延续申报) and names 延续专业,
 * so the extension follows renewal's rules (renewal above: only specialties still valid, from the province's
 * renewal window before expiry; PROFESSION_RULES validityYears from the current valid-until date).
 */
const temporaryExtension = matter<TemporaryExtensionForm>({
  ...TEMPORARY,
  type: 'temporary_extension',
  signers: ['employer'],
  availability(ctx) {
    const a = temporaryRegistration(ctx);
    if (!a.available) return a;
    return renewal.availability(ctx);
  },
  check(input, ctx) {
    const r = parse(temporaryExtensionFormSchema, input);
    if (!r.ok) return r;
    const fields: FieldErrors = {};
    let code: ErrorCode = 'validation_failed';
    const renewable = renewableSpecialties(ctx).map((s) => s.specialty);
    const seen = new Set<Specialty>();
    r.value.specialties.forEach((sp, i) => {
      if (seen.has(sp)) fields[`specialties.${i}`] = '同一专业只能选择一次';
      seen.add(sp);
      const reg = findSpecialty(ctx.register, sp);
      if (!reg || reg.status !== 'registered') {
        fields[`specialties.${i}`] = `${label(sp)}未注册，不能延期`;
        code = 'specialty_not_registered';
      } else if (!isCurrentSpecialty(reg, ctx.today)) {
        fields[`specialties.${i}`] = `${label(sp)}已超过有效期（有效期至${reg.validUntil}），不能延期`;
        code = 'specialty_expired';
      } else if (!renewable.includes(sp)) {
        fields[`specialties.${i}`] = `${label(sp)}有效期至${reg.validUntil}，届满前 ${ctx.rules.renewalWindowDays} 日内方可延期`;
        code = 'renewal_not_open';
      }
    });
    if (r.value.education.graduatedOn > ctx.today) fields['education.graduatedOn'] = '毕业时间不能晚于今天';
    return done(r.value, fields, code);
  },
  apply(state, form, ctx) {
    const years = PROFESSION_RULES[ctx.profession].validityYears;
    const extended = new Set<Specialty>(form.specialties);
    return { ...state!, specialties: state!.specialties.map((s) => (extended.has(s.specialty) ? { ...s, validUntil: addYears(s.validUntil, years) } : s)) };
  },
  describe: (form, register) => [
    {
      title: '申请延期专业',
      columns: ['序号', '延期专业', '现有效期至'],
      widths: [0.1, 0.5, 0.4],
      rows: form.specialties.map((sp, i) => [String(i + 1), label(sp), findSpecialty(register, sp)?.validUntil ?? '']),
    },
    ...temporarySections(form),
  ],
});

/**
 * 二级临时建造师注销申报 (003 §3.2.3.11; catalogue "cancellation … ends"): filed and signed by the registration's
 * employer, then reviewed ("数据上报后，企业可以…查看审核进度": unlike 注销注册, the authority has it). The whole
 * temporary registration ends (the seed's form chooses no specialty) and its certificates are void.
 */
const temporaryCancellation = matter<TemporaryCancellationForm>({
  ...TEMPORARY,
  type: 'temporary_cancellation',
  signers: ['employer'],
  availability: temporaryRegistration,
  check(input, ctx) {
    const r = parse(temporaryCancellationFormSchema, input);
    if (!r.ok) return r;
    return done(r.value, r.value.education.graduatedOn > ctx.today ? { 'education.graduatedOn': '毕业时间不能晚于今天' } : {});
  },
  apply: (state) => ({ ...state!, status: 'cancelled', specialties: state!.specialties.map((s) => ({ ...s, status: 'cancelled' as const })) }),
  describe: (form, register) => [
    {
      title: '申请注销临时建造师注册',
      columns: ['注册号', '注册专业', '有效期至'],
      widths: [0.34, 0.33, 0.33],
      rows: (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => [register?.registrationNo ?? '', label(s.specialty), s.validUntil]),
      empty: '无',
    },
    ...temporarySections(form),
  ],
});

export const MATTERS: Record<RegistrationType, MatterDefinition> = {
  initial,
  add_specialty: addSpecialty,
  renewal,
  cancellation,
  change,
  paper_exchange: paperExchange,
  reregistration,
  replacement,
  temporary_transfer: temporaryTransfer,
  temporary_extension: temporaryExtension,
  temporary_cancellation: temporaryCancellation,
};

/**
 * Whether `type` may be started now for `profession` by `filer` (the person, default, or their employer), and if
 * not, the stable code and the reason to show.
 */
export function matterAvailability(profession: Profession, type: RegistrationType, ctx: MatterContext, filer: FiledBy = 'applicant'): Availability {
  if (!isSupportedApplication(profession, type)) return { available: false, code: 'application_type_unsupported', reason: notOfferedReason(profession, type) ?? '暂不支持在线办理，请到注册机构窗口办理' };
  // a matter the province does not take (settings notOffered: Shanghai has no re-registration nor replacement)
  const notOffered = ctx.rules.notOffered?.[type];
  if (notOffered) return { available: false, code: 'application_type_unsupported', reason: notOffered };
  const filers = MATTERS[type].filers;
  if (filers && !filers.includes(filer)) return { available: false, code: 'employer_filing_only', reason: '临时建造师事项由聘用企业申报（企业在“临时建造师变更、延期、注销”中添加申报）' };
  // a temporary registration takes only the temporary constructor's matters (003 §3.2.3.8-11 are its own menu);
  // initial and re-registration say already_registered / registration_current themselves; the paper exchange
  // changes only the certificate's form (000 §5), not the registration
  const def = MATTERS[type];
  if (ctx.register?.temporary && !def.temporary && def.employerFrom !== 'form' && type !== 'reregistration' && type !== 'paper_exchange' && ctx.register.status === 'registered')
    return { available: false, code: 'temporary_constructor_matter', reason: '临时建造师请由聘用企业办理临时建造师变更、延期或注销' };
  return def.availability(ctx);
}

/** The employer that counter-signs a matter's form: the one named on it (initial, change of employer) or the registration's. */
export function employerSource(type: RegistrationType, form: unknown): 'form' | 'register' | null {
  if (type === 'change') return (form as ChangeForm | null)?.kind === 'employer' ? 'form' : 'register';
  return MATTERS[type].employerFrom;
}

export { initialRegistrationFormSchema };
