/**
 * Issue 16 to-do list (GET /api/todos) for every role, following one application along its path: the
 * applicant has it to sign, the employer's operator to confirm, the applicant to correct once returned, the
 * reviewer to decide at each stage, and the applicant the certificate to claim. Nobody sees anyone else's:
 * another applicant, the operator of another enterprise and staff outside the jurisdiction see none of it,
 * staff see only the stages their roles decide. One server.
 */
import test from 'ava';
import { sendDueReminders } from '../src/domain/reminders.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign, verifyInPerson } from './helpers/flow.js';

const DAY = 86_400_000;
let s: TestServer;

test.before(async () => {
  s = await startTestServer();
});

test.after.always(async () => {
  await s?.stop();
});

const todos = async (c: Client) => {
  const res = await c.get('/api/todos');
  if (res.status !== 200) throw new Error(`todos ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { count: number; items: { kind: string; role: string; title: string; applicationId?: string; certificateId?: string; stage?: string; enterpriseId?: string; since: string }[] };
};
const mine = (list: Awaited<ReturnType<typeof todos>>, id: string) => list.items.filter((i) => i.applicationId === id).map((i) => i.kind);

test.serial('each role sees what waits for it, and nothing of anyone else', async (t) => {
  const a = await applicantWithDraft(s, undefined, '王小二');
  const other = await applicantWithDraft(s, undefined, '李小三');
  const db = s.server.deps.db;
  const enterprise = await db.insertInto('enterprises').values({ name: '上海另一家建设有限公司', uscc: '91310000MA1FL0000X' }).returning('id').executeTakeFirstOrThrow();
  const user = await db.insertInto('users').values({ phone: '13800000022', roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: enterprise.id, user_id: user.id }).execute();
  const stranger = await login(s, '13800000022');
  // staff of a city authority (not the application's: the seeded enterprise's go to the province), and a
  // member of the province's staff who only accepts
  const root = await db.selectFrom('authorities').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const city = await db.insertInto('authorities').values({ parent_id: root.id, name: '测试区建设管理委员会', region_code: '310199' }).returning('id').executeTakeFirstOrThrow();
  const staff = async (phone: string, authorityId: string, stageRoles: string[]) => {
    const u = await db.insertInto('users').values({ phone, roles: ['reviewer'] }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('authority_staff').values({ user_id: u.id, authority_id: authorityId, stage_roles: stageRoles }).execute();
    return login(s, phone);
  };
  const cityReviewer = await staff('13800000029', city.id, ['accept', 'review', 'approve']);
  const acceptOnly = await staff('13800000039', root.id, ['accept']);
  const op = await operatorClient(s);
  const reviewer = await reviewerClient(s);

  t.is((await new Client(s.baseUrl).get('/api/todos')).status, 401);
  let list = await todos(a.c);
  t.deepEqual(list.items.map((i) => [i.kind, i.role, i.applicationId]), [['sign', 'applicant', a.id]]);
  t.is(list.count, 1);
  t.regex(list.items[0].title, /^签名提交二级建造师初始注册申请（受理编号.+）$/);
  t.false(Number.isNaN(Date.parse(list.items[0].since)));
  t.deepEqual(mine(await todos(other.c), a.id), [], 'another applicant does not see it');

  t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  t.deepEqual(mine(await todos(a.c), a.id), [], 'signed: nothing left for the applicant');
  list = await todos(op);
  t.deepEqual(mine(list, a.id), ['confirm']);
  t.regex(list.items.find((i) => i.applicationId === a.id)!.title, /^企业确认：王小二的二级建造师初始注册申请/);
  t.truthy(list.items.find((i) => i.applicationId === a.id)!.enterpriseId);
  t.is((await todos(stranger)).count, 0, 'the operator of another enterprise sees nothing');
  t.deepEqual(mine(await todos(reviewer), a.id), [], 'not the authority’s yet');

  t.is((await op.post(`/api/enterprise/applications/${a.id}/returns`, { reason: '请核对工作单位' })).status, 204);
  t.deepEqual(mine(await todos(a.c), a.id), ['correct']);
  t.deepEqual(mine(await todos(op), a.id), [], 'returned: not the employer’s to confirm');

  const detail = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is((await a.c.put(`/api/applications/${a.id}`, { version: detail.version, form: detail.form })).status, 200);
  t.deepEqual(mine(await todos(a.c), a.id), ['sign'], 'corrected: to sign again');
  t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  s.advance(DAY); // the seeded operator's 10 codes a day
  t.is((await employerSign(s, op, a.id)).status, 200);
  t.deepEqual(mine(await todos(op), a.id), []);

  for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) {
    list = await todos(reviewer);
    const item = list.items.find((i) => i.applicationId === a.id);
    t.like(item, { kind: 'review', role: 'reviewer', stage }, stage);
    t.true(item!.title.includes('王小二'), item!.title);
    t.true(list.count >= 1);
    t.deepEqual(mine(await todos(cityReviewer), a.id), [], `${stage}: not in the city's jurisdiction`);
    t.deepEqual(mine(await todos(acceptOnly), a.id), stage === 'acceptance' ? ['review'] : [], `${stage}: only the stages one may decide`);
    t.is((await reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage, outcome: 'pass' })).status, 200);
  }
  t.deepEqual(mine(await todos(reviewer), a.id), [], 'approved: nothing left for the reviewer');

  list = await todos(a.c);
  const [cert] = (await a.c.get('/api/certificates')).body as { id: string }[];
  t.deepEqual(list.items.map((i) => [i.kind, i.certificateId]), [['claim', cert.id]]);
  t.regex(list.items[0].title, /^领取二级建造师电子注册证书（注册编号.+）$/);
  t.deepEqual((await todos(other.c)).items.map((i) => i.kind), ['sign'], 'the other applicant still sees only their own');
  t.is((await a.c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
  t.is((await todos(a.c)).count, 0, 'claimed: nothing waits');
});

test.serial('a filing the employer made for the person is the person’s to confirm, not before it is filed', async (t) => {
  const op = await operatorClient(s);
  const personPhone = freshPhone();
  const person = await login(s, personPhone);
  const idNumber = makeIdNumber('19880512', '951');
  t.is((await person.put('/api/me/identity', { name: '冯十一', idNumber })).status, 200);
  await verifyInPerson(s, idNumber);
  const created = await op.post('/api/enterprise/filings', { type: 'initial', name: '冯十一', idNumber });
  t.is(created.status, 201, JSON.stringify(created.body));
  const saved = await op.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: validForm() });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(mine(await todos(person), created.body.id), [], 'the enterprise’s draft is not the person’s yet');
  t.deepEqual(mine(await todos(op), created.body.id), []);
  t.is((await op.post(`/api/enterprise/filings/${created.body.id}/submissions`)).status, 200);
  const list = await todos(person);
  t.deepEqual(mine(list, created.body.id), ['confirm']);
  t.regex(list.items.find((i) => i.applicationId === created.body.id)!.title, /^确认聘用企业代为申报的二级建造师初始注册申请（受理编号W\d+）$/);
  // and not confirmed after REMINDER_APPLICANT_SIGNATURE_DAYS (3), the person is reminded once
  s.advance(3 * DAY + 3_600_000);
  await sendDueReminders(s.server.deps);
  await sendDueReminders(s.server.deps);
  t.is((await s.sms(personPhone)).filter((m) => m.includes(created.body.acceptanceNo) && m.includes('尚未签名提交')).length, 1);
});
