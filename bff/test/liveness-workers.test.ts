/**
 * Issue 14: liveness analyses as pg-boss jobs (LIVENESS_ANALYSIS=queue) taken by a separate worker process, on
 * one embedded PostgreSQL. API process A is the test's own server, API process B a child
 * (helpers/bff-clock-child.ts), both with LIVENESS_WORKER=off (no face models); the worker is the real
 * `npm run liveness-worker` entry (bff/src/liveness-worker.ts) as a child. Real d18 clips (../shared/data/faces)
 * built for each session's schedule. Checked: a session opened on A and uploaded to B passes (the person is
 * verified) and a different face fails with face_mismatch, no video row nor temp dir left, API memory without
 * the models; the worker SIGKILLed while it holds a job (a TEST_HOLD_DIR hold after its video is on disk) and a
 * new worker started: it finds the holder gone (same host, pid no longer running) and fails the job, pg-boss
 * retries it at once (not after its 60 s expiry) and the same upload answers its verdict, with
 * the queue full meanwhile answering 503 liveness_busy with Retry-After (LIVENESS_QUEUE_DEPTH=1, judged from
 * PostgreSQL by the other process A); /healthz reports the queue; with the worker child stopped, an API process
 * with LIVENESS_WORKER=on (npm start's one-command form) works the queue itself. Skips when the face data is absent.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { FACE_CONSENT_VERSION } from '@zhiyetong/shared';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { FACES_MISSING, facesAvailable, frameJpeg, scheduledClip, video, type ScheduleLike } from './helpers/faces.js';
import { helperScript, killChild, siblingEnv, startChild, type Child } from './helpers/children.js';

const QUEUE = { LIVENESS_ANALYSIS: 'queue', LIVENESS_WORKER: 'off', LIVENESS_QUEUE_DEPTH: '1' };
const WORKER_ENTRY = path.join(import.meta.dirname, '../src/liveness-worker.ts');

let a: TestServer;
let b: Child;
let worker: Child;
let childEnv: Record<string, string>;
let holdDir: string;
const started: Child[] = [];

const startWorker = async () => {
  const w = await startChild(WORKER_ENTRY, { ...childEnv, LOG_LEVEL: 'info', TEST_HOLD_DIR: holdDir }, /liveness worker started/);
  started.push(w);
  return w;
};

const faceTest = facesAvailable ? test.serial : test.serial.skip;
if (!facesAvailable)
  test('face data is present', (t) => {
    t.log(FACES_MISSING);
    t.pass();
  });

test.before(async () => {
  if (!facesAvailable) return;
  holdDir = await mkdtemp(path.join(tmpdir(), 'zyt-hold-'));
  a = await startTestServer(QUEUE);
  childEnv = { ...(await siblingEnv(a)), ...QUEUE, SCHEDULER: 'off', OUTBOX_POLL_MS: '50', RESPONSE_VALIDATION: 'on' };
  [b, worker] = await Promise.all([startChild(helperScript('bff-clock-child.ts'), childEnv), startWorker()]);
  started.push(b);
});

test.after.always(async () => {
  for (const c of started) await killChild(c);
  await a?.stop();
  if (holdDir) await rm(holdDir, { recursive: true, force: true });
});

type Session = ScheduleLike & { id: string; nonce: string };

async function multipart(c: Client, baseUrl: string, url: string, method: string, parts: Record<string, Blob | string>, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, v, 'upload');
  }
  const res = await fetch(baseUrl + url, { method, body: form, headers: { authorization: `Bearer ${c.token}`, ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

let seq = 0;
/** An applicant on A with an ID front photo (`photo`) and the face consent; both clocks moved together. */
async function person(photo: Buffer): Promise<Client> {
  const c = await login(a, freshPhone());
  await b.advance(61_000); // login() moved A's clock past the resend wait: B's too
  const r = await c.put('/api/me/identity', { name: '卫十一', idNumber: makeIdNumber('19920202', String(700 + ++seq)) });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  await multipart(c, a.baseUrl, '/api/identity/documents/id_front', 'PUT', { photo: new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }) });
  await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION });
  return c;
}

/**
 * A 5.6 s schedule (a blink, then a mouth opening held): the random ones run 7-18 s, and each analysis of those
 * took 30 s on this loaded machine. Written over the session's own before its upload (the clip follows it).
 */
const SHORT = { actions: [{ action: 'blink', atMs: 800 }, { action: 'open_mouth', atMs: 2600 }], durationMs: 5600 };

/** Opens a session on A (its schedule shortened to SHORT); builds the d18 clip that follows it. */
async function sessionWithClip(c: Client, name: string): Promise<{ session: Session; file: string; prompts: { action: string; shownAtMs: number }[] }> {
  const opened = await c.post('/api/identity/liveness-sessions');
  if (opened.status !== 201) throw new Error(JSON.stringify(opened.body));
  await sql`update liveness_sessions set actions = ${SHORT.actions.map((p) => p.action)}, schedule = ${JSON.stringify(SHORT.actions)}::jsonb, duration_ms = ${SHORT.durationMs} where id = ${opened.body.id}`.execute(a.server.deps.db);
  const session = { ...opened.body, ...SHORT };
  const file = path.join(a.dataDir, `${name}.webm`);
  const prompts = await scheduledClip(session, file);
  return { session, file, prompts };
}

/** Uploads the clip to `baseUrl` (another process than the one that opened the session). */
async function upload(c: Client, baseUrl: string, x: { session: Session; file: string; prompts: unknown }) {
  return multipart(c, baseUrl, `/api/identity/liveness-sessions/${x.session.id}/video`, 'POST', { video: new Blob([new Uint8Array(await readFile(x.file))], { type: 'video/webm' }), prompts: JSON.stringify(x.prompts) }, { 'x-liveness-nonce': x.session.nonce });
}

/** The zyt-liveness-<host tag>-<pid>-* temp dirs of this test's processes (other tests on the machine make theirs). */
const tempDirs = async () => {
  const pids = new Set([process.pid, ...started.map((c) => c.proc.pid)].map(String));
  return (await readdir(tmpdir())).filter((f) => pids.has(/^zyt-liveness-[0-9a-f]{8}-(\d+)-/.exec(f)?.[1] ?? '')).sort();
};
const videoRows = async () => Number((await sql<{ n: string }>`select count(*) as n from liveness_videos`.execute(a.server.deps.db)).rows[0].n);
const exists = (f: string) => stat(f).then(() => true, () => false);

/** Waits (up to `ms`) until `check` holds. */
async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return check();
}

/** The worker's analysis time of its latest job (its `liveness.job` log line), ms. */
function lastJobMs(w: Child): number {
  const lines = w.output().split('\n').filter((l) => l.includes('"liveness.job"'));
  return lines.length ? JSON.parse(lines.at(-1)!).ms : NaN;
}

faceTest('opened on A, uploaded to B, analysed by the worker: a pass verifies the person, another face fails; no video row or temp dir left; the API processes load no models', async (t) => {
  const before = await tempDirs();
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const pass = await sessionWithClip(c, 'queued-pass');
  const t0 = performance.now();
  const verdict = await upload(c, b.url, pass);
  const roundTrip = Math.round(performance.now() - t0);
  if (verdict.status !== 200) t.log(roundTrip, worker.output().slice(-4000), JSON.stringify((await sql`select id, name, state, retry_count, output, started_on, created_on from pgboss.job`.execute(a.server.deps.db)).rows));
  t.is(verdict.status, 200, JSON.stringify(verdict.body));
  t.true(verdict.body.passed, JSON.stringify(verdict.body));
  t.deepEqual(verdict.body.reasons, []);
  t.log(`upload to B → verdict: ${roundTrip} ms, of which the worker's analysis ${lastJobMs(worker)} ms (clip ${pass.session.durationMs} ms)`);
  const me = (await c.get('/api/me')).body;
  t.is(me.identity.verificationMethod, 'liveness');
  t.truthy(me.identity.verifiedAt);

  const other = await person(await frameJpeg(video('d0'), 1.0));
  const fail = await sessionWithClip(other, 'queued-fail');
  const failed = await upload(other, b.url, fail);
  t.is(failed.status, 200, JSON.stringify(failed.body));
  t.false(failed.body.passed);
  t.true(failed.body.reasons.some((r: { code: string }) => r.code === 'face_mismatch'), JSON.stringify(failed.body.reasons));
  t.is((await other.get('/api/me')).body.identity.verifiedAt ?? null, null);

  t.is(await videoRows(), 0, 'no video row left');
  t.true(await until(async () => JSON.stringify(await tempDirs()) === JSON.stringify(before), 3000), 'no temp dir left');
  const health = await new Client(b.url).get('/healthz');
  t.is(health.status, 200);
  t.deepEqual(health.body.liveness, { analysis: 'queue', waiting: 0, active: 0 });
  const [rssB, rssWorker] = [await b.rssMb(), await worker.rssMb()];
  t.log(`RSS: API process B ${rssB} MB, worker ${rssWorker} MB`);
  t.true(rssB < rssWorker, 'the API process has not loaded the models');
});

faceTest('the worker SIGKILLed holding a job: the queue is full meanwhile (503 liveness_busy), a new worker has the job retried at its start and the same upload answers its verdict; no video left', async (t) => {
  const c = await person(await frameJpeg(video('d18'), 1.0));
  const waiting = await person(await frameJpeg(video('d18'), 1.0));
  const held = await sessionWithClip(c, 'queued-held');
  const queuedBehind = await sessionWithClip(waiting, 'queued-behind');

  const armed = path.join(holdDir, 'liveness.armed');
  await writeFile(armed, '');
  const answer = upload(c, b.url, held);
  const hold = path.join(holdDir, `liveness-${held.session.id}`);
  t.true(await until(() => exists(hold), 60_000), 'the worker reached the hold with the video on disk');
  const workerVideo = await readFile(hold, 'utf8');
  t.true(await exists(workerVideo), 'the worker wrote the video to its private temp dir');
  t.is(Number((await sql<{ n: string }>`select count(*) as n from liveness_videos where session_id = ${held.session.id} and video_enc is not null`.execute(a.server.deps.db)).rows[0].n), 1);
  t.deepEqual((await new Client(a.baseUrl).get('/healthz')).body.liveness, { analysis: 'queue', waiting: 0, active: 1 });

  // LIVENESS_QUEUE_DEPTH=1, counted in PostgreSQL: the other API process (A) refuses before reading the body
  const busy = await upload(waiting, a.baseUrl, queuedBehind);
  t.is(busy.status, 503);
  t.is(busy.body.error.code, 'liveness_busy');
  t.true(Number(busy.headers.get('retry-after')) >= 5, `Retry-After ${busy.headers.get('retry-after')}`);

  worker.proc.kill('SIGKILL');
  await worker.exited;
  const killedAt = performance.now();
  await rm(armed);
  await rm(hold);
  worker = await startWorker();
  const verdict = await answer;
  t.is(verdict.status, 200, JSON.stringify(verdict.body));
  t.true(verdict.body.passed, JSON.stringify(verdict.body));
  t.log(`kill → verdict of the same upload: ${Math.round(performance.now() - killedAt)} ms (the new worker's start and model load included; job expiry 60 s)`);
  // the new worker found the job's holder gone (same host, its pid no longer runs) and had it retried at once
  t.regex(worker.output(), /"retried":1/, 'retried at the new worker\'s start, not after the expiry');
  t.truthy((await c.get('/api/me')).body.identity.verifiedAt);
  const row = (await sql<{ passed: boolean; interrupted_at: Date | null }>`select passed, interrupted_at from liveness_sessions where id = ${held.session.id}`.execute(a.server.deps.db)).rows[0];
  t.like(row, { passed: true, interrupted_at: null });

  t.is(await videoRows(), 0, 'no video row left');
  t.false(await exists(path.dirname(workerVideo)), "the killed worker's temp dir was swept by the new worker");
  // the queue has room again: the person refused meanwhile is taken
  const later = await upload(waiting, a.baseUrl, queuedBehind);
  t.is(later.status, 200, JSON.stringify(later.body));
  t.true(later.body.passed, JSON.stringify(later.body));
});

faceTest("npm start's one-command form of queue: an API process with LIVENESS_WORKER=on works the queue itself (the worker child stopped)", async (t) => {
  await killChild(worker);
  // a third API process, in this test process, on the same database and DATA_DIR (the same PII key)
  const c3 = await startTestServer({ ...QUEUE, LIVENESS_WORKER: 'on', DATABASE_URL: childEnv.DATABASE_URL, DATA_DIR: a.dataDir, SEED_DEV_DATA: 'false' });
  try {
    const c = await person(await frameJpeg(video('d18'), 1.0));
    const x = await sessionWithClip(c, 'in-process');
    const verdict = await upload(c, b.url, x);
    t.is(verdict.status, 200, JSON.stringify(verdict.body));
    t.true(verdict.body.passed, JSON.stringify(verdict.body));
    t.is(await videoRows(), 0);
  } finally {
    await c3.stop();
    (await import('../src/liveness/index.js')).shutdownLivenessEngine();
  }
});
