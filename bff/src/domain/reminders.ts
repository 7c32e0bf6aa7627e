/**
 * Reminders (issue 16) through the outbox: SMS to the phone, and a WeChat subscription message where the
 * recipient has bound WeChat (an openid) and WECHAT_REMINDER_TEMPLATE_ID is set. The kinds, who gets them
 * and which may be switched off are the shared catalogue (shared/src/reminders.ts); when they go is a
 * setting per kind (REMINDER_* days, bff/src/config.ts):
 *  - validity_ending / employee_validity_ending: a registered specialty's validity ends in at most T days
 *    (default T = 90, 30, 7), to the holder (mandatory) and to each operator of the employer (optional);
 *  - certificate_unclaimed: an active certificate version not claimed T days after it was issued (7);
 *  - applicant_signature: a saved draft not signed T days after its last save, or a filing the employer made
 *    for the person (awaiting_applicant, issue 10) not confirmed T days after it reached them (3);
 *  - employer_signature: an applicant-signed application waiting T days for the employer (3), to each
 *    operator of the employer;
 *  - correction: a returned application not corrected T days after the return (3).
 *
 * Once per event and threshold: the scan inserts a `reminders_sent` row keyed (kind, subject, threshold,
 * recipient) with `on conflict do nothing` and queues the outbox message in the same transaction only when
 * the row went in, so two scans at once (two BFF processes, or a scheduler retry) send it once; the second
 * waits on the first's key and then skips it. The subject names the event with its start (a renewed
 * specialty, a re-signed or re-returned application is a new event). Only the threshold just reached is
 * sent: a specialty first seen 20 days before its end gets the 30-day reminder, not the 90-day one too.
 */
import { PROFESSION_LABELS, REMINDER_KIND_INFO, REMINDER_KINDS, SPECIALTY_LABELS, type Profession, type ReminderKind, type ReminderSettingView, type Role, type Specialty } from '@zhiyetong/shared';
import { sql } from 'kysely';
import type { AuthUser, Deps } from '../context.js';
import type { SmsMessage } from '../adapters/sms.js';
import { REMINDER_SMS_TEMPLATES } from '../config.js';
import { appError, NotFound } from '../errors.js';
import { dayjs, shanghaiDate } from '../time.js';
import { EMPLOYER_DETAIL_PAGE, matterName } from './applications.js';
import { enqueue } from './outbox.js';

export type ReminderDeps = Pick<Deps, 'db' | 'now' | 'config' | 'log'>;

// every reminder template has its Tencent template id setting (compile-time check)
const _templatesAreSms: readonly SmsMessage['template'][] = REMINDER_SMS_TEMPLATES;
void _templatesAreSms;

const DAY_MS = 86_400_000;

/** The thresholds (days, largest first) of `kind` under the settings. */
export function reminderThresholds(config: Deps['config'], kind: ReminderKind): number[] {
  const r = config.reminders;
  switch (kind) {
    case 'validity_ending':
    case 'employee_validity_ending':
      return r.validityDays;
    case 'certificate_unclaimed':
      return r.unclaimedDays;
    case 'applicant_signature':
      return r.applicantSignatureDays;
    case 'employer_signature':
      return r.employerSignatureDays;
    case 'correction':
      return r.correctionDays;
  }
}

/** days_before: the smallest threshold at or above `daysLeft` (null when further away than all). */
function thresholdBefore(thresholds: number[], daysLeft: number): number | null {
  const reached = thresholds.filter((t) => daysLeft <= t);
  return reached.length ? Math.min(...reached) : null;
}

/** days_after: the largest threshold `daysWaited` has reached (null before the first). */
function thresholdAfter(thresholds: number[], daysWaited: number): number | null {
  const reached = thresholds.filter((t) => daysWaited >= t);
  return reached.length ? Math.max(...reached) : null;
}

interface Recipient {
  id: string;
  phone: string;
  wechat_openid: string | null;
}

interface Due {
  kind: ReminderKind;
  subjectId: string;
  threshold: number;
  recipient: Recipient;
  sms: SmsMessage;
  /** The subscription message: page opened on tap, thing1 事项, thing2 提醒内容 (≤ 20 characters each), time3 日期. */
  wechat: { page: string; thing1: string; thing2: string; time3: string };
}

const keyOf = (d: Pick<Due, 'kind' | 'subjectId' | 'threshold'> & { recipientId: string }) => `${d.kind}\u0000${d.subjectId}\u0000${d.threshold}\u0000${d.recipientId}`;

/**
 * Scans for every reminder due at deps.now() and queues each once (see the module comment); returns how many
 * reminders (recipient × event × threshold) were queued by this run. Idempotent and safe to run from several
 * processes at once; meant to run hourly (bff/src/jobs.ts) and called directly by tests.
 */
export async function sendDueReminders(deps: ReminderDeps): Promise<number> {
  const now = deps.now();
  const today = shanghaiDate(now);
  const due: Due[] = [
    ...(await validityDue(deps, today)),
    ...(await certificatesDue(deps, today)),
    ...(await applicationsDue(deps, now)),
  ];
  if (!due.length) return 0;

  // switched-off optional kinds are left out (not recorded: switched on again, the next threshold is sent)
  const optionalRecipients = [...new Set(due.filter((d) => REMINDER_KIND_INFO[d.kind].optional).map((d) => d.recipient.id))];
  const off = new Set<string>();
  for (let i = 0; i < optionalRecipients.length; i += 1000) {
    const rows = await deps.db.selectFrom('reminder_settings').select(['user_id', 'kind']).where('enabled', '=', false).where('user_id', 'in', optionalRecipients.slice(i, i + 1000)).execute();
    for (const r of rows) off.add(`${r.user_id}/${r.kind}`);
  }
  const wanted = due.filter((d) => !REMINDER_KIND_INFO[d.kind].optional || !off.has(`${d.recipient.id}/${d.kind}`));
  // one order for every process: concurrent scans meet their keys in the same order and never deadlock
  const byKey = new Map(wanted.map((d) => [keyOf({ ...d, recipientId: d.recipient.id }), d]));
  const keys = [...byKey.keys()].sort();
  const templateId = deps.config.wechat?.reminderTemplateId;

  let sent = 0;
  for (let i = 0; i < keys.length; i += 200) {
    const chunk = keys.slice(i, i + 200).map((k) => byKey.get(k)!);
    sent += await deps.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('reminders_sent')
        .values(chunk.map((d) => ({ kind: d.kind, subject_id: d.subjectId, threshold: d.threshold, recipient_id: d.recipient.id, sent_at: now })))
        .onConflict((oc) => oc.columns(['kind', 'subject_id', 'threshold', 'recipient_id']).doNothing())
        .returning(['kind', 'subject_id', 'threshold', 'recipient_id'])
        .execute();
      for (const row of inserted) {
        const d = byKey.get(keyOf({ kind: row.kind as ReminderKind, subjectId: row.subject_id, threshold: row.threshold, recipientId: row.recipient_id }))!;
        await enqueue(tx, { channel: 'sms', phone: d.recipient.phone, message: d.sms });
        if (templateId && d.recipient.wechat_openid)
          await enqueue(tx, {
            channel: 'wechat_subscribe',
            openid: d.recipient.wechat_openid,
            templateId,
            page: d.wechat.page,
            data: { thing1: [...d.wechat.thing1].slice(0, 20).join(''), thing2: [...d.wechat.thing2].slice(0, 20).join(''), time3: d.wechat.time3 },
          });
      }
      return inserted.length;
    });
  }
  if (sent) deps.log.info({ event: 'reminders.sent', count: sent }, 'reminders queued');
  return sent;
}

/** The active members (operators and the legal representative, 0010) of each enterprise in `ids`, with phone and openid. */
async function operatorsOf(deps: ReminderDeps, ids: string[]): Promise<Map<string, Recipient[]>> {
  const map = new Map<string, Recipient[]>();
  if (!ids.length) return map;
  const rows = await deps.db
    .selectFrom('enterprise_operators as o')
    .innerJoin('users as u', 'u.id', 'o.user_id')
    .select(['o.enterprise_id', 'u.id', 'u.phone', 'u.wechat_openid'])
    .where('o.enterprise_id', 'in', ids)
    .where('o.removed_at', 'is', null)
    .execute();
  for (const r of rows) map.set(r.enterprise_id, [...(map.get(r.enterprise_id) ?? []), { id: r.id, phone: r.phone, wechat_openid: r.wechat_openid }]);
  return map;
}

/** Specialties whose validity ends within the largest threshold: the holder and the employer's operators. */
async function validityDue(deps: ReminderDeps, today: string): Promise<Due[]> {
  const thresholds = deps.config.reminders.validityDays;
  const last = dayjs(today).add(Math.max(...thresholds), 'day').format('YYYY-MM-DD');
  const rows = await deps.db
    .selectFrom('registration_specialties as s')
    .innerJoin('registrations as r', 'r.id', 's.registration_id')
    .leftJoin('users as h', 'h.id', 'r.holder_id')
    .select(['s.registration_id', 's.specialty', sql<string>`to_char(s.valid_until, 'YYYY-MM-DD')`.as('valid_until'), 'r.registration_no', 'r.profession', 'r.holder_name', 'r.employer_id', 'h.id as holder_id', 'h.phone', 'h.wechat_openid'])
    .where('s.status', '=', 'registered')
    .where('r.status', '=', 'registered')
    .where(sql<boolean>`s.valid_until between ${today}::date and ${last}::date`)
    .execute();
  const operators = await operatorsOf(deps, [...new Set(rows.flatMap((r) => (r.employer_id ? [r.employer_id] : [])))]);
  const due: Due[] = [];
  for (const r of rows) {
    const daysLeft = dayjs(r.valid_until).diff(dayjs(today), 'day');
    const threshold = thresholdBefore(thresholds, daysLeft);
    if (threshold === null) continue;
    const subjectId = `${r.registration_id}/${r.specialty}/${r.valid_until}`;
    const profession = PROFESSION_LABELS[r.profession as Profession] ?? r.profession;
    const specialty = SPECIALTY_LABELS[r.specialty as Specialty] ?? r.specialty;
    const wechat = { thing1: '注册专业有效期届满提醒', thing2: `${specialty}还有${daysLeft}天届满`, time3: r.valid_until };
    if (r.holder_id && r.phone)
      due.push({
        kind: 'validity_ending',
        subjectId,
        threshold,
        recipient: { id: r.holder_id, phone: r.phone, wechat_openid: r.wechat_openid },
        sms: { template: 'reminder_validity_ending', params: [profession, specialty, r.registration_no, r.valid_until, String(daysLeft)] },
        wechat: { ...wechat, page: 'certificates/pages/registration/index' },
      });
    for (const op of (r.employer_id && operators.get(r.employer_id)) || [])
      due.push({
        kind: 'employee_validity_ending',
        subjectId,
        threshold,
        recipient: op,
        sms: { template: 'reminder_employee_validity_ending', params: [r.holder_name, profession, specialty, r.registration_no, r.valid_until, String(daysLeft)] },
        wechat: { ...wechat, thing2: `${r.holder_name}${wechat.thing2}`, page: 'pages/home/index' },
      });
  }
  return due;
}

const daysSince = (now: Date, since: Date) => Math.floor((now.getTime() - since.getTime()) / DAY_MS);

/** Active certificate versions not claimed since their issue (calendar days in Shanghai since the issue date). */
async function certificatesDue(deps: ReminderDeps, today: string): Promise<Due[]> {
  const thresholds = deps.config.reminders.unclaimedDays;
  const rows = await deps.db
    .selectFrom('certificates as c')
    .innerJoin('users as u', 'u.id', 'c.holder_id')
    .select(['c.id', 'c.profession', 'c.registration_no', 'c.issue_date', 'u.id as user_id', 'u.phone', 'u.wechat_openid'])
    .where('c.status', '=', 'active')
    .where('c.claimed_at', 'is', null)
    .where('c.issue_date', '<=', dayjs(today).subtract(Math.min(...thresholds), 'day').format('YYYY-MM-DD'))
    .execute();
  return rows.flatMap((r): Due[] => {
    const days = dayjs(today).diff(dayjs(r.issue_date), 'day');
    const threshold = thresholdAfter(thresholds, days);
    if (threshold === null) return [];
    const profession = PROFESSION_LABELS[r.profession as Profession] ?? r.profession;
    return [
      {
        kind: 'certificate_unclaimed',
        subjectId: r.id,
        threshold,
        recipient: { id: r.user_id, phone: r.phone, wechat_openid: r.wechat_openid },
        sms: { template: 'reminder_certificate_unclaimed', params: [profession, r.registration_no, String(days)] },
        wechat: { page: `certificates/pages/detail/index?id=${r.id}`, thing1: '电子证书未领取提醒', thing2: `${profession}电子证书待领取`, time3: r.issue_date },
      },
    ];
  });
}

/** Applications waiting for their applicant's signature, the employer's, or a correction. */
async function applicationsDue(deps: ReminderDeps, now: Date): Promise<Due[]> {
  const r = deps.config.reminders;
  const cutoff = (days: number[]) => new Date(now.getTime() - Math.min(...days) * DAY_MS);
  const rows = await deps.db
    .selectFrom('applications as a')
    .innerJoin('users as u', 'u.id', 'a.applicant_id')
    .leftJoin('identities as i', 'i.user_id', 'a.applicant_id')
    .select(['a.id', 'a.profession', 'a.type', 'a.status', 'a.acceptance_no', 'a.employer_id', 'a.updated_at', 'a.applicant_signed_at', 'i.name', 'u.id as user_id', 'u.phone', 'u.wechat_openid'])
    .where((eb) =>
      eb.or([
        eb.and([eb('a.status', '=', 'draft'), eb('a.form', 'is not', null), eb('a.updated_at', '<=', cutoff(r.applicantSignatureDays))]),
        eb.and([eb('a.status', '=', 'awaiting_applicant'), eb('a.updated_at', '<=', cutoff(r.applicantSignatureDays))]),
        eb.and([eb('a.status', '=', 'awaiting_employer'), eb('a.applicant_signed_at', '<=', cutoff(r.employerSignatureDays))]),
        eb.and([eb('a.status', '=', 'returned'), eb('a.updated_at', '<=', cutoff(r.correctionDays))]),
      ]),
    )
    .execute();
  const operators = await operatorsOf(deps, [...new Set(rows.flatMap((a) => (a.status === 'awaiting_employer' && a.employer_id ? [a.employer_id] : [])))]);
  const due: Due[] = [];
  for (const a of rows) {
    const matter = matterName(a);
    const no = a.acceptance_no ?? '';
    const applicant = { id: a.user_id, phone: a.phone, wechat_openid: a.wechat_openid };
    const page = `applicant/pages/detail/index?id=${a.id}`;
    if (a.status === 'awaiting_employer') {
      const since = a.applicant_signed_at!;
      const days = daysSince(now, since);
      const threshold = thresholdAfter(r.employerSignatureDays, days);
      if (threshold === null) continue;
      for (const op of (a.employer_id && operators.get(a.employer_id)) || [])
        due.push({
          kind: 'employer_signature',
          subjectId: `${a.id}@${since.getTime()}`,
          threshold,
          recipient: op,
          sms: { template: 'reminder_employer_signature', params: [a.name ?? '', matter, no, String(days)] },
          wechat: { page: `${EMPLOYER_DETAIL_PAGE}?id=${a.id}`, thing1: '申请待企业确认提醒', thing2: `${a.name ?? ''}的${matter}`, time3: shanghaiDate(since) },
        });
      continue;
    }
    const since = a.updated_at;
    const days = daysSince(now, since);
    const kind: ReminderKind = a.status === 'returned' ? 'correction' : 'applicant_signature';
    const threshold = thresholdAfter(kind === 'correction' ? r.correctionDays : r.applicantSignatureDays, days);
    if (threshold === null) continue;
    due.push({
      kind,
      subjectId: `${a.id}@${since.getTime()}`,
      threshold,
      recipient: applicant,
      sms: { template: kind === 'correction' ? 'reminder_correction' : 'reminder_applicant_signature', params: [matter, no, String(days)] },
      wechat: { page, thing1: REMINDER_KIND_INFO[kind].label, thing2: `${matter}${kind === 'correction' ? '待修改' : '待签名'}`, time3: shanghaiDate(since) },
    });
  }
  return due;
}

/** The kinds that apply to a user with `roles`, in catalogue order. */
function kindsFor(roles: readonly Role[]): ReminderKind[] {
  return REMINDER_KINDS.filter((k) => roles.includes(REMINDER_KIND_INFO[k].role));
}

/** GET /api/me/reminders: the reminders of the caller's roles with their thresholds and whether they are on (no row = on). */
export async function reminderSettings(deps: Pick<Deps, 'db' | 'config'>, user: Pick<AuthUser, 'id' | 'roles'>): Promise<ReminderSettingView[]> {
  const kinds = kindsFor(user.roles);
  if (!kinds.length) return [];
  const rows = await deps.db.selectFrom('reminder_settings').select(['kind', 'enabled']).where('user_id', '=', user.id).execute();
  const chosen = new Map(rows.map((r) => [r.kind, r.enabled]));
  return kinds.map((kind) => {
    const info = REMINDER_KIND_INFO[kind];
    return { kind, label: info.label, description: info.description, optional: info.optional, unit: info.unit, enabled: !info.optional || (chosen.get(kind) ?? true), thresholds: reminderThresholds(deps.config, kind) };
  });
}

/**
 * PUT /api/me/reminders: switches an optional reminder on or off for the caller. Errors: 404 not_found (a kind
 * not of the caller's roles), 409 reminder_mandatory (switching off a mandatory one). Returns the settings.
 */
export async function setReminder(deps: Pick<Deps, 'db' | 'config' | 'now'>, user: Pick<AuthUser, 'id' | 'roles'>, input: { kind: ReminderKind; enabled: boolean }): Promise<ReminderSettingView[]> {
  if (!kindsFor(user.roles).includes(input.kind)) throw NotFound();
  if (!REMINDER_KIND_INFO[input.kind].optional) {
    if (!input.enabled) throw appError('reminder_mandatory');
    return reminderSettings(deps, user);
  }
  await deps.db
    .insertInto('reminder_settings')
    .values({ user_id: user.id, kind: input.kind, enabled: input.enabled, updated_at: deps.now() })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled: input.enabled, updated_at: deps.now() }))
    .execute();
  return reminderSettings(deps, user);
}
