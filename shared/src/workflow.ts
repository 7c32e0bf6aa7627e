/**
 * The application state machine (domain.md "the path of one application"; seeds 000 §3.1, 003 §3.2.4.3,
 * 004). One table says which event moves which status where and who may fire it; the BFF enforces it,
 * the miniapp reads it to decide what to offer.
 */

export const APPLICATION_STATUSES = [
  'draft', // being filled, or saved and not yet signed by the applicant (待个人签名)
  'employer_draft', // an employer's filing, saved and not yet filed: the enterprise may change or delete it (企业待上报, 003 §3.2.3.1)
  'awaiting_applicant', // filed by the employer, waiting for the person to check and sign it, or refuse (待个人确认, 003 §3.2.3)
  'awaiting_employer', // signed by the applicant, waiting for the employer's counter-signature (待企业确认)
  'awaiting_release', // a temporary constructor's transfer signed by the new employer, waiting for the old employer to agree to release the person (待原单位确认, 003 §3.2.3.9 变更确认: 原单位…同意转出)
  'returned', // sent back by the employer with a reason (已退回)
  'acceptance', // both signatures; waiting for the authority to accept (受理中)
  'first_review', // 初审
  'second_review', // 复审
  'approval', // 审批
  'public_notice', // 公示中: approved, announced on the public page for the province's working days; the certificate is issued when it ends with no open objection (issue 11, 003 §1.1.2, 004 审批、通告)
  'approved', // 审批通过: the register changes and, where the certificate's content changed, a new version is issued
  'completed', // 办结 without authority review: cancellation once the employer signs (000 §3.4.1 step 10), paper exchange once the holder confirms (000 §5)
  'not_accepted', // 不予受理
  'rejected', // 审核不通过
  'refused', // the other side refused to confirm, with a reason; the matter ends (已拒绝确认, 003 §3.2.3.7)
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: '待个人签名',
  employer_draft: '企业待上报',
  awaiting_applicant: '待个人确认',
  awaiting_employer: '待企业确认',
  awaiting_release: '待原单位确认',
  returned: '已退回',
  acceptance: '受理中',
  first_review: '初审',
  second_review: '复审',
  approval: '审批',
  public_notice: '公示中',
  approved: '审批通过',
  completed: '已办结',
  not_accepted: '不予受理',
  rejected: '审核不通过',
  refused: '已拒绝确认',
};

/** Statuses that end an application; any other status counts as "in progress" (one at a time per person). */
export const FINAL_STATUSES: ReadonlySet<ApplicationStatus> = new Set(['approved', 'completed', 'not_accepted', 'rejected', 'refused']);

export function isInProgress(status: ApplicationStatus): boolean {
  return !FINAL_STATUSES.has(status);
}

/** The applicant may change their own form only before the authority has it (seed 000 §3.1.1 step 8 note); see FILING_PATHS for an employer's filing. */
export const EDITABLE_STATUSES: ReadonlySet<ApplicationStatus> = new Set(['draft', 'returned', 'awaiting_employer']);

/** The authority's review stages, in order (003 §3.2.4.3 acceptance, first and second review; 004 approval). */
export const REVIEW_STAGES = ['acceptance', 'first_review', 'second_review', 'approval'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

export const REVIEW_STAGE_LABELS: Record<ReviewStage, string> = {
  acceptance: '受理',
  first_review: '初审',
  second_review: '复审',
  approval: '审批',
};

export type ReviewOutcome = 'pass' | 'fail';

/**
 * Where a review decision moves the application along its matter's `route` (a subsequence of REVIEW_STAGES,
 * from the matter catalogue): the next stage on pass, `approved` after the last; 不予受理 or 审核不通过 on fail.
 */
export function statusAfterReview(stage: ReviewStage, outcome: ReviewOutcome, route: readonly ReviewStage[] = REVIEW_STAGES): ApplicationStatus {
  if (outcome === 'fail') return stage === 'acceptance' ? 'not_accepted' : 'rejected';
  const next = route[route.indexOf(stage) + 1];
  return next ?? 'approved';
}

/**
 * Where the last signature moves an application: to the first stage of its route, or, for a matter with no
 * authority route (cancellation, paper exchange), straight to `completed`.
 */
export function statusAfterSignatures(route: readonly ReviewStage[]): ApplicationStatus {
  return route[0] ?? 'completed';
}

export type Role = 'applicant' | 'enterprise_operator' | 'reviewer';

export const ROLE_LABELS: Record<Role, string> = {
  applicant: '个人',
  enterprise_operator: '企业经办人',
  reviewer: '注册机构审核人员',
};

/** Events in an application's history, as stored and shown on its timeline. */
export const APPLICATION_EVENTS = [
  'created',
  'saved',
  'applicant_signed',
  'signatures_voided',
  'employer_signed',
  'release_confirmed',
  'returned',
  'filed',
  'refused',
  'review_passed',
  'review_failed',
  'certificate_issued',
  'returned_for_correction',
  'acceptance_notice_issued',
  'notice_started',
  'objection_lodged',
  'objection_upheld',
  'objection_dismissed',
  'notice_ended',
  'completed',
] as const;
export type ApplicationEvent = (typeof APPLICATION_EVENTS)[number];

export const APPLICATION_EVENT_LABELS: Record<ApplicationEvent, string> = {
  created: '创建申请',
  saved: '保存申请表',
  applicant_signed: '个人签名完成',
  signatures_voided: '修改申请表，原签名作废',
  employer_signed: '企业签名确认',
  release_confirmed: '原聘用企业同意转出',
  returned: '企业退回',
  filed: '企业上报，待个人确认',
  refused: '拒绝确认，申请终止',
  review_passed: '审核通过',
  review_failed: '审核不通过',
  certificate_issued: '电子证书已发放',
  returned_for_correction: '注册机构退回补正',
  acceptance_notice_issued: '出具行政审批受理通知书',
  notice_started: '审批通过，进入公示',
  objection_lodged: '公示期间收到异议',
  objection_upheld: '异议成立，不予注册',
  objection_dismissed: '异议不成立，公示继续',
  notice_ended: '公示期满无异议',
  completed: '办结，注册信息已更新',
};

// ---- who files (seed 003 §3.2.3: the enterprise files for its people, and each side confirms what the other files) ----

export const FILED_BY = ['applicant', 'employer'] as const;
/** Who started an application: the person (个人申报) or their employer's operator (企业申报). */
export type FiledBy = (typeof FILED_BY)[number];

export const FILED_BY_LABELS: Record<FiledBy, string> = { applicant: '个人申报', employer: '企业申报' };

/** Who may refuse an application (ending it, with a reason): the person, the employer, or the old employer of a transfer. */
export type RefusingSide = 'applicant' | 'enterprise_operator' | 'releasing_employer';

/** Who signs a matter's form (MATTERS[type].signers): the person, the employer (the filer, or the one confirming), the old employer releasing a temporary constructor. */
export type Signer = 'applicant' | 'employer' | 'releasing_employer';

/**
 * The paths an application takes before the authority, as data. From the employer's signature on they are the
 * same (the matter's route, or completed), except that a matter its old employer must release waits for that
 * first (awaiting_release).
 *  - applicant: draft → (applicant signs) → awaiting_employer → (employer signs) …; the employer may return
 *    it for correction (returned) or refuse it (refused, terminal — 003 §3.2.3.7 个人注销企业确认).
 *  - employer: employer_draft (saved, changed or deleted by the enterprise) → (filed, the person notified) →
 *    awaiting_applicant → (the person signs with their SMS code) → awaiting_employer → (employer signs) …;
 *    the person may refuse it with a reason (refused, terminal).
 *  - employer_alone: a matter the person does not sign (temporary constructors, 003 §3.2.3.8-11: the enterprise
 *    申报, the seed has no personal confirmation): employer_draft → (filed) → awaiting_employer → (the filing
 *    employer signs with its SMS code) → [awaiting_release → (the old employer agrees to release, signing with
 *    its code, 003 §3.2.3.9: 原单位…点同意转出) →] the route; the old employer may refuse instead (refused, terminal).
 */
export interface FilingPath {
  /** The status of a new application. */
  start: ApplicationStatus;
  /** Statuses in which the filer (and only the filer) may save the form and upload its files. */
  editable: readonly ApplicationStatus[];
  /** Statuses in which the person signs (000 §3.1.1 step 8; for an employer's filing: confirms it). */
  applicantSigns: readonly ApplicationStatus[];
  /** The enterprise's 上报 of its draft: from → to; null on the person's path. */
  file: { from: ApplicationStatus; to: ApplicationStatus } | null;
  /** Statuses in which the enterprise may delete the draft. */
  deletable: readonly ApplicationStatus[];
  /** Who may refuse (ending the matter, with a reason) in which status. */
  refusals: Partial<Record<ApplicationStatus, RefusingSide>>;
  /** Whether the employer may send it back to the person for correction (returned) instead. */
  employerReturns: boolean;
  /**
   * Where the authority's return for correction (退回补正, issue 11) sends it: to the person (returned), or, on a
   * path the person does not sign, back to the enterprise's draft (employer_draft), which it corrects and files again.
   */
  correctionTo: ApplicationStatus;
}

export type FilingPathName = FiledBy | 'employer_alone';

export const FILING_PATHS: Record<FilingPathName, FilingPath> = {
  applicant: {
    start: 'draft',
    editable: ['draft', 'returned', 'awaiting_employer'],
    applicantSigns: ['draft', 'returned'],
    file: null,
    deletable: [],
    refusals: { awaiting_employer: 'enterprise_operator' },
    employerReturns: true,
    correctionTo: 'returned',
  },
  employer: {
    start: 'employer_draft',
    editable: ['employer_draft'],
    applicantSigns: ['awaiting_applicant'],
    file: { from: 'employer_draft', to: 'awaiting_applicant' },
    deletable: ['employer_draft'],
    refusals: { awaiting_applicant: 'applicant' },
    employerReturns: false,
    correctionTo: 'returned',
  },
  employer_alone: {
    start: 'employer_draft',
    editable: ['employer_draft'],
    applicantSigns: [],
    file: { from: 'employer_draft', to: 'awaiting_employer' },
    deletable: ['employer_draft'],
    refusals: { awaiting_release: 'releasing_employer' },
    employerReturns: false,
    correctionTo: 'employer_draft',
  },
};

/** The path of an application filed by `filedBy` of a matter signed by `signers` (MATTERS[type].signers). */
export function filingPathName(filedBy: FiledBy, signers: readonly Signer[]): FilingPathName {
  return filedBy === 'employer' && !signers.includes('applicant') ? 'employer_alone' : filedBy;
}

export function filingPath(filedBy: FiledBy, signers: readonly Signer[]): FilingPath {
  return FILING_PATHS[filingPathName(filedBy, signers)];
}

/** Whether `side` may refuse an application on path `path` in `status` (→ refused). */
export function canRefuse(path: FilingPathName | FilingPath, status: ApplicationStatus, side: RefusingSide): boolean {
  return (typeof path === 'string' ? FILING_PATHS[path] : path).refusals[status] === side;
}

/**
 * Where the employer's signature moves an application: to awaiting_release when its old employer must still
 * release the person (a temporary constructor's transfer, 003 §3.2.3.9), else to the route's first stage (or
 * completed without one).
 */
export function statusAfterEmployerSignature(signers: readonly Signer[], route: readonly ReviewStage[]): ApplicationStatus {
  return signers.includes('releasing_employer') ? 'awaiting_release' : statusAfterSignatures(route);
}

/**
 * Matters an enterprise may file for one of its people (003 §3.2.3.1-.6: 初始, 重新, 增项, 延续, 遗失补办, 注销,
 * 身份证号变更; §3.2.3.8-11: 临时建造师变更, 延期, 注销).
 */
export const EMPLOYER_FILED_MATTERS = [
  'initial',
  'add_specialty',
  'renewal',
  'cancellation',
  'change',
  'reregistration',
  'replacement',
  'temporary_transfer',
  'temporary_extension',
  'temporary_cancellation',
] as const;
