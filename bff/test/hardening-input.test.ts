/**
 * Issue 15 item 4: control characters (NUL and the like) in any text input are refused once, for every
 * route, before the route's own validation: 422 `validation_failed` naming the field, never a 500 from
 * PostgreSQL refusing U+0000. Tab, line feed and carriage return stay allowed.
 */
import test from 'ava';
import { login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('NUL in a query parameter: GET /api/enterprises?name=ab%00 is 422 naming the parameter', async (t) => {
  const c = await login(s, freshPhone());
  const r = await c.get('/api/enterprises?name=ab%00');
  t.is(r.status, 422);
  t.is(r.body.error.code, 'validation_failed');
  t.truthy(r.body.error.fields.name);
  // a tab is not refused (trimmed by the route's schema, then simply not found)
  const tab = await c.get('/api/enterprises?name=%E4%B8%8A%E6%B5%B7%09');
  t.is(tab.status, 200);
  // DEL and a C1 control too; an unknown parameter's name with a NUL
  t.is((await c.get('/api/enterprises?name=ab%7F')).status, 422);
  t.is((await c.get('/api/enterprises?name=ab%C2%85')).status, 422);
  t.is((await c.get('/api/enterprises?name=abc&x%00y=1')).status, 422);
});

test('NUL in JSON bodies of several routes: 422 with the field path, nothing stored', async (t) => {
  const c = await login(s, freshPhone());
  const identity = await c.put('/api/me/identity', { name: '张\u0000三', idNumber: makeIdNumber('19900101', '201') });
  t.is(identity.status, 422);
  t.deepEqual(Object.keys(identity.body.error.fields), ['name']);
  t.is((await c.get('/api/me')).body.identity ?? null, null);

  const consent = await c.post('/api/me/privacy-consents', { version: 'v1\u0000' });
  t.is(consent.status, 422);
  t.truthy(consent.body.error.fields.version);

  const sms = await c.post('/api/auth/sms-codes', { phone: '1391234\u00005678' });
  t.is(sms.status, 422);
  t.truthy(sms.body.error.fields.phone);

  // a key holding a NUL (jsonb refuses it as well)
  const key = await c.post('/api/me/privacy-consents', { 'version\u0000': 'v1' });
  t.is(key.status, 422);
});

test('NUL deep inside the form: refused as form.employer.name before the route runs', async (t) => {
  const c = await login(s, freshPhone());
  const form = validForm();
  // the check runs before any route's own validation and handler, so the application need not exist
  const r = await c.put('/api/applications/00000000-0000-4000-8000-000000000000', { version: 1, form: { ...form, employer: { ...form.employer, name: '上海建和\u0000工程咨询有限公司' } } });
  t.is(r.status, 422);
  t.is(r.body.error.code, 'validation_failed');
  t.truthy(r.body.error.fields['form.employer.name'], JSON.stringify(r.body.error.fields));
  const nested = await c.put('/api/applications/00000000-0000-4000-8000-000000000000', { version: 1, form: { ...form, specialties: [{ specialty: 'building\u0001', issueDate: '2025-03-21' }] } });
  t.truthy(nested.body.error.fields['form.specialties.0.specialty']);
  // line feeds, carriage returns and tabs are not refused by the check (the route answers for itself: 404 here)
  const lf = await c.put('/api/applications/00000000-0000-4000-8000-000000000000', { version: 1, form: { ...form, employer: { ...form.employer, name: '上海建和\r\n\t工程' } } });
  t.not(lf.body.error?.fields?.['form.employer.name'], '不能包含控制字符');
});

test('a control character in the path is 404, not a database error', async (t) => {
  const c = await login(s, freshPhone());
  const r = await c.get('/api/applications/%00');
  t.is(r.status, 404);
  t.is(r.body.error.code, 'not_found');
});
