/**
 * Enterprise identity and operators (issue 10; seed 003 §3.2.2) through HTTP, against a local HTTP server
 * playing the business registry: the legal representative binds the enterprise (someone else, an unknown or
 * deregistered code and a registry timeout are refused with nothing bound); they invite and remove operators
 * (a removed operator gets 404 on everything of that enterprise at once); one operator of two enterprises
 * picks which with X-Enterprise-Id; the basic information gates the counter-signature.
 */
import test from 'ava';
import { REQUIRED_PROFILE_FIELDS, usccCheckCharacter } from '@zhiyetong/shared';
import { DEV_ENTERPRISE_RECORD, type EnterpriseRecord } from '../src/adapters/enterprise-registry.js';
import { DEV_ENTERPRISE_PROFILE } from '../src/seed.js';
import { startEnterpriseRegistryServer } from './helpers/enterprise-registry-server.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { applicantWithDraft, employerSign, sign, verifyInPerson } from './helpers/flow.js';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const QIAN = { name: '钱一', idNumber: makeIdNumber('19750101', '901', '430102') };
const SUN = { name: '孙二', idNumber: makeIdNumber('19780202', '903', '430102') };
const A: EnterpriseRecord = { uscc: uscc('91430100MA4L00001'), name: '湖南甲建设工程有限公司', legalRepresentative: QIAN.name, status: 'active' };
// this registry service also gives the legal representative's ID number: it is compared too
const B: EnterpriseRecord = { uscc: uscc('91430100MA4L00002'), name: '湖南乙市政工程有限公司', legalRepresentative: SUN.name, legalRepresentativeIdNumber: SUN.idNumber, status: 'active' };
const DEREGISTERED: EnterpriseRecord = { uscc: uscc('91430100MA4L00003'), name: '湖南丙建筑有限公司', legalRepresentative: QIAN.name, status: 'deregistered' };
const REVOKED: EnterpriseRecord = { uscc: uscc('91430100MA4L00004'), name: '湖南丁装饰有限公司', legalRepresentative: QIAN.name, status: 'revoked' };
const UNKNOWN = uscc('91430100MA4L00009');

let s: TestServer;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;
type Person = Client & { refreshToken: string; userId: string; phone: string };
let qian: Person;
let sun: Person;

test.before(async () => {
  registry = await startEnterpriseRegistryServer([DEV_ENTERPRISE_RECORD, A, B, DEREGISTERED, REVOKED]);
  s = await startTestServer({ ENTERPRISE_REGISTRY_URL: registry.url, ENTERPRISE_REGISTRY_TIMEOUT_MS: '300' });
  qian = await person(QIAN);
  sun = await person(SUN);
});
test.after.always(async () => {
  await s?.stop();
  await registry?.close();
});

/** A logged-in person with a real-name record, verified in person unless `verified` is false. */
async function person(who: { name: string; idNumber: string }, verified = true): Promise<Person> {
  const phone = freshPhone();
  const c = await login(s, phone);
  const r = await c.put('/api/me/identity', who);
  if (r.status !== 200) throw new Error(`identity ${JSON.stringify(r.body)}`);
  if (verified) await verifyInPerson(s, who.idNumber);
  return Object.assign(c, { phone });
}

/** The person's token again, with the roles the server now holds (after binding or an invitation). */
async function refresh(c: Person) {
  const r = await new Client(s.baseUrl).post('/api/auth/refresh', { refreshToken: c.refreshToken });
  if (r.status !== 200) throw new Error(`refresh ${JSON.stringify(r.body)}`);
  c.token = r.body.accessToken;
  c.refreshToken = r.body.refreshToken;
}

const db = () => s.server.deps.db;
const enterpriseId = async (code: string) => (await db().selectFrom('enterprises').select('id').where('uscc', '=', code).executeTakeFirst())?.id;
const asFor = (c: Client, id: string) => ({
  get: (url: string) => c.req('GET', url, undefined, { 'x-enterprise-id': id }),
  put: (url: string, body: unknown) => c.req('PUT', url, body, { 'x-enterprise-id': id }),
  post: (url: string, body: unknown = {}) => c.req('POST', url, body, { 'x-enterprise-id': id }),
  delete: (url: string) => c.req('DELETE', url, undefined, { 'x-enterprise-id': id }),
});

test.serial('binding: the registry’s legal representative binds; someone else, an unknown, deregistered or revoked code and a registry timeout are refused and nothing is bound', async (t) => {
  t.is((await new Client(s.baseUrl).post('/api/enterprise/bindings', { uscc: A.uscc })).status, 401);
  // GB 32100 check character
  const wrongCheck = A.uscc.slice(0, 17) + (A.uscc[17] === '0' ? '1' : '0');
  const bad = await qian.post('/api/enterprise/bindings', { uscc: wrongCheck });
  t.is(bad.status, 422);
  t.regex(bad.body.error.fields.uscc, /校验位/);
  t.is((await qian.post('/api/enterprise/bindings', { uscc: '123' })).body.error.code, 'validation_failed');

  const unknown = await qian.post('/api/enterprise/bindings', { uscc: UNKNOWN });
  t.deepEqual([unknown.status, unknown.body.error.code], [422, 'enterprise_not_in_registry']);
  t.regex(unknown.body.error.message, /工商登记中没有/);
  for (const r of [DEREGISTERED, REVOKED]) {
    const res = await qian.post('/api/enterprise/bindings', { uscc: r.uscc });
    t.deepEqual([res.status, res.body.error.code], [422, 'enterprise_inactive'], r.status);
  }
  // someone else (verified, but not the legal representative)
  const zhou = await person({ name: '周三', idNumber: makeIdNumber('19800303', '905', '430102') });
  const other = await zhou.post('/api/enterprise/bindings', { uscc: A.uscc });
  t.deepEqual([other.status, other.body.error.code], [403, 'not_legal_representative']);
  // the right name but not verified yet
  const unverified = await person({ name: QIAN.name, idNumber: makeIdNumber('19750101', '907', '430102') }, false);
  t.is((await unverified.post('/api/enterprise/bindings', { uscc: A.uscc })).body.error.code, 'identity_unverified');
  // B's registry record carries the ID number: the same name with another number is refused
  const namesake = await person({ name: SUN.name, idNumber: makeIdNumber('19780202', '909', '430102') });
  t.is((await namesake.post('/api/enterprise/bindings', { uscc: B.uscc })).body.error.code, 'not_legal_representative');

  // the registry does not answer within ENTERPRISE_REGISTRY_TIMEOUT_MS, then answers 500
  registry.state.delayMs = 1500;
  const slow = await qian.post('/api/enterprise/bindings', { uscc: A.uscc });
  registry.state.delayMs = 0;
  t.deepEqual([slow.status, slow.body.error.code], [503, 'registry_unavailable']);
  t.regex(slow.body.error.message, /稍后再试/);
  registry.state.failWith = 500;
  t.is((await qian.post('/api/enterprise/bindings', { uscc: A.uscc })).status, 503);
  registry.state.failWith = 0;
  // nothing half-bound: no enterprise, no membership, no role
  t.is(await enterpriseId(A.uscc), undefined);
  t.is((await db().selectFrom('enterprise_operators').select('user_id').where('user_id', 'in', [qian.userId, zhou.userId, namesake.userId]).execute()).length, 0);
  t.deepEqual((await db().selectFrom('users').select('roles').where('id', '=', qian.userId).executeTakeFirstOrThrow()).roles, ['applicant']);
  t.deepEqual((await qian.get('/api/enterprise/memberships')).body, []);
  const refusals = await db().selectFrom('audit_log').select(['details']).where('action', '=', 'enterprise.binding_refused').where('actor_id', '=', qian.userId).orderBy('id').execute();
  t.deepEqual(
    refusals.map((r) => (r.details as { reason: string }).reason),
    ['enterprise_not_in_registry', 'enterprise_inactive', 'enterprise_inactive', 'registry_unavailable', 'registry_unavailable'],
  );

  // the legal representative binds A: created; again: already theirs
  const bound = await qian.post('/api/enterprise/bindings', { uscc: A.uscc.toLowerCase() });
  t.is(bound.status, 201, JSON.stringify(bound.body));
  t.is(bound.body.outcome, 'created');
  t.true(bound.body.sessionRefreshRequired);
  t.like(bound.body.membership, { name: A.name, uscc: A.uscc, role: 'legal_representative', profileComplete: false });
  const again = await qian.post('/api/enterprise/bindings', { uscc: A.uscc });
  t.deepEqual([again.status, again.body.outcome, again.body.sessionRefreshRequired], [200, 'already', false]);
  t.deepEqual((await qian.get('/api/enterprise/memberships')).body.map((m: { uscc: string; role: string }) => [m.uscc, m.role]), [[A.uscc, 'legal_representative']]);
  const idA = (await enterpriseId(A.uscc))!;
  const row = await db().selectFrom('enterprises').selectAll().where('id', '=', idA).executeTakeFirstOrThrow();
  t.is(row.legal_representative_name, QIAN.name);
  t.is(row.registry_status, 'active');
  t.truthy(row.bound_at);
  t.deepEqual((await db().selectFrom('users').select('roles').where('id', '=', qian.userId).executeTakeFirstOrThrow()).roles, ['applicant', 'enterprise_operator']);
  const boundAudit = await db().selectFrom('audit_log').select(['actor_id', 'enterprise_id']).where('action', '=', 'enterprise.bound').orderBy('id').execute();
  t.deepEqual(boundAudit, [
    { actor_id: qian.userId, enterprise_id: idA },
    { actor_id: qian.userId, enterprise_id: idA },
  ]);
  // B with the matching ID number
  const boundB = await sun.post('/api/enterprise/bindings', { uscc: B.uscc });
  t.is(boundB.status, 201, JSON.stringify(boundB.body));
});

test.serial('operators: the legal representative invites and removes; a removed operator gets 404 on everything of that enterprise at once; every action is audited under the person and the enterprise', async (t) => {
  const idA = (await enterpriseId(A.uscc))!;
  const opPhone = freshPhone();
  const invited = await qian.post('/api/enterprise/operators', { phone: opPhone });
  t.is(invited.status, 201, JSON.stringify(invited.body));
  t.like(invited.body, { role: 'operator', name: null });
  t.regex(invited.body.phoneMasked, /^\d{3}\*{4}\d{4}$/);
  t.is((await qian.post('/api/enterprise/operators', { phone: opPhone })).body.error.code, 'operator_already_member');
  t.is((await qian.post('/api/enterprise/operators', { phone: '12345' })).status, 422);
  const members = (await qian.get('/api/enterprise/operators')).body;
  t.deepEqual(members.map((m: { role: string }) => m.role), ['legal_representative', 'operator']);
  t.is(members[0].name, QIAN.name);

  const op = await login(s, opPhone);
  t.deepEqual((await op.get('/api/enterprise/memberships')).body.map((m: { name: string; role: string }) => [m.name, m.role]), [[A.name, 'operator']]);
  t.is((await op.get('/api/enterprise/profile')).status, 200);
  // an operator is not the legal representative
  t.is((await op.put('/api/enterprise/profile', DEV_ENTERPRISE_PROFILE)).status, 403);
  t.is((await op.get('/api/enterprise/operators')).status, 403);
  t.is((await op.post('/api/enterprise/operators', { phone: freshPhone() })).status, 403);
  t.is((await op.delete(`/api/enterprise/operators/${qian.userId}`)).status, 403);
  t.is((await qian.delete(`/api/enterprise/operators/${qian.userId}`)).body.error.code, 'legal_representative_not_removable');

  // an application naming A reaches the operator
  const app = await applicantWithDraft(s, validForm({ employer: { name: A.name, uscc: A.uscc, phone: '0731-88271748' } }), '郑四');
  t.is((await sign(s, app.c, app.phone, app.id)).status, 200);
  t.deepEqual((await op.get('/api/enterprise/applications?status=awaiting')).body.map((a: { id: string }) => a.id), [app.id]);
  t.is((await op.get(`/api/enterprise/applications/${app.id}`)).status, 200);
  t.is((await op.get(`/api/applications/${app.id}/form.pdf`)).status, 200);
  const download = await db().selectFrom('audit_log').select(['actor_id', 'enterprise_id']).where('action', '=', 'application.form_downloaded').where('actor_id', '=', op.userId).executeTakeFirstOrThrow();
  t.is(download.enterprise_id, idA, 'the operator’s download is filed under the enterprise too');

  // removed: 404 at once, with the same (unexpired) token
  t.is((await qian.delete(`/api/enterprise/operators/${op.userId}`)).status, 204);
  for (const [method, url, body] of [
    ['GET', '/api/enterprise/applications?status=awaiting'],
    ['GET', `/api/enterprise/applications/${app.id}`],
    ['GET', `/api/applications/${app.id}/form.pdf`],
    ['POST', `/api/enterprise/applications/${app.id}/signatures/sms-code`, {}],
    ['POST', `/api/enterprise/applications/${app.id}/signatures`, { code: '123456', opinionAccepted: true }],
    ['POST', `/api/enterprise/applications/${app.id}/returns`, { reason: '材料不全' }],
    ['GET', '/api/enterprise/profile'],
    ['GET', '/api/enterprise/renames'],
  ] as [string, string, unknown?][]) {
    t.is((await op.req(method, url, body)).status, 404, `${method} ${url}`);
    t.is((await op.req(method, url, body, { 'x-enterprise-id': idA })).status, 404, `${method} ${url} with X-Enterprise-Id`);
  }
  t.deepEqual((await op.get('/api/enterprise/memberships')).body, []);
  t.is((await qian.delete(`/api/enterprise/operators/${op.userId}`)).status, 404, 'already removed');
  // the person keeps an account but loses the operator role at the next refresh
  t.deepEqual((await db().selectFrom('users').select('roles').where('id', '=', op.userId).executeTakeFirstOrThrow()).roles, ['applicant']);

  // invited again: back at once
  t.is((await qian.post('/api/enterprise/operators', { phone: opPhone })).status, 201);
  t.is((await op.get(`/api/enterprise/applications/${app.id}`)).status, 200);
  t.is((await qian.delete(`/api/enterprise/operators/${op.userId}`)).status, 204);

  const entries = await db()
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'object_id'])
    .where('enterprise_id', '=', idA)
    .where('action', 'in', ['enterprise.operator_invited', 'enterprise.operator_removed'])
    .orderBy('id')
    .execute();
  t.deepEqual(
    entries.map((e) => [e.action, e.actor_id, e.object_id]),
    [
      ['enterprise.operator_invited', qian.userId, op.userId],
      ['enterprise.operator_removed', qian.userId, op.userId],
      ['enterprise.operator_invited', qian.userId, op.userId],
      ['enterprise.operator_removed', qian.userId, op.userId],
    ],
  );
});

test.serial('one operator of two enterprises picks which with X-Enterprise-Id; without it the choice is required', async (t) => {
  const idA = (await enterpriseId(A.uscc))!;
  const idB = (await enterpriseId(B.uscc))!;
  const phone = freshPhone();
  t.is((await qian.post('/api/enterprise/operators', { phone })).status, 201);
  t.is((await sun.post('/api/enterprise/operators', { phone })).status, 201);
  const op = await login(s, phone);
  t.deepEqual((await op.get('/api/enterprise/memberships')).body.map((m: { enterpriseId: string }) => m.enterpriseId).sort(), [idA, idB].sort());

  const none = await op.get('/api/enterprise/profile');
  t.deepEqual([none.status, none.body.error.code], [400, 'enterprise_choice_required']);
  t.is((await op.get('/api/enterprise/applications')).body.error.code, 'enterprise_choice_required');
  t.is((await asFor(op, idA).get('/api/enterprise/profile')).body.name, A.name);
  t.is((await asFor(op, idB).get('/api/enterprise/profile')).body.name, B.name);
  t.is((await asFor(op, idA).get('/api/enterprise/applications?status=awaiting')).status, 200);
  // an enterprise they do not act for, or not an id
  const dev = (await db().selectFrom('enterprises').select('id').where('uscc', '=', DEV_ENTERPRISE_RECORD.uscc).executeTakeFirstOrThrow()).id;
  t.is((await asFor(op, dev).get('/api/enterprise/profile')).status, 404);
  t.is((await asFor(op, 'not-a-uuid').get('/api/enterprise/profile')).status, 404);
  // removed by B: acts for A alone, no header needed any more
  t.is((await sun.delete(`/api/enterprise/operators/${op.userId}`)).status, 204);
  t.is((await asFor(op, idB).get('/api/enterprise/profile')).status, 404);
  t.is((await op.get('/api/enterprise/profile')).body.name, A.name);
  // an invitation gives the enterprise_operator role from the next login or refresh on
  t.true((await db().selectFrom('users').select('roles').where('id', '=', op.userId).executeTakeFirstOrThrow()).roles.includes('enterprise_operator'));
});

test.serial('basic information (003 §3.2.2.1): kept by the legal representative; an enterprise missing required fields cannot counter-sign, listed by field', async (t) => {
  const app = await applicantWithDraft(s, validForm({ employer: { name: A.name, uscc: A.uscc, phone: '0731-88271748' } }), '冯五');
  t.is((await sign(s, app.c, app.phone, app.id)).status, 200);
  // the legal representative acts as the enterprise's operator once their token carries the role
  await refresh(qian);
  const blocked = await qian.post(`/api/enterprise/applications/${app.id}/signatures/sms-code`);
  t.deepEqual([blocked.status, blocked.body.error.code], [409, 'enterprise_profile_incomplete']);
  t.deepEqual(Object.keys(blocked.body.error.fields).sort(), Object.keys(REQUIRED_PROFILE_FIELDS).sort());
  t.is(blocked.body.error.fields.businessAddress, '请填写企业营业地址');

  const profile = await qian.get('/api/enterprise/profile');
  t.is(profile.body.legalRepresentativeName, QIAN.name);
  t.is(profile.body.missing.length, Object.keys(REQUIRED_PROFILE_FIELDS).length);
  const invalid = await qian.put('/api/enterprise/profile', { officePhone: 'abc', registeredCapital: -1, registrationType: '999', establishedOn: '2021-02-30', password: 'x' });
  t.is(invalid.status, 422);
  t.deepEqual(Object.keys(invalid.body.error.fields).sort(), ['establishedOn', 'officePhone', 'password', 'registeredCapital', 'registrationType']);
  const partial = await qian.put('/api/enterprise/profile', { businessAddress: '长沙市岳麓区麓谷大道 668 号', contactName: '李四', contactMobile: '13907310000' });
  t.is(partial.status, 200);
  t.deepEqual(partial.body.missing.map((m: { field: string }) => m.field), ['establishedOn', 'registrationType', 'registeredCapital', 'capitalCurrency', 'officePhone']);
  const stillBlocked = await qian.post(`/api/enterprise/applications/${app.id}/signatures/sms-code`);
  t.deepEqual(Object.keys(stillBlocked.body.error.fields), ['establishedOn', 'registrationType', 'registeredCapital', 'capitalCurrency', 'officePhone']);

  const complete = await qian.put('/api/enterprise/profile', { ...partial.body.profile, establishedOn: '2012-06-01', registrationType: '173', registeredCapital: 2000.5, capitalCurrency: 'CNY', officePhone: '0731-88271748' });
  t.is(complete.status, 200);
  t.deepEqual(complete.body.missing, []);
  t.is(complete.body.profile.registeredCapital, 2000.5);
  t.true((await qian.get('/api/enterprise/memberships')).body[0].profileComplete);
  const signed = await employerSign(s, qian, app.id, qian.phone);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  const idA = (await enterpriseId(A.uscc))!;
  t.is((await db().selectFrom('audit_log').select('id').where('enterprise_id', '=', idA).where('action', 'in', ['enterprise.profile_updated', 'application.employer_signed']).execute()).length, 3);
});

test.serial('claiming: the seeded enterprise is claimed by its legal representative (its operator keeps acting); after a change of legal representative the new one binds and the former one is out at once', async (t) => {
  const wang = await person({ name: DEV_ENTERPRISE_RECORD.legalRepresentative, idNumber: makeIdNumber('19690909', '915', '310101') });
  const claimed = await wang.post('/api/enterprise/bindings', { uscc: DEV_ENTERPRISE_RECORD.uscc });
  t.deepEqual([claimed.status, claimed.body.outcome], [201, 'claimed']);
  t.true(claimed.body.membership.profileComplete, 'the seeded enterprise has complete basic information');
  const members = (await wang.get('/api/enterprise/operators')).body;
  t.deepEqual(members.map((m: { role: string; phoneMasked: string }) => [m.role, m.phoneMasked]), [['legal_representative', wang.phone.slice(0, 3) + '****' + wang.phone.slice(7)], ['operator', '138****0002']]);

  // 法定代表人变更: the registry names 何十 for B now
  const he = { name: '何十', idNumber: makeIdNumber('19850505', '917', '430102') };
  registry.records.set(B.uscc, { ...B, legalRepresentative: he.name, legalRepresentativeIdNumber: he.idNumber });
  t.is((await sun.post('/api/enterprise/bindings', { uscc: B.uscc })).body.error.code, 'not_legal_representative');
  const heP = await person(he);
  const rebound = await heP.post('/api/enterprise/bindings', { uscc: B.uscc });
  t.deepEqual([rebound.status, rebound.body.outcome], [201, 'claimed']);
  const idB = (await enterpriseId(B.uscc))!;
  t.is((await asFor(sun, idB).get('/api/enterprise/profile')).status, 404);
  t.deepEqual((await sun.get('/api/enterprise/memberships')).body, []);
  t.deepEqual((await heP.get('/api/enterprise/operators')).body.map((m: { name: string }) => m.name), [he.name]);
  const audit = await db().selectFrom('audit_log').select(['details']).where('action', '=', 'enterprise.bound').where('enterprise_id', '=', idB).orderBy('id', 'desc').executeTakeFirstOrThrow();
  t.like(audit.details, { outcome: 'claimed', formerLegalRepresentativeId: sun.userId });
});
