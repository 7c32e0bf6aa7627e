/**
 * Issue 14: two BFF processes on one embedded PostgreSQL, driven alternately. Process A is the test's own
 * server (startTestServer), process B a child (helpers/bff-clock-child.ts) on A's DATA_DIR (same secrets, CA
 * and token keys) and database; both clocks move together. Checked: a whole registration path with every
 * step on the other process from the one before; the per-IP login limit and the OTP daily cap counted once
 * for both; outbox messages delivered exactly once with both polling; a process SIGKILLed while delivering
 * loses no message. A liveness upload to the process that did not open the session, with the analyses as
 * pg-boss jobs taken by worker processes, is liveness-workers.test.ts's (helpers/children.ts is shared).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { enqueue } from '../src/domain/outbox.js';
import { Client, ENTERPRISE, OPERATOR_PHONE, REVIEWER_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { helperScript, siblingEnv, startChild, type Child } from './helpers/children.js';

const LIMIT = 10;
const env = { AUTH_RATE_LIMIT_PER_10_MIN: String(LIMIT), TRUST_PROXY_HOPS: '1', OUTBOX_POLL_MS: '50' };

let a: TestServer;
let b: Child;

/** Moves both processes' clocks. */
async function advance(ms: number) {
  a.advance(ms);
  await b.advance(ms);
}

/** Every SMS text to `phone` in the dev outbox file both processes append to. */
async function smsTo(phone: string): Promise<string[]> {
  const text = await readFile(path.join(a.dataDir, 'sms-outbox.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { phone: string; text: string })
    .filter((m) => m.phone === phone)
    .map((m) => m.text);
}

/** The code in the newest SMS to `phone` after `before` messages, whichever process delivered it. */
async function codeAfter(phone: string, before: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    // the newest message with a code (a notification to the same phone may arrive in between)
    const coded = (await smsTo(phone)).slice(before).filter((m) => m.includes('验证码'));
    if (coded.length) return /(?<!\d)(\d{6})(?!\d)/.exec(coded.at(-1)!)![1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no SMS code for ${phone}`);
}

/** Logs in with the code asked for on `first` and entered on `second`; returns a client per process with the token. */
async function login(phone: string, first: string, second: string): Promise<{ onA: Client; onB: Client }> {
  await advance(61_000);
  const before = (await smsTo(phone)).length;
  const sent = await new Client(first).post('/api/auth/sms-codes', { phone });
  if (sent.status !== 200) throw new Error(`sms-codes ${sent.status} ${JSON.stringify(sent.body)}`);
  const session = await new Client(second).post('/api/auth/sessions', { phone, code: await codeAfter(phone, before) });
  if (session.status !== 200) throw new Error(`sessions ${session.status} ${JSON.stringify(session.body)}`);
  return { onA: new Client(a.baseUrl, session.body.accessToken), onB: new Client(b.url, session.body.accessToken) };
}

test.before(async () => {
  a = await startTestServer(env);
  b = await startChild(helperScript('bff-clock-child.ts'), { ...(await siblingEnv(a)), ...env });
});

test.after.always(async () => {
  if (b && b.proc.exitCode === null) {
    b.proc.kill('SIGKILL');
    await b.exited;
  }
  await a?.stop();
});

test.serial('a whole registration path, each step on the other process from the one before', async (t) => {
  const phone = freshPhone();
  const idNumber = makeIdNumber('19880512', '731');
  const applicant = await login(phone, a.baseUrl, b.url);
  t.is((await applicant.onA.put('/api/me/identity', { name: '钱多多', idNumber })).status, 200);
  const reviewer = await login(REVIEWER_PHONE, b.url, a.baseUrl);
  t.is((await reviewer.onB.post('/api/review/in-person-verifications', { idNumber })).status, 200);
  const created = await applicant.onA.post('/api/applications', { profession: 'constructor', type: 'initial' });
  t.is(created.status, 201);
  const saved = await applicant.onB.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: validForm() });
  t.is(saved.status, 200, JSON.stringify(saved.body));

  await advance(61_000);
  let before = (await smsTo(phone)).length;
  t.is((await applicant.onA.post(`/api/applications/${created.body.id}/signatures/sms-code`)).status, 200);
  const signed = await applicant.onB.post(`/api/applications/${created.body.id}/signatures`, { code: await codeAfter(phone, before) });
  t.is(signed.status, 200, JSON.stringify(signed.body));

  const operator = await login(OPERATOR_PHONE, a.baseUrl, b.url);
  await advance(61_000);
  before = (await smsTo(OPERATOR_PHONE)).length;
  t.is((await operator.onA.post(`/api/enterprise/applications/${created.body.id}/signatures/sms-code`)).status, 200);
  const confirmed = await operator.onB.post(`/api/enterprise/applications/${created.body.id}/signatures`, { code: await codeAfter(OPERATOR_PHONE, before), opinionAccepted: true });
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));

  let last: { status: number; body: any } | null = null;
  for (const [i, stage] of ['acceptance', 'first_review', 'second_review', 'approval'].entries()) {
    last = await (i % 2 ? reviewer.onB : reviewer.onA).post(`/api/review/applications/${created.body.id}/decisions`, { stage, outcome: 'pass' });
    t.is(last.status, 200, `${stage}: ${JSON.stringify(last.body)}`);
  }
  t.is(last!.body.status, 'approved');
  const registrations = (await applicant.onB.get('/api/registrations')).body;
  t.is(registrations.length, 1);
  const [cert] = (await applicant.onA.get('/api/certificates')).body as { id: string; verifyUrl: string }[];
  const token = cert.verifyUrl.split('/v/')[1];
  const verify = (url: string) => new Client(url).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`);
  for (const url of [a.baseUrl, b.url]) {
    const verified = await verify(url);
    t.is(verified.body.status, 'valid', url);
    t.is(verified.body.certificate.employerName, ENTERPRISE.name);
  }
  // both processes now hold the row in their scan cache (certificate-cache.ts); a revocation on B is seen on A
  // as soon as A has PostgreSQL's notification, not after the cache's 60 s
  t.true(a.server.deps.certificateCache!.active, 'A listens for certificate changes');
  // proof that scans are answered from memory: a change made with the notifying trigger switched off is not seen
  const db = a.server.deps.db;
  await sql`alter table certificates disable trigger certificates_changed`.execute(db);
  await sql`update certificates set employer_name = '缓存检验' where id = ${cert.id}`.execute(db);
  await sql`alter table certificates enable trigger certificates_changed`.execute(db);
  for (const url of [a.baseUrl, b.url]) t.is((await verify(url)).body.certificate.employerName, ENTERPRISE.name, `${url} answers from its cache`);
  t.is((await reviewer.onB.post(`/api/review/certificates/${cert.id}/revocations`, { reason: '测试注销' })).status, 204);
  const revokedAt = Date.now();
  let seen = -1;
  for (let i = 0; i < 200; i++) {
    if ((await verify(a.baseUrl)).body.status === 'revoked') {
      seen = Date.now() - revokedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  t.true(seen >= 0, 'A answers revoked after B revoked the certificate');
  t.log(`revocation on B seen by a scan on A after ${seen} ms`);
  t.is((await verify(b.url)).body.status, 'revoked');
});

test.serial('the per-IP login limit is counted once for both processes', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const res = await new Client(i % 2 ? b.url : a.baseUrl).req('POST', '/api/auth/sessions', { phone: '13912340000', code: '000000' }, { 'x-forwarded-for': '203.0.113.77' });
    statuses.push(res.status);
    if (res.status === 429) {
      t.is(res.body.error.code, 'rate_limited');
      t.true(Number(res.headers.get('retry-after')) > 0);
    }
  }
  t.is(statuses.filter((s) => s !== 429).length, LIMIT, `statuses: ${statuses.join(' ')}`);
  t.deepEqual(statuses.slice(LIMIT), Array(LIMIT).fill(429), 'every request after the limit refused, on both');
});

test.serial('the OTP daily cap (10 codes a day per phone) holds across both processes', async (t) => {
  // start at 08:00 Shanghai of the next day, so the eleven codes (61 s apart) fall on one calendar day
  const now = a.now().getTime();
  const nextDay = Math.floor((now + 8 * 3_600_000) / 86_400_000 + 1) * 86_400_000 - 8 * 3_600_000;
  await advance(nextDay + 8 * 3_600_000 - now);
  const phone = freshPhone();
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    await advance(61_000);
    // each request from its own address, so the per-IP login limit is not what refuses
    const res = await new Client(i % 2 ? b.url : a.baseUrl).req('POST', '/api/auth/sms-codes', { phone }, { 'x-forwarded-for': `203.0.113.${100 + i}` });
    statuses.push(res.status);
    if (i === 10) t.is(res.body.error.code, 'otp_daily_limit');
  }
  t.deepEqual(statuses, [...Array(10).fill(200), 429]);
});

/** Queues `n` SMS in one transaction (on A's connection); returns their phones. */
async function queue(n: number): Promise<string[]> {
  const phones = Array.from({ length: n }, () => freshPhone());
  await a.server.deps.db.transaction().execute(async (tx) => {
    for (const phone of phones) await enqueue(tx, { channel: 'sms', phone, message: { template: 'login_code', params: ['123456'] } });
  });
  return phones;
}

async function delivered(phones: string[]): Promise<number[]> {
  const text = await readFile(path.join(a.dataDir, 'sms-outbox.jsonl'), 'utf8');
  const counts = new Map(phones.map((p) => [p, 0]));
  for (const line of text.split('\n').filter(Boolean)) {
    const { phone } = JSON.parse(line) as { phone: string };
    if (counts.has(phone)) counts.set(phone, counts.get(phone)! + 1);
  }
  return phones.map((p) => counts.get(p)!);
}

async function untilDelivered(phones: string[], atLeast: number, ms = 20_000): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const counts = await delivered(phones);
    if (counts.filter((c) => c > 0).length >= atLeast || Date.now() > end) return counts;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.serial('outbox: 300 messages, both processes polling, each delivered exactly once', async (t) => {
  const phones = await queue(300);
  const counts = await untilDelivered(phones, phones.length);
  t.is(counts.filter((c) => c === 1).length, phones.length, `not once: ${counts.filter((c) => c !== 1).length}`);
  // a pass writes its batch (up to 10) to the provider before its transaction marks them sent: wait for that commit
  let left = -1;
  for (const end = Date.now() + 10_000; left !== 0 && Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    left = Number((await sql<{ n: string }>`select count(*) as n from outbox where sent_at is null and failed_at is null`.execute(a.server.deps.db)).rows[0].n);
  t.is(left, 0);
});

test.serial('a process SIGKILLed while delivering loses no message; the other delivers the rest', async (t) => {
  const phones = await queue(400);
  await untilDelivered(phones, 20);
  b.proc.kill('SIGKILL');
  await b.exited;
  const counts = await untilDelivered(phones, phones.length);
  t.is(counts.filter((c) => c === 0).length, 0, 'every message delivered');
  // a batch B had sent but not committed when it died is sent again by A (at least once, at most that batch twice)
  const twice = counts.filter((c) => c > 1).length;
  t.true(twice <= 10, `${twice} delivered twice`);
  t.log(`delivered twice after the kill: ${twice} of ${phones.length}`);
  const health = await new Client(a.baseUrl).get('/healthz');
  t.is(health.status, 200);
  t.is(health.body.outbox.due, 0);
});
