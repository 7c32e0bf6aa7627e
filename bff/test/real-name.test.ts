/**
 * Real-name verification through the HTTP API on real video (../shared/data/faces): a video assembled from
 * labelled d18 segments in the order the session asked for passes; the same clip with the actions in the
 * wrong order fails; a still image fails; a talking clip with no deliberate action fails; a different
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
import { D18, FACES_MISSING, facesAvailable, frameJpeg, joinSegments, sidewaysMp4, stillVideo, video } from './helpers/faces.js';

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

async function upload(c: Client, url: string, method: string, parts: Record<string, Blob | string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, v, 'upload');
  }
  const res = await fetch(c.baseUrl + url, { method, body: form, headers: { authorization: `Bearer ${c.token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Starts a session and uploads `file`; `order` gives the video's segment order (default: as asked). */
async function check(c: Client, build: (actions: string[]) => Promise<{ file: string; prompts: { action: string; shownAtMs: number }[] }>) {
  const session = await c.post('/api/identity/liveness-sessions');
  if (session.status !== 201) return { session, verdict: session };
  const actions = session.body.actions.map((a: { action: string }) => a.action);
  const { file, prompts } = await build(actions);
  const verdict = await upload(c, `/api/identity/liveness-sessions/${session.body.id}/video`, 'POST', {
    video: new Blob([new Uint8Array(await readFile(file))], { type: 'video/webm' }),
    nonce: session.body.nonce,
    prompts: JSON.stringify(prompts),
  });
  return { session, verdict };
}

/** d18 segments in the order `segmentOrder`, with the prompts of `actions` shown at each segment start. */
function d18Clip(name: string, segmentOrder: string[], actions: string[]) {
  return async () => {
    const file = path.join(work, `${name}.webm`);
    const segs = segmentOrder.map((a) => (a === 'blink' ? D18.blink : D18.mouth));
    await joinSegments(segs.map((g) => ({ file: video('d18'), ...g })), file);
    let at = 0;
    const prompts = actions.map((action, i) => {
      const p = { action, shownAtMs: Math.round(at * 1000) };
      at += segs[i].end - segs[i].start;
      return p;
    });
    return { file, prompts };
  };
}

const tempVideos = async () => (await readdir(tmpdir())).filter((f) => f.startsWith('zyt-liveness-'));

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
  const { session, verdict } = await check(c, async (actions) => d18Clip('pass', actions, actions)());
  t.is(session.body.actions.length, 2);
  t.truthy(session.body.nonce);
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
  const prompts = session.body.actions.map((a: { action: string }, i: number) => ({ action: a.action, shownAtMs: i * 2000 }));
  const again = await upload(c, `/api/identity/liveness-sessions/${session.body.id}/video`, 'POST', { video: new Blob([new Uint8Array(10)]), nonce: session.body.nonce, prompts: JSON.stringify(prompts) });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'liveness_session_used');
  // and the verified applicant may now apply
  t.is((await c.post('/api/applications', { profession: 'constructor', type: 'initial' })).status, 201);
});

faceTest('a phone MP4 stored sideways with a rotation tag is read upright and passes', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const { verdict } = await check(c, async (actions) => {
    const { file, prompts } = await d18Clip('sideways-src', actions, actions)();
    const mp4 = path.join(work, 'sideways.mp4');
    await sidewaysMp4(file, mp4);
    return { file: mp4, prompts };
  });
  t.log(JSON.stringify(verdict.body.scores?.actions));
  t.true(verdict.body.passed, JSON.stringify(verdict.body));
});

faceTest('the same clip with the actions in the wrong order fails', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const { verdict } = await check(c, async (actions) => d18Clip('reversed', [...actions].reverse(), actions)());
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
  const { verdict } = await check(c, async (actions) => {
    const file = path.join(work, 'still.webm');
    await stillVideo(photo, 4, file);
    return { file, prompts: actions.map((action, i) => ({ action, shownAtMs: i * 2000 })) };
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => ['static_image', 'action_missing'].includes(r.code)), JSON.stringify(verdict.body.reasons));
});

faceTest('a talking clip with no deliberate action fails', async (t) => {
  const c = await person(await frameJpeg(video('d0'), 1.0));
  const { verdict } = await check(c, async (actions) => {
    const file = path.join(work, 'talking.webm');
    await joinSegments([{ file: video('d0'), start: 0, end: 3.1 }], file); // d0 is 3.12 s long
    return { file, prompts: actions.map((action, i) => ({ action, shownAtMs: i * 2000 })) };
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => r.code === 'action_missing'), JSON.stringify(verdict.body.reasons));
});

faceTest('a different person against the ID photo fails, and attempts are limited per hour', async (t) => {
  // the ID photo is replaced by another man's after the session opened: the check must use the new one,
  // not the descriptor the server began computing for the session
  const c = await person(await frameJpeg(video('d18'), 6.5));
  const otherFront = await frameJpeg(video('d0'), 1.0);
  const { verdict } = await check(c, async (actions) => {
    await upload(c, '/api/identity/documents/id_front', 'PUT', { photo: new Blob([new Uint8Array(otherFront)], { type: 'image/jpeg' }) });
    return d18Clip('other-person', actions, actions)();
  });
  t.false(verdict.body.passed);
  t.true(verdict.body.reasons.some((r: { code: string }) => r.code === 'face_mismatch'), JSON.stringify(verdict.body.reasons));
  // four more submissions (prompts in the wrong order are judged without the engine) reach the limit of 5
  for (let i = 0; i < 4; i++) {
    const r = await check(c, async (actions) => ({ file: path.join(work, 'other-person.webm'), prompts: [...actions].reverse().map((action, j) => ({ action, shownAtMs: j * 2000 })) }));
    t.is(r.verdict.status, 200);
  }
  const blocked = await c.post('/api/identity/liveness-sessions');
  t.is(blocked.status, 429);
  t.is(blocked.body.error.code, 'liveness_attempts_exceeded');
  const audited = await s.server.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'identity.liveness_checked').execute();
  t.true(audited.length >= 5);
});
