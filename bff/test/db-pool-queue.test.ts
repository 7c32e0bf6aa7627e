/**
 * The wait for a free database connection (queuedPool, bff/src/db/database.ts; issue 14): a request queued
 * behind busy connections waits its turn longer than pg-pool's 5 s connect timeout, gets the connection as
 * soon as one is released, and only past the queue wait is refused as unavailable (503).
 */
import test from 'ava';
import pg from 'pg';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from './helpers/server.js';
import { isDatabaseUnavailable, queuedPool } from '../src/db/database.js';

let s: TestServer;
let url = '';
test.before(async () => {
  s = await startTestServer();
  const port = (await sql<{ port: string }>`select current_setting('port') as port`.execute(s.server.deps.db)).rows[0].port;
  url = `postgres://postgres:zhiyetong@127.0.0.1:${port}/zhiyetong`;
});
test.after.always(async () => {
  await s?.stop();
});

test('queued behind a busy connection: served in order when it is released; past the queue wait, unavailable', async (t) => {
  const raw = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 50 });
  const pool = queuedPool(raw, 1, 400);
  try {
    const first = await pool.connect();
    const order: string[] = [];
    const second = pool.connect().then((c) => (order.push('second'), c));
    const third = pool.connect().then((c) => (order.push('third'), c));
    // longer than pg-pool's own connect timeout (50 ms here): still waiting, not refused
    await new Promise((r) => setTimeout(r, 150));
    t.deepEqual(order, []);
    first.release();
    const c2 = await second;
    t.deepEqual(order, ['second']);
    t.is((await c2.query('select 1 as one')).rows[0].one, 1);
    c2.release();
    const c3 = await third;
    // the third holds the only connection: a fourth waits the queue wait (400 ms), then is refused
    const refused = await pool.connect().then(
      () => null,
      (e: Error) => e,
    );
    t.truthy(refused);
    t.true(isDatabaseUnavailable(refused), refused?.message);
    t.regex(refused!.message, /busy/);
    c3.release();
    const again = await pool.connect();
    again.release();
  } finally {
    await pool.end();
  }
});
