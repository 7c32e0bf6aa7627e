/**
 * Issue 16 reminders, with the server's clock moved (s.advance) and the scan called directly
 * (sendDueReminders, what the hourly job runs): each reminder reaches the phone through the outbox once
 * per event and threshold — not again on a second run, not twice from two runs at once — and a reminder
 * switched off is not sent. One server; the tests run in order because the clock only moves forward.
 */
import test from 'ava';
import { sql } from 'kysely';
import { ConfigError, loadConfig } from '../src/config.js';
import { sendDueReminders } from '../src/domain/reminders.js';
import { PERIODIC_JOBS } from '../src/jobs.js';
import { shanghaiDate, dayjs } from '../src/time.js';
import { ENTERPRISE, OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, operatorClient, registeredConstructor, sign } from './helpers/flow.js';
import { startWechatServer } from './helpers/wechat-server.js';

const DAY = 86_400_000;
/** A second operator of the seeded enterprise (only reads SMS: never logs in), and a removed one. */
const OPERATOR_2_PHONE = '13800000012';
const REMOVED_OPERATOR_PHONE = '13800000013';

let s: TestServer;
let wechat: Awaited<ReturnType<typeof startWechatServer>>;
const run = () => sendDueReminders(s.server.deps);
const count = async (phone: string, ...parts: string[]) => (await s.sms(phone)).filter((m) => parts.every((p) => m.includes(p))).length;

test.before(async () => {
  // WeChat configured with a reminder template: a recipient with a bound openid also gets a subscription message
  wechat = await startWechatServer({ appId: 'wx123', appSecret: 'secret' });
  s = await startTestServer({ WECHAT_APP_ID: 'wx123', WECHAT_APP_SECRET: 'secret', WECHAT_API_BASE: wechat.apiBase, WECHAT_REMINDER_TEMPLATE_ID: 'tmpl-reminder' });
  const db = s.server.deps.db;
  const enterprise = await db.selectFrom('enterprises').select('id').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow();
  const user = await db.insertInto('users').values({ phone: OPERATOR_2_PHONE, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: enterprise.id, user_id: user.id }).execute();
  const removed = await db.insertInto('users').values({ phone: REMOVED_OPERATOR_PHONE, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: enterprise.id, user_id: removed.id, removed_at: new Date() }).execute();
});

test('the scan is the hourly periodic job reminders.send', (t) => {
  t.like(PERIODIC_JOBS.find((j) => j.name === 'reminders.send'), { cron: '15 * * * *', run: sendDueReminders });
});

test('REMINDER_* settings are lists of days, kept largest first; a bad one is named', (t) => {
  const dir = '/tmp/zyt-config-test';
  const config = loadConfig({ DATA_DIR: dir, REMINDER_VALIDITY_DAYS: '7, 60,30,60', REMINDER_UNCLAIMED_DAYS: '14' });
  t.deepEqual(config.reminders, { validityDays: [60, 30, 7], unclaimedDays: [14], applicantSignatureDays: [3], employerSignatureDays: [3], correctionDays: [3] });
  const err = t.throws(() => loadConfig({ DATA_DIR: dir, REMINDER_VALIDITY_DAYS: '90,thirty', REMINDER_CORRECTION_DAYS: '0' }), { instanceOf: ConfigError });
  for (const name of ['REMINDER_VALIDITY_DAYS', 'REMINDER_CORRECTION_DAYS']) t.true(err!.message.includes(name), name);
});

test.after.always(async () => {
  await s?.stop();
  await wechat?.close();
});

let holder: Awaited<ReturnType<typeof registeredConstructor>>;

test.serial('a certificate not claimed is reminded once, REMINDER_UNCLAIMED_DAYS (7) calendar days after its issue', async (t) => {
  holder = await registeredConstructor(s, undefined, '孙七');
  // the holder has bound WeChat (as a login with wechatCode does)
  await s.server.deps.db.updateTable('users').set({ wechat_openid: 'openid-holder' }).where('phone', '=', holder.phone).execute();
  const no = holder.registration.registrationNo as string;
  await run();
  t.is(await count(holder.phone, '尚未领取'), 0, 'not before 7 days');
  s.advance(6 * DAY);
  await run();
  t.is(await count(holder.phone, '尚未领取'), 0, 'not after 6 days');
  s.advance(DAY);
  t.true((await run()) >= 1);
  t.is(await count(holder.phone, '尚未领取', no, '已发放7天'), 1);
  await run();
  t.is(await count(holder.phone, '尚未领取'), 1, 'a second run sends nothing again');
  const [message, ...more] = wechat.messages.filter((m) => m.touser === 'openid-holder');
  t.is(more.length, 0, 'one subscription message');
  const [cert] = (await holder.c.get('/api/certificates')).body as { id: string }[];
  t.like(message, { template_id: 'tmpl-reminder', page: `certificates/pages/detail/index?id=${cert.id}` });
  t.is(message.data.thing1.value, '电子证书未领取提醒');
  const started = performance.now();
  t.is(await run(), 0);
  t.log(`a run with nothing new due: ${(performance.now() - started).toFixed(1)} ms`);
});

test.serial('an application waiting for the employer reminds each operator; returned and not corrected, the applicant', async (t) => {
  const a = await applicantWithDraft(s, undefined, '周八');
  t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  s.advance(3 * DAY + 3_600_000);
  await run();
  for (const phone of [OPERATOR_PHONE, OPERATOR_2_PHONE]) t.is(await count(phone, '周八', a.acceptanceNo, '已等待企业确认3天'), 1, phone);
  await run();
  for (const phone of [OPERATOR_PHONE, OPERATOR_2_PHONE]) t.is(await count(phone, a.acceptanceNo, '已等待企业确认'), 1, `${phone}: once`);
  t.is(await count(REMOVED_OPERATOR_PHONE, a.acceptanceNo), 0, 'a removed operator gets nothing');

  const op = await operatorClient(s);
  t.is((await op.post(`/api/enterprise/applications/${a.id}/returns`, { reason: '请补充继续教育证明' })).status, 204);
  await run();
  t.is(await count(a.phone, '被退回已'), 0, 'not before 3 days');
  s.advance(3 * DAY + 3_600_000);
  await run();
  await run();
  t.is(await count(a.phone, a.acceptanceNo, '被退回已3天'), 1);
});

test.serial('the person sees the reminders and switches an optional one off (then it is not sent) and on again', async (t) => {
  const off = await applicantWithDraft(s, undefined, '吴九');
  const on = await applicantWithDraft(s, undefined, '郑十');
  const listed = await off.c.get('/api/me/reminders');
  t.is(listed.status, 200);
  t.deepEqual(
    listed.body.map((r: any) => [r.kind, r.optional, r.enabled]),
    [
      ['validity_ending', false, true],
      ['certificate_unclaimed', true, true],
      ['applicant_signature', true, true],
      ['correction', true, true],
    ],
  );
  t.deepEqual(listed.body[0].thresholds, [90, 30, 7]);
  t.is(listed.body[0].unit, 'days_before');

  const put = await off.c.put('/api/me/reminders', { kind: 'applicant_signature', enabled: false });
  t.is(put.status, 200);
  t.false(put.body.find((r: any) => r.kind === 'applicant_signature').enabled);
  t.false((await off.c.get('/api/me/reminders')).body.find((r: any) => r.kind === 'applicant_signature').enabled);
  const mandatory = await off.c.put('/api/me/reminders', { kind: 'validity_ending', enabled: false });
  t.is(mandatory.status, 409);
  t.is(mandatory.body.error.code, 'reminder_mandatory');
  t.is((await off.c.put('/api/me/reminders', { kind: 'employer_signature', enabled: false })).status, 404, 'an operator’s reminder is not the person’s');
  t.is((await off.c.put('/api/me/reminders', { kind: 'nonsense', enabled: false })).status, 422);
  const op = await operatorClient(s);
  t.deepEqual((await op.get('/api/me/reminders')).body.map((r: any) => r.kind), ['employee_validity_ending', 'employer_signature']);

  s.advance(3 * DAY + 3_600_000);
  await run();
  t.is(await count(off.phone, '尚未签名提交'), 0, 'switched off: not sent');
  t.is(await count(on.phone, on.acceptanceNo, '已保存3天，尚未签名提交'), 1, 'the other person’s is sent');
  t.is((await off.c.put('/api/me/reminders', { kind: 'applicant_signature', enabled: true })).status, 200);
  await run();
  t.is(await count(off.phone, off.acceptanceNo, '尚未签名提交'), 1, 'switched on again: the reached threshold is sent');
});

test.serial('a specialty 30 days from its end: one reminder to the holder and one to each operator, not repeated; two runs at once send the 7-day one once', async (t) => {
  const no = holder.registration.registrationNo as string;
  const validUntil = holder.registration.specialties[0].validUntil as string;
  // move the clock to 30 days before the end (Shanghai calendar days)
  const days = dayjs(validUntil).diff(dayjs(shanghaiDate(s.now())), 'day') - 30;
  s.advance(days * DAY);
  t.is(dayjs(validUntil).diff(dayjs(shanghaiDate(s.now())), 'day'), 30);
  await run();
  await run();
  t.is(await count(holder.phone, no, '还有30天届满'), 1, 'the holder, once');
  t.is(await count(holder.phone, '届满'), 1, 'and not the 90-day reminder as well');
  for (const phone of [OPERATOR_PHONE, OPERATOR_2_PHONE]) t.is(await count(phone, '孙七', no, '还有30天届满'), 1, `operator ${phone}, once`);
  const rows = await s.server.deps.db.selectFrom('reminders_sent').selectAll().where('subject_id', 'like', `${holder.registration.id}/%`).execute();
  t.deepEqual(rows.map((r) => [r.kind, r.threshold]).sort(), [['employee_validity_ending', 30], ['employee_validity_ending', 30], ['validity_ending', 30]]);
  const validity = wechat.messages.filter((m) => m.touser === 'openid-holder' && m.data.thing1.value === '注册专业有效期届满提醒');
  t.is(validity.length, 1, 'and one subscription message');
  t.like(validity[0], { template_id: 'tmpl-reminder', page: 'certificates/pages/registration/index' });
  t.is(validity[0].data.time3.value, validUntil);

  s.advance(23 * DAY);
  const [first, second] = await Promise.all([run(), run()]);
  t.is(first + second, 3, `two concurrent runs queued ${first} + ${second}`);
  t.is(await count(holder.phone, no, '还有7天届满'), 1);
  for (const phone of [OPERATOR_PHONE, OPERATOR_2_PHONE]) t.is(await count(phone, no, '还有7天届满'), 1, phone);
});

test.serial('figures: 1,000 specialties 30 days from their end (half of one employer with two operators)', async (t) => {
  const db = s.server.deps.db;
  const enterprise = await db.selectFrom('enterprises').select('id').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow();
  const validUntil = dayjs(shanghaiDate(s.now())).add(30, 'day').format('YYYY-MM-DD');
  await sql`
    with u as (
      insert into users (phone, roles) select '147' || lpad(g::text, 8, '0'), '{applicant}' from generate_series(1, 1000) g returning id, phone
    ), r as (
      insert into registrations (profession, registration_no, holder_id, holder_id_number_enc, holder_id_number_hash, holder_name, gender, employer_id, employer_name, status)
      select 'constructor', 'BENCH' || u.phone, u.id, '\\x00', decode(md5(u.phone), 'hex'), '测试', 'male',
             case when right(u.phone, 1)::int % 2 = 0 then ${enterprise.id}::uuid end, '', 'registered'
        from u returning id
    )
    insert into registration_specialties (registration_id, specialty, registered_on, valid_until, status)
    select r.id, 'building', ${validUntil}::date - 1095, ${validUntil}::date, 'registered' from r`.execute(db);
  let started = performance.now();
  const queued = await run();
  const first = performance.now() - started;
  t.is(queued, 1000 + 2 * 500);
  started = performance.now();
  t.is(await run(), 0);
  const second = performance.now() - started;
  t.log(`first run: ${queued} reminders queued in ${first.toFixed(0)} ms (${((first / queued) * 1000).toFixed(0)} µs each); second run, nothing new: ${second.toFixed(0)} ms`);
});
