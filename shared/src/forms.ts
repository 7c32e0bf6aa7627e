/**
 * The initial registration form for constructors (seed 000 §3.1.1 figure 7) and its rules: the shape is a
 * zod schema; the cross-field rules (late registration needs continuing education, dates not in the future)
 * live in `checkInitialRegistrationForm`, which both the BFF (422 per field) and the miniapp (inline) call.
 */
import dayjs from 'dayjs';
import { z } from 'zod';
import { PROFESSION_RULES, SPECIALTIES, SPECIALTY_LABELS, type Profession, type Specialty } from './professions.js';
import { checkUscc } from './uscc.js';

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const isoDate = z
  .string({ error: '请选择日期' })
  .regex(DATE_PATTERN, { error: '日期格式应为 YYYY-MM-DD' })
  .refine((v) => dayjs(v, 'YYYY-MM-DD', true).isValid() && dayjs(v).format('YYYY-MM-DD') === v, { error: '日期无效' });

/** Mainland mobile (11 digits) or a landline with area code (seed 000: 企业联系电话). */
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

export const isoDateSchema = isoDate;
export const hoursSchema = z.number({ error: '请填写学时' }).int({ error: '学时应为整数' }).min(0, { error: '学时不能为负数' }).max(1000, { error: '学时过大' });

export const usccSchema = z
  .string({ error: '请填写统一社会信用代码' })
  .transform((v) => v.trim().toUpperCase())
  .refine((v) => checkUscc(v) !== 'format', { error: '统一社会信用代码应为 18 位数字或大写字母' })
  .refine((v) => checkUscc(v) === null, { error: '统一社会信用代码校验位不正确，请核对' });

const hours = z.number({ error: '请填写学时' }).int({ error: '学时应为整数' }).min(0, { error: '学时不能为负数' }).max(1000, { error: '学时过大' });

export function specialtySchema(profession: Profession) {
  const codes = SPECIALTIES[profession] as readonly string[];
  return z.string({ error: '请选择专业' }).refine((v) => codes.includes(v), { error: '不是本职业的注册专业' }) as unknown as z.ZodType<Specialty>;
}

export const initialRegistrationFormSchema = z.strictObject({
  employer: z.strictObject({
    name: z.string({ error: '请填写企业全称' }).trim().min(2, { error: '请填写企业全称' }).max(100, { error: '企业名称过长' }),
    uscc: usccSchema,
    phone: z.string({ error: '请填写企业联系电话' }).trim().regex(PHONE_PATTERN, { error: '请填写正确的手机号或带区号的固定电话' }),
  }),
  specialties: z
    .array(
      z.strictObject({
        specialty: specialtySchema('constructor'),
        issueDate: isoDate,
        dateIsApprovalDate: z.boolean().optional(),
      }),
      { error: '请选择注册专业' },
    )
    .min(1, { error: '请至少选择一个注册专业' })
    .max(SPECIALTIES.constructor.length),
  continuingEducation: z
    .array(z.strictObject({ specialty: specialtySchema('constructor'), compulsoryHours: hours, electiveHours: hours }))
    .default([]),
  declarationAccepted: z.literal(true, { error: '请阅读并勾选申请人员意见' }),
});

export type InitialRegistrationForm = z.infer<typeof initialRegistrationFormSchema>;

/** A form as saved while still being filled: any subset of the fields, unchecked. */
export type ApplicationFormDraft = Partial<z.input<typeof initialRegistrationFormSchema>>;

/**
 * Late registration: registering more than `lateAfterYears` years after the qualification's issue (or
 * approval) date (seed 004: register within three years of qualifying; seed 000: 逾期注册 needs
 * continuing education).
 */
export function isLateRegistration(issueDate: string, today: Date, profession: Profession = 'constructor'): boolean {
  return dayjs(today).isAfter(dayjs(issueDate).add(PROFESSION_RULES[profession].lateAfterYears, 'year'), 'day');
}

export type FieldErrors = Record<string, string>;
export type FormCheck<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '_';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= '不支持的字段';
      continue;
    }
    fields[path] ??= issue.message;
  }
  return fields;
}

/**
 * The late-registration rule on a list of new specialties (initial and additional-specialty registration,
 * seed 000 §3.1.1 and §3.2; 004): each specialty once, issue dates not in the future, and every late
 * specialty (more than `lateAfterYears` after its issue date) with at least the profession's minimum
 * continuing-education hours; hours given for a specialty that is not late are refused. Adds messages to
 * `fields` by path (`specialties.1.issueDate`, `continuingEducation.0.compulsoryHours`).
 */
export function checkLateSpecialties(
  form: { specialties: { specialty: Specialty; issueDate: string }[]; continuingEducation: { specialty: Specialty; compulsoryHours: number; electiveHours: number }[] },
  today: Date,
  profession: Profession,
  fields: FieldErrors,
): void {
  const rules = PROFESSION_RULES[profession];
  const seen = new Set<string>();
  form.specialties.forEach((s, i) => {
    if (seen.has(s.specialty)) fields[`specialties.${i}.specialty`] = '同一专业只能选择一次';
    seen.add(s.specialty);
    if (dayjs(s.issueDate).isAfter(dayjs(today), 'day')) fields[`specialties.${i}.issueDate`] = '签发日期不能晚于今天';
  });
  const lateSpecialties = form.specialties.filter((s) => isLateRegistration(s.issueDate, today, profession));
  const ceBySpecialty = new Map<string, number>();
  form.continuingEducation.forEach((ce, i) => {
    if (ceBySpecialty.has(ce.specialty)) fields[`continuingEducation.${i}.specialty`] = '同一专业只能填写一次';
    ceBySpecialty.set(ce.specialty, i);
    if (!lateSpecialties.some((s) => s.specialty === ce.specialty)) {
      fields[`continuingEducation.${i}.specialty`] = `${SPECIALTY_LABELS[ce.specialty]}不属于逾期注册，无需填写继续教育`;
      return;
    }
    checkHours(ce, rules, fields, `continuingEducation.${i}`);
  });
  lateSpecialties.forEach((s) => {
    if (!ceBySpecialty.has(s.specialty)) {
      const i = form.specialties.indexOf(s);
      fields[`specialties.${i}.issueDate`] ??= `距签发日期已超过 ${rules.lateAfterYears} 年，属于逾期注册，请填写${SPECIALTY_LABELS[s.specialty]}的继续教育学时`;
      fields.continuingEducation ??= '逾期注册的专业须填写继续教育学时';
    }
  });
}

/** Continuing-education hours at least the profession's minimum (seed 000: 60 compulsory + 60 elective). */
export function checkHours(ce: { compulsoryHours: number; electiveHours: number }, rules: { minimumHours: { compulsory: number; elective: number } }, fields: FieldErrors, path: string): void {
  if (ce.compulsoryHours < rules.minimumHours.compulsory) fields[`${path}.compulsoryHours`] = `必修课不少于 ${rules.minimumHours.compulsory} 学时`;
  if (ce.electiveHours < rules.minimumHours.elective) fields[`${path}.electiveHours`] = `选修课不少于 ${rules.minimumHours.elective} 学时`;
}

/**
 * Checks a submitted initial registration form. `today` is the application date (Asia/Shanghai) that
 * decides lateness. Returns the normalised form, or a message per field path, e.g.
 * `{"specialties.1.issueDate": "签发日期不能晚于今天", "continuingEducation": "…"}`.
 */
export function checkInitialRegistrationForm(input: unknown, today: Date): FormCheck<InitialRegistrationForm> {
  const parsed = initialRegistrationFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fields: zodFieldErrors(parsed.error) };
  const form = parsed.data;
  const fields: FieldErrors = {};
  checkLateSpecialties(form, today, 'constructor', fields);
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, value: form };
}
