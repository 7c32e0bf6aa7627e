/**
 * SMS one-time codes and sessions: 6 digits, stored only as a keyed hash, 5-minute validity, 60 s resend,
 * 5 wrong tries, 10 per phone per day, bound to purpose and object; access tokens, refresh rotation with
 * reuse detection, logout.
 */
import test from 'ava';
import { sql } from 'kysely';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { verifyInPerson } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const anon = () => new Client(s.baseUrl);

test.serial('a login code is 6 digits, stored only as a keyed hash, and logs in once', async (t) => {
  const phone = freshPhone();
  const sent = await anon().post('/api/auth/sms-codes', { phone });
  t.is(sent.status, 200);
  t.like(sent.body, { expiresIn: 300, resendIn: 60 });
  const code = await s.latestCode(phone);
  t.regex(code, /^\d{6}$/);
  const rows = await sql<{ row: string }>`select row_to_json(o)::text as row from otp_codes o where phone = ${phone}`.execute(s.server.deps.db);
  t.is(rows.rows.length, 1);
  t.false(rows.rows[0].row.includes(code), 'the code itself is not stored');
  const ok = await anon().post('/api/auth/sessions', { phone, code });
  t.is(ok.status, 200);
  t.deepEqual(ok.body.user.roles, ['applicant']);
  const again = await anon().post('/api/auth/sessions', { phone, code });
  t.is(again.body.error.code, 'otp_expired', 'a used code cannot be used again');
});

test.serial('a code expires after 5 minutes', async (t) => {
  const phone = freshPhone();
  await anon().post('/api/auth/sms-codes', { phone });
  const code = await s.latestCode(phone);
  s.advance(301_000);
  const res = await anon().post('/api/auth/sessions', { phone, code });
  t.is(res.status, 400);
  t.is(res.body.error.code, 'otp_expired');
  t.is(res.body.error.message, '验证码已过期，请重新获取');
});

test.serial('a new code for the same purpose only after 60 s', async (t) => {
  const phone = freshPhone();
  t.is((await anon().post('/api/auth/sms-codes', { phone })).status, 200);
  const soon = await anon().post('/api/auth/sms-codes', { phone });
  t.is(soon.status, 429);
  t.is(soon.body.error.code, 'otp_resend_too_soon');
  s.advance(61_000);
  t.is((await anon().post('/api/auth/sms-codes', { phone })).status, 200);
});

test.serial('five wrong tries kill the code, even the right one after', async (t) => {
  const phone = freshPhone();
  await anon().post('/api/auth/sms-codes', { phone });
  const code = await s.latestCode(phone);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 1; i <= 4; i++) t.is((await anon().post('/api/auth/sessions', { phone, code: wrong })).body.error.code, 'otp_invalid', `try ${i}`);
  t.is((await anon().post('/api/auth/sessions', { phone, code: wrong })).body.error.code, 'otp_too_many_attempts');
  const right = await anon().post('/api/auth/sessions', { phone, code });
  t.is(right.status, 429);
  t.is(right.body.error.code, 'otp_too_many_attempts');
});

test.serial('at most 10 codes per phone per day', async (t) => {
  const phone = freshPhone();
  for (let i = 0; i < 10; i++) {
    t.is((await anon().post('/api/auth/sms-codes', { phone })).status, 200, `code ${i + 1}`);
    s.advance(61_000);
  }
  const eleventh = await anon().post('/api/auth/sms-codes', { phone });
  t.is(eleventh.body.error.code, 'otp_daily_limit');
  s.advance(24 * 3600_000);
  t.is((await anon().post('/api/auth/sms-codes', { phone })).status, 200, 'a new day, new codes');
});

test.serial('a code is bound to its purpose and its object', async (t) => {
  const phone = freshPhone();
  const c = await login(s, phone);
  await c.put('/api/me/identity', { name: '李四', idNumber: makeIdNumber('19850612', '246') });
  await verifyInPerson(s, makeIdNumber('19850612', '246'));
  const app = (await c.post('/api/applications', { profession: 'constructor', type: 'initial' })).body;
  t.is((await c.put(`/api/applications/${app.id}`, { version: app.version, form: validForm() })).status, 200);

  // a login code cannot sign
  s.advance(61_000);
  await anon().post('/api/auth/sms-codes', { phone });
  const loginCode = await s.latestCode(phone);
  const signWithLogin = await c.post(`/api/applications/${app.id}/signatures`, { code: loginCode });
  t.is(signWithLogin.body.error.code, 'otp_expired', 'no signing code exists for this application');

  // a signing code for application A cannot log in
  t.is((await c.post(`/api/applications/${app.id}/signatures/sms-code`)).status, 200);
  const signCode = await s.latestCode(phone);
  t.not((await anon().post('/api/auth/sessions', { phone, code: signCode })).status, 200);

  // a code for application A cannot sign application B (B belongs to someone else and is invisible: 404)
  const other = await login(s, freshPhone());
  await other.put('/api/me/identity', { name: '王五', idNumber: makeIdNumber('19800101', '135') });
  await verifyInPerson(s, makeIdNumber('19800101', '135'));
  const appB = (await other.post('/api/applications', { profession: 'constructor', type: 'initial' })).body;
  await other.put(`/api/applications/${appB.id}`, { version: appB.version, form: validForm() });
  const crossSign = await other.post(`/api/applications/${appB.id}/signatures`, { code: signCode });
  t.not(crossSign.status, 200);

  // the right code signs A
  const signed = await c.post(`/api/applications/${app.id}/signatures`, { code: signCode });
  t.is(signed.status, 200, JSON.stringify(signed.body));
});

test.serial('access tokens last 15 minutes; refresh rotates and reuse revokes the session; logout ends it', async (t) => {
  const c = await login(s, freshPhone());
  t.is((await c.get('/api/me')).status, 200);
  const refreshed = await anon().post('/api/auth/refresh', { refreshToken: c.refreshToken });
  t.is(refreshed.status, 200);
  t.not(refreshed.body.refreshToken, c.refreshToken);
  // the rotated token presented again: theft assumed, family revoked
  t.is((await anon().post('/api/auth/refresh', { refreshToken: c.refreshToken })).body.error.code, 'refresh_invalid');
  t.is((await anon().post('/api/auth/refresh', { refreshToken: refreshed.body.refreshToken })).body.error.code, 'refresh_invalid');

  const d = await login(s, freshPhone());
  t.is((await d.delete('/api/auth/sessions/current')).status, 204);
  t.is((await anon().post('/api/auth/refresh', { refreshToken: d.refreshToken })).body.error.code, 'refresh_invalid');

  const e = await login(s, freshPhone());
  t.is((await e.get('/api/me')).status, 200);
  const expiredAt = Date.now() + 16 * 60_000;
  // jsonwebtoken checks expiry against the real clock: forge the check by waiting is impractical, so verify the claim
  const payload = JSON.parse(Buffer.from(e.token!.split('.')[1], 'base64url').toString());
  t.is(payload.exp - payload.iat, 900);
  t.true(payload.exp * 1000 < expiredAt);
  t.is((await new Client(s.baseUrl, e.token + 'x').get('/api/me')).body.error.code, 'unauthenticated');
  t.is((await anon().get('/api/me')).status, 401);
});
