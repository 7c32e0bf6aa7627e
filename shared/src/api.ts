/**
 * The API's request schemas and response shapes, shared by the BFF (which validates and presents) and the
 * miniapp (which calls). Routes and their docs: bff/src/routes; the OpenAPI document: GET /api/openapi.json.
 */
import { z } from 'zod';
import { REVIEW_REASON_CODES, REVIEW_REASONS } from './review-reasons.js';
import { MOBILE_PATTERN, type InitialRegistrationForm } from './forms.js';
import type { FormSection, MatterForm, RegisterState, RegistrationStatus } from './matters.js';
import { checkIdNumber } from './id-number.js';
import type { DocumentRequirement } from './documents.js';
import { PROFESSIONS, REGISTRATION_TYPES, type Profession, type RegistrationType, type Specialty } from './professions.js';
import { REVIEW_STAGES, type ApplicationEvent, type ApplicationStatus, type FiledBy, type ReviewStage, type Role } from './workflow.js';

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

// ---- responses ----

export interface SessionResponse {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
  user: { id: string; roles: Role[] };
}

export interface IdentityView {
  name: string;
  idNumberMasked: string;
  gender: 'male' | 'female';
  birthDate: string;
  /** Set once liveness and face matching passed, or a reviewer verified the person in person. */
  verifiedAt: string | null;
  verificationMethod: 'liveness' | 'in_person' | null;
}

/** The applicant's latest consent to the face-data processing rules. */
export interface FaceConsentView {
  version: string;
  at: string;
  /** The consent is to FACE_CONSENT_VERSION: the camera check starts without asking again. */
  current: boolean;
}

export interface MeResponse {
  id: string;
  phoneMasked: string;
  roles: Role[];
  identity: IdentityView | null;
  enterprise: { id: string; name: string; uscc: string } | null;
  privacyConsent: { version: string; at: string } | null;
  /** null until the applicant consents (only applicants are asked). */
  faceConsent: FaceConsentView | null;
  wechatBound: boolean;
}

export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string;
}

export interface SignatureView {
  /** releasing_employer: the old employer's release of a temporary constructor (003 §3.2.3.9). */
  signer: 'applicant' | 'employer' | 'releasing_employer';
  signerName: string;
  signedAt: string;
}

export interface HistoryEntryView {
  event: ApplicationEvent;
  label: string;
  at: string;
  actorRole: Role | 'system';
  stage?: ReviewStage;
  note?: string;
  /** The reason from the list (shared REVIEW_REASONS) of a refusal, failed review, return or upheld objection (issue 11). */
  reasonCode?: import('./review-reasons.js').ReviewReasonCode;
}

export interface ApplicationView {
  id: string;
  profession: Profession;
  type: RegistrationType;
  status: ApplicationStatus;
  statusLabel: string;
  acceptanceNo: string | null;
  version: number;
  form: MatterForm | null;
  /** The 申请事项 of the form, as the PDF prints them (shared MATTERS[type].describe). */
  sections: FormSection[];
  /** The registration the matter acts on, as it is now (现注册证书状态); null for an initial registration. */
  registration: { registrationNo: string; status: RegistrationStatus; employerName: string; specialties: { specialty: Specialty; validUntil: string; status: 'registered' | 'cancelled' }[]; validUntil?: string | null } | null;
  /** Files uploaded with the application (shared DOCUMENT_KINDS: photo, signature, evidence, qualification_scan, ce_proof, …). */
  documents: { kind: string; contentType: string; uploadedAt: string }[];
  /**
   * Every document the matter needs or may carry for this profession and form, with its state (issue 9;
   * shared documentRequirements): required ones must be uploaded before signing (documents_required).
   */
  requiredDocuments: DocumentRequirement[];
  /** Personal data from the real-name record (seed 000 §3.1.1 step 4: not typed again). ID masked unless the caller is the holder. */
  applicant: { name: string; gender: 'male' | 'female'; birthDate: string; idNumber: string; phone: string };
  employer: EnterpriseView | null;
  signatures: SignatureView[];
  returnReason: string | null;
  /** The latest acceptance notice (行政审批受理通知书, issue 11): download it at …/acceptance-notice.pdf; null before acceptance. */
  acceptanceNotice?: { acceptedOn: string } | null;
  /** The public notice (公示, issue 11) of an approved application the province announces: its period and state. */
  publicNotice?: { startsOn: string; endsOn: string; workingDays: number; status: 'open' | 'issued' | 'refused' } | null;
  /** Who started it: the person, or their employer (企业申报, seed 003 §3.2.3; then the person confirms it). */
  filedBy: FiledBy;
  /** Why the other side refused it (status refused, 003 §3.2.3.7). */
  refusalReason: string | null;
  /** A temporary constructor's transfer: the old employer (转出企业) that releases the person (003 §3.2.3.9); null otherwise. */
  releasingEmployer?: EnterpriseView | null;
  /** Late specialties that need continuing education, computed against the application date. */
  lateSpecialties: Specialty[];
  history: HistoryEntryView[];
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationListItem {
  id: string;
  profession: Profession;
  type: RegistrationType;
  status: ApplicationStatus;
  statusLabel: string;
  acceptanceNo: string | null;
  applicantName: string;
  idNumberMasked: string;
  employerName: string | null;
  applicantSignedAt: string | null;
  /** Who started it (企业申报: the person confirms it); always set by the BFF's lists. */
  filedBy?: FiledBy;
  updatedAt: string;
  createdAt: string;
}

export interface SigningResult {
  acceptanceNo: string;
  signedAt: string;
  fileName: string;
  status: ApplicationStatus;
}

export interface OtpSentResponse {
  /** Masked destination, e.g. 135****5663. */
  phoneMasked: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
  /** Seconds before another code may be requested. */
  resendIn: number;
}

/** valid; expired (every specialty past its date); superseded (已换发新证书: a newer version exists); void (the registration was cancelled); revoked (by the authority). */
export type CertificateStatus = 'valid' | 'expired' | 'superseded' | 'void' | 'revoked';

export interface CertificateView {
  id: string;
  registrationNo: string;
  profession: Profession;
  holderName: string;
  gender: 'male' | 'female';
  employerName: string;
  specialties: { specialty: Specialty; label: string; validUntil: string }[];
  issueDate: string;
  authorityName: string;
  status: CertificateStatus;
  /** 1, 2, … per registration; only the newest active version can be claimed. */
  version: number;
  /** The matter whose completion issued this version. */
  matter: string;
  claimedAt: string | null;
  /** The QR code's text: PUBLIC_BASE_URL/v/<token>. */
  verifyUrl: string;
}

export interface VerifyResponse {
  /** superseded and void carry no certificate details (nothing personal about a replaced version). */
  status: CertificateStatus | 'invalid';
  certificate: {
    registrationNo: string;
    holderName: string;
    profession: Profession;
    employerName: string;
    specialties: { specialty: Specialty; validUntil: string }[];
    issueDate: string;
  } | null;
  /** Claims tokens only (issue 12): the copy's period of use (使用有效期) and whether today is inside it. */
  copy?: { validFrom: string; validUntil: string; inUse: boolean; version: number } | null;
  /** Claims tokens only: the key that signed it and the signature check (unknown_key, retired_key, invalid …). */
  signature?: { kid: string | null; outcome: import('./certificate-claims.js').OfflineOutcome } | null;
}

export type { InitialRegistrationForm };

/** A registration in the register, for its holder (GET /api/registrations). */
export interface RegistrationView extends RegisterState {
  id: string;
  /**
   * The registration's valid-until date when the profession registers as a whole (architects, 002: their
   * `specialties` is then empty); for the others the earliest valid-until date of a registered specialty.
   */
  validUntil?: string | null;
  /** Every change, oldest first: the matter, when, and the register before and after. */
  history: { matter: string; applicationId: string | null; batchId: string | null; at: string; before: RegisterState | null; after: RegisterState }[];
}

/** Whether a matter can be started now, and why not (GET /api/matters). */
export interface MatterAvailabilityView {
  profession: Profession;
  type: RegistrationType;
  label: string;
  available: boolean;
  code?: string;
  reason?: string;
}

/** POST /api/enterprise/renames body: the enterprise's new registered name (企业名称变更, seed 000 §6). */
export interface EmployerRenameRequest {
  newName: string;
}

/**
 * One employer name change batch (000 figure 61: 姓名 (how many people), 受理编号, 原注册单位名称,
 * 变更后注册单位名称, 变更时间, 状态). `registrations`: registrations renamed so far (all of them once
 * completed); `notified`: holders sent an SMS to claim the reissued certificate.
 */
export interface EmployerRenameBatchView {
  id: string;
  acceptanceNo: string;
  oldName: string;
  newName: string;
  status: 'running' | 'completed';
  /** 进行中 | 已完成 */
  statusLabel: string;
  registrations: number;
  certificates: number;
  notified: number;
  /** 变更时间: when the rename was requested (ISO 8601). */
  requestedAt: string;
  completedAt: string | null;
}
