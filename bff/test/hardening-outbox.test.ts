/**
 * Issue 15 item 3: one-time codes do not sit in the outbox table. Messages are sealed with a key outside the
 * database while pending, erased once sent, failed or expired, and delivered rows are purged after the
 * retention. The table is read directly, as someone with a dump or read access would.
 */
import test from 'ava';
import { sql } from 'kysely';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { startTencentSmsServer } from './helpers/tencent-sms-server.js';
import { freshPhone } from './helpers/data.js';


/** Every outbox row as PostgreSQL prints it (bytea as hex), plus the raw bytes of the sealed payloads. */
async function tableText(s: TestServer): Promise<string> {
  const rows = await sql<{ t: string; enc: Buffer | null }>`select row_to_json(o)::text as t, o.payload_enc as enc from outbox o`.execute(s.server.deps.db);
  return rows.rows.map((r) => r.t + (r.enc ? r.enc.toString('latin1') : '')).join('\n');
}

test('a login code is never readable in the outbox table: sealed while pending, erased once sent, row purged after the retention', async (t) => {
  const tencent = await startTencentSmsServer();
  const s = await startTestServer({ ...tencent.env, OUTBOX_RETENTION_HOURS: '1' }, { httpAgent: tencent.agent });
  try {
    const phone = freshPhone();
    tencent.failNext(1); // the first delivery fails: the message stays pending in the table
    t.is((await new Client(s.baseUrl).post('/api/auth/sms-codes', { phone })).status, 200);
    await s.server.outbox.drain();
    const pending = await s.server.deps.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    t.is(pending.sent_at, null);
    t.truthy(pending.payload_enc, 'pending: sealed');
    t.deepEqual(pending.payload, { template: 'login_code' });
    t.truthy(pending.expires_at);

    await s.server.deps.db.updateTable('outbox').set({ next_attempt_at: new Date(0) }).where('id', '=', pending.id).execute();
    await s.server.outbox.drain();
    t.is(tencent.sent.length, 1);
    const code = tencent.sent[0].params[0];
    t.regex(code, /^\d{6}$/);
    // the pending row did not hold the code or phone in the clear (checked against what was really sent)
    const sent = await s.server.deps.db.selectFrom('outbox').selectAll().where('id', '=', pending.id).executeTakeFirstOrThrow();
    t.truthy(sent.sent_at);
    t.is(sent.payload_enc, null, 'erased once sent');
    const text = await tableText(s);
    t.false(text.includes(code), 'no code anywhere in the outbox table');
    t.false(text.includes(phone), 'no phone anywhere in the outbox table');

    // purged after the retention (1 h): the server's clock moves past it
    t.is(await s.server.outbox.purge(), 0, 'kept within the retention');
    s.advance(3601_000);
    t.true((await s.server.outbox.purge()) >= 1);
    t.is((await s.server.deps.db.selectFrom('outbox').select('id').where('id', '=', pending.id).execute()).length, 0);
  } finally {
    await s.stop();
    await tencent.close();
  }
});

test('a pending code SMS that outlives its code is dropped unsent and erased', async (t) => {
  const tencent = await startTencentSmsServer();
  const s = await startTestServer(tencent.env, { httpAgent: tencent.agent });
  try {
    const phone = freshPhone();
    tencent.failNext(1);
    t.is((await new Client(s.baseUrl).post('/api/auth/sms-codes', { phone })).status, 200);
    await s.server.outbox.drain();
    const row = await s.server.deps.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    t.truthy(row.payload_enc);
    s.advance(301_000); // past the code's 5 minutes
    await s.server.deps.db.updateTable('outbox').set({ next_attempt_at: new Date(0) }).where('id', '=', row.id).execute();
    await s.server.outbox.drain();
    const done = await s.server.deps.db.selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    t.truthy(done.failed_at);
    t.is(done.sent_at, null);
    t.is(done.payload_enc, null);
    t.regex(done.last_error ?? '', /expired/);
    t.is(tencent.sent.length, 0, 'an expired code is not sent');
  } finally {
    await s.stop();
    await tencent.close();
  }
});

test('every message is sealed in the table, not only codes: signing and notification SMS carry no phone in the clear', async (t) => {
  const s = await startTestServer();
  try {
    const phone = freshPhone();
    await new Client(s.baseUrl).post('/api/auth/sms-codes', { phone });
    const rows = await s.server.deps.db.selectFrom('outbox').selectAll().execute();
    t.true(rows.length >= 1);
    for (const r of rows) {
      t.false(JSON.stringify(r.payload).includes(phone));
      t.false(JSON.stringify(r.payload).includes('params'));
    }
    // and the dev SMS file still gets the message: delivery works from the sealed payload
    t.is((await s.sms(phone)).length, 1);
  } finally {
    await s.stop();
  }
});
