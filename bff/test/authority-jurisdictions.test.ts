/**
 * Issue 11, the authority side through HTTP: districts under the Shanghai commission, staff invited by an
 * administrator, jurisdictions (another district's application answers 404, the province sees both), stage
 * roles, four-eyes, the reviewer's queue (filters, sort, counts per stage, overdue with the clock moved),
 * batch acceptance with a result per item, and the statistics (JSON and SVG) of a known set.
 */
import test from 'ava';
import { login, startTestServer, ENTERPRISE, type Client, type TestServer } from './helpers/server.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign } from './helpers/flow.js';
import { bootstrapAuthorities } from '../src/domain/authorities.js';

let s: TestServer;
let admin: Client; // the seeded reviewer: province administrator with every stage role
let pdReviewer: Client; // 浦东: accept + review
let pdApprover: Client; // 浦东: approve
let pdAdmin: Client; // 浦东: administrator, no stage role
let xhReviewer: Client; // 徐汇: accept + review + approve
let pudong: string;
let xuhui: string;
let enterpriseId: string;
let appA: string; // 浦东
let appB: string; // 徐汇
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function ok<T = any>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** An initial registration of a new person, signed by them and confirmed by the seeded operator (a day later: the operator's 10 codes a day). */
async function submitted(): Promise<{ id: string; acceptanceNo: string }> {
  const a = await applicantWithDraft(s);
  await ok(sign(s, a.c, a.phone, a.id));
  s.advance(DAY);
  await ok(employerSign(s, await operatorClient(s), a.id));
  return { id: a.id, acceptanceNo: a.acceptanceNo };
}

async function staff(phone: string, stageRoles: string[], authorityId: string, isAdmin = false) {
  await ok(admin.post('/api/review/staff', { phone, stageRoles, authorityId, isAdmin }), 201);
  return login(s, phone);
}

const setEnterprise = (authorityId: string | null) => ok(admin.put(`/api/review/enterprises/${enterpriseId}/authority`, { authorityId }));
const shanghaiDate = (iso: string | Date) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const ids = (items: { id: string }[]) => items.map((i) => i.id);

test.before(async () => {
  s = await startTestServer({ REVIEW_FOUR_EYES: 'true', REVIEW_STAGE_LIMIT_HOURS: 'acceptance=24,first_review=48' });
  admin = await reviewerClient(s);
  pudong = (await ok(admin.post('/api/review/authorities', { name: '浦东新区建设和交通委员会', regionCode: '310115' }), 201)).id;
  xuhui = (await ok(admin.post('/api/review/authorities', { name: '徐汇区建设和管理委员会', regionCode: '310104' }), 201)).id;
  pdReviewer = await staff('13700000101', ['accept', 'review'], pudong);
  pdApprover = await staff('13700000102', ['approve'], pudong);
  pdAdmin = await staff('13700000103', [], pudong, true);
  xhReviewer = await staff('13700000104', ['accept', 'review', 'approve'], xuhui);
  enterpriseId = (await ok(admin.get(`/api/enterprises?name=${encodeURIComponent(ENTERPRISE.name)}`)))[0].id;
  await setEnterprise(pudong);
  appA = (await submitted()).id;
  await setEnterprise(xuhui);
  appB = (await submitted()).id;
  await setEnterprise(pudong);
});
test.after.always(async () => {
  await s?.stop();
});

test.serial('the seeded reviewer is a province administrator; the tree has the root and its districts', async (t) => {
  const me = await ok(admin.get('/api/review/me'));
  t.is(me.authority.name, '上海市住房和城乡建设管理委员会');
  t.is(me.authority.level, 'province');
  t.true(me.staff.isAdmin);
  t.deepEqual(me.stages, ['acceptance', 'first_review', 'second_review', 'approval']);
  t.is(me.jurisdiction.length, 3);
  t.true(me.settings.fourEyes);
  t.deepEqual(me.settings.stageLimits.acceptance, { hours: 24, workingDays: null }, 'REVIEW_STAGE_LIMIT_HOURS');
  t.deepEqual(me.settings.stageLimits.approval, { hours: null, workingDays: 5 }, 'the Shanghai settings file');
  const tree = await ok(admin.get('/api/review/authorities'));
  t.deepEqual(tree.map((a: { regionCode: string; level: string }) => [a.regionCode, a.level]), [['310000', 'province'], ['310104', 'city'], ['310115', 'city']]);
  t.is((await admin.post('/api/review/authorities', { name: '重复', regionCode: '310115' })).body.error.code, 'authority_exists');
  t.is((await pdAdmin.post('/api/review/authorities', { name: '闵行区', regionCode: '310112' })).body.error.code, 'staff_admin_required');

  // a reviewer from before 0012 (no place) is made a province administrator at start; running it again changes nothing
  const db = s.server.deps.db;
  await db.insertInto('users').values({ phone: '13700000199', roles: ['reviewer'] }).execute();
  t.is(await bootstrapAuthorities(db, 'shanghai'), 1);
  t.is(await bootstrapAuthorities(db, 'shanghai'), 0);
  const legacy = await ok((await login(s, '13700000199')).get('/api/review/me'));
  t.deepEqual([legacy.authority.level, legacy.staff.isAdmin, legacy.stages.length], ['province', true, 4]);
});

test.serial('staff: a district administrator invites, changes and removes staff of their own district only', async (t) => {
  const outside = await pdAdmin.post('/api/review/staff', { phone: '13700000105', stageRoles: ['accept'], authorityId: xuhui });
  t.is(outside.status, 404);
  const invited = await ok(pdAdmin.post('/api/review/staff', { phone: '13700000105', stageRoles: ['accept'] }), 201);
  t.is(invited.authority.id, pudong, 'the administrator’s own authority by default');
  t.deepEqual(invited.stageRoles, ['accept']);
  t.is(invited.phoneMasked, '137****0105');
  const again = await pdAdmin.post('/api/review/staff', { phone: '13700000105', stageRoles: [] });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'staff_exists');
  const notAdmin = await pdReviewer.post('/api/review/staff', { phone: '13700000106', stageRoles: [] });
  t.is(notAdmin.status, 403);
  t.is(notAdmin.body.error.code, 'staff_admin_required');
  t.regex(notAdmin.body.error.message, /管理员/);

  // the invited person logs in as a reviewer of 浦东 who may accept
  const person = await login(s, '13700000105');
  const me = await ok(person.get('/api/review/me'));
  t.is(me.authority.id, pudong);
  t.deepEqual(me.stages, ['acceptance']);

  t.is((await ok(pdAdmin.get('/api/review/staff'))).length, 4, '浦东 only: reviewer, approver, administrator, the new one');
  t.is((await ok(admin.get('/api/review/staff'))).length, 7, 'the province: everyone (with the adopted reviewer)');
  t.is((await pdAdmin.get(`/api/review/staff`)).body.some((x: { authority: { id: string } }) => x.authority.id === xuhui), false);

  const changed = await ok(pdAdmin.put(`/api/review/staff/${invited.userId}`, { stageRoles: ['accept', 'review'], isAdmin: false }));
  t.deepEqual(changed.stageRoles, ['accept', 'review']);
  t.deepEqual((await ok(person.get('/api/review/me'))).stages, ['acceptance', 'first_review', 'second_review']);
  const xhStaff = (await ok(admin.get('/api/review/staff'))).find((x: { authority: { id: string } }) => x.authority.id === xuhui);
  t.is((await pdAdmin.put(`/api/review/staff/${xhStaff.userId}`, { stageRoles: [], isAdmin: false })).status, 404, 'another district’s staff');
  t.is((await pdAdmin.delete(`/api/review/staff/${(await ok(pdAdmin.get('/api/review/me'))).staff.userId}`)).body.error.code, 'staff_self_change');
  t.is((await pdAdmin.delete(`/api/review/staff/${invited.userId}`)).status, 204);
  const gone = await person.get('/api/review/me');
  t.is(gone.status, 403);
  t.is(gone.body.error.code, 'staff_required');
  t.is((await person.get(`/api/review/applications/${appA}`)).status, 404);
});

test.serial('jurisdictions: a district reviewer cannot see another district’s application (404); the province sees both', async (t) => {
  t.is((await pdReviewer.get(`/api/review/applications/${appA}`)).status, 200);
  t.is((await pdReviewer.get(`/api/review/applications/${appB}`)).status, 404);
  t.is((await xhReviewer.get(`/api/review/applications/${appA}`)).status, 404);
  t.is((await xhReviewer.get(`/api/review/applications/${appB}`)).status, 200);
  t.is((await admin.get(`/api/review/applications/${appA}`)).status, 200);
  t.is((await admin.get(`/api/review/applications/${appB}`)).status, 200);
  t.deepEqual(ids(await ok(pdReviewer.get('/api/review/applications?stage=acceptance'))), [appA]);
  t.deepEqual(ids(await ok(xhReviewer.get('/api/review/applications?stage=acceptance'))), [appB]);
  t.deepEqual(ids(await ok(admin.get('/api/review/applications?stage=acceptance&sort=waiting'))), [appA, appB]);
  const item = (await ok(admin.get('/api/review/applications?stage=acceptance&sort=waiting')))[0];
  t.is(item.authority.name, '浦东新区建设和交通委员会');
  t.deepEqual(item.specialties, ['building']);
  t.is((await pdReviewer.post(`/api/review/applications/${appB}/decisions`, { stage: 'acceptance', outcome: 'pass' })).status, 404);
  t.is((await pdReviewer.get(`/api/review/applications?authorityId=${xuhui}`)).status, 404);
  t.deepEqual(ids(await ok(admin.get(`/api/review/applications?authorityId=${xuhui}`))), [appB]);
  // the PDF of another district's application is not theirs either
  t.is((await pdReviewer.get(`/api/applications/${appB}/form.pdf`)).status, 404);
});

let waitA = 0;

test.serial('stage roles are enforced, and four-eyes refuses a reviewer approving what they reviewed', async (t) => {
  const refused = await pdApprover.post(`/api/review/applications/${appA}/decisions`, { stage: 'acceptance', outcome: 'pass' });
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'stage_role_required');
  waitA = (await ok(pdReviewer.get('/api/review/applications?stage=acceptance')))[0].waitingHours;
  for (const stage of ['acceptance', 'first_review', 'second_review']) await ok(pdReviewer.post(`/api/review/applications/${appA}/decisions`, { stage, outcome: 'pass' }));
  t.is((await pdReviewer.post(`/api/review/applications/${appA}/decisions`, { stage: 'approval', outcome: 'pass' })).body.error.code, 'stage_role_required');
  const approvedA = await ok(pdApprover.post(`/api/review/applications/${appA}/decisions`, { stage: 'approval', outcome: 'pass' }));
  t.truthy(approvedA.status);

  for (const stage of ['acceptance', 'first_review', 'second_review']) await ok(xhReviewer.post(`/api/review/applications/${appB}/decisions`, { stage, outcome: 'pass' }));
  const fourEyes = await xhReviewer.post(`/api/review/applications/${appB}/decisions`, { stage: 'approval', outcome: 'pass' });
  t.is(fourEyes.status, 409);
  t.is(fourEyes.body.error.code, 'four_eyes_conflict');
  t.regex(fourEyes.body.error.message, /审核和审批不能由同一人/);
  t.is((await ok(admin.get(`/api/review/applications/${appB}`))).status, 'approval', 'nothing changed');
  await ok(admin.post(`/api/review/applications/${appB}/decisions`, { stage: 'approval', outcome: 'pass' }));
  t.is((await ok(admin.get(`/api/review/applications/${appA}`))).status, approvedA.status);
});

const c: { id: string; submittedAt: string; waitingHours: number }[] = [];

test.serial('the queue: filters, sort by waiting time, counts per stage and overdue items with the clock moved', async (t) => {
  for (let i = 0; i < 3; i++) c.push({ id: (await submitted()).id, submittedAt: '', waitingHours: 0 });
  s.advance(12 * HOUR);
  const byWaiting = await ok(pdReviewer.get('/api/review/applications?stage=acceptance&sort=waiting'));
  t.deepEqual(ids(byWaiting), c.map((x) => x.id), 'longest waiting first');
  for (const [i, item] of byWaiting.entries()) Object.assign(c[i], { submittedAt: item.submittedAt, waitingHours: item.waitingHours });
  t.true(c[0].waitingHours > 59 && c[0].waitingHours < 61, String(c[0].waitingHours));
  t.true(c[1].waitingHours > 35 && c[1].waitingHours < 37, String(c[1].waitingHours));
  t.true(c[2].waitingHours > 11.9 && c[2].waitingHours < 12.5, String(c[2].waitingHours));
  t.deepEqual(byWaiting.map((x: { overdue: boolean; limitHours: number }) => [x.overdue, x.limitHours]), [[true, 24], [true, 24], [false, 24]]);
  t.deepEqual(ids(await ok(pdReviewer.get('/api/review/applications?stage=acceptance'))), [c[2].id, c[1].id, c[0].id], 'default: most recently changed first');
  const q = async (query: string) => ids(await ok(pdReviewer.get(`/api/review/applications?stage=acceptance&sort=waiting&${query}`)));
  t.deepEqual(await q('minWaitingHours=40'), [c[0].id]);
  t.deepEqual(await q('overdue=true'), [c[0].id, c[1].id]);
  t.deepEqual(await q('overdue=false'), [c[2].id]);
  t.deepEqual(await q('matter=initial&profession=constructor&specialty=building'), ids(c));
  t.deepEqual(await q('matter=renewal'), []);
  t.deepEqual(await q('specialty=municipal'), []);
  t.deepEqual(await q(`authorityId=${pudong}`), ids(c));
  const d1 = shanghaiDate(c[1].submittedAt);
  t.deepEqual(await q(`from=${d1}`), ids(c.filter((x) => shanghaiDate(x.submittedAt) >= d1)));
  t.deepEqual(await q(`to=${shanghaiDate(c[0].submittedAt)}`), ids(c.filter((x) => shanghaiDate(x.submittedAt) <= shanghaiDate(c[0].submittedAt))));
  t.is((await pdReviewer.get('/api/review/applications?from=2026-13-01')).status, 422);

  const counts = await ok(pdReviewer.get('/api/review/stage-counts'));
  t.deepEqual(counts.map((x: { stage: string; count: number; overdue: number }) => [x.stage, x.count, x.overdue]), [['acceptance', 3, 2], ['first_review', 0, 0], ['second_review', 0, 0], ['approval', 0, 0]]);
  t.is(counts[0].label, '受理');
  t.deepEqual((await ok(xhReviewer.get('/api/review/stage-counts'))).map((x: { count: number }) => x.count), [0, 0, 0, 0]);
  t.is((await ok(admin.get('/api/review/stage-counts?matter=initial')))[0].count, 3);
});

test.serial('batch acceptance of three: each decided in its own transaction and audited, with a result per item', async (t) => {
  const body = await ok(pdReviewer.post('/api/review/decisions/batch', { stage: 'acceptance', outcome: 'pass', ids: [...ids(c), appB, 'nope'] }));
  t.is(body.decided, 3);
  t.is(body.refused, 2);
  t.deepEqual(body.results.map((r: { id: string; ok: boolean; status?: string; error?: { code: string } }) => [r.id, r.ok, r.status ?? r.error!.code]), [
    [c[0].id, true, 'first_review'],
    [c[1].id, true, 'first_review'],
    [c[2].id, true, 'first_review'],
    [appB, false, 'not_found'],
    ['nope', false, 'not_found'],
  ]);
  const db = s.server.deps.db;
  const audited = await db.selectFrom('audit_log').select('object_id').where('action', '=', 'review.decided').where('object_id', 'in', ids(c)).execute();
  t.is(audited.length, 3);
  t.is((await db.selectFrom('audit_log').select('id').where('action', '=', 'review.batch_decided').where('object_id', '=', body.batchId).execute()).length, 1);
  t.is((await db.selectFrom('review_decisions').select('id').where('batch_id', '=', body.batchId).execute()).length, 3);
  const events = await ok(pdReviewer.get(`/api/review/applications/${c[0].id}`));
  t.true(events.history.some((h: { event: string; stage?: string }) => h.event === 'review_passed' && h.stage === 'acceptance'));

  const approvalBatch = await admin.post('/api/review/decisions/batch', { stage: 'approval', outcome: 'pass', ids: [appA] });
  t.is(approvalBatch.status, 422);
  t.is(approvalBatch.body.error.code, 'batch_stage_not_allowed');
  const noRole = await pdApprover.post('/api/review/decisions/batch', { stage: 'acceptance', outcome: 'pass', ids: ids(c) });
  t.is(noRole.status, 403);
  t.is(noRole.body.error.code, 'stage_role_required');
  t.is((await pdReviewer.post('/api/review/decisions/batch', { stage: 'acceptance', outcome: 'fail', ids: ids(c) })).body.error.code, 'validation_failed', 'a failure needs its reason');
  t.deepEqual((await ok(pdReviewer.get('/api/review/stage-counts'))).map((x: { count: number }) => x.count), [0, 3, 0, 0]);
});

test.serial('statistics: counts per matter and stage, median time per stage and overdue items for a known set; the SVG chart', async (t) => {
  s.advance(49 * HOUR); // the three wait at first review beyond its 48 hours
  const from = shanghaiDate(new Date(s.now().getTime() - 30 * DAY));
  const to = shanghaiDate(s.now());
  const pd = await ok(pdReviewer.get(`/api/review/statistics?from=${from}&to=${to}`));
  t.is(pd.authority.name, '浦东新区建设和交通委员会');
  const statusA = (await ok(admin.get(`/api/review/applications/${appA}`))).status;
  t.deepEqual(pd.matters.map((m: { type: string; submitted: number; byStatus: object }) => [m.type, m.submitted, m.byStatus]), [['initial', 4, { [statusA]: 1, first_review: 3 }]]);
  t.is(pd.matters[0].label, '二级建造师初始注册');
  const stage = (name: string) => pd.stages.find((x: { stage: string }) => x.stage === name);
  t.deepEqual(['acceptance', 'first_review', 'second_review', 'approval'].map((n) => [stage(n).passed, stage(n).failed, stage(n).waiting, stage(n).overdue]), [
    [4, 0, 0, 0],
    [1, 0, 3, 3],
    [1, 0, 0, 0],
    [1, 0, 0, 0],
  ]);
  // acceptance took waitA (A) and the three batch items' waiting hours: the median of four is the mean of the middle two
  const sorted = [waitA, ...c.map((x) => x.waitingHours)].sort((a, b) => a - b);
  const median = (sorted[1] + sorted[2]) / 2;
  t.true(Math.abs(stage('acceptance').medianHours - median) < 0.2, `${stage('acceptance').medianHours} vs ${median}`);
  t.deepEqual([stage('approval').limitHours, stage('approval').limitWorkingDays], [null, 5]);
  t.deepEqual(pd.overdue.map((o: { id: string }) => o.id).sort(), ids(c).sort());
  t.true(pd.overdue.every((o: { stage: string; waitingHours: number; limitHours: number }) => o.stage === 'first_review' && o.waitingHours > 48 && o.limitHours === 48));

  const all = await ok(admin.get(`/api/review/statistics?from=${from}&to=${to}`));
  t.is(all.matters[0].submitted, 5);
  t.deepEqual(all.stages.map((x: { passed: number }) => x.passed), [5, 2, 2, 2], 'the refused four-eyes approval is not a decision');
  t.is((await ok(admin.get(`/api/review/statistics?from=${from}&to=${to}&authorityId=${xuhui}`))).matters[0].submitted, 1);
  const empty = await ok(admin.get(`/api/review/statistics?from=2020-01-01&to=2020-01-31`));
  t.deepEqual(empty.matters, []);
  t.true(empty.stages.every((x: { passed: number; medianHours: number | null }) => x.passed === 0 && x.medianHours === null));
  t.is((await admin.get(`/api/review/statistics?from=${to}&to=${from}`)).status, 422);
  t.is((await xhReviewer.get(`/api/review/statistics?from=${from}&to=${to}&authorityId=${pudong}`)).status, 404);

  const svg = await pdReviewer.get(`/api/review/statistics.svg?from=${from}&to=${to}`);
  t.is(svg.status, 200);
  t.regex(svg.headers.get('content-type') ?? '', /^image\/svg\+xml/);
  const text = svg.bytes.toString('utf8');
  t.true(text.startsWith('<?xml') && text.includes('<svg') && text.trimEnd().endsWith('</svg>'));
  t.true(text.includes('受理') && text.includes('二级建造师初始注册') && text.includes('浦东新区建设和交通委员会'));
});

test.serial('a stage limited in working days: the deadline is the day after its last working day, then the item is overdue', async (t) => {
  await ok(pdReviewer.post(`/api/review/applications/${c[0].id}/decisions`, { stage: 'first_review', outcome: 'pass' }));
  const [item] = await ok(pdReviewer.get('/api/review/applications?stage=second_review'));
  t.is(item.id, c[0].id);
  t.deepEqual([item.limitHours, item.limitWorkingDays, item.overdue], [null, 10, false], 'Shanghai: 10 working days for 复审');
  const deadline = new Date(item.deadline).getTime();
  const entered = new Date(item.stageEnteredAt).getTime();
  t.true(deadline - entered >= 12 * DAY && deadline - entered <= 17 * DAY, 'ten working days and the weekends between');
  t.is(new Date(item.deadline).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai' }), '00:00:00', 'from the start of a Shanghai day');
  s.advance(deadline - s.now().getTime() - HOUR);
  t.false((await ok(pdReviewer.get('/api/review/applications?stage=second_review')))[0].overdue, 'an hour before');
  t.is((await ok(pdReviewer.get('/api/review/stage-counts')))[2].overdue, 0);
  s.advance(2 * HOUR);
  t.true((await ok(pdReviewer.get('/api/review/applications?stage=second_review')))[0].overdue, 'an hour after');
  t.deepEqual(ids(await ok(pdReviewer.get('/api/review/applications?stage=second_review&overdue=true'))), [c[0].id]);
  t.is((await ok(pdReviewer.get('/api/review/stage-counts')))[2].overdue, 1);
});
