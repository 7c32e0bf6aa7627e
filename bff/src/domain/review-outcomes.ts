/**
 * What a review decision does beyond moving the stage (issue 11 "Stages, notices and decisions"), called from
 * applications.ts applyReviewDecision in its transaction:
 * - the next status follows the province's route (settings route/routes); an approval of a matter the province
 *   announces goes to `public_notice` (notices.ts) instead of completing; a failure with `correction` and a
 *   correctable reason returns the application for correction (`returned`, signatures void, the same
 *   application filed again later, its history kept);
 * - acceptance produces the acceptance notice (行政审批受理通知书), signed by the authority;
 * - a refusal, a failed review or a return carries its reason (shared REVIEW_REASONS code + text), stored on
 *   the history event, and the employer's operators are notified with it (the applicant is, by the caller).
 */
import { signingSlots } from '../pdf/signing-slots.js';
import {
  MATTERS,
  filingPath,
  matterLabel as sharedMatterLabel,
  REVIEW_REASONS,
  reviewReasonText,
  hasPublicNotice,
  maskIdNumber,
  stageLabel,
  statusAfterReview,
  type ApplicationStatus,
  type Profession,
  type RegistrationType,
  type ReviewOutcome,
  type ReviewReasonCode,
  type ReviewStage,
  type Role,
} from '@zhiyetong/shared';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { DbOrTx, Tx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { NotFound } from '../errors.js';
import type { AcceptanceNoticeView } from '../pdf/acceptance-notice.js';
import { renderAndSign } from '../pdf/workers.js';
import { shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { enqueue } from './outbox.js';
import { loadApplicationFor } from './policies.js';
import { routeOf, settingsOf } from './province.js';
import { startPublicNotice } from './notices.js';

type OutcomeDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/** A decision as the review route passes it: the stage, pass or fail, the reason's code and text, and whether to return it for correction. */
export interface DecisionInput {
  stage: ReviewStage;
  outcome: ReviewOutcome;
  reason?: string;
  reasonCode?: ReviewReasonCode;
  correction?: boolean;
  /** The acceptance notice rendered and signed before the transaction (prepareAcceptanceNotice), used when it was made on this very row. */
  acceptanceNotice?: PreparedAcceptanceNotice;
}

/** Whether the matter may be returned for correction and filed again: one with an authority route (000-004: every reviewed matter). */
function correctionAllowed(deps: Pick<Deps, 'config'>, app: ApplicationRow): boolean {
  return routeOf(deps.config, app.type).length > 0;
}

/**
 * The status a decision moves `app` to: the next stage of the province's route, `public_notice` after the
 * last for an announced matter, `approved` otherwise; on fail `returned` (correction asked, reason correctable,
 * matter allows it), else `not_accepted` at acceptance or `rejected`.
 */
export function decisionStatus(deps: Pick<Deps, 'config'>, app: ApplicationRow, input: DecisionInput): ApplicationStatus {
  // the reason as notified and kept on the history: the list's label with the reviewer's text (shared reviewReasonText)
  if (input.outcome === 'fail') input.reason = reviewReasonText(input.reasonCode ?? 'other', input.reason);
  // to the person (returned), or back to the enterprise's draft for a matter the person does not sign (FILING_PATHS correctionTo)
  if (input.outcome === 'fail' && input.correction && REVIEW_REASONS[input.reasonCode ?? 'other'].correctable && correctionAllowed(deps, app)) return correctionStatus(app);
  const next = statusAfterReview(input.stage, input.outcome, routeOf(deps.config, app.type));
  if (next === 'approved' && hasPublicNotice(settingsOf(deps.config), app.type as RegistrationType)) return 'public_notice';
  return next;
}

/** Where a return for correction sends `app` (shared FILING_PATHS correctionTo). */
function correctionStatus(app: ApplicationRow): ApplicationStatus {
  return filingPath(app.filed_by, MATTERS[app.type as RegistrationType].signers).correctionTo;
}

/**
 * The decision's further effects in `tx` (after the status update and the history event): the reason code
 * on that event; for a return, the signatures and the signed PDF void (the applicant corrects and signs
 * again, then the employer; history and acceptance number kept); at acceptance the acceptance notice; at
 * `public_notice` the notice begins; on a failure the employer's operators are told the reason.
 */
export async function afterReviewDecision(deps: OutcomeDeps, tx: Tx, app: ApplicationRow, actor: Actor | null, input: DecisionInput, next: ApplicationStatus): Promise<void> {
  if (input.outcome === 'fail') {
    const code = input.reasonCode ?? 'other';
    await tx
      .updateTable('application_events')
      .set({ reason_code: code })
      .where('application_id', '=', app.id)
      .where('event', '=', 'review_failed')
      .where('reason_code', 'is', null)
      .execute();
    const returned = input.correction === true && next === correctionStatus(app);
    if (returned) {
      await tx
        .updateTable('applications')
        .set({ return_reason: input.reason ?? REVIEW_REASONS[code].label, form_pdf: null, form_pdf_name: null, applicant_signed_at: null, employer_signed_at: null, employer_signer_id: null, release_signed_at: null, release_signer_id: null })
        .where('id', '=', app.id)
        .execute();
      await tx.insertInto('application_events').values({ application_id: app.id, event: 'returned_for_correction', actor_id: actor?.id ?? null, actor_role: actor?.role ?? 'system', stage: input.stage, note: input.reason ?? null, reason_code: code }).execute();
    }
    const verdict = returned ? '退回补正' : input.stage === 'acceptance' ? '不予受理' : '审核不通过';
    await notifyEmployer(tx, app, `${stageLabel(settingsOf(deps.config), input.stage)}${verdict}`, `原因：${input.reason ?? REVIEW_REASONS[code].label}`);
  }
  if (input.stage === 'acceptance' && input.outcome === 'pass') await issueAcceptanceNotice(deps, tx, app, input.acceptanceNotice);
  if (next === 'public_notice') await startPublicNotice(deps, tx, app, actor);
}

/** Every operator of the application's employer gets an SMS: 贵单位{name}的{matter}申请（受理编号…）{what}：{detail}。 */
export async function notifyEmployer(tx: Tx, app: ApplicationRow, what: string, detail: string): Promise<void> {
  if (!app.employer_id) return;
  const [identity, operators] = await Promise.all([
    tx.selectFrom('identities').select('name').where('user_id', '=', app.applicant_id).executeTakeFirst(),
    tx.selectFrom('enterprise_operators').innerJoin('users', 'users.id', 'enterprise_operators.user_id').select('users.phone').where('enterprise_operators.enterprise_id', '=', app.employer_id).execute(),
  ]);
  for (const op of operators) {
    await enqueue(tx, { channel: 'sms', phone: op.phone, message: { template: 'employer_review', params: [identity?.name ?? '', matterLabel(app), app.acceptance_no ?? '', what, detail] } });
  }
}

/** 二级建造师初始注册 (as applications.ts matterName). */
export function matterLabel(app: Pick<ApplicationRow, 'profession' | 'type'>): string {
  return sharedMatterLabel(app.profession as Profession, app.type as RegistrationType);
}

/** An acceptance notice made before the transaction that stores it, with the row it was made on (`basis`). */
export interface PreparedAcceptanceNotice {
  basis: string;
  pdf: Uint8Array;
  acceptedOn: string;
}

const noticeBasis = (app: ApplicationRow) => `${app.id}|${app.version}|${app.status}|${app.updated_at.toISOString()}`;

/**
 * Renders and signs the acceptance notice (行政审批受理通知书, 000 §3.1.2 step 6) of `app`, accepted now, signed by
 * the authority (slot 'authority', the platform CA issuing the authority's one-signature certificate, as for
 * certificates). Reads only: decideReview makes it before its transaction (about 0.2 s of CPU; under load,
 * signing inside the transaction made other requests wait past the pool's connection timeout, issue 14).
 */
export async function prepareAcceptanceNotice(deps: OutcomeDeps, db: DbOrTx, app: ApplicationRow): Promise<PreparedAcceptanceNotice> {
  // the reads before the slot: a slot's holder never waits for a pooled connection
  const [identity, employer] = await Promise.all([
    db.selectFrom('identities').select(['name', 'id_number_enc']).where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow(),
    app.employer_id ? db.selectFrom('enterprises').select('name').where('id', '=', app.employer_id).executeTakeFirst() : undefined,
  ]);
  return signingSlots(() => makeAcceptanceNotice(deps, app, identity, employer));
}

async function makeAcceptanceNotice(deps: OutcomeDeps, app: ApplicationRow, identity: { name: string; id_number_enc: Buffer }, employer: { name: string } | undefined): Promise<PreparedAcceptanceNotice> {
  const settings = settingsOf(deps.config);
  const now = deps.now();
  const acceptedOn = shanghaiDate(now);
  const route = routeOf(deps.config, app.type);
  const ahead = route.slice(1);
  const limits = ahead.map((s) => settings.stageTimeLimitsWorkingDays[s]);
  const view: AcceptanceNoticeView = {
    acceptanceNo: app.acceptance_no ?? '',
    acceptedOn,
    applicantName: identity.name,
    idNumberMasked: maskIdNumber(deps.pii.decrypt(identity.id_number_enc)),
    employerName: employer?.name ?? '—',
    matterName: matterLabel(app),
    acceptingOffice: settings.authority.acceptingOffice,
    authorityName: deps.config.authorityName,
    stagesAhead: ahead.map((s) => stageLabel(settings, s)),
    workingDaysLimit: limits.length && limits.every((l) => l !== undefined) ? limits.reduce((a, b) => a! + b!, 0)! : null,
    publicNotice: hasPublicNotice(settings, app.type as RegistrationType) ? { workingDays: settings.publicNotice.workingDays } : null,
  };
  const pdf = await renderAndSign(deps, { kind: 'acceptance_notice', view }, { kind: 'authority', commonName: deps.config.authorityName, organization: deps.config.authorityName }, { slot: 'authority', reason: `行政审批受理通知书 ${app.acceptance_no}`, signedAt: now, location: deps.config.authorityName });
  return { basis: noticeBasis(app), pdf, acceptedOn };
}

/**
 * Stores the acceptance notice of `app` (accepted now) in `tx`: `prepared` when it was made on this very row,
 * else made here. An application accepted again after a correction gets a new one (the earlier is kept).
 */
async function issueAcceptanceNotice(deps: OutcomeDeps, tx: Tx, app: ApplicationRow, prepared?: PreparedAcceptanceNotice): Promise<void> {
  const { pdf, acceptedOn } = prepared?.basis === noticeBasis(app) ? prepared : await prepareAcceptanceNotice(deps, tx, app);
  await tx.insertInto('acceptance_notices').values({ application_id: app.id, acceptance_no: app.acceptance_no ?? '', accepted_on: acceptedOn, pdf: Buffer.from(pdf), file_name: `行政审批受理通知书_${app.acceptance_no}.pdf` }).execute();
  await tx.insertInto('application_events').values({ application_id: app.id, event: 'acceptance_notice_issued', actor_id: null, actor_role: 'system', stage: 'acceptance', note: null }).execute();
}

/**
 * The latest acceptance notice of application `id` for its applicant or its employer's operator (others: 404,
 * also before acceptance). Audited ('acceptance_notice.downloaded').
 */
export async function acceptanceNoticePdf(deps: Pick<Deps, 'db'>, user: AuthUser, role: Role, actor: Actor, id: string): Promise<{ pdf: Buffer; fileName: string }> {
  const app = await loadApplicationFor(deps.db, user, role, id);
  const notice = await latestAcceptanceNotice(deps.db, app.id);
  if (!notice) throw NotFound();
  await audit(deps.db, { actor, action: 'acceptance_notice.downloaded', objectType: 'application', objectId: app.id });
  return { pdf: notice.pdf, fileName: notice.file_name };
}

async function latestAcceptanceNotice(db: DbOrTx, applicationId: string) {
  return db.selectFrom('acceptance_notices').select(['pdf', 'file_name', 'accepted_on']).where('application_id', '=', applicationId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}
