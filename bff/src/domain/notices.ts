/**
 * Public notice (公示, issue 11; Hunan 003 §1.1.2: 审核通过后进行网上公示公告，公告无异议后发电子证书; Sichuan 004:
 * initial and re-registration 审批、通告). An approved application of a matter the province's settings list
 * (publicNotice.matters) enters `public_notice`: a notice row holds what the public page shows (name,
 * employer, profession, matter, specialties; never an ID number) and its period, the `workingDays` working
 * days after the approval day under the province's calendar. Anyone may lodge an objection (异议) while it
 * runs; a reviewer resolves it: upheld = the application is refused (rejected) with the reason, dismissed =
 * the notice continues. `closeDueNotices` issues the certificate (completeMatter) for every notice whose
 * period has passed with no open objection.
 */
import type { PublicNoticeView } from '@zhiyetong/shared';
import {
  PROFESSION_LABELS,
  REGISTRATION_TYPE_LABELS,
  SPECIALTY_LABELS,
  addWorkingDays,
  reviewReasonText,
  type MatterForm,
  type Profession,
  type RegistrationType,
  type ReviewReasonCode,
  type Specialty,
} from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { Tx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { shanghaiDate } from '../time.js';
import { completeMatter } from './applications.js';
import { audit } from './audit.js';
import { enqueue } from './outbox.js';
import { isUuid } from './policies.js';
import { settingsOf } from './province.js';
import { matterLabel, notifyEmployer } from './review-outcomes.js';

type NoticeDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/** One notice as the public page and GET /api/public/notices show it. */
export type { PublicNoticeView };

/** The specialties an application concerns, for the public page: the form's, or the register's for a change. */
async function noticeSpecialties(tx: Tx, app: ApplicationRow): Promise<string[]> {
  const form = app.form as (MatterForm & { specialties?: ({ specialty: Specialty } | Specialty)[] }) | null;
  const fromForm = (form?.specialties ?? []).map((s) => (typeof s === 'string' ? s : s.specialty));
  if (fromForm.length) return fromForm;
  if (!app.registration_id) return [];
  const rows = await tx.selectFrom('registration_specialties').select('specialty').where('registration_id', '=', app.registration_id).where('status', '=', 'registered').execute();
  return rows.map((r) => r.specialty);
}

/**
 * Starts the notice of `app`, just approved by `actor`, in `tx`: the period is the province's
 * publicNotice.workingDays working days after today; the applicant is told the period (SMS).
 */
export async function startPublicNotice(deps: NoticeDeps, tx: Tx, app: ApplicationRow, actor: Actor | null): Promise<void> {
  const settings = settingsOf(deps.config);
  const today = shanghaiDate(deps.now());
  const days = settings.publicNotice.workingDays;
  const startsOn = addWorkingDays(today, 1, settings.calendar);
  const endsOn = addWorkingDays(today, days, settings.calendar);
  const [identity, employer] = await Promise.all([
    tx.selectFrom('identities').select('name').where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow(),
    app.employer_id ? tx.selectFrom('enterprises').select('name').where('id', '=', app.employer_id).executeTakeFirst() : undefined,
  ]);
  const notice = await tx
    .insertInto('public_notices')
    .values({
      application_id: app.id,
      acceptance_no: app.acceptance_no ?? '',
      holder_name: identity.name,
      employer_name: employer?.name ?? '',
      profession: app.profession,
      matter: app.type,
      specialties: JSON.stringify(await noticeSpecialties(tx, app)),
      starts_on: startsOn,
      ends_on: endsOn,
      working_days: days,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('application_events').values({ application_id: app.id, event: 'notice_started', actor_id: actor?.id ?? null, actor_role: actor?.role ?? 'system', stage: null, note: `公示期 ${startsOn} 至 ${endsOn}（${days} 个工作日）` }).execute();
  await audit(tx, { actor, action: 'notice.started', objectType: 'application', objectId: app.id, details: { noticeId: notice.id, startsOn, endsOn, workingDays: days } });
  const phone = (await tx.selectFrom('users').select('phone').where('id', '=', app.applicant_id).executeTakeFirstOrThrow()).phone;
  await enqueue(tx, { channel: 'sms', phone, message: { template: 'applicant_review', params: [matterLabel(app), app.acceptance_no ?? '', '公示', `审批通过，公示期 ${startsOn} 至 ${endsOn}，期满无异议后发放电子证书`] } });
}

function present(n: { id: string; holder_name: string; employer_name: string; profession: string; matter: string; specialties: string[]; starts_on: string | Date; ends_on: string | Date; working_days: number }): PublicNoticeView {
  const day = (d: string | Date) => (typeof d === 'string' ? d : shanghaiDate(d));
  return {
    id: n.id,
    holderName: n.holder_name,
    employerName: n.employer_name,
    profession: n.profession,
    professionLabel: PROFESSION_LABELS[n.profession as Profession] ?? n.profession,
    matter: n.matter,
    matterLabel: REGISTRATION_TYPE_LABELS[n.matter as RegistrationType] ?? n.matter,
    specialties: n.specialties.map((s) => SPECIALTY_LABELS[s as Specialty] ?? s),
    startsOn: day(n.starts_on),
    endsOn: day(n.ends_on),
    workingDays: n.working_days,
  };
}

/** The notices running today (status open, period not over), oldest first. Public: no ID number is held. */
export async function listPublicNotices(deps: Pick<Deps, 'db' | 'now'>): Promise<PublicNoticeView[]> {
  const today = shanghaiDate(deps.now());
  const rows = await deps.db
    .selectFrom('public_notices')
    .select(['id', 'holder_name', 'employer_name', 'profession', 'matter', 'specialties', 'starts_on', 'ends_on', 'working_days'])
    .where('status', '=', 'open')
    .where('ends_on', '>=', today)
    .orderBy('created_at')
    .execute();
  return rows.map(present);
}

/**
 * Lodges an objection to notice `noticeId` (anyone, through the public page): `text` 5-1000 characters, an
 * optional contact (kept encrypted). Errors: 404 unknown notice; 409 notice_closed when it is not running.
 * Audited ('notice.objection_lodged', with the client IP, not the text).
 */
export async function lodgeObjection(deps: Pick<Deps, 'db' | 'now' | 'pii'>, noticeId: string, input: { text: string; contact?: string }, ip: string | undefined): Promise<{ id: string }> {
  if (!isUuid(noticeId)) throw NotFound();
  return deps.db.transaction().execute(async (tx) => {
    const notice = await tx.selectFrom('public_notices').select(['id', 'application_id', 'status', 'ends_on']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!notice) throw NotFound();
    const endsOn = typeof notice.ends_on === 'string' ? notice.ends_on : shanghaiDate(notice.ends_on as unknown as Date);
    if (notice.status !== 'open' || endsOn < shanghaiDate(deps.now())) throw appError('notice_closed');
    const row = await tx
      .insertInto('notice_objections')
      .values({ notice_id: notice.id, text: input.text, contact_enc: input.contact ? deps.pii.encrypt(input.contact) : null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('application_events').values({ application_id: notice.application_id, event: 'objection_lodged', actor_id: null, actor_role: 'system', stage: null, note: null }).execute();
    await audit(tx, { actor: null, action: 'notice.objection_lodged', objectType: 'notice_objection', objectId: row.id, details: { noticeId: notice.id, ip: ip ?? null } });
    return { id: row.id };
  });
}

/** The objections for reviewers, with their notice (status open by default). */
export async function listObjections(deps: Pick<Deps, 'db' | 'pii'>, status: 'open' | 'upheld' | 'dismissed' = 'open') {
  const rows = await deps.db
    .selectFrom('notice_objections')
    .innerJoin('public_notices', 'public_notices.id', 'notice_objections.notice_id')
    .select([
      'notice_objections.id',
      'notice_objections.text',
      'notice_objections.contact_enc',
      'notice_objections.status',
      'notice_objections.resolution',
      'notice_objections.created_at',
      'public_notices.application_id',
      'public_notices.acceptance_no',
      'public_notices.holder_name',
      'public_notices.ends_on',
    ])
    .where('notice_objections.status', '=', status)
    .orderBy('notice_objections.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    applicationId: r.application_id,
    acceptanceNo: r.acceptance_no,
    holderName: r.holder_name,
    text: r.text,
    contact: r.contact_enc ? deps.pii.decrypt(r.contact_enc) : null,
    status: r.status,
    resolution: r.resolution,
    lodgedAt: r.created_at.toISOString(),
  }));
}

/**
 * A reviewer resolves objection `id`: `upheld` refuses the application (rejected, reason code
 * objection_upheld unless another is given, the applicant and the employer notified with the reason; the
 * notice ends), `dismissed` lets the notice continue (its certificate waits for the period and for any other
 * open objection). Errors: 404; 409 objection_resolved.
 */
export async function resolveObjection(deps: NoticeDeps, actor: Actor, id: string, input: { outcome: 'upheld' | 'dismissed'; resolution: string; reasonCode?: ReviewReasonCode }): Promise<{ status: string; applicationStatus: string }> {
  if (!isUuid(id)) throw NotFound();
  return deps.db.transaction().execute(async (tx) => {
    const objection = await tx.selectFrom('notice_objections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!objection) throw NotFound();
    if (objection.status !== 'open') throw appError('objection_resolved');
    const notice = await tx.selectFrom('public_notices').selectAll().where('id', '=', objection.notice_id).forUpdate().executeTakeFirstOrThrow();
    const app = await tx.selectFrom('applications').selectAll().where('id', '=', notice.application_id).forUpdate().executeTakeFirstOrThrow();
    const now = deps.now();
    await tx.updateTable('notice_objections').set({ status: input.outcome, resolution: input.resolution, resolved_by: actor.id, resolved_at: now }).where('id', '=', id).execute();
    let applicationStatus = app.status;
    if (input.outcome === 'upheld' && app.status === 'public_notice') {
      const code = input.reasonCode ?? 'objection_upheld';
      const reason = reviewReasonText(code, input.resolution);
      applicationStatus = 'rejected';
      await tx.updateTable('applications').set({ status: 'rejected', return_reason: reason, updated_at: now }).where('id', '=', app.id).execute();
      await tx.updateTable('public_notices').set({ status: 'refused', closed_at: now }).where('id', '=', notice.id).execute();
      await tx.insertInto('application_events').values({ application_id: app.id, event: 'objection_upheld', actor_id: actor.id, actor_role: actor.role, stage: null, note: reason, reason_code: code }).execute();
      const phone = (await tx.selectFrom('users').select('phone').where('id', '=', app.applicant_id).executeTakeFirstOrThrow()).phone;
      await enqueue(tx, { channel: 'sms', phone, message: { template: 'applicant_review', params: [matterLabel(app), app.acceptance_no ?? '', '公示', `异议成立，不予注册，原因：${reason}`] } });
      await notifyEmployer(tx, app, '公示期间异议成立，不予注册', `原因：${reason}`);
    } else {
      await tx.insertInto('application_events').values({ application_id: app.id, event: 'objection_dismissed', actor_id: actor.id, actor_role: actor.role, stage: null, note: input.resolution }).execute();
    }
    await audit(tx, { actor, action: 'notice.objection_resolved', objectType: 'notice_objection', objectId: id, details: { outcome: input.outcome, applicationId: app.id } });
    return { status: input.outcome, applicationStatus };
  });
}

/**
 * The periodic job (bff/src/jobs.ts 'notices.close'): every open notice whose last day is before today
 * (deps.now(), Asia/Shanghai) and that has no open objection ends — the application is approved and its
 * matter completed (register written, certificate issued) in one transaction per notice. Idempotent: a notice
 * already closed, or an application no longer in public_notice, is skipped under its row lock. Returns how
 * many certificates' matters it completed.
 */
export async function closeDueNotices(deps: NoticeDeps): Promise<number> {
  const today = shanghaiDate(deps.now());
  const due = await deps.db
    .selectFrom('public_notices')
    .select('id')
    .where('status', '=', 'open')
    .where('ends_on', '<', today)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notice_objections').select('notice_objections.id').whereRef('notice_objections.notice_id', '=', 'public_notices.id').where('notice_objections.status', '=', 'open'))))
    .execute();
  let closed = 0;
  for (const { id } of due) {
    const done = await deps.db.transaction().execute(async (tx) => {
      const notice = await tx.selectFrom('public_notices').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!notice || notice.status !== 'open') return false;
      const open = await tx.selectFrom('notice_objections').select('id').where('notice_id', '=', id).where('status', '=', 'open').executeTakeFirst();
      if (open) return false;
      const app = await tx.selectFrom('applications').selectAll().where('id', '=', notice.application_id).forUpdate().executeTakeFirstOrThrow();
      if (app.status !== 'public_notice') return false;
      const started = await tx.selectFrom('application_events').select(['actor_id', 'actor_role']).where('application_id', '=', app.id).where('event', '=', 'notice_started').orderBy('at', 'desc').executeTakeFirst();
      // the matter completes in the name of the reviewer who approved it
      const actor: Actor | null = started?.actor_id ? { id: started.actor_id, role: started.actor_role as Actor['role'] } : null;
      const now = deps.now();
      await tx.updateTable('public_notices').set({ status: 'issued', closed_at: now }).where('id', '=', id).execute();
      await tx.updateTable('applications').set({ status: 'approved', updated_at: now }).where('id', '=', app.id).execute();
      await tx.insertInto('application_events').values({ application_id: app.id, event: 'notice_ended', actor_id: null, actor_role: 'system', stage: null, note: `公示期 ${notice.starts_on} 至 ${notice.ends_on} 期满无异议` }).execute();
      await completeMatter(deps, tx, app, actor);
      await audit(tx, { actor: null, action: 'notice.closed', objectType: 'application', objectId: app.id, details: { noticeId: id } });
      return true;
    });
    if (done) closed++;
  }
  return closed;
}
