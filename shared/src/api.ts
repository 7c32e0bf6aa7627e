/**
 * The API's request schemas and response shapes, shared by the BFF (which validates and presents) and the
 * miniapp (which calls). Routes and their docs: bff/src/routes; the OpenAPI document: GET /api/openapi.json.
 */
import { z } from 'zod';
import { REVIEW_REASON_CODES, REVIEW_REASONS } from './review-reasons.js';
import { MOBILE_PATTERN, type InitialRegistrationForm } from './forms.js';
import { checkIdNumber } from './id-number.js';
import type * as V from './views.js';
import { PROFESSIONS, REGISTRATION_TYPES } from './professions.js';
import { REVIEW_STAGES } from './workflow.js';

export const phoneSchema = z.string({ error: '请填写手机号' }).trim().regex(MOBILE_PATTERN, { error: '请填写正确的 11 位手机号' });
export const otpSchema = z.string({ error: '请填写验证码' }).trim().regex(/^\d{6}$/, { error: '验证码为 6 位数字' });

export const smsCodeRequest = z.strictObject({ phone: phoneSchema });
export const sessionRequest = z.strictObject({ phone: phoneSchema, code: otpSchema });
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(10).max(200) });
export const wechatLoginRequest = z.strictObject({ code: z.string().min(1).max(200) });

export const identityRequest = z.strictObject({
  name: z
    .string({ error: '请填写姓名' })
    .trim()
    // NFKC first: a compatibility ideograph (豈 U+F900) or Kangxi radical (⼀ U+2F00) becomes the unified
    // ideograph the ID card holds, full-width forms their plain ones; people type the middle dot of
    // minority names as · • or ・
    .transform((v) => v.normalize('NFKC').replace(/[•・]/g, '·'))
    // only unified ideographs (not radicals such as ⺀ U+2E80, nor 〇 々 〆) and the middle dot
    .refine((v) => /^\p{Unified_Ideograph}+(·\p{Unified_Ideograph}+)*$/u.test(v) && [...v].length >= 2 && [...v].length <= 20, { error: '请填写身份证上的中文姓名' }),
  idNumber: z
    .string({ error: '请填写身份证号码' })
    .trim()
    .transform((v) => v.toUpperCase())
    .superRefine((v, ctx) => {
      const problem = checkIdNumber(v);
      if (problem === 'format') ctx.addIssue({ code: 'custom', message: '身份证号码格式不正确：应为 18 位，最后一位可为 X' });
      else if (problem === 'birth_date') ctx.addIssue({ code: 'custom', message: '身份证号码中的出生日期无效' });
      else if (problem === 'check_digit') ctx.addIssue({ code: 'custom', message: '身份证号码校验位不正确，请核对' });
    }),
});

export const createApplicationRequest = z.strictObject({
  profession: z.enum(PROFESSIONS, { error: '请选择职业资格' }),
  type: z.enum(REGISTRATION_TYPES, { error: '请选择注册类型' }),
});

/** Saving a form: the version the client last read (optimistic concurrency) and the whole form. */
export const saveApplicationRequest = z.strictObject({
  version: z.number().int().min(0),
  form: z.unknown(),
});

export const signRequest = z.strictObject({ code: otpSchema });
export const employerSignRequest = z.strictObject({
  code: otpSchema,
  opinionAccepted: z.literal(true, { error: '请阅读并勾选聘用企业意见' }),
});
export const returnRequest = z.strictObject({
  reason: z.string({ error: '请填写退回原因' }).trim().min(2, { error: '请填写退回原因' }).max(500, { error: '退回原因不超过 500 字' }),
});
export const reviewDecisionRequest = z
  .strictObject({
    stage: z.enum(REVIEW_STAGES),
    outcome: z.enum(['pass', 'fail']),
    reason: z.string().trim().max(500).optional(),
    /** Why, from the list (shared REVIEW_REASONS); with fail, default 'other' (then `reason` is the whole text). */
    reasonCode: z.enum(REVIEW_REASON_CODES).optional(),
    /** With fail and a correctable reason: return the application for correction (退回补正) instead of ending it. */
    correction: z.boolean().optional(),
  })
  .refine((d) => d.outcome === 'pass' || (d.reason && d.reason.length >= 2) || (d.reasonCode && d.reasonCode !== 'other'), { error: '不通过时请选择或填写原因', path: ['reason'] })
  .refine((d) => !d.correction || (d.outcome === 'fail' && REVIEW_REASONS[d.reasonCode ?? 'other'].correctable), { error: '该原因不能退回补正，请选择可补正的原因', path: ['correction'] });

export const privacyConsentRequest = z.strictObject({ version: z.string().min(1).max(20) });

/**
 * The version of the face-data processing rules (人脸信息处理规则) the miniapp shows before the camera check.
 * Change it when the rules change: a consent to an earlier version no longer counts, and the applicant is asked again.
 */
export const FACE_CONSENT_VERSION = 'face-2026-11';
export const faceConsentRequest = z.strictObject({ version: z.string().min(1).max(40) });

// ---- responses: the view types, each the z.infer of its schema in ./views.ts (one definition per shape) ----

export type SessionResponse = z.infer<typeof V.sessionResponseSchema>;
export type IdentityView = z.infer<typeof V.identityViewSchema>;
/** The applicant's latest consent to the face-data processing rules. */
export type FaceConsentView = z.infer<typeof V.faceConsentViewSchema>;
export type MeResponse = z.infer<typeof V.meResponseSchema>;
export type EnterpriseView = z.infer<typeof V.enterpriseViewSchema>;
export type SignatureView = z.infer<typeof V.signatureViewSchema>;
export type HistoryEntryView = z.infer<typeof V.historyEntryViewSchema>;
export type ApplicationView = z.infer<typeof V.applicationViewSchema>;
export type ApplicationListItem = z.infer<typeof V.applicationListItemSchema>;
export type SigningResult = z.infer<typeof V.signingResultSchema>;
export type OtpSentResponse = z.infer<typeof V.otpSentResponseSchema>;
/** valid; expired (every specialty past its date); superseded (已换发新证书: a newer version exists); void (the registration was cancelled); revoked (by the authority). */
export type CertificateStatus = z.infer<typeof V.certificateStatusSchema>;
export type CertificateView = z.infer<typeof V.certificateViewSchema>;
export type VerifyResponse = z.infer<typeof V.verifyResponseSchema>;

export type { InitialRegistrationForm };

/** A registration in the register, for its holder (GET /api/registrations). */
export type RegistrationView = z.infer<typeof V.registrationViewSchema>;

/** Whether a matter can be started now, and why not (GET /api/matters). */
export type MatterAvailabilityView = z.infer<typeof V.matterAvailabilityViewSchema>;

/** POST /api/enterprise/renames body: the enterprise's new registered name (企业名称变更, seed 000 §6). */
export interface EmployerRenameRequest {
  newName: string;
}

/** One employer name change batch (000 figure 61); see views.ts. */
export type EmployerRenameBatchView = z.infer<typeof V.employerRenameBatchViewSchema>;
