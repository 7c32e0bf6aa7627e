/**
 * Personal data and bad input: ID numbers encrypted at rest and masked for everyone but the holder and in
 * logs; the audit log is append-only and records sensitive actions; every route checks role and ownership
 * (others get 404); malformed JSON, wrong types, unknown fields and huge bodies get a stable 4xx code with
 * nothing written; concurrent saves of one application cannot both win.
 */
import test from 'ava';
import { sql } from 'kysely';
import { scrub } from '../src/logger.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, validForm } from './helpers/data.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign, verifyInPerson } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test.serial('ID numbers are encrypted at rest and shown in full only to their holder', async (t) => {
  const a = await applicantWithDraft(s);
  const dump = await sql<{ t: string }>`select string_agg(row_to_json(i)::text, '') as t from identities i`.execute(s.server.deps.db);
  t.false(dump.rows[0].t.includes(a.idNumber));
  t.false(dump.rows[0].t.includes(a.idNumber.slice(6, 14)), 'not even the birth-date digits in clear');
  const raw = await s.server.deps.db.selectFrom('identities').select('id_number_enc').executeTakeFirstOrThrow();
  t.false(raw.id_number_enc.toString('latin1').includes(a.idNumber));

  t.is((await a.c.get(`/api/applications/${a.id}`)).body.applicant.idNumber, a.idNumber, 'the holder sees it');
  t.not((await a.c.get('/api/me')).body.identity.idNumberMasked, a.idNumber);
  await sign(s, a.c, a.phone, a.id);
  const op = await operatorClient(s);
  const forOperator = JSON.stringify((await op.get(`/api/enterprise/applications/${a.id}`)).body);
  t.false(forOperator.includes(a.idNumber));
  t.true(forOperator.includes(`${a.idNumber.slice(0, 3)}***********${a.idNumber.slice(-4)}`));
  t.false(forOperator.includes(a.phone), 'the phone is masked too');
  // the employer filters by the full ID number through the keyed hash
  const found = await op.get(`/api/enterprise/applications?status=awaiting&idNumber=${a.idNumber}`);
  t.deepEqual(found.body.map((x: { id: string }) => x.id), [a.id]);
});

test.serial('log lines never carry an ID number or a phone number', (t) => {
  t.is(scrub('lookup 31010119870415001X for 13912345678'), 'lookup 310***********001X for 139****5678');
});

test.serial('the audit log records sensitive actions and refuses changes', async (t) => {
  const a = await applicantWithDraft(s);
  await sign(s, a.c, a.phone, a.id);
  await a.c.get(`/api/applications/${a.id}/form.pdf`);
  const actions = (await s.server.deps.db.selectFrom('audit_log').select('action').where('actor_id', '=', (await a.c.get('/api/me')).body.id).execute()).map((r) => r.action);
  for (const action of ['auth.login', 'identity.updated', 'application.created', 'application.saved', 'application.signed', 'application.form_downloaded']) t.true(actions.includes(action), action);
  const text = JSON.stringify(await s.server.deps.db.selectFrom('audit_log').selectAll().execute());
  t.false(text.includes(a.idNumber));
  await t.throwsAsync(sql`update audit_log set action = 'x'`.execute(s.server.deps.db), { message: /append-only/ });
  await t.throwsAsync(sql`delete from audit_log`.execute(s.server.deps.db), { message: /append-only/ });
});

test.serial('every route checks role and ownership: others get 404', async (t) => {
  const a = await applicantWithDraft(s);
  const stranger = await login(s, freshPhone());
  for (const path of [`/api/applications/${a.id}`, `/api/applications/${a.id}/form.pdf`]) t.is((await stranger.get(path)).status, 404, path);
  t.is((await stranger.put(`/api/applications/${a.id}`, { version: a.version, form: validForm() })).status, 404);
  t.is((await stranger.post(`/api/applications/${a.id}/signatures/sms-code`)).status, 404);
  t.is((await stranger.get('/api/applications/not-a-uuid')).status, 404);
  // an applicant is not an operator or a reviewer
  t.is((await stranger.get('/api/enterprise/applications')).status, 403);
  t.is((await stranger.get('/api/review/applications')).status, 403);
  t.is((await stranger.post(`/api/review/applications/${a.id}/decisions`, { stage: 'acceptance', outcome: 'pass' })).status, 403);

  // another enterprise's operator sees nothing of it
  await sign(s, a.c, a.phone, a.id);
  const other = await s.server.deps.db.insertInto('enterprises').values({ name: '上海另一家建设有限公司', uscc: '91310000MA1FL0000X' }).returning('id').executeTakeFirstOrThrow();
  const otherPhone = freshPhone();
  const otherUser = await s.server.deps.db.insertInto('users').values({ phone: otherPhone, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await s.server.deps.db.insertInto('enterprise_operators').values({ enterprise_id: other.id, user_id: otherUser.id }).execute();
  const otherOp = await login(s, otherPhone);
  t.deepEqual((await otherOp.get('/api/enterprise/applications?status=awaiting')).body, []);
  t.is((await otherOp.get(`/api/enterprise/applications/${a.id}`)).status, 404);
  t.is((await otherOp.get(`/api/applications/${a.id}/form.pdf`)).status, 404);
  t.is((await otherOp.post(`/api/enterprise/applications/${a.id}/returns`, { reason: '不是我们的' })).status, 404);

  // reviewers see it only once the employer has signed
  const reviewer = await reviewerClient(s);
  t.is((await reviewer.get(`/api/review/applications/${a.id}`)).status, 404);
  await employerSign(s, await operatorClient(s), a.id);
  t.is((await reviewer.get(`/api/review/applications/${a.id}`)).status, 200);
  t.is((await reviewer.get(`/api/applications/${a.id}/form.pdf`)).status, 200);
  // certificates belong to their holder
  t.is((await stranger.post('/api/certificates/00000000-0000-4000-8000-000000000000/claim')).status, 404);
});

test.serial('bad input gets a stable 4xx code and writes nothing', async (t) => {
  const a = await applicantWithDraft(s);
  const raw = (body: string, type = 'application/json') => a.c.req('PUT', `/api/applications/${a.id}`, body, { 'content-type': type });
  const malformed = await raw('{"version": 1, "form": ');
  t.is(malformed.status, 400);
  t.is(malformed.body.error.code, 'invalid_json');
  t.regex(malformed.body.error.message, /[\u4e00-\u9fa5]/);
  const wrongType = await a.c.put(`/api/applications/${a.id}`, { version: 'two', form: validForm() });
  t.is(wrongType.status, 422);
  t.truthy(wrongType.body.error.fields.version);
  const unknown = await a.c.put(`/api/applications/${a.id}`, { version: a.version, form: { ...validForm(), admin: true } });
  t.is(unknown.status, 422);
  t.is(unknown.body.error.fields.admin, '不支持的字段');
  const huge = await raw(JSON.stringify({ version: a.version, form: { ...validForm(), padding: 'x'.repeat(200_000) } }));
  t.is(huge.status, 413);
  t.is(huge.body.error.code, 'payload_too_large');
  const notJson = await raw('version=1', 'application/x-www-form-urlencoded');
  t.is(notJson.status, 415);
  const nullBody = await raw('null');
  t.true(nullBody.status >= 400 && nullBody.status < 500);
  const wrongField = await a.c.put(`/api/applications/${a.id}`, { version: a.version, form: validForm({ specialties: [{ specialty: 'building', issueDate: '2025-02-30' }] }) });
  t.is(wrongField.status, 422);
  t.truthy(wrongField.body.error.fields['specialties.0.issueDate']);
  const after = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is(after.version, a.version, 'nothing was written');
  t.is(after.history.filter((h: { event: string }) => h.event === 'saved').length, 1);
  t.is((await new Client(s.baseUrl).get('/api/nowhere')).body.error.code, 'not_found');
});

test.serial('concurrent saves of one application cannot both win', async (t) => {
  const a = await applicantWithDraft(s);
  const forms = ['building', 'highway', 'municipal', 'mining'].map((sp) => validForm({ specialties: [{ specialty: sp, issueDate: '2025-05-05' }] }));
  const results = await Promise.all(forms.map((form) => a.c.put(`/api/applications/${a.id}`, { version: a.version, form })));
  t.is(results.filter((r) => r.status === 200).length, 1);
  t.true(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.error.code === 'version_conflict'));
  const now = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is(now.version, a.version + 1);
  const winner = results.find((r) => r.status === 200)!.body;
  t.deepEqual(now.form, winner.form);
});
