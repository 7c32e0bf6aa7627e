/**
 * Issue 15 item 1: the BFF survives PostgreSQL going away under load. While the embedded server is stopped
 * (fast shutdown, SIGINT to the postmaster, as `pg_ctl stop -m fast`), requests answer 503
 * `service_unavailable` with Retry-After and /healthz says 503; the process stays up, and it recovers by
 * itself once the database is back; the SMS queued around the outage (a login code asked for in a loop) are
 * all delivered, none left behind (at least once: a send the outage kept from being marked is repeated).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { embeddedControl } from '../src/db/database.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

async function untilHealthy(c: Client, ms = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const r = await c.get('/healthz');
    if (r.status === 200) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not healthy after ${ms} ms: ${r.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('database outage under load: no crash, 503 service_unavailable with Retry-After, recovery', async (t) => {
  const pg = embeddedControl(s.server.deps.db);
  t.truthy(pg, 'the test server runs an embedded PostgreSQL');
  const anon = new Client(s.baseUrl);
  const user = await login(s, freshPhone());
  t.is((await user.get('/api/me')).status, 200);

  // a small load while the database stops: reads, writing transactions, and login codes (the outbox)
  let loading = true;
  const statuses: number[] = [];
  let codesAccepted = 0;
  const loop = async (i: number) => {
    let n = 0;
    while (loading) {
      const r = i === 4 ? await anon.post('/api/auth/sms-codes', { phone: freshPhone() }) : i % 2 ? await user.get('/api/me') : await user.put('/api/me/identity', { name: '王五', idNumber: makeIdNumber('19880101', String(100 + (n++ % 2))) });
      if (i === 4 && r.status === 200) codesAccepted++;
      statuses.push(r.status);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = [0, 1, 2, 3, 4].map(loop);
  await new Promise((r) => setTimeout(r, 300));

  // a request's transaction holds a checked-out client between two statements when the server goes away:
  // its connection's 'error' event killed the process before the fix
  const held = s.server.deps.db.transaction().execute(async (tx) => {
    await sql`select 1`.execute(tx);
    await pg!.stop();
    await new Promise((r) => setTimeout(r, 200));
    await sql`select 1`.execute(tx);
  });
  await t.throwsAsync(held);

  // while it is down
  const me = await user.get('/api/me');
  t.is(me.status, 503);
  t.is(me.body.error.code, 'service_unavailable');
  t.regex(me.body.error.message, /[\u4e00-\u9fa5]/);
  t.truthy(Number(me.headers.get('retry-after')) > 0);
  const code = await anon.post('/api/auth/sms-codes', { phone: freshPhone() });
  t.is(code.status, 503);
  t.is(code.body.error.code, 'service_unavailable');
  const health = await anon.get('/healthz');
  t.is(health.status, 503);
  t.is(health.body.error.code, 'service_unavailable');
  t.truthy(health.headers.get('retry-after'));
  await new Promise((r) => setTimeout(r, 500));

  await pg!.start();
  const recoveredMs = await untilHealthy(anon);
  loading = false;
  await Promise.all(loops);
  t.log(`requests during the run: ${statuses.length}; statuses seen: ${[...new Set(statuses)].sort().join(', ')}; healthy ${recoveredMs} ms after the restart`);
  t.false(statuses.some((x) => x >= 500 && x !== 503), 'no 500 while the database was down');
  t.true(statuses.includes(503));

  // recovered by itself: reads, writes and a fresh login
  t.is((await user.get('/api/me')).status, 200);
  t.is((await user.put('/api/me/identity', { name: '王五', idNumber: makeIdNumber('19880101', '100') })).status, 200);
  const again = await login(s, freshPhone());
  t.is((await again.get('/api/me')).status, 200);

  // every message queued around the outage is delivered, and once (each code SMS names its own phone and code)
  await s.server.outbox.drain();
  const db = s.server.deps.db;
  const { n: left } = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow();
  const { n: sent } = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is not', null).executeTakeFirstOrThrow();
  const lines = (await readFile(path.join(s.dataDir, 'sms-outbox.jsonl'), 'utf8')).split('\n').filter(Boolean);
  t.is(Number(left), 0, 'nothing left undelivered');
  // delivery is at least once (README, Security: crashes): a send whose row could not be marked because the
  // database went away meanwhile is sent again once it is back, so the outage may add a repeat, never a loss
  t.true(lines.length >= Number(sent), `an SMS for every sent outbox row (${lines.length} SMS, ${Number(sent)} rows)`);
  t.log(`${lines.length} SMS for ${Number(sent)} sent outbox rows (${lines.length - Number(sent)} repeated across the outage)`);
  t.true(codesAccepted >= 1 && lines.length >= codesAccepted, `${codesAccepted} login codes accepted around the outage, ${lines.length} SMS sent`);
});
