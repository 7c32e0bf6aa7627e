/**
 * Periodic jobs through pg-boss (bff/src/jobs.ts): a job queued once is worked once even when two processes
 * (two Schedulers on one database) work its queue, a failing job is retried, and SCHEDULER=on starts the
 * server's own schedule.
 */
import test from 'ava';
import { sql } from 'kysely';
import { Scheduler, type PeriodicJob } from '../src/jobs.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer({ SCHEDULER: 'on' });
});
test.after.always(async () => {
  await s?.stop();
});

test('the server registers every periodic job with pg-boss when SCHEDULER=on', async (t) => {
  const { rows } = await sql<{ name: string }>`select name from pgboss.schedule order by name`.execute(s.server.deps.db);
  t.deepEqual(
    rows.map((r) => r.name),
    s.server.scheduler.jobs.map((j) => j.name).sort(),
  );
});

test('a queued job is worked once across two processes, and a failure is retried', async (t) => {
  const ran: string[] = [];
  let failuresLeft = 1;
  const jobs = (who: string): PeriodicJob[] => [
    { name: 'test.count', cron: '0 0 1 1 *', description: 'counts', run: async () => (ran.push(who), 1) },
    {
      name: 'test.flaky',
      cron: '0 0 1 1 *',
      description: 'fails once',
      run: async () => {
        if (failuresLeft-- > 0) throw new Error('transient');
        ran.push(`${who}:flaky`);
        return 1;
      },
    },
  ];
  const a = new Scheduler(s.server.deps, s.server.databaseUrl, jobs('a'));
  const b = new Scheduler(s.server.deps, s.server.databaseUrl, jobs('b'));
  await a.start();
  await b.start();
  try {
    t.is(await a.trigger('test.count'), 'completed');
    t.is(ran.length, 1, `worked by ${ran.join(',')}`);
    // the retry waits for pg-boss's backoff; the final state is completed, after exactly one failed attempt
    t.is(await b.trigger('test.flaky', 60_000), 'completed');
    t.is(ran.filter((r) => r.endsWith(':flaky')).length, 1);
    t.is(await a.runNow('test.count'), 1);
    await t.throwsAsync(() => a.runNow('no.such.job'), { message: /unknown periodic job/ });
  } finally {
    await a.stop();
    await b.stop();
  }
});
