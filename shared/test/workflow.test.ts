/**
 * The application state machine. Expected transitions are written out as literal tables (seed 003 §3.2.4.3:
 * 受理 → 初审 → 复审; seed 004: 审批), not derived from REVIEW_STAGES.
 */
import test from 'ava';
import {
  APPLICATION_EVENT_LABELS,
  APPLICATION_EVENTS,
  APPLICATION_STATUS_LABELS,
  APPLICATION_STATUSES,
  EDITABLE_STATUSES,
  FINAL_STATUSES,
  FILING_PATHS,
  canRefuse,
  isInProgress,
  REVIEW_STAGE_LABELS,
  REVIEW_STAGES,
  ROLE_LABELS,
  statusAfterReview,
  type ApplicationStatus,
} from '../src/index.js';

const CHINESE = /^[\u4e00-\u9fa5，、]+$/;

test('passing every stage walks acceptance → first_review → second_review → approval → approved', (t) => {
  t.is(statusAfterReview('acceptance', 'pass'), 'first_review');
  t.is(statusAfterReview('first_review', 'pass'), 'second_review');
  t.is(statusAfterReview('second_review', 'pass'), 'approval');
  t.is(statusAfterReview('approval', 'pass'), 'approved');
  // walking from acceptance, each status is also the next stage until approved
  const path: string[] = [];
  let status: ApplicationStatus = 'acceptance';
  for (let i = 0; i < 10 && status !== 'approved'; i++) {
    path.push(status);
    status = statusAfterReview(status as (typeof REVIEW_STAGES)[number], 'pass');
  }
  path.push(status);
  t.deepEqual(path, ['acceptance', 'first_review', 'second_review', 'approval', 'approved']);
});

test('failing at acceptance → not_accepted (不予受理); failing later → rejected (审核不通过)', (t) => {
  t.is(statusAfterReview('acceptance', 'fail'), 'not_accepted');
  t.is(statusAfterReview('first_review', 'fail'), 'rejected');
  t.is(statusAfterReview('second_review', 'fail'), 'rejected');
  t.is(statusAfterReview('approval', 'fail'), 'rejected');
});

test('every review outcome ends in a known status; failing always ends the application, passing only at approval', (t) => {
  for (const stage of REVIEW_STAGES) {
    t.true(APPLICATION_STATUSES.includes(statusAfterReview(stage, 'pass')));
    t.true(FINAL_STATUSES.has(statusAfterReview(stage, 'fail')), stage);
    t.is(FINAL_STATUSES.has(statusAfterReview(stage, 'pass')), stage === 'approval', stage);
  }
});

test('the review stages are, in order, 受理 初审 复审 审批, and each is also an application status', (t) => {
  t.deepEqual([...REVIEW_STAGES], ['acceptance', 'first_review', 'second_review', 'approval']);
  t.deepEqual(REVIEW_STAGES.map((s) => REVIEW_STAGE_LABELS[s]), ['受理', '初审', '复审', '审批']);
  for (const s of REVIEW_STAGES) t.true(APPLICATION_STATUSES.includes(s));
});

test('every status has a distinct Chinese label', (t) => {
  t.is(APPLICATION_STATUSES.length, 16);
  t.deepEqual(Object.keys(APPLICATION_STATUS_LABELS).sort(), [...APPLICATION_STATUSES].sort());
  for (const s of APPLICATION_STATUSES) t.regex(APPLICATION_STATUS_LABELS[s], CHINESE, s);
  t.is(new Set(Object.values(APPLICATION_STATUS_LABELS)).size, APPLICATION_STATUSES.length);
  t.is(APPLICATION_STATUS_LABELS.draft, '待个人签名');
  t.is(APPLICATION_STATUS_LABELS.awaiting_employer, '待企业确认');
  t.is(APPLICATION_STATUS_LABELS.not_accepted, '不予受理');
  t.is(APPLICATION_STATUS_LABELS.rejected, '审核不通过');
  t.is(APPLICATION_STATUS_LABELS.approved, '审批通过');
  t.is(APPLICATION_STATUS_LABELS.awaiting_applicant, '待个人确认');
  t.is(APPLICATION_STATUS_LABELS.refused, '已拒绝确认');
});

test('every event and role has a Chinese label', (t) => {
  t.deepEqual(Object.keys(APPLICATION_EVENT_LABELS).sort(), [...APPLICATION_EVENTS].sort());
  for (const e of APPLICATION_EVENTS) t.regex(APPLICATION_EVENT_LABELS[e], CHINESE, e);
  for (const label of Object.values(ROLE_LABELS)) t.regex(label, CHINESE);
});

test('final statuses are exactly approved, completed, not_accepted, rejected, refused', (t) => {
  t.deepEqual([...FINAL_STATUSES].sort(), ['approved', 'completed', 'not_accepted', 'refused', 'rejected']);
});

test('editable statuses are the ones before the authority has the application, disjoint from the final ones', (t) => {
  t.deepEqual([...EDITABLE_STATUSES].sort(), ['awaiting_employer', 'draft', 'returned']);
  for (const s of EDITABLE_STATUSES) t.false(FINAL_STATUSES.has(s), s);
  for (const s of REVIEW_STAGES) t.false(EDITABLE_STATUSES.has(s), s);
  for (const s of [...EDITABLE_STATUSES, ...FINAL_STATUSES]) t.true(APPLICATION_STATUSES.includes(s));
});

test('isInProgress: true until a final status', (t) => {
  const expected: Record<ApplicationStatus, boolean> = {
    draft: true,
    employer_draft: true,
    awaiting_applicant: true,
    awaiting_employer: true,
    awaiting_release: true,
    returned: true,
    acceptance: true,
    first_review: true,
    second_review: true,
    approval: true,
    public_notice: true,
    approved: false,
    completed: false,
    not_accepted: false,
    rejected: false,
    refused: false,
  };
  for (const s of APPLICATION_STATUSES) t.is(isInProgress(s), expected[s], s);
  for (const s of EDITABLE_STATUSES) t.true(isInProgress(s), s);
});

test('filing paths: the employer files its draft to the person, who signs or refuses; the person files to the employer, who signs, returns or refuses', (t) => {
  const { applicant, employer } = FILING_PATHS;
  t.is(applicant.start, 'draft');
  t.is(employer.start, 'employer_draft');
  t.deepEqual(employer.file, { from: 'employer_draft', to: 'awaiting_applicant' });
  t.deepEqual([...employer.applicantSigns], ['awaiting_applicant']);
  t.true(canRefuse('employer', 'awaiting_applicant', 'applicant'));
  t.false(canRefuse('employer', 'awaiting_applicant', 'enterprise_operator'));
  t.true(canRefuse('applicant', 'awaiting_employer', 'enterprise_operator'));
  t.false(canRefuse('applicant', 'awaiting_employer', 'applicant'));
  t.true(applicant.employerReturns);
  t.false(employer.employerReturns);
  for (const p of [applicant, employer]) for (const s of [...p.editable, ...p.applicantSigns, ...p.deletable]) t.false(FINAL_STATUSES.has(s), s);
});
