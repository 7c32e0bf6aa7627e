/**
 * Periodic jobs (reminders, closing public notice periods, …) scheduled and worked through pg-boss, a job
 * queue kept in PostgreSQL (schema `pgboss`), so that several BFF processes on one database share one
 * schedule: pg-boss enqueues each cron tick once across processes, and a `singleton` queue lets only one
 * process work a job of that name at a time.
 *
 * A job is a plain function `(deps) => Promise<number>` (how many things it did) that must be idempotent:
 * a crash after part of its work, a retry by pg-boss, or a second process running it later must not repeat
 * an effect (use unique keys in the same transaction as the effect). It reads the time from `deps.now()`,
 * so tests call it directly with an injected clock (`scheduler.runNow(name)` or the function itself);
 * pg-boss only decides when it runs in production.
 *
 * To add a job: append an entry to PERIODIC_JOBS below (name, cron in Asia/Shanghai time, run).
 * SCHEDULER=off keeps a process from scheduling or working jobs (tests start their servers with it off).
 */
import PgBoss from 'pg-boss';
import type { Deps } from './context.js';
import { closeDueNotices } from './domain/notices.js';
import { purgeApplicationDocuments } from './domain/document-retention.js';
import { sendDueReminders } from './domain/reminders.js';

export interface PeriodicJob {
  /** Queue name: lowercase, dot- or dash-separated. */
  name: string;
  /** Five-field cron in Asia/Shanghai time, e.g. '0 * * * *' for hourly. */
  cron: string;
  /** What the job does, for the logs and the README. */
  description: string;
  /** Does the due work; returns how many items it handled. Must be idempotent. */
  run(deps: Deps): Promise<number>;
}

/** Every periodic job the BFF runs. */
export const PERIODIC_JOBS: PeriodicJob[] = [
  { name: 'notices.close', cron: '5 * * * *', description: '公示期满无异议的申请发放电子证书 (closeDueNotices, bff/src/domain/notices.ts)', run: closeDueNotices },
  // hourly: each reminder once per event and threshold (reminders_sent), so a missed or repeated run neither loses nor repeats one
  { name: 'reminders.send', cron: '15 * * * *', description: '提醒：注册专业有效期届满、电子证书未领取、申请待签名/待企业确认、退回待修改 (sendDueReminders, bff/src/domain/reminders.ts)', run: sendDueReminders },
  // daily: application documents past their retention (3 years after a final status, 180 days for an unsigned draft)
  { name: 'application-documents.purge', cron: '40 3 * * *', description: '申请材料保存期满删除 (purgeApplicationDocuments, bff/src/domain/document-retention.ts; README: Professions)', run: purgeApplicationDocuments },
];

/** Owns the pg-boss instance of one BFF process. */
export class Scheduler {
  private boss: PgBoss | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly databaseUrl: string,
    readonly jobs: PeriodicJob[] = PERIODIC_JOBS,
  ) {}

  /**
   * Creates pg-boss's schema if missing, registers each job's cron schedule and starts working them.
   * A lost database connection is logged, never thrown: pg-boss retries on its own.
   */
  async start(): Promise<void> {
    const boss = new PgBoss({ connectionString: this.databaseUrl, schema: 'pgboss', max: 2, application_name: 'zhiyetong-jobs' });
    boss.on('error', (error: Error) => this.deps.log.warn({ event: 'jobs.error', error: error.message }, 'job queue error'));
    await boss.start();
    this.boss = boss;
    for (const job of this.jobs) {
      await boss.createQueue(job.name, { name: job.name, policy: 'singleton', retryLimit: 3, retryBackoff: true, expireInSeconds: 15 * 60 });
      await boss.schedule(job.name, job.cron, {}, { tz: 'Asia/Shanghai' });
      await boss.work(job.name, async () => {
        const handled = await job.run(this.deps);
        this.deps.log.info({ event: 'jobs.run', job: job.name, handled }, 'periodic job ran');
      });
    }
  }

  /** Runs job `name` now in this process, outside pg-boss (tests, operations). Throws for an unknown name. */
  async runNow(name: string): Promise<number> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown periodic job ${name}`);
    return job.run(this.deps);
  }

  /**
   * Queues job `name` through pg-boss (any process working it picks it up) and waits up to `timeoutMs`
   * for it to finish; returns its final pg-boss state ('completed', 'failed', … or 'timeout').
   */
  async trigger(name: string, timeoutMs = 30_000): Promise<string> {
    if (!this.boss) throw new Error('the scheduler is not started');
    const id = await this.boss.send(name, {});
    if (!id) return 'deduplicated';
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const job = await this.boss.getJobById(name, id, { includeArchive: true });
      if (job && ['completed', 'failed', 'cancelled'].includes(job.state)) return job.state;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 'timeout';
  }

  /** Stops working jobs (waits up to 5 s for a running one) and closes pg-boss's connections. */
  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, timeout: 5000, wait: true });
  }
}
