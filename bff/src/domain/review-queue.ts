/**
 * The reviewer's working day (issue 11): the queue of one stage with its filters, the count per stage, batch
 * decisions for the routine stages, and the statistics of a date range. Everything is limited to the
 * reviewer's jurisdiction (authorities.ts). Waiting time runs from when the application entered its stage
 * (applications.stage_entered_at, on the server's clock) to now; a stage's time limit is
 * stageLimit(): hours where REVIEW_STAGE_LIMIT_HOURS sets them, else the province file's working days
 * (stageTimeLimitsWorkingDays, counted on its working-day calendar), else DEFAULT_STAGE_LIMIT_HOURS; an item past
 * its stage's deadline is overdue.
 */
import { randomUUID } from 'node:crypto';
import { sql, type SelectQueryBuilder } from 'kysely';
import {
  APPLICATION_STATUS_LABELS,
  ERRORS,
  addWorkingDays,
  MATTERS,
  PROFESSION_LABELS,
  REGISTRATION_TYPE_LABELS,
  REVIEW_STAGES,
  REVIEW_STAGE_LABELS,
  maskIdNumber,
  type ApplicationStatus,
  type BatchDecisionRequest,
  type BatchDecisionResult,
  type Profession,
  type RegistrationType,
  type ReviewQueueItem,
  type ReviewQueueQuery,
  type ReviewStage,
  type ReviewStatistics,
  type Specialty,
  type StageCount,
} from '@zhiyetong/shared';
import type { Config } from '../config.js';
import { DEFAULT_STAGE_LIMIT_HOURS } from '../config.js';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError, appError, NotFound } from '../errors.js';
import { dayjs, shanghaiDate, ZONE } from '../time.js';
import { routeOf, settingsOf } from './province.js';
import { decideReview } from './applications.js';
import { audit } from './audit.js';
import { requireStaff, type Jurisdiction } from './authorities.js';

type QueueDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config'>;
const HOUR = 3_600_000;

/** Start of a Shanghai calendar date (YYYY-MM-DD). */
function dayStart(date: string): Date {
  return dayjs.tz(`${date} 00:00`, ZONE).toDate();
}
function dayAfter(date: string): Date {
  return dayjs.tz(`${date} 00:00`, ZONE).add(1, 'day').toDate();
}

/** The authority ids a filter `authorityId` selects inside the jurisdiction; 404 for one outside it. */
function scopeOf(j: Jurisdiction, authorityId: string | undefined, all: { id: string; parent_id: string | null }[]): { all: boolean; ids: string[] } {
  if (!authorityId) return { all: j.all, ids: j.ids };
  if (!j.ids.includes(authorityId)) throw NotFound();
  const ids = [authorityId];
  for (let i = 0; i < ids.length; i++) for (const r of all) if (r.parent_id === ids[i]) ids.push(r.id);
  const isRoot = all.find((r) => r.id === authorityId)?.parent_id === null;
  return { all: isRoot, ids };
}

type AppQuery = SelectQueryBuilder<Database & { a: Database['applications'] }, 'a', object>;

const entered = sql<Date>`coalesce(a.stage_entered_at, a.updated_at)`;

function inScope<Q extends AppQuery>(q: Q, scope: { all: boolean; ids: string[] }): Q {
  return (scope.all ? q : q.where('a.authority_id', 'in', scope.ids.length ? scope.ids : ['00000000-0000-0000-0000-000000000000'])) as Q;
}

/** The queue's filters except stage, waiting time and overdue (shared by the queue and the stage counts). */
function filtered<Q extends AppQuery>(q: Q, f: ReviewQueueQuery): Q {
  let r = q.where('a.employer_signed_at', 'is not', null) as Q;
  if (f.matter) r = r.where('a.type', '=', f.matter) as Q;
  if (f.profession) r = r.where('a.profession', '=', f.profession) as Q;
  if (f.specialty) {
    // a form's specialties are objects {specialty, …} (initial, additional, renewal) or codes (cancellation)
    const obj = JSON.stringify([{ specialty: f.specialty }]);
    const code = JSON.stringify([f.specialty]);
    r = r.where(sql<boolean>`(a.form->'specialties' @> ${obj}::jsonb or a.form->'specialties' @> ${code}::jsonb)`) as Q;
  }
  if (f.from) r = r.where('a.employer_signed_at', '>=', dayStart(f.from)) as Q;
  if (f.to) r = r.where('a.employer_signed_at', '<', dayAfter(f.to)) as Q;
  return r;
}

/** A stage's time limit: in hours (calendar time) or in working days (the province's calendar), one of them set. */
export interface StageLimit {
  hours: number | null;
  workingDays: number | null;
}

export function stageLimit(config: Pick<Config, 'review' | 'provinceRules'>, stage: ReviewStage): StageLimit {
  const hours = config.review.stageLimitHours[stage];
  if (hours !== undefined) return { hours, workingDays: null };
  const workingDays = settingsOf(config).stageTimeLimitsWorkingDays?.[stage];
  if (workingDays) return { hours: null, workingDays };
  return { hours: DEFAULT_STAGE_LIMIT_HOURS[stage], workingDays: null };
}

const prevDay = (d: string) => dayjs.tz(`${d} 12:00`, ZONE).subtract(1, 'day').format('YYYY-MM-DD');

/** When an item that entered `stage` at `at` becomes overdue: `at` + hours, or the start of the day after its last working day. */
function deadlineOf(config: Pick<Config, 'review' | 'provinceRules'>, stage: ReviewStage, at: Date): Date {
  const l = stageLimit(config, stage);
  if (l.hours !== null) return new Date(at.getTime() + l.hours * HOUR);
  return dayAfter(addWorkingDays(shanghaiDate(at), l.workingDays!, settingsOf(config).calendar));
}

/** Items that entered `stage` before this are overdue at `now` (the inverse of deadlineOf, for SQL). */
function overdueCutoff(config: Pick<Config, 'review' | 'provinceRules'>, stage: ReviewStage, now: Date): Date {
  const l = stageLimit(config, stage);
  if (l.hours !== null) return new Date(now.getTime() - l.hours * HOUR);
  const calendar = settingsOf(config).calendar;
  const today = shanghaiDate(now);
  // the latest entry date whose last working day is before today (addWorkingDays never decreases with the date)
  let d = prevDay(today);
  while (addWorkingDays(d, l.workingDays!, calendar) >= today) d = prevDay(d);
  return dayAfter(d);
}

function cutoffCase(config: Pick<Config, 'review' | 'provinceRules'>, now: Date) {
  return sql`case a.status ${sql.join(REVIEW_STAGES.map((s) => sql`when ${s} then ${overdueCutoff(config, s, now)}::timestamptz`), sql` `)} end`;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * GET /api/review/applications: the applications waiting at `stage` in the reviewer's jurisdiction, filtered
 * (matter, profession, specialty, authorityId with the authorities below it, from/to = submitted to the
 * authority on those Shanghai dates, minWaitingHours, overdue) and sorted (waiting = longest first; updated =
 * most recently changed first); at most 200. ID numbers masked. Errors: 403 staff_required; 404 for an
 * authorityId outside the jurisdiction.
 */
export async function reviewQueue(deps: QueueDeps, user: AuthUser, f: ReviewQueueQuery): Promise<ReviewQueueItem[]> {
  const { jurisdiction } = await requireStaff(deps.db, user.id);
  const authorities = await deps.db.selectFrom('authorities').select(['id', 'parent_id', 'name']).execute();
  const scope = scopeOf(jurisdiction, f.authorityId, authorities);
  const now = deps.now();
  const limit = stageLimit(deps.config, f.stage);
  let q = deps.db
    .selectFrom('applications as a')
    .innerJoin('identities as i', 'i.user_id', 'a.applicant_id')
    .leftJoin('enterprises as e', 'e.id', 'a.employer_id')
    .select(['a.id', 'a.profession', 'a.type', 'a.status', 'a.acceptance_no', 'a.applicant_signed_at', 'a.employer_signed_at', 'a.updated_at', 'a.created_at', 'a.form', 'a.authority_id', 'i.name', 'i.id_number_enc', 'e.name as employer_name'])
    .select(entered.as('entered_at'))
    .where('a.status', '=', f.stage);
  q = filtered(inScope(q, scope), f);
  if (f.minWaitingHours !== undefined) q = q.where(entered, '<=', new Date(now.getTime() - f.minWaitingHours * HOUR));
  if (f.overdue) q = q.where(entered, f.overdue === 'true' ? '<' : '>=', overdueCutoff(deps.config, f.stage, now));
  q = f.sort === 'waiting' ? q.orderBy(entered, 'asc').orderBy('a.id') : q.orderBy('a.updated_at', 'desc').orderBy('a.id');
  const rows = await q.limit(200).execute();
  const names = new Map(authorities.map((a) => [a.id, a.name]));
  const root = authorities.find((a) => a.parent_id === null);
  return rows.map((r) => {
    const waitingHours = (now.getTime() - new Date(r.entered_at).getTime()) / HOUR;
    const deadline = deadlineOf(deps.config, f.stage, new Date(r.entered_at));
    const specialties = (((r.form as { specialties?: unknown[] } | null)?.specialties ?? []) as unknown[]).map((s) => (typeof s === 'string' ? s : (s as { specialty: string }).specialty)) as Specialty[];
    return {
      id: r.id,
      profession: r.profession as Profession,
      type: r.type as RegistrationType,
      status: r.status as ApplicationStatus,
      statusLabel: APPLICATION_STATUS_LABELS[r.status as ApplicationStatus] ?? r.status,
      acceptanceNo: r.acceptance_no,
      applicantName: r.name,
      idNumberMasked: maskIdNumber(deps.pii.decrypt(r.id_number_enc)),
      employerName: r.employer_name,
      applicantSignedAt: r.applicant_signed_at?.toISOString() ?? null,
      updatedAt: r.updated_at.toISOString(),
      createdAt: r.created_at.toISOString(),
      specialties,
      authority: { id: r.authority_id ?? root?.id ?? null, name: (r.authority_id ? names.get(r.authority_id) : root?.name) ?? '' },
      submittedAt: r.employer_signed_at?.toISOString() ?? null,
      stageEnteredAt: new Date(r.entered_at).toISOString(),
      waitingHours: round1(waitingHours),
      limitHours: limit.hours,
      limitWorkingDays: limit.workingDays,
      deadline: deadline.toISOString(),
      overdue: now.getTime() > deadline.getTime(),
    };
  });
}

/** Per stage: how many wait and how many of those are overdue, in `scope` with the queue's filters (stage, waiting and overdue ignored). */
async function countStages(deps: QueueDeps, scope: { all: boolean; ids: string[] }, f: ReviewQueueQuery): Promise<StageCount[]> {
  const cutoff = cutoffCase(deps.config, deps.now());
  let q = deps.db
    .selectFrom('applications as a')
    .select(['a.status'])
    .select((eb) => [eb.fn.countAll<number>().as('count'), sql<number>`count(*) filter (where ${entered} < ${cutoff})`.as('overdue')])
    .where('a.status', 'in', [...REVIEW_STAGES])
    .groupBy('a.status');
  q = filtered(inScope(q, scope), f);
  const rows = await q.execute();
  return REVIEW_STAGES.map((stage) => {
    const r = rows.find((x) => x.status === stage);
    const limit = stageLimit(deps.config, stage);
    return { stage, label: REVIEW_STAGE_LABELS[stage], count: Number(r?.count ?? 0), overdue: Number(r?.overdue ?? 0), limitHours: limit.hours, limitWorkingDays: limit.workingDays };
  });
}

/** GET /api/review/stage-counts: the count per stage (and overdue) for the queue's filters. */
export async function stageCounts(deps: QueueDeps, user: AuthUser, f: ReviewQueueQuery): Promise<StageCount[]> {
  const { jurisdiction } = await requireStaff(deps.db, user.id);
  const authorities = await deps.db.selectFrom('authorities').select(['id', 'parent_id']).execute();
  return countStages(deps, scopeOf(jurisdiction, f.authorityId, authorities), f);
}

/**
 * POST /api/review/decisions/batch: one decision (pass, or fail with one reason) for several applications at
 * a routine stage (config.review.batchStages). Each is decided as by POST …/decisions: its own transaction,
 * jurisdiction, stage role, four-eyes, history event, audit entry and notification; one refused does not stop
 * the others. The result lists each id with its new status or its error. Errors (whole request): 422
 * batch_stage_not_allowed; 403 staff_required / stage_role_required.
 */
export async function decideBatch(deps: Deps, user: AuthUser, actor: Actor, input: BatchDecisionRequest): Promise<BatchDecisionResult> {
  if (!deps.config.review.batchStages.includes(input.stage)) throw appError('batch_stage_not_allowed');
  await requireStaff(deps.db, user.id);
  const batchId = randomUUID();
  const results: BatchDecisionResult['results'] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      const r = await decideReview(deps, user, actor, id, { stage: input.stage, outcome: input.outcome, reason: input.reason }, { batchId });
      results.push({ id, ok: true, status: r.status, statusLabel: r.statusLabel });
    } catch (e) {
      if (!(e instanceof AppError)) {
        // this item's transaction rolled back; the ones before stay decided, so report rather than fail the request
        deps.log.error({ err: e, applicationId: id, batchId }, 'batch decision failed');
        results.push({ id, ok: false, error: { code: 'internal', message: ERRORS.internal.message } });
        continue;
      }
      // the whole batch is refused when the person lacks the stage's role: nothing was decided
      if (e.code === 'stage_role_required' && results.every((x) => !x.ok)) throw e;
      results.push({ id, ok: false, error: { code: e.code, message: e.message } });
    }
  }
  const decided = results.filter((r) => r.ok).length;
  await audit(deps.db, { actor, action: 'review.batch_decided', objectType: 'review_batch', objectId: batchId, details: { stage: input.stage, outcome: input.outcome, decided, refused: results.length - decided, ids: results.map((r) => r.id) } });
  return { batchId, decided, refused: results.length - decided, results };
}

/**
 * GET /api/review/statistics: for Shanghai dates from..to (both included) in the jurisdiction (or the
 * authority `authorityId` and those below it): per matter the applications submitted to the authority and
 * where they stand now; per stage the decisions taken (passed, failed), the median hours from entering the
 * stage to its decision, and what waits now with how many overdue; the overdue items, longest first.
 * Errors: 403 staff_required; 404 authorityId outside the jurisdiction; 422 validation_failed (to before from).
 */
export async function reviewStatistics(deps: QueueDeps, user: AuthUser, f: { from: string; to: string; authorityId?: string }): Promise<ReviewStatistics> {
  if (f.to < f.from) throw appError('validation_failed', { to: '结束日期不能早于开始日期' });
  const { jurisdiction } = await requireStaff(deps.db, user.id);
  const authorities = await deps.db.selectFrom('authorities').select(['id', 'parent_id', 'name']).execute();
  const scope = scopeOf(jurisdiction, f.authorityId, authorities);
  const from = dayStart(f.from);
  const to = dayAfter(f.to);
  const routed = (Object.keys(MATTERS) as RegistrationType[]).filter((t) => routeOf(deps.config, t).length > 0);

  let mq = deps.db
    .selectFrom('applications as a')
    .select(['a.profession', 'a.type', 'a.status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('a.employer_signed_at', '>=', from)
    .where('a.employer_signed_at', '<', to)
    .where('a.type', 'in', routed)
    .groupBy(['a.profession', 'a.type', 'a.status']);
  mq = inScope(mq, scope);
  const byMatter = new Map<string, ReviewStatistics['matters'][number]>();
  for (const r of await mq.execute()) {
    const key = `${r.profession}:${r.type}`;
    const m = byMatter.get(key) ?? { profession: r.profession as Profession, type: r.type as RegistrationType, label: `${PROFESSION_LABELS[r.profession as Profession] ?? r.profession}${REGISTRATION_TYPE_LABELS[r.type as RegistrationType] ?? r.type}`, submitted: 0, byStatus: {} };
    m.submitted += Number(r.n);
    m.byStatus[r.status as ApplicationStatus] = Number(r.n);
    byMatter.set(key, m);
  }

  let dq = deps.db
    .selectFrom('review_decisions as d')
    .select([
      'd.stage',
      sql<number>`count(*) filter (where d.outcome = 'pass')`.as('passed'),
      sql<number>`count(*) filter (where d.outcome = 'fail')`.as('failed'),
      sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from d.decided_at - d.entered_at))`.as('median_seconds'),
    ])
    .where('d.decided_at', '>=', from)
    .where('d.decided_at', '<', to)
    .groupBy('d.stage');
  if (!scope.all) dq = dq.where('d.authority_id', 'in', scope.ids);
  const decisions = await dq.execute();
  const waiting = await countStages(deps, scope, { stage: 'acceptance', sort: 'updated' });

  const now = deps.now().getTime();
  let oq = deps.db
    .selectFrom('applications as a')
    .select(['a.id', 'a.acceptance_no', 'a.status', 'a.authority_id'])
    .select(entered.as('entered_at'))
    .where('a.status', 'in', [...REVIEW_STAGES])
    .where(sql<boolean>`${entered} < ${cutoffCase(deps.config, deps.now())}`)
    .orderBy(entered, 'asc')
    .limit(100);
  oq = inScope(oq, scope);
  const names = new Map(authorities.map((a) => [a.id, a.name]));
  const root = authorities.find((a) => a.parent_id === null);
  const scopeAuthority = f.authorityId ? authorities.find((a) => a.id === f.authorityId)! : authorities.find((a) => a.id === jurisdiction.authority.id)!;

  return {
    from: f.from,
    to: f.to,
    authority: { id: scopeAuthority.id, name: scopeAuthority.name },
    matters: [...byMatter.values()].sort((a, b) => b.submitted - a.submitted || a.label.localeCompare(b.label)),
    stages: REVIEW_STAGES.map((stage) => {
      const d = decisions.find((x) => x.stage === stage);
      const w = waiting.find((x) => x.stage === stage)!;
      return {
        stage,
        label: REVIEW_STAGE_LABELS[stage],
        passed: Number(d?.passed ?? 0),
        failed: Number(d?.failed ?? 0),
        medianHours: d?.median_seconds == null ? null : round1(Number(d.median_seconds) / 3600),
        waiting: w.count,
        overdue: w.overdue,
        limitHours: w.limitHours,
        limitWorkingDays: w.limitWorkingDays,
      };
    }),
    overdue: (await oq.execute()).map((r) => ({
      id: r.id,
      acceptanceNo: r.acceptance_no,
      stage: r.status as ReviewStage,
      waitingHours: round1((now - new Date(r.entered_at).getTime()) / HOUR),
      limitHours: stageLimit(deps.config, r.status as ReviewStage).hours,
      limitWorkingDays: stageLimit(deps.config, r.status as ReviewStage).workingDays,
      authorityName: (r.authority_id ? names.get(r.authority_id) : root?.name) ?? '',
    })),
  };
}

