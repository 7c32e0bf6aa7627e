/**
 * FACE_PROVIDER=tencent through the HTTP API: the real server calls a local stand-in for Tencent Cloud FaceID
 * (helpers/tencent-faceid-server.ts, which checks every TC3-HMAC-SHA256 signature) through the official SDK.
 * The session's actions come from GetActionSequence; LivenessRecognition's success passes, a mismatch and a
 * not-live answer fail with their reason codes, and an error answer or a timeout gives 503
 * face_provider_unavailable with Retry-After and uses no attempt. The local face engine is never loaded, so no
 * face data is needed: the clips are ffmpeg test patterns as long as the schedule asks.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { FACE_CONSENT_VERSION } from '@zhiyetong/shared';
import { ffmpegBinary } from '../src/liveness/decode.js';
import { engineStarted } from '../src/liveness/index.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { login, startTestServer, type Client, type TestServer } from './helpers/server.js';
import { startTencentFaceIdServer } from './helpers/tencent-faceid-server.js';

const run = promisify(execFile);
const credentials = { secretId: 'AKIDtestfaceid0001', secretKey: 'faceid-test-secret-key-0001' };

let s: TestServer;
let faceid: Awaited<ReturnType<typeof startTencentFaceIdServer>>;
let jpeg: Buffer;
test.before(async () => {
  faceid = await startTencentFaceIdServer(credentials);
  s = await startTestServer({
    FACE_PROVIDER: 'tencent',
    TENCENT_SECRET_ID: credentials.secretId,
    TENCENT_SECRET_KEY: credentials.secretKey,
    TENCENT_FACEID_PROTOCOL: 'http://',
    TENCENT_FACEID_PROXY: faceid.proxy,
    TENCENT_FACEID_TIMEOUT_SECONDS: '2',
  });
  const out = path.join(s.dataDir, 'id.jpg');
  await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=64x64', '-frames:v', '1', '-y', out]);
  jpeg = await readFile(out);
});
test.after.always(async () => {
  await s?.stop();
  await faceid?.close();
});

let seq = 0;
async function applicant(name = '陈七'): Promise<Client & { idNumber: string }> {
  const c = await login(s, freshPhone());
  const idNumber = makeIdNumber('19850505', String(300 + ++seq));
  const r = await c.put('/api/me/identity', { name, idNumber });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'id.jpg');
  await fetch(`${c.baseUrl}/api/identity/documents/id_front`, { method: 'PUT', body: form, headers: { authorization: `Bearer ${c.token}` } });
  await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  return Object.assign(c, { idNumber });
}

interface Session { id: string; nonce: string; actions: { action: string; atMs: number }[]; durationMs: number }

/** A test-pattern clip as long as the session asks, uploaded with the scheduled prompt times. */
async function submit(c: Client, session: Session) {
  const file = path.join(s.dataDir, `clip-${session.id}.webm`);
  await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', (session.durationMs / 1000).toFixed(3), '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-f', 'webm', '-live', '1', '-y', file]);
  const form = new FormData();
  form.append('prompts', JSON.stringify(session.actions.map((a) => ({ action: a.action, shownAtMs: a.atMs }))));
  form.append('video', new Blob([new Uint8Array(await readFile(file))], { type: 'video/webm' }), 'liveness.webm');
  const res = await fetch(`${c.baseUrl}/api/identity/liveness-sessions/${session.id}/video`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.token}`, 'x-liveness-nonce': session.nonce } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const codes = (body: { reasons: { code: string }[] }) => body.reasons.map((r) => r.code);

test.serial('tencent: the actions come from GetActionSequence; a live person matching the ID photo database passes', async (t) => {
  faceid.sequence('2,1');
  faceid.play('success');
  const c = await applicant('陈七');
  const session = (await c.post('/api/identity/liveness-sessions')).body as Session;
  t.deepEqual(session.actions.map((a) => a.action), ['blink', 'open_mouth'], 'Tencent 2 = close the eyes, 1 = open the mouth');
  t.true(session.actions[0].atMs >= 800 && session.durationMs > session.actions[1].atMs, 'our schedule times the prompts');
  const r = await submit(c, session);
  t.is(r.status, 200, JSON.stringify(r.body));
  t.true(r.body.passed, JSON.stringify(r.body));
  t.like(r.body.scores.provider, { name: 'tencent', result: 'Success', sim: 92.5 });
  const call = faceid.calls.at(-1)!;
  t.like(call, { idCard: c.idNumber, name: '陈七', livenessType: 'ACTION', validateData: '2,1', mp4: true });
  t.true(call.videoBytes > 1000);
  t.is((await c.get('/api/me')).body.identity.verificationMethod, 'liveness');
  t.false(engineStarted(), 'the local engine was not used');
  t.deepEqual(faceid.rejected, [], 'every request carried a valid TC3-HMAC-SHA256 signature');
});

test.serial('tencent: a similarity under TENCENT_FACEID_MIN_SIM or CompareLowSimilarity is face_mismatch; a not-live answer is spoof_suspected', async (t) => {
  faceid.sequence('1,2');
  const c = await applicant('林八');
  for (const [mode, code] of [['low_sim', 'face_mismatch'], ['mismatch', 'face_mismatch'], ['not_live', 'spoof_suspected']] as const) {
    faceid.play(mode);
    const session = (await c.post('/api/identity/liveness-sessions')).body as Session;
    t.deepEqual(session.actions.map((a) => a.action), ['open_mouth', 'blink']);
    const r = await submit(c, session);
    t.is(r.status, 200, mode);
    t.false(r.body.passed, mode);
    t.deepEqual(codes(r.body), [code], mode);
    t.regex(r.body.reasons[0].hint, /[\u4e00-\u9fa5]/);
  }
  t.is((await c.get('/api/me')).body.identity.verifiedAt, null);
  // those were three attempts
  const counted = await s.server.deps.db.selectFrom('liveness_sessions').select('id').where('passed', '=', false).where('interrupted_at', 'is', null).execute();
  t.true(counted.length >= 3);
});

test.serial('tencent: an error answer or a timeout is 503 face_provider_unavailable with Retry-After, a clear message, and no attempt used', async (t) => {
  const c = await applicant('何九');
  for (const mode of ['error', 'timeout', 'error', 'timeout', 'error', 'timeout'] as const) {
    faceid.play(mode);
    const created = await c.post('/api/identity/liveness-sessions');
    t.is(created.status, 201, `${mode}: still allowed to start (${JSON.stringify(created.body)})`);
    const t0 = Date.now();
    const r = await submit(c, created.body);
    t.is(r.status, 503, mode);
    t.is(r.body.error.code, 'face_provider_unavailable');
    t.is(r.body.error.message, '人脸核验服务暂时不可用，本次不计入次数，请稍后再试');
    t.true(Number(r.headers.get('retry-after')) > 0);
    if (mode === 'timeout') t.true(Date.now() - t0 < 15_000, 'the 2 s timeout ends the call');
  }
  // six failures of the provider and still not blocked (5 attempts per hour): none was counted
  faceid.play('success');
  const session = (await c.post('/api/identity/liveness-sessions')).body as Session;
  const ok = await submit(c, session);
  t.true(ok.body.passed, JSON.stringify(ok.body));
  const rows = await s.server.deps.db.selectFrom('liveness_sessions').innerJoin('identities', 'identities.user_id', 'liveness_sessions.user_id').select(['interrupted_at', 'passed']).where('identities.name', '=', '何九').execute();
  t.is(rows.filter((r) => r.interrupted_at && r.passed === null).length, 6);
});

test.serial('tencent: GetActionSequence failing gives 503 face_provider_unavailable and no session', async (t) => {
  const c = await applicant('吕十');
  faceid.sequence('not-a-sequence');
  const r = await c.post('/api/identity/liveness-sessions');
  t.is(r.status, 503);
  t.is(r.body.error.code, 'face_provider_unavailable');
  t.truthy(r.headers.get('retry-after'));
  faceid.sequence('2,1');
});
