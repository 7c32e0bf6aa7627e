/**
 * The SMS to an invited operator (issue 10, 经办人邀请): the legal representative's invitation queues an SMS in the
 * outbox, in the invitation's transaction, sent through the production Tencent Cloud SMS client (official SDK) to the
 * local server playing Tencent, with the template's own id (TENCENT_SMS_TEMPLATE_ID_OPERATOR_INVITED) and the
 * enterprise's name as its parameter; an operator invited again after a removal is told again; an invitation
 * refused (already a member) sends nothing.
 */
import test from 'ava';
import { usccCheckCharacter } from '@zhiyetong/shared';
import { renderSms } from '../src/adapters/sms.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { startTencentSmsServer } from './helpers/tencent-sms-server.js';

const ENTERPRISE = { name: '湖南邀请测试建设有限公司', uscc: '91430100MA4L2222X' + usccCheckCharacter('91430100MA4L2222X') };
const LEGAL_REP = '13700000041';
const INVITED = '13700000042';
let tencent: Awaited<ReturnType<typeof startTencentSmsServer>>;
let s: TestServer;

test.before(async () => {
  tencent = await startTencentSmsServer();
  s = await startTestServer(
    {
      ...tencent.env,
      TENCENT_SMS_TEMPLATE_ID_OPERATOR_INVITED: '2000077',
    },
    { httpAgent: tencent.agent },
  );
  const db = s.server.deps.db;
  const e = await db.insertInto('enterprises').values(ENTERPRISE).returning('id').executeTakeFirstOrThrow();
  const u = await db.insertInto('users').values({ phone: LEGAL_REP, roles: ['applicant', 'enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: e.id, user_id: u.id, role: 'legal_representative' }).execute();
});
test.after.always(async () => {
  await s?.stop();
  await tencent?.close();
});

/** Logs in with the code the Tencent stand-in received. */
async function login(phone: string): Promise<Client> {
  const c = new Client(s.baseUrl);
  if ((await c.post('/api/auth/sms-codes', { phone })).status !== 200) throw new Error('sms-codes');
  await s.server.outbox.drain();
  const code = tencent.sent.filter((m) => m.phones[0] === `+86${phone}`).at(-1)!.params[0];
  const session = await c.post('/api/auth/sessions', { phone, code });
  if (session.status !== 200) throw new Error(`sessions ${JSON.stringify(session.body)}`);
  c.token = session.body.accessToken;
  return c;
}
const toInvited = () => tencent.sent.filter((m) => m.phones[0] === `+86${INVITED}`);

test.serial('the invited operator gets an SMS through Tencent with its own template; again when re-invited; not when refused', async (t) => {
  const rep = await login(LEGAL_REP);
  const invited = await rep.post('/api/enterprise/operators', { phone: INVITED });
  t.is(invited.status, 201, JSON.stringify(invited.body));
  await s.server.outbox.drain();
  t.is(toInvited().length, 1);
  t.like(toInvited()[0], { templateId: '2000077', signName: '执业通', sdkAppId: '1400000000' });
  t.deepEqual(toInvited()[0].params, [ENTERPRISE.name]);
  t.is(renderSms({ template: 'operator_invited', params: toInvited()[0].params }), `${ENTERPRISE.name}已邀请您为企业经办人，请用本手机号登录执业通，为该企业办理注册申报和确认。`);
  t.deepEqual(tencent.rejected, [], 'every request correctly signed');

  // already a member: refused, nothing sent
  t.is((await rep.post('/api/enterprise/operators', { phone: INVITED })).body.error.code, 'operator_already_member');
  await s.server.outbox.drain();
  t.is(toInvited().length, 1);

  // the invited person logs in with that number (the login code uses the default template) and acts for the enterprise
  const op = await login(INVITED);
  t.is(tencent.sent.filter((m) => m.phones[0] === `+86${INVITED}`).at(-1)!.templateId, '2000001');
  t.deepEqual((await op.get('/api/enterprise/memberships')).body.map((m: { name: string; role: string }) => [m.name, m.role]), [[ENTERPRISE.name, 'operator']]);

  // removed, then invited again: told again
  t.is((await rep.delete(`/api/enterprise/operators/${invited.body.userId}`)).status, 204);
  t.is((await rep.post('/api/enterprise/operators', { phone: INVITED })).status, 201);
  await s.server.outbox.drain();
  t.deepEqual(toInvited().filter((m) => m.templateId === '2000077').map((m) => m.params), [[ENTERPRISE.name], [ENTERPRISE.name]]);
});
