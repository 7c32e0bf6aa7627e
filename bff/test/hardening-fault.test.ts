/**
 * Issue 15 "keep it fixed", the fault test: `npm start`'s entry point runs as a child and is SIGKILLed in
 * the middle of an applicant's signature, at several moments, then started again on the same DATA_DIR
 * (its embedded PostgreSQL orphaned by the kill). Checked after each restart: nothing half-written (the
 * application is either a draft without signature or signed with its PDF, with exactly one notification
 * queued for the employer), and every queued message is delivered exactly once. The database outage part
 * runs in-process in hardening-db-outage.test.ts; the liveness upload part belongs to the liveness work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { Client, OPERATOR_PHONE, REVIEWER_PHONE } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';

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
  constructor(
    readonly dataDir: string,
    readonly h5: string,
    readonly port: number,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bff/src/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', DATA_DIR: this.dataDir, H5_DIR: this.h5, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '100', AUTH_RATE_LIMIT_PER_10_MIN: '100000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    this.child.stderr!.on('data', (d) => (err += d));
    this.exited = new Promise((r) => this.child.on('exit', () => r()));
    for (let i = 0; i < 600; i++) {
      if (this.child.exitCode !== null) throw new Error(`the BFF exited: ${err}`);
      const ok = await fetch(`${this.baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
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

test('SIGKILL during signing, at several moments: after each restart nothing is half-written and every message is delivered once', async (t) => {
  t.timeout(360_000); // four starts of the BFF, and signatures that take seconds while the face models warm up
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zyt-fault-'));
  const h5 = await mkdtemp(path.join(tmpdir(), 'zyt-h5-'));
  await writeFile(path.join(h5, 'index.html'), '<!doctype html>');
  const bff = new ChildBff(dataDir, h5, await freePort());
  try {
    await bff.start();
    const reviewer = await bff.login(REVIEWER_PHONE);
    const outcomes: string[] = [];
    // the first signature runs to its end and times a signing; the others are killed at fractions of that
    let signingMs = 0;
    for (const [i, fraction] of [null, 0.25, 0.6, 0.95].entries()) {
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
      const startedAt = Date.now();
      const signing = c.post(`/api/applications/${created.body.id}/signatures`, { code }).catch((e) => ({ status: 0, body: String(e) }));
      let killAfterMs = -1;
      if (fraction === null) {
        t.is((await signing).status, 200);
        signingMs = Date.now() - startedAt;
        continue;
      }
      killAfterMs = Math.round(signingMs * fraction);
      await sleep(killAfterMs);
      await bff.kill();
      const answer = await signing;
      await bff.start(); // the orphaned PostgreSQL is stopped and started again

      const db = await bff.sql();
      try {
        const row = (await db.query('select status, applicant_signed_at, form_pdf is not null as has_pdf from applications where id = $1', [created.body.id])).rows[0];
        const notes = (await db.query("select count(*)::int as n from outbox where payload->>'template' = 'employer_pending' and created_at >= (select created_at from applications where id = $1)", [created.body.id])).rows[0].n;
        const signed = row.applicant_signed_at !== null;
        t.is(signed, row.has_pdf, `kill after ${killAfterMs} ms: signature and PDF together`);
        if (signed) t.not(row.status, 'draft');
        else t.is(row.status, 'draft');
        if (answer.status === 200) t.true(signed, 'an answered signature was kept');
        outcomes.push(`${killAfterMs} ms: ${signed ? 'signed' : 'not signed'} (answer ${answer.status || 'none'}), ${notes} notification(s)`);
        t.is(notes, signed ? 1 : 0, `kill after ${killAfterMs} ms: one notification for a signature, none without`);
      } finally {
        await db.end();
      }
    }
    t.log(`a signature takes ${signingMs} ms; killed at ${outcomes.join('; ')}`);

    // every queued message is delivered exactly once (each SMS text names its own application or code)
    for (let i = 0; i < 50; i++) {
      const db = await bff.sql();
      const pending = (await db.query('select count(*)::int as n from outbox where sent_at is null and failed_at is null')).rows[0].n;
      await db.end();
      if (!pending) break;
      await sleep(200);
    }
    const db = await bff.sql();
    const sent = (await db.query('select count(*)::int as n from outbox where sent_at is not null')).rows[0].n;
    const stuck = (await db.query('select count(*)::int as n from outbox where sent_at is null')).rows[0].n;
    await db.end();
    t.is(stuck, 0, 'nothing left undelivered');
    const lines = await bff.smsLines();
    const texts = lines.map((l) => `${l.phone} ${l.text}`);
    t.is(new Set(texts).size, texts.length, 'no message delivered twice');
    t.is(lines.length, sent, 'one SMS line per sent outbox row');
    t.true(lines.filter((l) => l.phone === OPERATOR_PHONE).length >= 1, 'the employer was told of the kept signatures');
  } finally {
    await bff.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    await rm(h5, { recursive: true, force: true });
  }
});
