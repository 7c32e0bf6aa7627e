/**
 * The API's response bodies as zod schemas: one definition per shape, shared by the BFF (its routes name
 * them in RouteSpec.responses, the OpenAPI document is generated from them, and with RESPONSE_VALIDATION=on
 * every JSON 2xx body is checked against them) and the miniapp (the view types — ApplicationView,
 * CertificateView, … — are `z.infer` of these). A schema named with `.meta({id})` is a component of the
 * document (components/schemas/<id>); objects are strict, so a field a presenter adds without its schema
 * fails the contract check instead of leaking unnoticed.
 *
 * Dates are ISO 8601: instants (`2026-12-01T08:00:00.000Z`) or calendar days (`YYYY-MM-DD`, Asia/Shanghai).
 */
import { z } from 'zod';
import { DOCUMENT_KINDS } from './documents.js';
import { ENTERPRISE_MEMBER_ROLES, REQUIRED_PROFILE_FIELDS, enterpriseProfileSchema } from './enterprise.js';
import type { MatterForm } from './matters.js';
import { PROFESSIONS, REGISTRATION_TYPES, SPECIALTIES, WHOLE_REGISTRATION } from './professions.js';
import { PROVINCES, workingDayCalendarSchema, provinceSettingsSchema } from './province-settings.js';
import { REMINDER_KINDS, TODO_KINDS } from './reminders.js';
import { REVIEW_REASON_CODES } from './review-reasons.js';
import { APPLICATION_EVENTS, APPLICATION_STATUSES, FILED_BY, REVIEW_STAGES } from './workflow.js';

// ---- building blocks ----

/** An instant, as Date.toISOString writes it. */
export const instant = z.iso.datetime({ offset: true });
/** A calendar day YYYY-MM-DD. */
export const day = z.iso.date();
const uuid = z.uuid();
export const roleSchema = z.enum(['applicant', 'enterprise_operator', 'reviewer']);
export const professionSchema = z.enum(PROFESSIONS);
export const registrationTypeSchema = z.enum(REGISTRATION_TYPES);
export const applicationStatusSchema = z.enum(APPLICATION_STATUSES);
export const reviewStageSchema = z.enum(REVIEW_STAGES);
export const specialtyCodeSchema = z.enum([...SPECIALTIES.constructor, ...SPECIALTIES.cost_engineer, WHOLE_REGISTRATION]);
/** An application document's kind (shared DOCUMENT_KINDS). */
export const documentKindSchema = z.enum(DOCUMENT_KINDS);
const registrationStatus = z.enum(['registered', 'cancelled']);
const gender = z.enum(['male', 'female']);
/** valid; expired (every specialty past its date); superseded (已换发新证书: a newer version exists); void (the registration was cancelled); revoked (by the authority). */
export const certificateStatusSchema = z.enum(['valid', 'expired', 'superseded', 'void', 'revoked']);
export const OFFLINE_OUTCOMES = ['valid', 'copy_expired', 'registration_expired', 'retired_key', 'unknown_key', 'invalid', 'malformed'] as const;

// ---- sessions and the person ----

export const sessionResponseSchema = z
  .strictObject({
    accessToken: z.string(),
    refreshToken: z.string(),
    /** Access token lifetime in seconds. */
    expiresIn: z.number().int(),
    user: z.strictObject({ id: uuid, roles: z.array(roleSchema) }),
  })
  .meta({ id: 'SessionResponse' });

export const otpSentResponseSchema = z
  .strictObject({
    /** Masked destination, e.g. 135****5663. */
    phoneMasked: z.string(),
    /** Seconds the code stays valid. */
    expiresIn: z.number().int(),
    /** Seconds before another code may be requested. */
    resendIn: z.number().int(),
  })
  .meta({ id: 'OtpSentResponse' });

export const identityViewSchema = z
  .strictObject({
    name: z.string(),
    idNumberMasked: z.string(),
    gender,
    birthDate: day,
    /** Set once liveness and face matching passed, or a reviewer verified the person in person. */
    verifiedAt: instant.nullable(),
    verificationMethod: z.enum(['liveness', 'in_person']).nullable(),
  })
  .meta({ id: 'IdentityView' });

/** The applicant's latest consent to the face-data processing rules. */
export const faceConsentViewSchema = z
  .strictObject({
    version: z.string(),
    at: instant,
    /** The consent is to FACE_CONSENT_VERSION: the camera check starts without asking again. */
    current: z.boolean(),
  })
  .meta({ id: 'FaceConsentView' });

export const enterpriseViewSchema = z.strictObject({ id: uuid, name: z.string(), uscc: z.string() }).meta({ id: 'EnterpriseView' });

export const consentViewSchema = z.strictObject({ version: z.string(), at: instant }).meta({ id: 'ConsentView' });

export const meResponseSchema = z
  .strictObject({
    id: uuid,
    phoneMasked: z.string(),
    roles: z.array(roleSchema),
    identity: identityViewSchema.nullable(),
    enterprise: enterpriseViewSchema.nullable(),
    privacyConsent: consentViewSchema.nullable(),
    /** null until the applicant consents (only applicants are asked). */
    faceConsent: faceConsentViewSchema.nullable(),
    wechatBound: z.boolean(),
  })
  .meta({ id: 'MeResponse' });

// ---- applications ----

export const signatureViewSchema = z.strictObject({ signer: z.enum(['applicant', 'employer', 'releasing_employer']), signerName: z.string(), signedAt: instant }).meta({ id: 'SignatureView' });

export const historyEntryViewSchema = z
  .strictObject({
    event: z.enum(APPLICATION_EVENTS),
    label: z.string(),
    at: instant,
    actorRole: z.enum([...roleSchema.options, 'system']),
    stage: reviewStageSchema.optional(),
    note: z.string().optional(),
    /** The reason from the list (shared REVIEW_REASONS) of a refusal, failed review, return or upheld objection (issue 11). */
    reasonCode: z.enum(REVIEW_REASON_CODES).optional(),
  })
  .meta({ id: 'HistoryEntryView' });

/** A section of the form's 申请事项 (PDF table and read-only summary): column titles and rows of text. */
export const formSectionSchema = z
  .strictObject({
    title: z.string(),
    columns: z.array(z.string()),
    /** Column widths as fractions of the table (sum 1). */
    widths: z.array(z.number()),
    rows: z.array(z.array(z.string())),
    /** Shown as one row when `rows` is empty. */
    empty: z.string().optional(),
  })
  .meta({ id: 'FormSection' });

/** One document an application needs or may carry, with its state (ApplicationView.requiredDocuments). */
export const documentRequirementSchema = z
  .strictObject({
    kind: documentKindSchema,
    label: z.string(),
    /** Must be uploaded before the applicant signs (files the application). */
    required: z.boolean(),
    state: z.enum(['missing', 'uploaded']),
    types: z.array(z.enum(['image/jpeg', 'image/png', 'application/pdf'])).readonly(),
    maxBytes: z.number().int(),
    hint: z.string(),
  })
  .meta({ id: 'DocumentRequirement' });

/**
 * The saved form of the matter, as its own form schema (shared/src/forms.ts, matters.ts) parsed it; its
 * shape depends on the profession and the matter, so the document says only that it is an object.
 */
export const savedFormSchema = z.record(z.string(), z.unknown()).meta({ description: 'The matter’s form as saved (its shape: the form schema of the profession and matter, shared/src/forms.ts and matters.ts)' }) as unknown as z.ZodType<MatterForm>;

export const uploadedDocumentViewSchema = z.strictObject({ kind: documentKindSchema, contentType: z.string(), uploadedAt: instant }).meta({ id: 'UploadedDocumentView' });

export const applicationViewSchema = z
  .strictObject({
    id: uuid,
    profession: professionSchema,
    type: registrationTypeSchema,
    status: applicationStatusSchema,
    statusLabel: z.string(),
    acceptanceNo: z.string().nullable(),
    version: z.number().int(),
    form: savedFormSchema.nullable(),
    /** The 申请事项 of the form, as the PDF prints them (shared MATTERS[type].describe). */
    sections: z.array(formSectionSchema),
    /** The registration the matter acts on, as it is now (现注册证书状态); null for an initial registration. */
    registration: z
      .strictObject({
        registrationNo: z.string(),
        status: registrationStatus,
        employerName: z.string(),
        specialties: z.array(z.strictObject({ specialty: specialtyCodeSchema, validUntil: day, status: registrationStatus })),
        validUntil: day.nullable().optional(),
      })
      .nullable(),
    /** Files uploaded with the application (shared DOCUMENT_KINDS: photo, signature, evidence, qualification_scan, ce_proof, …). */
    documents: z.array(uploadedDocumentViewSchema),
    /** Every document the matter needs or may carry for this profession and form, with its state (issue 9; shared documentRequirements): required ones must be uploaded before signing (documents_required). */
    requiredDocuments: z.array(documentRequirementSchema),
    /** Personal data from the real-name record (seed 000 §3.1.1 step 4: not typed again). ID masked unless the caller is the holder. */
    applicant: z.strictObject({ name: z.string(), gender, birthDate: day, idNumber: z.string(), phone: z.string() }),
    employer: enterpriseViewSchema.nullable(),
    signatures: z.array(signatureViewSchema),
    returnReason: z.string().nullable(),
    /** The latest acceptance notice (行政审批受理通知书, issue 11): download it at …/acceptance-notice.pdf; null before acceptance. */
    acceptanceNotice: z.strictObject({ acceptedOn: day }).nullable().optional(),
    /** The public notice (公示, issue 11) of an approved application the province announces: its period and state. */
    publicNotice: z.strictObject({ startsOn: day, endsOn: day, workingDays: z.number().int(), status: z.enum(['open', 'issued', 'refused']) }).nullable().optional(),
    /** Who started it: the person, or their employer (企业申报, seed 003 §3.2.3; then the person confirms it). */
    filedBy: z.enum(FILED_BY),
    /** Why the other side refused it (status refused, 003 §3.2.3.7). */
    refusalReason: z.string().nullable(),
    /** Status refused: which signer refused it (the employer, the person, or the old employer that would not release a temporary constructor: 不同意转出, 003 §3.2.3.9), why and when; signer lists show it in that signer's row instead of 待签署. Null otherwise. */
    refusal: z.strictObject({ signer: z.enum(['applicant', 'employer', 'releasing_employer']), signerName: z.string(), reason: z.string(), at: instant }).nullable().optional(),
    /** A temporary constructor's transfer: the old employer (转出企业) that releases the person (003 §3.2.3.9); null otherwise. */
    releasingEmployer: enterpriseViewSchema.nullable().optional(),
    /** Late specialties that need continuing education, computed against the application date. */
    lateSpecialties: z.array(specialtyCodeSchema),
    history: z.array(historyEntryViewSchema),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ApplicationView' });

export const applicationListItemShape = {
  id: uuid,
  profession: professionSchema,
  type: registrationTypeSchema,
  status: applicationStatusSchema,
  statusLabel: z.string(),
  acceptanceNo: z.string().nullable(),
  applicantName: z.string(),
  idNumberMasked: z.string(),
  employerName: z.string().nullable(),
  applicantSignedAt: instant.nullable(),
  /** Who started it (企业申报: the person confirms it); always set by the BFF's lists. */
  filedBy: z.enum(FILED_BY).optional(),
  updatedAt: instant,
  createdAt: instant,
};
export const applicationListItemSchema = z.strictObject(applicationListItemShape).meta({ id: 'ApplicationListItem' });

export const signingResultSchema = z.strictObject({ acceptanceNo: z.string(), signedAt: instant, fileName: z.string(), status: applicationStatusSchema }).meta({ id: 'SigningResult' });

// ---- certificates ----

export const certificateViewSchema = z
  .strictObject({
    id: uuid,
    registrationNo: z.string(),
    profession: professionSchema,
    holderName: z.string(),
    gender,
    employerName: z.string(),
    specialties: z.array(z.strictObject({ specialty: specialtyCodeSchema, label: z.string(), validUntil: day })),
    issueDate: day,
    authorityName: z.string(),
    status: certificateStatusSchema,
    /** 1, 2, … per registration; only the newest active version can be claimed. */
    version: z.number().int(),
    /** The matter whose completion issued this version. */
    matter: z.string(),
    claimedAt: instant.nullable(),
    /** The QR code's text: PUBLIC_BASE_URL/v/<token>. */
    verifyUrl: z.string(),
  })
  .meta({ id: 'CertificateView' });

/** What a verification shows of a certificate: nothing beyond what the certificate itself prints. */
export const verifiedCertificateSchema = z
  .strictObject({
    registrationNo: z.string(),
    holderName: z.string(),
    profession: professionSchema,
    employerName: z.string(),
    specialties: z.array(z.strictObject({ specialty: specialtyCodeSchema, validUntil: day })),
    issueDate: day,
    /** 注册类型 when it is not the regular one: 二级注册临时建造师 for a temporary constructor (003 §3.2.4.2, 0018); null otherwise. Show it instead of the profession's name. */
    registrationType: z.string().nullable(),
  })
  .meta({ id: 'VerifiedCertificate' });

export const verifyResponseSchema = z
  .strictObject({
    /** superseded and void carry no certificate details (nothing personal about a replaced version). */
    status: z.enum([...certificateStatusSchema.options, 'invalid']),
    certificate: verifiedCertificateSchema.nullable(),
    /** Claims tokens only (issue 12): the copy's period of use (使用有效期) and whether today is inside it. */
    copy: z.strictObject({ validFrom: day, validUntil: day, inUse: z.boolean(), version: z.number().int() }).nullable().optional(),
    /** Claims tokens only: the key that signed it and the signature check (unknown_key, retired_key, invalid …). */
    signature: z.strictObject({ kid: z.string().nullable(), outcome: z.enum(OFFLINE_OUTCOMES) }).nullable().optional(),
  })
  .meta({ id: 'VerifyResponse' });

export const trustListResponseSchema = z
  .strictObject({
    /** Compact JWS (ES256) by the trust anchor of the TrustList {format, issuer, issuedAt, keys}. */
    jws: z.string(),
    issuedAt: instant,
    anchor: z.strictObject({ kid: z.string(), publicKey: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }) }),
  })
  .meta({ id: 'TrustListResponse' });

const shareLinkStatus = z.enum(['active', 'expired', 'revoked']);
/** A link as its holder sees it. */
export const shareLinkViewSchema = z
  .strictObject({
    id: uuid,
    url: z.string(),
    status: shareLinkStatus,
    createdAt: instant,
    expiresAt: instant,
    revokedAt: instant.nullable(),
    opens: z.number().int(),
    lastOpenedAt: instant.nullable(),
  })
  .meta({ id: 'ShareLinkView' });
export type ShareLinkView = z.infer<typeof shareLinkViewSchema>;

/** What whoever opens a link sees. `certificate` is null for an unknown, expired or revoked link, and for a void registration. */
export const sharedCertificateViewSchema = z
  .strictObject({
    link: z.strictObject({ status: z.enum([...shareLinkStatus.options, 'unknown']), expiresAt: instant.nullable() }),
    status: certificateStatusSchema.nullable(),
    certificate: verifiedCertificateSchema.nullable(),
  })
  .meta({ id: 'SharedCertificateView' });
export type SharedCertificateView = z.infer<typeof sharedCertificateViewSchema>;

// ---- the register ----

export const registeredSpecialtySchema = z
  .strictObject({
    specialty: specialtyCodeSchema,
    /** The date the specialty was (last) registered. */
    registeredOn: day,
    validUntil: day,
    status: registrationStatus,
  })
  .meta({ id: 'RegisteredSpecialty' });

/** One person's registration in one profession, as the register holds it. */
export const registerStateSchema = z
  .strictObject({
    profession: professionSchema,
    registrationNo: z.string(),
    status: registrationStatus,
    holderName: z.string(),
    employer: enterpriseViewSchema.nullable(),
    specialties: z.array(registeredSpecialtySchema),
    /** The last completed change of employer (004's one-year rule). */
    lastEmployerChangeOn: day.nullable(),
    /** False for a registration loaded from the paper register until the holder exchanges it (000 §5). */
    hasElectronicCertificate: z.boolean(),
    /** A temporary constructor's registration (注册类型 二级注册临时建造师, 003 §3.2.3.10-11; migration 0017): only the temporary constructor's matters. Absent = regular. */
    temporary: z.boolean().optional(),
  })
  .meta({ id: 'RegisterState' });

/** The register as a holder sees it (shared registerView): a registration held as a whole lists no specialties and shows its validUntil. */
export const registerViewSchema = registerStateSchema.extend({ validUntil: day.nullable() }).meta({ id: 'RegisterView' });

/** A registration in the register, for its holder (GET /api/registrations). */
export const registrationViewSchema = registerStateSchema
  .extend({
    id: uuid,
    /** The registration's valid-until date when the profession registers as a whole (architects, 002: their `specialties` is then empty); for the others the earliest valid-until date of a registered specialty. */
    validUntil: day.nullable().optional(),
    /** Every change, oldest first: the matter, when, and the register before and after. */
    history: z.array(z.strictObject({ matter: z.string(), applicationId: uuid.nullable(), batchId: uuid.nullable(), at: instant, before: registerViewSchema.nullable(), after: registerViewSchema })),
  })
  .meta({ id: 'RegistrationView' });

/** Whether a matter can be started now, and why not (GET /api/matters). */
export const matterAvailabilityViewSchema = z
  .strictObject({ profession: professionSchema, type: registrationTypeSchema, label: z.string(), available: z.boolean(), code: z.string().optional(), reason: z.string().optional() })
  .meta({ id: 'MatterAvailabilityView' });

export const professionCatalogueSchema = z
  .strictObject({
    offered: z.array(
      z.strictObject({
        profession: professionSchema,
        label: z.string(),
        specialties: z.array(z.strictObject({ code: specialtyCodeSchema, label: z.string() })),
        /** shared PROFESSION_RULES[profession] */
        rules: z.record(z.string(), z.unknown()),
        matters: z.array(z.strictObject({ type: registrationTypeSchema, label: z.string(), offered: z.boolean(), reason: z.string().optional() })),
      }),
    ),
    notOffered: z.array(z.strictObject({ code: z.string(), label: z.string(), reason: z.string() })),
  })
  .meta({ id: 'ProfessionCatalogue' });

/**
 * One employer name change batch (000 figure 61: 姓名 (how many people), 受理编号, 原注册单位名称,
 * 变更后注册单位名称, 变更时间, 状态). `registrations`: registrations renamed so far (all of them once
 * completed); `notified`: holders sent an SMS to claim the reissued certificate.
 */
export const employerRenameBatchViewSchema = z
  .strictObject({
    id: uuid,
    acceptanceNo: z.string(),
    oldName: z.string(),
    newName: z.string(),
    status: z.enum(['running', 'completed']),
    /** 进行中 | 已完成 */
    statusLabel: z.string(),
    registrations: z.number().int(),
    certificates: z.number().int(),
    notified: z.number().int(),
    /** 变更时间: when the rename was requested (ISO 8601). */
    requestedAt: instant,
    completedAt: instant.nullable(),
  })
  .meta({ id: 'EmployerRenameBatchView' });

// ---- the enterprise ----

/** GET /api/enterprise/memberships: one enterprise the caller acts for. */
export const enterpriseMembershipViewSchema = z
  .strictObject({
    enterpriseId: uuid,
    name: z.string(),
    uscc: z.string(),
    role: z.enum(ENTERPRISE_MEMBER_ROLES),
    /** When the person became a member (ISO 8601). */
    since: instant,
    /** Basic information complete: the enterprise may file and counter-sign. */
    profileComplete: z.boolean(),
  })
  .meta({ id: 'EnterpriseMembershipView' });

export const enterpriseBindingResultSchema = z
  .strictObject({
    membership: enterpriseMembershipViewSchema,
    /** 'created': a new enterprise row; 'claimed': an existing row (seed, import, a former legal representative) is now theirs; 'already': it was theirs. */
    outcome: z.enum(['created', 'claimed', 'already']),
    /** Roles in the caller's token are stale (enterprise_operator was added): refresh the session. */
    sessionRefreshRequired: z.boolean(),
  })
  .meta({ id: 'EnterpriseBindingResult' });
export type EnterpriseBindingResult = z.infer<typeof enterpriseBindingResultSchema>;

/** GET /api/enterprise/operators */
export const enterpriseMemberViewSchema = z
  .strictObject({
    userId: uuid,
    role: z.enum(ENTERPRISE_MEMBER_ROLES),
    phoneMasked: z.string(),
    /** Real name when the person has a real-name record; null otherwise. */
    name: z.string().nullable(),
    invitedAt: instant,
  })
  .meta({ id: 'EnterpriseMemberView' });

const requiredProfileField = z.enum(Object.keys(REQUIRED_PROFILE_FIELDS) as [keyof typeof REQUIRED_PROFILE_FIELDS, ...(keyof typeof REQUIRED_PROFILE_FIELDS)[]]);
/** GET/PUT /api/enterprise/profile */
export const enterpriseProfileViewSchema = z
  .strictObject({
    enterpriseId: uuid,
    name: z.string(),
    uscc: z.string(),
    legalRepresentativeName: z.string().nullable(),
    profile: enterpriseProfileSchema,
    /** Required fields still empty ({field, message}); empty = the enterprise may file. */
    missing: z.array(z.strictObject({ field: requiredProfileField, message: z.string() })),
    updatedAt: instant.nullable(),
  })
  .meta({ id: 'EnterpriseProfileView' });

/** POST /api/enterprise/people/search: the person found, their registration, and what the enterprise may file for them. */
export const personLookupViewSchema = z
  .strictObject({
    name: z.string(),
    idNumberMasked: z.string(),
    verified: z.literal(true),
    registration: z
      .strictObject({
        registrationNo: z.string(),
        status: registrationStatus,
        employerName: z.string(),
        /** Whether the registration's employer is the acting enterprise (only then may it file matters on it). */
        atThisEnterprise: z.boolean(),
        specialties: z.array(z.strictObject({ specialty: specialtyCodeSchema, validUntil: day, status: registrationStatus })),
        /** 注册类型 二级注册临时建造师 (003 §3.2.3.8-11): only the temporary constructor's matters are open. */
        temporary: z.boolean(),
      })
      .nullable(),
    /** Each matter the enterprise may file, open or not with the reason. */
    matters: z.array(z.strictObject({ type: registrationTypeSchema, available: z.boolean(), code: z.string().optional(), reason: z.string().optional() })),
    /** An application of theirs in this profession not finished yet (blocks a new one). */
    inProgress: z.strictObject({ id: uuid.nullable(), type: registrationTypeSchema, status: applicationStatusSchema }).nullable(),
    profession: professionSchema,
  })
  .meta({ id: 'PersonLookupView' });

/** POST /api/enterprise/batch-signatures/sms-code. */
export const batchCodeSentResponseSchema = otpSentResponseSchema.extend({ count: z.number().int(), acceptanceNos: z.array(z.string()) }).meta({ id: 'BatchCodeSentResponse' });

export const BATCH_SKIP_REASONS = ['changed', 'not_awaiting', 'not_found', 'failed'] as const;
/** POST /api/enterprise/batch-signatures: each application signed on its own, and those left out with why. */
export const batchConfirmationResultSchema = z
  .strictObject({
    batchId: uuid,
    signed: z.array(z.strictObject({ id: uuid, acceptanceNo: z.string(), status: applicationStatusSchema, signedAt: instant })),
    skipped: z.array(z.strictObject({ id: z.string(), acceptanceNo: z.string().nullable(), reason: z.enum(BATCH_SKIP_REASONS), message: z.string() })),
  })
  .meta({ id: 'BatchConfirmationResult' });

// ---- the authority ----

const stageRoleSchema = z.enum(['accept', 'review', 'approve']);
/** An authority of the tree: the province's department at the root (parentId null), its cities below. */
export const authorityViewSchema = z
  .strictObject({
    id: uuid,
    parentId: uuid.nullable(),
    name: z.string(),
    regionCode: z.string(),
    /** 'province' for the root, 'city' below it. */
    level: z.enum(['province', 'city']),
  })
  .meta({ id: 'AuthorityView' });

/** A member of an authority's staff. Phone masked except to themselves. */
export const staffViewSchema = z
  .strictObject({
    userId: uuid,
    phoneMasked: z.string(),
    authority: z.strictObject({ id: uuid, name: z.string() }),
    stageRoles: z.array(stageRoleSchema),
    isAdmin: z.boolean(),
    invitedAt: instant,
  })
  .meta({ id: 'StaffView' });

const stageLimit = { limitHours: z.number().nullable(), limitWorkingDays: z.number().int().nullable() };

export const reviewSettingsViewSchema = z
  .strictObject({
    /** Whether one person may not both review (初审/复审) and approve (审批) one application. */
    fourEyes: z.boolean(),
    /** Time limit per stage from entering it: calendar hours, or working days on the province's calendar (one of the two is set). */
    stageLimits: z.record(reviewStageSchema, z.strictObject({ hours: z.number().nullable(), workingDays: z.number().int().nullable() })),
    /** Stages that accept batch decisions. */
    batchStages: z.array(reviewStageSchema),
  })
  .meta({ id: 'ReviewSettingsView' });

/** GET /api/review/me: who the signed-in reviewer is at the authority. */
export const reviewerMeViewSchema = z
  .strictObject({
    staff: staffViewSchema,
    authority: authorityViewSchema,
    /** The authorities whose work this reviewer sees: theirs and those below it. */
    jurisdiction: z.array(authorityViewSchema),
    /** The stages this reviewer may decide. */
    stages: z.array(reviewStageSchema),
    settings: reviewSettingsViewSchema,
  })
  .meta({ id: 'ReviewerMeView' });

/** One application in the reviewer's queue: the list item plus where and how long it waits. */
export const reviewQueueItemSchema = z
  .strictObject({
    ...applicationListItemShape,
    specialties: z.array(specialtyCodeSchema),
    authority: z.strictObject({ id: uuid.nullable(), name: z.string() }),
    submittedAt: instant.nullable(),
    /** When it entered its current stage; waitingHours is from then to now (server clock). */
    stageEnteredAt: instant,
    waitingHours: z.number(),
    /** The stage's limit: hours, or working days (the other null). */
    ...stageLimit,
    /** When it is overdue from: stageEnteredAt + hours, or the start of the day after the last working day. */
    deadline: instant,
    overdue: z.boolean(),
  })
  .meta({ id: 'ReviewQueueItem' });

/** GET /api/review/stage-counts: per stage, how many wait (with the queue's filters except stage) and how many are overdue. */
export const stageCountSchema = z
  .strictObject({ stage: reviewStageSchema, label: z.string(), count: z.number().int(), overdue: z.number().int(), ...stageLimit })
  .meta({ id: 'StageCount' });

export const reviewDecisionResultSchema = z
  .strictObject({ status: applicationStatusSchema, statusLabel: z.string(), certificateId: uuid.nullable() })
  .meta({ id: 'ReviewDecisionResult' });

export const batchDecisionItemSchema = z
  .strictObject({
    id: z.string(),
    ok: z.boolean(),
    status: applicationStatusSchema.optional(),
    statusLabel: z.string().optional(),
    error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'BatchDecisionItem' });

export const batchDecisionResultSchema = z
  .strictObject({ batchId: uuid, decided: z.number().int(), refused: z.number().int(), results: z.array(batchDecisionItemSchema) })
  .meta({ id: 'BatchDecisionResult' });

/** GET /api/review/statistics: the jurisdiction's work for Shanghai dates from..to (both included). */
export const reviewStatisticsSchema = z
  .strictObject({
    from: day,
    to: day,
    authority: z.strictObject({ id: uuid.nullable(), name: z.string() }),
    /** Per matter: submitted to the authority in the range, and where those applications stand now. */
    matters: z.array(
      z.strictObject({
        profession: professionSchema,
        type: registrationTypeSchema,
        label: z.string(),
        submitted: z.number().int(),
        byStatus: z.partialRecord(applicationStatusSchema, z.number().int()),
      }),
    ),
    /** Per stage: decisions taken in the range (passed, failed), the median hours from entering the stage to its decision, and what waits now. */
    stages: z.array(
      z.strictObject({
        stage: reviewStageSchema,
        label: z.string(),
        passed: z.number().int(),
        failed: z.number().int(),
        medianHours: z.number().nullable(),
        waiting: z.number().int(),
        overdue: z.number().int(),
        ...stageLimit,
      }),
    ),
    /** Applications waiting now beyond their stage's limit, longest first (at most 100). */
    overdue: z.array(z.strictObject({ id: uuid, acceptanceNo: z.string().nullable(), stage: reviewStageSchema, waitingHours: z.number(), ...stageLimit, authorityName: z.string() })),
  })
  .meta({ id: 'ReviewStatistics' });

export const enterpriseAuthorityViewSchema = z.strictObject({ id: uuid, name: z.string(), authorityId: uuid.nullable() }).meta({ id: 'EnterpriseAuthorityView' });

// ---- reminders and the to-do list ----

export const reminderSettingViewSchema = z
  .strictObject({
    kind: z.enum(REMINDER_KINDS),
    label: z.string(),
    description: z.string(),
    /** false: sent to everyone it concerns and cannot be switched off. */
    optional: z.boolean(),
    /** days_before: before an end date (validity); days_after: after something started waiting. */
    unit: z.enum(['days_before', 'days_after']),
    /** Always true for a mandatory kind. */
    enabled: z.boolean(),
    /** Days before (validity) or after (waiting) at which one reminder is sent, largest first. */
    thresholds: z.array(z.number().int()),
  })
  .meta({ id: 'ReminderSettingView' });

export const todoItemSchema = z
  .strictObject({
    kind: z.enum(TODO_KINDS),
    role: roleSchema,
    /** What to do, in Chinese, e.g. 签名提交：二级建造师初始注册（受理编号W…）. */
    title: z.string(),
    applicationId: uuid.optional(),
    certificateId: uuid.optional(),
    acceptanceNo: z.string().nullable().optional(),
    /** For confirm: the enterprise it waits for (send it as X-Enterprise-Id when acting for several). */
    enterpriseId: uuid.optional(),
    /** For review: the stage waiting for a decision. */
    stage: reviewStageSchema.optional(),
    /** Since when it waits (ISO 8601). */
    since: instant,
  })
  .meta({ id: 'TodoItem' });

export const todoListSchema = z
  .strictObject({
    /** Every waiting item (the tab's badge); may exceed items.length, which is capped per role. */
    count: z.number().int(),
    /** Oldest first. */
    items: z.array(todoItemSchema),
  })
  .meta({ id: 'TodoList' });

// ---- real-name verification ----

export const identityDocumentsViewSchema = z.strictObject({ kinds: z.array(z.string()) }).meta({ id: 'IdentityDocumentsView' });

const livenessAction = z.enum(['blink', 'open_mouth']);
export const livenessSessionViewSchema = z
  .strictObject({
    id: z.string(),
    nonce: z.string(),
    /** The prompts in order, at atMs after the recording starts. */
    actions: z.array(z.strictObject({ action: livenessAction, prompt: z.string(), atMs: z.number() })),
    durationMs: z.number(),
    expiresAt: instant,
    /** FACE_PROVIDER=wechat: WeChat 人脸核身 runs the check (wx.requestFacialVerify with verifyId); no prompts, no video. */
    provider: z.literal('wechat').optional(),
    verifyId: z.string().optional(),
  })
  .meta({ id: 'LivenessSessionView' });
export type LivenessSessionView = z.infer<typeof livenessSessionViewSchema>;

/** The verdict of a liveness check (bff/src/liveness/types.ts LivenessVerdict, without its timings). */
export const livenessVerdictViewSchema = z
  .strictObject({
    passed: z.boolean(),
    reasons: z.array(z.strictObject({ code: z.string(), hint: z.string(), action: livenessAction.optional() })),
    scores: z.strictObject({
      faceMatch: z.number(),
      actions: z.array(z.strictObject({ action: livenessAction, detected: z.boolean(), atMs: z.number().optional(), peak: z.number() })),
      antispoof: z.number().optional(),
      liveness: z.number().optional(),
      framesAnalysed: z.number().int(),
      facesPerFrameMax: z.number().int(),
      schedule: z.strictObject({ promptOffsetsMs: z.array(z.number()).optional(), videoMs: z.number().optional(), expectedMs: z.number() }).optional(),
      provider: z.strictObject({ name: z.enum(['tencent', 'wechat']), result: z.string(), sim: z.number().optional(), requestId: z.string().optional() }).optional(),
    }),
  })
  .meta({ id: 'LivenessVerdictView' });
export type LivenessVerdictView = z.infer<typeof livenessVerdictViewSchema>;

export const acknowledgedSchema = z.strictObject({ ok: z.literal(true) }).meta({ id: 'Acknowledged' });
export const personNameSchema = z.strictObject({ name: z.string() }).meta({ id: 'PersonName' });

// ---- public notices, objections, imports ----

/** One notice as the public page and GET /api/public/notices show it. */
export const publicNoticeViewSchema = z
  .strictObject({
    id: uuid,
    holderName: z.string(),
    employerName: z.string(),
    profession: z.string(),
    professionLabel: z.string(),
    matter: z.string(),
    matterLabel: z.string(),
    specialties: z.array(z.string()),
    /** First and last day of the period (YYYY-MM-DD, both included) and its length in working days. */
    startsOn: day,
    endsOn: day,
    workingDays: z.number().int(),
  })
  .meta({ id: 'PublicNoticeView' });
export type PublicNoticeView = z.infer<typeof publicNoticeViewSchema>;

export const createdIdSchema = z.strictObject({ id: uuid }).meta({ id: 'CreatedId' });

export const objectionViewSchema = z
  .strictObject({
    id: uuid,
    applicationId: uuid,
    acceptanceNo: z.string().nullable(),
    holderName: z.string(),
    text: z.string(),
    /** The objector's contact, decrypted for reviewers. */
    contact: z.string().nullable(),
    status: z.enum(['open', 'upheld', 'dismissed']),
    resolution: z.string().nullable(),
    lodgedAt: instant,
  })
  .meta({ id: 'ObjectionView' });

export const objectionResolutionSchema = z.strictObject({ status: z.enum(['upheld', 'dismissed']), applicationStatus: applicationStatusSchema }).meta({ id: 'ObjectionResolution' });

export const registerImportReportSchema = z
  .strictObject({
    /** Rows imported and refused (a registration's rows are imported or refused together). */
    imported: z.number().int(),
    refused: z.number().int(),
    registrationsImported: z.number().int(),
    registrationsRefused: z.number().int(),
    rows: z.array(
      z.strictObject({
        /** The row in the file: the XLSX row number, or the CSV line the record starts on. */
        row: z.number().int(),
        registrationNo: z.string(),
        /** The holder's ID number masked (310***********123X); never the number itself. */
        idNumberMasked: z.string(),
        status: z.enum(['imported', 'refused']),
        /** Why the row (or its registration) was refused, in Chinese; empty when imported. */
        reasons: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'RegisterImportReport' });
export type RegisterImportReport = z.infer<typeof registerImportReportSchema>;

export const qualificationImportReportSchema = z
  .strictObject({
    imported: z.number().int(),
    updated: z.number().int(),
    refused: z.number().int(),
    rows: z.array(z.strictObject({ row: z.number().int(), idNumberMasked: z.string(), certificateNo: z.string(), status: z.enum(['imported', 'updated', 'refused']), reasons: z.array(z.string()) })),
  })
  .meta({ id: 'QualificationImportReport' });
export type QualificationImportReport = z.infer<typeof qualificationImportReportSchema>;

export const relayCallbackResultSchema = z.strictObject({ duplicate: z.boolean(), status: applicationStatusSchema }).meta({ id: 'RelayCallbackResult' });

/** The province settings in force: its file with the calendar resolved. */
export const provinceSettingsViewSchema = provinceSettingsSchema.omit({ $comment: true, calendar: true }).extend({ province: z.enum(PROVINCES), calendar: workingDayCalendarSchema }).meta({ id: 'ProvinceSettings' });

// ---- operations ----

export const healthSchema = z
  .strictObject({
    status: z.literal('ok'),
    /** The database's round trip. */
    database: z.strictObject({ ms: z.number() }),
    /** Messages due and not delivered, and how long the oldest has waited. */
    outbox: z.strictObject({ due: z.number().int(), oldestDueSeconds: z.number().int() }),
    /**
     * The liveness analyses (LIVENESS_ANALYSIS): `local` counts this process's own (waiting for a slot,
     * running); `queue` the pg-boss queue every process shares (jobs waiting for a worker, held by one).
     */
    liveness: z.strictObject({ analysis: z.enum(['local', 'queue']), waiting: z.number().int(), active: z.number().int() }),
    process: z.strictObject({ pid: z.number().int(), uptimeSeconds: z.number().int() }),
  })
  .meta({ id: 'Health' });

export const openApiDocumentSchema = z
  .looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()), components: z.record(z.string(), z.unknown()) })
  .meta({ id: 'OpenApiDocument' });

/**
 * GET /api/enterprise/registrations (003 §3.2.4 人员注册信息查询): one registration in the register whose employer is
 * the acting enterprise, with its newest certificate version (null before one is issued: paper register) and
 * the changes made to it (oldest first).
 */
export const enterpriseRegistrationViewSchema = z
  .strictObject({
    registrationNo: z.string(),
    profession: professionSchema,
    holderName: z.string(),
    idNumberMasked: z.string(),
    status: registrationStatus,
    specialties: z.array(z.strictObject({ specialty: specialtyCodeSchema, validUntil: day, status: registrationStatus })),
    certificate: z.strictObject({ version: z.number().int(), status: z.enum(['valid', 'expired', 'superseded', 'void', 'revoked']), issueDate: day, claimed: z.boolean() }).nullable(),
    history: z.array(z.strictObject({ matter: z.string(), at: instant })),
  })
  .meta({ id: 'EnterpriseRegistrationView' });
