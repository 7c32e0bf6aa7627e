/**
 * The application state machine (domain.md "the path of one application"; seeds 000 §3.1, 003 §3.2.4.3,
 * 004). One table says which event moves which status where and who may fire it; the BFF enforces it,
 * the miniapp reads it to decide what to offer.
 */

export const APPLICATION_STATUSES = [
  'draft', // being filled, or saved and not yet signed by the applicant (待个人签名)
  'awaiting_employer', // signed by the applicant, waiting for the employer's counter-signature (待企业确认)
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
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: '待个人签名',
  awaiting_employer: '待企业确认',
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
};

/** Statuses that end an application; any other status counts as "in progress" (one at a time per person). */
export const FINAL_STATUSES: ReadonlySet<ApplicationStatus> = new Set(['approved', 'completed', 'not_accepted', 'rejected']);

export function isInProgress(status: ApplicationStatus): boolean {
  return !FINAL_STATUSES.has(status);
}

/** The applicant may change the form only before the authority has it (seed 000 §3.1.1 step 8 note). */
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
  'returned',
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
  returned: '企业退回',
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
