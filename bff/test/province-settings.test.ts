/**
 * Per-province settings (shared/src/provinces/*.json): each difference the seeds make between Shanghai
 * (000-002), Hunan (003) and Sichuan (004) as the settings say it, the working-day calendar, a settings file
 * that replaces the bundled one (PROVINCE_SETTINGS_FILE) changing an application's route through the HTTP
 * API, and a bad file refusing to start. The routes of the three bundled files run through HTTP in
 * matters.test.ts (Shanghai), public-notice.test.ts and matters-sichuan.test.ts (Sichuan) and
 * qualifications.test.ts (Hunan).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { MATTERS, PROVINCE_SETTINGS, addWorkingDays, employerChangeAvailability, hasPublicNotice, isWorkingDay, provinceRoute, stageLabel, type RegisterState, type RegistrationType } from '@zhiyetong/shared';
import { ConfigError, loadConfig } from '../src/config.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, completeApplication, reviewerClient } from './helpers/flow.js';

const { shanghai, hunan, sichuan } = PROVINCE_SETTINGS;
const route = (p: typeof shanghai, type: RegistrationType) => provinceRoute(p, type, MATTERS[type].route);
const ROOT = path.join(import.meta.dirname, '../..');

let s: TestServer;
let dir: string;
test.before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zyt-province-'));
  // a deployment's own file: Sichuan's, with a shorter route for initial registrations and no notice
  const own = { ...JSON.parse(await readFile(path.join(ROOT, 'shared/src/provinces/sichuan.json'), 'utf8')), routes: { initial: ['acceptance', 'approval'] }, publicNotice: { matters: [], workingDays: 3 } };
  await writeFile(path.join(dir, 'own.json'), JSON.stringify(own));
  s = await startTestServer({ PROVINCE: 'sichuan', PROVINCE_SETTINGS_FILE: path.join(dir, 'own.json') });
});
test.after.always(async () => {
  await s?.stop();
});

test('registration number prefix and authorities per province', (t) => {
  t.deepEqual([shanghai.registrationNoPrefix, hunan.registrationNoPrefix, sichuan.registrationNoPrefix], ['沪', '湘', '川']);
  t.is(shanghai.authority.name, '上海市住房和城乡建设管理委员会');
  t.is(hunan.authority.name, '湖南省住房和城乡建设厅');
  // 004: the registration centre accepts and reviews, the department approves and issues
  t.is(sichuan.authority.acceptingOffice, '四川省建设岗位培训与执业资格注册中心');
  t.is(sichuan.authority.name, '四川省住房和城乡建设厅');
});

test('routes: Shanghai 受理→初审→复审→审批, Hunan 受理→初审→复审 (003), Sichuan 受理→审查→审批 (004); none for cancellation anywhere', (t) => {
  t.deepEqual(route(shanghai, 'initial'), ['acceptance', 'first_review', 'second_review', 'approval']);
  t.deepEqual(route(hunan, 'initial'), ['acceptance', 'first_review', 'second_review']);
  t.deepEqual(route(sichuan, 'initial'), ['acceptance', 'first_review', 'approval']);
  t.is(stageLabel(sichuan, 'first_review'), '审查');
  t.is(stageLabel(hunan, 'first_review'), '初审');
  for (const p of [shanghai, hunan, sichuan]) {
    t.deepEqual(route(p, 'cancellation'), []);
    t.deepEqual(route(p, 'paper_exchange'), []);
  }
});

test('public notice: Sichuan announces initial and re-registration only (004); Hunan every reviewed matter (003 §1.1.2); Shanghai none', (t) => {
  const announced = (p: typeof shanghai) => (['initial', 'reregistration', 'add_specialty', 'renewal', 'change'] as const).filter((m) => hasPublicNotice(p, m));
  t.deepEqual(announced(sichuan), ['initial', 'reregistration']);
  t.deepEqual(announced(hunan), ['initial', 'reregistration', 'add_specialty', 'renewal', 'change']);
  t.deepEqual(announced(shanghai), []);
  for (const p of [hunan, sichuan]) t.is(p.publicNotice.workingDays, 5);
});

test('change of employer: Shanghai cancels and registers again; Sichuan one application, not twice within a year (004); Hunan one application', (t) => {
  const reg: RegisterState = { profession: 'constructor', registrationNo: '川232600000001', status: 'registered', holderName: '王五', employer: { id: 'e', name: '甲', uscc: 'x' }, specialties: [{ specialty: 'building', registeredOn: '2026-01-05', validUntil: '2029-01-04', status: 'registered' }], lastEmployerChangeOn: '2026-06-01', hasElectronicCertificate: true };
  const ctx = (rules: typeof shanghai, today: string) => ({ today, rules, register: reg });
  t.like(employerChangeAvailability(ctx(shanghai, '2026-12-01')), { available: false, code: 'employer_change_by_cancellation' });
  t.like(employerChangeAvailability(ctx(sichuan, '2026-12-01')), { available: false, code: 'employer_change_too_soon' });
  t.like(employerChangeAvailability(ctx(sichuan, '2027-06-01')), { available: true });
  t.like(employerChangeAvailability(ctx(hunan, '2026-12-01')), { available: true });
});

test('other changes within 30 days (004) in every province; qualification data only in Hunan (003); four-eyes and stage time limits per province', (t) => {
  const reg: RegisterState = { profession: 'constructor', registrationNo: '沪232600000001', status: 'registered', holderName: '王五', employer: { id: 'e', name: '甲', uscc: 'x' }, specialties: [], lastEmployerChangeOn: null, hasElectronicCertificate: true };
  for (const p of [shanghai, hunan, sichuan]) {
    t.is(p.detailsChangeWithinDays, 30);
    const late = MATTERS.change.check({ kind: 'details', employer: { phone: '021-55501234' }, name: '王六', changedOn: '2026-10-31', declarationAccepted: true }, { today: '2026-12-01', rules: p, register: reg }, 'constructor');
    t.like(late, { ok: false, code: 'change_reported_late' });
  }
  t.deepEqual([shanghai.qualificationData, hunan.qualificationData, sichuan.qualificationData], [false, true, false]);
  t.deepEqual([shanghai.fourEyes, hunan.fourEyes, sichuan.fourEyes], [false, true, false]);
  t.deepEqual(Object.keys(hunan.stageTimeLimitsWorkingDays), ['acceptance', 'first_review', 'second_review'], 'a limit for each stage of the route');
  t.deepEqual(Object.keys(sichuan.stageTimeLimitsWorkingDays), ['acceptance', 'first_review', 'approval']);
});

test('the working-day calendar: weekends, 2026 holidays and the adjusted working days (调休上班)', (t) => {
  const cal = shanghai.calendar;
  t.is(addWorkingDays('2026-12-04', 5, cal), '2026-12-11', 'Friday + 5 = next Friday');
  t.is(addWorkingDays('2026-09-30', 1, cal), '2026-10-08', '国庆 1-7 October');
  t.true(isWorkingDay('2026-10-10', cal), 'Saturday 10 October is worked');
  t.is(addWorkingDays('2026-10-09', 1, cal), '2026-10-10');
  t.is(addWorkingDays('2026-02-13', 2, cal), '2026-02-24', 'Saturday 14 February worked, then 春节 15-23 February');
  t.false(isWorkingDay('2027-02-08', cal), '2027: the statutory 春节 days are listed');
});

test.serial("a deployment's settings file changes the route through the API: PROVINCE_SETTINGS_FILE with initial = 受理 → 审批, no notice", async (t) => {
  const settings = (await (await reviewerClient(s)).get('/api/province')).body;
  t.deepEqual(settings.routes, { initial: ['acceptance', 'approval'] });
  const a = await applicantWithDraft(s, undefined, '褚九');
  const done = await completeApplication(s, a.c, a.phone, a.id);
  t.is(done.status, 'approved', 'approved at once, no public notice');
  const history = (await a.c.get(`/api/applications/${a.id}`)).body.history.filter((h: { event: string }) => h.event === 'review_passed').map((h: { stage: string }) => h.stage);
  t.deepEqual(history, ['acceptance', 'approval']);
  t.regex((await a.c.get('/api/registrations')).body[0].registrationNo, /^川23/, 'the prefix from the file');
});

test('a bad settings file refuses to start, naming the file and each bad field', async (t) => {
  const bad = { ...JSON.parse(await readFile(path.join(ROOT, 'shared/src/provinces/hunan.json'), 'utf8')), route: ['approval', 'acceptance'], publicNotice: { matters: ['initial', 'lottery'], workingDays: 0 } };
  const file = path.join(dir, 'bad.json');
  await writeFile(file, JSON.stringify(bad));
  const err = t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, PROVINCE: 'hunan', PROVINCE_SETTINGS_FILE: file }), { instanceOf: ConfigError });
  t.regex(err!.message, /PROVINCE_SETTINGS_FILE: 省份设置文件 .*bad\.json 有误/);
  t.regex(err!.message, /route: 阶段须按/);
  t.regex(err!.message, /publicNotice\.matters\.1/);
  t.regex(err!.message, /publicNotice\.workingDays/);
  await writeFile(path.join(dir, 'broken.json'), '{ "province": ');
  t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, PROVINCE: 'hunan', PROVINCE_SETTINGS_FILE: path.join(dir, 'broken.json') }), { message: /不是 JSON/ });
  t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, PROVINCE: 'shanghai', PROVINCE_SETTINGS_FILE: file.replace('bad', 'own') }), { message: /sichuan 的设置，与 PROVINCE=shanghai 不一致/ });

  // npm start itself: the process exits with the message, before any database starts
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bff/src/main.ts')], { env: { ...process.env, NODE_ENV: 'test', DATA_DIR: dir, PORT: '0', PROVINCE: 'hunan', PROVINCE_SETTINGS_FILE: file }, encoding: 'utf8', timeout: 60_000 });
  t.not(run.status, 0);
  t.regex(run.stdout + run.stderr, /PROVINCE_SETTINGS_FILE/);
});
