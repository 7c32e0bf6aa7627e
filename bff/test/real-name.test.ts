/**
 * Real-name verification through the HTTP API on real video (../shared/data/faces): a video assembled from
 * labelled d18 segments that performs each action a reaction time after the session's scheduled prompt
 * passes; the same schedule performed with the actions swapped fails; a clip whose reported prompt times or
 * length do not match the schedule fails with schedule_mismatch; a still image fails; a talking clip with no deliberate action fails; a different
 * person against the ID photo fails. One upload per session, attempts per hour limited, the video never
 * kept, consent and ID photo required first. Skips with a message when the face data is absent (the face-data
 * consent's read-back through GET /api/me needs no video and always runs).
 */
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { FACE_CONSENT_VERSION } from '@zhiyetong/shared';
import { login, startTestServer, type Client, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { FACES_MISSING, facesAvailable, frameJpeg, joinSegments, scheduledClip, sidewaysMp4, stillVideo, video, type ScheduleLike } from './helpers/faces.js';

let s: TestServer;
let work: string;
test.before(async () => {
  s = await startTestServer();
  work = s.dataDir;
});
test.after.always(async () => {
  await s?.stop();
  if (facesAvailable) (await import('../src/liveness/index.js')).shutdownLivenessEngine();
});

const faceTest = facesAvailable ? test.serial : test.serial.skip;
if (!facesAvailable)
  test('face data is present', (t) => {
    t.log(FACES_MISSING);
    t.pass();
  });

let personSeq = 0;
async function person(idPhoto: Buffer): Promise<Client> {
  const c = await login(s, freshPhone());
  const r = await c.put('/api/me/identity', { name: '吴十', idNumber: makeIdNumber('19910101', String(++personSeq).padStart(3, '0')) });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  await upload(c, '/api/identity/documents/id_front', 'PUT', { photo: new Blob([new Uint8Array(idPhoto)], { type: 'image/jpeg' }) });
  await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  return c;
}

async function upload(c: Client, url: string, method: string, parts: Record<string, Blob | string>, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, v, 'upload');
  }
  const res = await fetch(c.baseUrl + url, { method, body: form, headers: { authorization: `Bearer ${c.token}`, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Session = ScheduleLike & { id: string; nonce: string };
type Prompts = { action: string; shownAtMs: number }[];

/** Uploads `file` with `prompts` to the session (the nonce in its header, as the miniapp sends it). */
async function submit(c: Client, session: Session, file: string, prompts: Prompts) {
  return upload(c, `/api/identity/liveness-sessions/${session.id}/video`, 'POST', { video: new Blob([new Uint8Array(await readFile(file))], { type: 'video/webm' }), prompts: JSON.stringify(prompts) }, { 'x-liveness-nonce': session.nonce });
}

/** Starts a session and uploads the clip `build` makes for its schedule. */
async function check(c: Client, build: (session: Session) => Promise<{ file: string; prompts: Prompts }>) {
  const session = await c.post('/api/identity/liveness-sessions');
  if (session.status !== 201) return { session, verdict: session };
  const { file, prompts } = await build(session.body);
  return { session, verdict: await submit(c, session.body, file, prompts) };
}

/** d18 segments performing the session's actions (or `perform`) a reaction time after each scheduled prompt. */
function d18Clip(name: string, perform?: (actions: string[]) => string[]) {
  return async (session: Session) => {
    const file = path.join(work, `${name}.webm`);
    const prompts = await scheduledClip(session, file, { perform: perform?.(session.actions.map((a) => a.action)) });
    return { file, prompts };
  };
}

/** The scheduled prompt times, as a phone that followed the schedule reports them. */
const scheduled = (session: Session): Prompts => session.actions.map((a) => ({ action: a.action, shownAtMs: a.atMs }));

/** This process's zyt-liveness-<host tag>-<pid>-* temp dirs (other test files on the machine make and sweep theirs meanwhile). */
const tempVideos = async () => (await readdir(tmpdir())).filter((f) => new RegExp(`^zyt-liveness-[0-9a-f]{8}-${process.pid}-`).test(f));

test('the face-data consent is read back in GET /api/me, by its applicant only; one to earlier rules is not current', async (t) => {
  const a = await login(s, freshPhone());
  const b = await login(s, freshPhone());
  t.is((await a.get('/api/me')).body.faceConsent, null, 'none before consenting');
  t.is((await a.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION })).status, 201);
  const consent = (await a.get('/api/me')).body.faceConsent;
  t.like(consent, { version: FACE_CONSENT_VERSION, current: true });
  t.true(Math.abs(Date.parse(consent.at) - s.server.deps.now().getTime()) < 60_000, consent.at);
  t.is((await b.get('/api/me')).body.faceConsent, null, 'another applicant does not see it');

  // a consent to earlier rules is shown as not current, and the camera check asks for the current one
  await b.put('/api/me/identity', { name: '冯二', idNumber: makeIdNumber('19940404', '902') });
  await b.post('/api/identity/face-consents', { version: 'face-2025-01' });
  t.like((await b.get('/api/me')).body.faceConsent, { version: 'face-2025-01', current: false });
  t.is((await b.post('/api/identity/liveness-sessions')).body.error.code, 'face_consent_required');
  s.advance(1000); // the later consent is the latest
  await b.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  t.true((await b.get('/api/me')).body.faceConsent.current);
  t.is((await b.post('/api/identity/liveness-sessions')).body.error.code, 'identity_documents_required', 'past the consent');
  t.like((await a.get('/api/me')).body.faceConsent, { version: FACE_CONSENT_VERSION, current: true }, "b's consents leave a's alone");
});

faceTest('consent and the ID card photo come before the camera', async (t) => {
  const c = await login(s, freshPhone());
  await c.put('/api/me/identity', { name: '郑一', idNumber: makeIdNumber('19930303', '901') });
  t.is((await c.post('/api/identity/liveness-sessions')).body.error.code, 'face_consent_required');
  await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  t.is((await c.post('/api/identity/liveness-sessions')).body.error.code, 'identity_documents_required');
  const notAPhoto = await upload(c, '/api/identity/documents/id_front', 'PUT', { photo: new Blob([new Uint8Array(Buffer.from('not an image'))]) });
  t.is(notAPhoto.status, 422);
  t.is(notAPhoto.body.error.code, 'upload_invalid');
  // WeChat's uploadFile can only POST: the same upload is accepted as POST
  const back = await upload(c, '/api/identity/documents/id_back', 'POST', { photo: new Blob([new Uint8Array(await frameJpeg(video('d18'), 1.0))], { type: 'image/jpeg' }) });
  t.is(back.status, 204);
  t.deepEqual((await c.get('/api/identity/documents')).body, { kinds: ['id_back'] });
  t.is((await c.post('/api/identity/liveness-sessions')).body.error.code, 'identity_documents_required', 'the front photo is the one compared');
});

faceTest('the same person performing the actions in the order asked passes; the video is not kept', async (t) => {
  const before = await tempVideos();
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const { session, verdict } = await check(c, d18Clip('pass'));
  t.true([3, 4].includes(session.body.actions.length), JSON.stringify(session.body.actions));
  t.true(session.body.actions.some((a: { action: string }) => a.action === 'open_mouth'), 'always a mouth opening');
  t.truthy(session.body.nonce);
  // the schedule: every prompt has its time, increasing, within the recording
  const times = session.body.actions.map((a: { atMs: number }) => a.atMs);
  t.true(times.every((x: number, i: number) => x >= 800 && (i === 0 || x - times[i - 1] >= 1800)), JSON.stringify(times));
  t.true(session.body.durationMs >= times[times.length - 1] + 1800 && session.body.durationMs <= 18_300);
  t.log(JSON.stringify(verdict.body.scores?.actions));
  t.true(verdict.body.passed, JSON.stringify(verdict.body));
  t.deepEqual(verdict.body.reasons, []);
  const me = (await c.get('/api/me')).body;
  t.is(me.identity.verificationMethod, 'liveness');
  t.truthy(me.identity.verifiedAt);
  t.deepEqual(await tempVideos(), before, 'the uploaded video was deleted');
  // only the verdict is stored
  const row = await s.server.deps.db.selectFrom('liveness_sessions').selectAll().where('id', '=', session.body.id).executeTakeFirstOrThrow();
  t.true(row.passed);
  t.is(Object.keys(row).filter((k) => /video|frame/.test(k)).length, 0);
  // a session cannot be reused
  const again = await upload(c, `/api/identity/liveness-sessions/${session.body.id}/video`, 'POST', { video: new Blob([new Uint8Array(10)]), prompts: JSON.stringify(scheduled(session.body)) }, { 'x-liveness-nonce': session.body.nonce });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'liveness_session_used');
  // and the verified applicant may now apply
  t.is((await c.post('/api/applications', { profession: 'constructor', type: 'initial' })).status, 201);
});

faceTest('a phone MP4 stored sideways with a rotation tag is read upright and passes', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const { verdict } = await check(c, async (session) => {
    const { file, prompts } = await d18Clip('sideways-src')(session);
    const mp4 = path.join(work, 'sideways.mp4');
    await sidewaysMp4(file, mp4);
    return { file: mp4, prompts };
  });
  t.log(JSON.stringify(verdict.body.scores?.actions));
  t.true(verdict.body.passed, JSON.stringify(verdict.body));
});

faceTest('the schedule performed with the actions swapped (a mouth opening where a blink was asked) fails', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const { verdict } = await check(c, d18Clip('swapped', (actions) => actions.map((a) => (a === 'blink' ? 'open_mouth' : 'blink'))));
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => r.code === 'action_out_of_order' || r.code === 'action_missing'), JSON.stringify(verdict.body.reasons));
  t.regex(verdict.body.reasons[0].hint, /[\u4e00-\u9fa5]/);
  t.is((await c.get('/api/me')).body.identity.verifiedAt, null);
});

faceTest('a video made from one still image fails', async (t) => {
  const photo = path.join(work, 'still.jpg');
  const jpeg = await frameJpeg(video('d18'), 1.0);
  await (await import('node:fs/promises')).writeFile(photo, jpeg);
  const c = await person(jpeg);
  const { verdict } = await check(c, async (session) => {
    const file = path.join(work, 'still.webm');
    await stillVideo(photo, session.durationMs / 1000, file);
    return { file, prompts: scheduled(session) };
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => ['static_image', 'action_missing'].includes(r.code)), JSON.stringify(verdict.body.reasons));
});

faceTest('a talking clip with no deliberate action fails', async (t) => {
  const c = await person(await frameJpeg(video('d0'), 1.0));
  const { verdict } = await check(c, async (session) => {
    const file = path.join(work, 'talking.webm');
    // d0 is 3.12 s long: repeated to the schedule's length
    const segs = [];
    for (let left = session.durationMs / 1000; left > 0.05; left -= 3.1) segs.push({ file: video('d0'), start: 0, end: Math.min(3.1, left) });
    await joinSegments(segs, file);
    return { file, prompts: scheduled(session) };
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => r.code === 'action_missing'), JSON.stringify(verdict.body.reasons));
});

faceTest('a different person against the ID photo fails, and attempts are limited per hour', async (t) => {
  // the ID photo is replaced by another man's after the session opened: the check must use the new one,
  // not the descriptor the server began computing for the session
  const c = await person(await frameJpeg(video('d18'), 6.5));
  const otherFront = await frameJpeg(video('d0'), 1.0);
  const { verdict } = await check(c, async (session) => {
    await upload(c, '/api/identity/documents/id_front', 'PUT', { photo: new Blob([new Uint8Array(otherFront)], { type: 'image/jpeg' }) });
    return d18Clip('other-person')(session);
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => r.code === 'face_mismatch'), JSON.stringify(verdict.body.reasons));
  // four more submissions (prompt times off the schedule are judged without the engine) reach the limit of 5
  for (let i = 0; i < 4; i++) {
    const r = await check(c, async (session) => ({ file: path.join(work, 'other-person.webm'), prompts: scheduled(session).map((p, j) => ({ ...p, shownAtMs: j * 2000 })) }));
    t.is(r.verdict.status, 200);
  }
  const blocked = await c.post('/api/identity/liveness-sessions');
  t.is(blocked.status, 429);
  t.is(blocked.body.error.code, 'liveness_attempts_exceeded');
  const audited = await s.server.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'identity.liveness_checked').execute();
  t.true(audited.length >= 5);
});

faceTest('a clip whose prompt times or length do not match the session schedule fails with schedule_mismatch', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  // prompts reported 1 s later than the schedule (a phone, or a replayed recording, choosing its own times)
  const late = await check(c, async (session) => {
    const file = path.join(work, 'late.webm');
    const prompts = await scheduledClip(session, file);
    return { file, prompts: prompts.map((p) => ({ ...p, shownAtMs: p.shownAtMs + 1000 })) };
  });
  t.is(late.verdict.status, 200);
  t.false(late.verdict.body.passed);
  t.deepEqual(late.verdict.body.reasons.map((r: { code: string }) => r.code), ['schedule_mismatch']);
  t.regex(late.verdict.body.reasons[0].hint, /提示时间不一致/);
  // the right prompt times, but the recording 2.5 s shorter than the schedule asked (refused on its probed length)
  const short = await check(c, async (session) => {
    const file = path.join(work, 'short.webm');
    const prompts = await scheduledClip(session, file, { extraMs: -2500 });
    return { file, prompts };
  });
  t.false(short.verdict.body.passed);
  t.deepEqual(short.verdict.body.reasons.map((r: { code: string }) => r.code), ['schedule_mismatch']);
  // the same clip as a phone that followed the schedule records it passes (the control)
  const ok = await check(c, d18Clip('on-schedule'));
  t.true(ok.verdict.body.passed, JSON.stringify(ok.verdict.body));
});
