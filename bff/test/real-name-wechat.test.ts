/**
 * FACE_PROVIDER=wechat (WeChat 人脸核身) through the HTTP API against a local stand-in for WeChat's server
 * API (helpers/wechat-face-server.ts): the session carries WeChat's verify_id; the server trusts only what
 * its own queryVerifyInfo call says, never the phone; a verification that ended on the phone uses no attempt,
 * and a failed query is 503 face_provider_unavailable. No face data or face model is needed.
 */
import test from 'ava';
import { FACE_CONSENT_VERSION } from '@zhiyetong/shared';
import { engineStarted } from '../src/liveness/index.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { login, startTestServer, type Client, type TestServer } from './helpers/server.js';
import { startWechatFaceServer } from './helpers/wechat-face-server.js';

const app = { appId: 'wxgovtest0001', appSecret: 'wechat-face-test-secret' };
let s: TestServer;
let wx: Awaited<ReturnType<typeof startWechatFaceServer>>;
test.before(async () => {
  wx = await startWechatFaceServer(app);
  s = await startTestServer({ FACE_PROVIDER: 'wechat', WECHAT_APP_ID: app.appId, WECHAT_APP_SECRET: app.appSecret, WECHAT_API_BASE: wx.apiBase });
});
test.after.always(async () => {
  await s?.stop();
  await wx?.close();
});

let seq = 0;
/** An applicant with identity data, an ID front photo, the face consent and (unless `noWechat`) a WeChat openid. */
async function applicant(opts: { noWechat?: boolean } = {}): Promise<Client & { userId: string }> {
  const c = await login(s, freshPhone());
  await c.put('/api/me/identity', { name: '宋一', idNumber: makeIdNumber('19870707', String(500 + ++seq)) });
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])], { type: 'image/jpeg' }), 'id.jpg');
  await fetch(`${c.baseUrl}/api/identity/documents/id_front`, { method: 'PUT', body: form, headers: { authorization: `Bearer ${c.token}` } });
  await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  if (!opts.noWechat) await s.server.deps.db.updateTable('users').set({ wechat_openid: `openid-${c.userId}` }).where('id', '=', c.userId).execute();
  return c;
}

test.serial('wechat: a verification WeChat’s query confirms (verify_ret 10000) passes', async (t) => {
  const c = await applicant();
  const session = await c.post('/api/identity/liveness-sessions');
  t.is(session.status, 201, JSON.stringify(session.body));
  t.is(session.body.provider, 'wechat');
  t.regex(session.body.verifyId, /^vid_/);
  wx.finish(session.body.verifyId, 10000); // the person completed wx.requestFacialVerify
  const r = await c.post(`/api/identity/liveness-sessions/${session.body.id}/wechat-result`, { verifyId: session.body.verifyId });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.true(r.body.passed);
  t.is((await c.get('/api/me')).body.identity.verificationMethod, 'liveness');
  t.like(wx.queries.at(-1), { verify_id: session.body.verifyId, out_seq_no: session.body.id.replace(/-/g, '') });
  t.false(engineStarted());
});

test.serial('wechat: a result the query does not confirm is refused, whatever the phone says', async (t) => {
  const c = await applicant();
  // the phone reports success, but WeChat has no completed verification for it (verify_ret 90000)
  const notDone = (await c.post('/api/identity/liveness-sessions')).body;
  const r1 = await c.post(`/api/identity/liveness-sessions/${notDone.id}/wechat-result`, { verifyId: notDone.verifyId });
  t.is(r1.status, 200);
  t.false(r1.body.passed);
  t.deepEqual(r1.body.reasons.map((r: { code: string }) => r.code), ['check_unavailable'], 'ended before a verdict: not counted');
  // WeChat says the face did not match
  const mismatch = (await c.post('/api/identity/liveness-sessions')).body;
  wx.finish(mismatch.verifyId, 10004);
  const r2 = await c.post(`/api/identity/liveness-sessions/${mismatch.id}/wechat-result`, { verifyId: mismatch.verifyId });
  t.false(r2.body.passed);
  t.deepEqual(r2.body.reasons.map((r: { code: string }) => r.code), ['face_mismatch']);
  t.is((await c.post(`/api/identity/liveness-sessions/${mismatch.id}/wechat-result`, { verifyId: mismatch.verifyId })).body.error.code, 'liveness_session_used');
  // another verify_id (even one WeChat passed, for someone else) is not this session's
  const other = await applicant();
  const theirs = (await other.post('/api/identity/liveness-sessions')).body;
  wx.finish(theirs.verifyId, 10000);
  const mine = (await c.post('/api/identity/liveness-sessions')).body;
  t.is((await c.post(`/api/identity/liveness-sessions/${mine.id}/wechat-result`, { verifyId: theirs.verifyId })).status, 404);
  t.is((await c.post(`/api/identity/liveness-sessions/${theirs.id}/wechat-result`, { verifyId: theirs.verifyId })).status, 404, 'nor someone else’s session');
  t.is((await c.get('/api/me')).body.identity.verifiedAt, null);
});

test.serial('wechat: a failing query is 503 face_provider_unavailable and uses no attempt; without a WeChat login it says to use WeChat', async (t) => {
  const c = await applicant();
  const session = (await c.post('/api/identity/liveness-sessions')).body;
  wx.finish(session.verifyId, 10000);
  wx.failNext(1);
  const r = await c.post(`/api/identity/liveness-sessions/${session.id}/wechat-result`, { verifyId: session.verifyId });
  t.is(r.status, 503);
  t.is(r.body.error.code, 'face_provider_unavailable');
  t.truthy(r.headers.get('retry-after'));
  // released: the same session can be confirmed once WeChat answers again
  const again = await c.post(`/api/identity/liveness-sessions/${session.id}/wechat-result`, { verifyId: session.verifyId });
  t.true(again.body.passed, JSON.stringify(again.body));

  const web = await applicant({ noWechat: true });
  const refused = await web.post('/api/identity/liveness-sessions');
  t.is(refused.status, 409);
  t.is(refused.body.error.code, 'wechat_face_requires_wechat');
});
