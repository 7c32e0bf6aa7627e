/**
 * Relay to a province's own back office (issue 11): a local server plays the back office. It checks each
 * message's HMAC itself (node:crypto here, not our relay code), keeps messages by messageId, can be down, and
 * can lose its answer; the BFF relays every employer-confirmed application through the outbox and applies the
 * back office's signed callbacks as a reviewer's decisions.
 */
import test from 'ava';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, employerSign, operatorClient, sign } from './helpers/flow.js';

const key = randomBytes(32);
const hmac = (ts: number, body: string) => `v1=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`;

interface BackOffice {
  url: string;
  /** 'up' answers; 'down' answers 503; 'lose-answer' stores the message, then answers 500 once. */
  mode: 'up' | 'down' | 'lose-answer';
  messages: Map<string, any>;
  deliveries: string[];
  refusedSignatures: number;
  close(): Promise<void>;
}

async function startBackOffice(): Promise<BackOffice> {
  const office: BackOffice = { url: '', mode: 'up', messages: new Map(), deliveries: [], refusedSignatures: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (office.mode === 'down') return void res.writeHead(503).end();
      const ts = Number(req.headers['x-relay-timestamp']);
      if (req.headers['x-relay-signature'] !== hmac(ts, body)) {
        office.refusedSignatures++;
        return void res.writeHead(401).end();
      }
      const message = JSON.parse(body);
      office.deliveries.push(message.messageId);
      if (req.headers['idempotency-key'] !== message.messageId) return void res.writeHead(400).end();
      if (office.messages.has(message.messageId)) return void res.writeHead(409).end();
      office.messages.set(message.messageId, message);
      if (office.mode === 'lose-answer') {
        office.mode = 'up';
        return void res.writeHead(500).end();
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  office.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/relay`;
  office.close = () => new Promise((r) => server.close(() => r()));
  return office;
}

let s: TestServer;
let office: BackOffice;
test.before(async () => {
  office = await startBackOffice();
  s = await startTestServer({ RELAY_URL: office.url, RELAY_HMAC_KEY: key.toString('base64'), OUTBOX_RETRY_BASE_MS: '50' });
});
test.after.always(async () => {
  await s?.stop();
  await office?.close();
});

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await s.server.outbox.drain();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An initial registration signed by the applicant and confirmed by the seeded operator. */
async function confirmed() {
  const a = await applicantWithDraft(s);
  const signed = await sign(s, a.c, a.phone, a.id);
  if (signed.status !== 200) throw new Error(`sign ${JSON.stringify(signed.body)}`);
  s.advance(86_400_000);
  const res = await employerSign(s, await operatorClient(s), a.id);
  if (res.status !== 200) throw new Error(`employer sign ${JSON.stringify(res.body)}`);
  return a;
}

function callback(body: unknown, opts: { ts?: number; signature?: string } = {}) {
  const raw = JSON.stringify(body);
  const ts = opts.ts ?? Math.floor(s.now().getTime() / 1000);
  return fetch(`${s.baseUrl}/api/relay/callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-relay-timestamp': String(ts), 'x-relay-signature': opts.signature ?? hmac(ts, raw) },
    body: raw,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
}

test.serial('an outage of the back office delays the relay but loses nothing; the message carries the signed form', async (t) => {
  office.mode = 'down';
  const a = await confirmed();
  // the outbox keeps retrying while the back office answers 503
  await until('three failed attempts', async () => {
    const row = await s.server.deps.db.selectFrom('outbox').select(['attempts', 'sent_at', 'failed_at']).where('channel', '=', 'relay').executeTakeFirst();
    return (row?.attempts ?? 0) >= 3;
  });
  // past the attempts after which an SMS is given up (MAX_ATTEMPTS = 8), a relay message is still retried
  await sql`update outbox set attempts = 8 where channel = 'relay'`.execute(s.server.deps.db);
  await until('a ninth attempt', async () => {
    const row = await s.server.deps.db.selectFrom('outbox').select('attempts').where('channel', '=', 'relay').executeTakeFirstOrThrow();
    return row.attempts >= 9;
  });
  const pending = await s.server.deps.db.selectFrom('outbox').select(['sent_at', 'failed_at']).where('channel', '=', 'relay').executeTakeFirstOrThrow();
  t.is(pending.sent_at, null);
  t.is(pending.failed_at, null);
  t.is(office.messages.size, 0);
  office.mode = 'up';
  // the ninth retry waits 50 ms × 2^8; let that time pass
  await sql`update outbox set next_attempt_at = now() where channel = 'relay' and sent_at is null`.execute(s.server.deps.db);
  await until('the message', () => office.messages.has(`${a.acceptanceNo}-1`));
  const m = office.messages.get(`${a.acceptanceNo}-1`);
  t.is(m.event, 'employer_confirmed');
  t.is(m.acceptanceNo, a.acceptanceNo);
  t.is(m.application.matter, 'initial');
  t.is(m.application.applicant.idNumber, a.idNumber);
  const pdf = Buffer.from(m.formPdf.base64, 'base64');
  const served = await a.c.get(`/api/applications/${a.id}/form.pdf`);
  t.true(pdf.subarray(0, 5).equals(Buffer.from('%PDF-')));
  t.true(pdf.equals(served.bytes), 'the relayed PDF is the signed form the applicant downloads');
  t.is(office.refusedSignatures, 0);
});

test.serial('a lost answer makes the BFF deliver again; the back office keeps one message', async (t) => {
  office.mode = 'lose-answer';
  const a = await confirmed();
  const id = `${a.acceptanceNo}-1`;
  await until('the redelivery', () => office.deliveries.filter((d) => d === id).length >= 2);
  await until('the row marked sent', async () => {
    const rows = await sql<{ n: string }>`select count(*) as n from outbox where channel = 'relay' and sent_at is null and failed_at is null`.execute(s.server.deps.db);
    return Number(rows.rows[0].n) === 0;
  });
  t.is([...office.messages.keys()].filter((k) => k === id).length, 1);
  t.is(office.deliveries.filter((d) => d === id).length, 2, 'delivered twice, stored once (409 on the second)');
});

test.serial('callbacks move the application through the stages; a duplicate changes nothing; a forged or stale one is refused and audited', async (t) => {
  const a = await confirmed();
  await until('relayed', () => office.messages.has(`${a.acceptanceNo}-1`));
  const accept = { acceptanceNo: a.acceptanceNo, decisionId: `D-${a.acceptanceNo}-1`, stage: 'acceptance', outcome: 'pass' };
  const forged = await callback(accept, { signature: `v1=${'0'.repeat(64)}` });
  t.is(forged.status, 401);
  t.is(forged.body.error.code, 'relay_signature_invalid');
  const stale = await callback(accept, { ts: Math.floor(s.now().getTime() / 1000) - 3600 });
  t.is(stale.status, 401);
  const refused = await s.server.deps.db.selectFrom('audit_log').select('details').where('action', '=', 'relay.callback_refused').execute();
  t.is(refused.length, 2);
  t.is((await a.c.get(`/api/applications/${a.id}`)).body.status, 'acceptance', 'nothing moved');

  const first = await callback(accept);
  t.is(first.status, 200, JSON.stringify(first.body));
  t.deepEqual(first.body, { duplicate: false, status: 'first_review' });
  const again = await callback(accept);
  t.deepEqual(again.body, { duplicate: true, status: 'first_review' });
  const wrongStage = await callback({ ...accept, decisionId: 'D-x', stage: 'approval' });
  t.is(wrongStage.status, 409);
  t.is(wrongStage.body.error.code, 'review_stage_mismatch');
  const noReason = await callback({ ...accept, decisionId: 'D-y', stage: 'first_review', outcome: 'fail' });
  t.is(noReason.status, 422);

  for (const [i, stage] of ['first_review', 'second_review', 'approval'].entries()) {
    const res = await callback({ acceptanceNo: a.acceptanceNo, decisionId: `D-${a.acceptanceNo}-${i + 2}`, stage, outcome: 'pass' });
    t.is(res.status, 200, `${stage} ${JSON.stringify(res.body)}`);
  }
  const app = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is(app.status, 'approved');
  const certificates = (await a.c.get('/api/certificates')).body;
  t.is(certificates.length, 1, 'the certificate is issued at the back office approval');
  const applied = await s.server.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'relay.callback_applied').where('object_id', '=', a.id).execute();
  t.is(applied.length, 4);
  const unknown = await callback({ ...accept, acceptanceNo: 'W2099010100001', decisionId: 'D-z' });
  t.is(unknown.status, 404);
});
