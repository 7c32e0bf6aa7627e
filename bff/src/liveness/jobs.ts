/**
 * Liveness analyses as pg-boss jobs (issue 14, LIVENESS_ANALYSIS=queue): the API process that received an
 * upload stores the video in liveness_videos (encrypted, 0019) and sends a job to the queue `liveness.analyse`;
 * a worker process (`npm run liveness-worker`, on any machine with DATABASE_URL, or the API process itself with
 * LIVENESS_WORKER=on) takes it, analyses the video and leaves the verdict in the row; the API process, which
 * polls the row, writes the verdict as in local mode (bff/src/domain/real-name.ts).
 *
 * A worker that dies or hangs holding a job: after LIVENESS_JOB_EXPIRE_SECONDS pg-boss's maintenance (run by
 * any process on the database, here every expire/4 s, at most 15 s) fails the job, which is retried (twice)
 * by whichever worker asks next; the video is still in its row, since a worker drops it only when its
 * analysis has ended. The job carries ids and the schedule's windows only: pg-boss keeps jobs for days, the
 * video must go as soon as its check ends.
 */
import PgBoss from 'pg-boss';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { ActionWindow } from './types.js';

/** The pg-boss queue of the analyses. */
export const LIVENESS_QUEUE = 'liveness.analyse';
/** Times a job is retried after its worker failed or died (then it is `failed` and the check released). */
export const LIVENESS_JOB_RETRIES = 2;

/** A job's data: which session's video to analyse, and how (the schedule's windows and length, ms). */
export interface LivenessJobData {
  sessionId: string;
  userId: string;
  windows: ActionWindow[];
  expectedMs: number;
}

/** The queue's jobs by state: `waiting` (created or to retry) and `active` (held by a worker). */
export interface LivenessQueueState {
  waiting: number;
  active: number;
}

/**
 * The analysis queue's state read from PostgreSQL (every process sees the same): zeros when pg-boss's schema
 * does not exist yet (no process has started the queue). Throws when the database does not answer.
 */
export async function livenessQueueState(db: Db): Promise<LivenessQueueState> {
  const exists = await sql<{ t: string | null }>`select to_regclass('pgboss.job')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return { waiting: 0, active: 0 };
  const { rows } = await sql<{ waiting: string; active: string }>`
    select count(*) filter (where state in ('created', 'retry')) as waiting, count(*) filter (where state = 'active') as active
    from pgboss.job where name = ${LIVENESS_QUEUE} and state in ('created', 'retry', 'active')`.execute(db);
  return { waiting: Number(rows[0]?.waiting ?? 0), active: Number(rows[0]?.active ?? 0) };
}

/** One process's pg-boss client for the analysis queue (sending, working, cancelling). */
export class LivenessJobs {
  private boss: PgBoss | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly settings: { expireSeconds: number; log: Logger },
  ) {}

  /** Connects (creating pg-boss's schema and the queue if missing). Errors after the start are logged, never thrown. */
  async start(): Promise<void> {
    const expire = this.settings.expireSeconds;
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      schema: 'pgboss',
      max: 3,
      application_name: 'zhiyetong-liveness',
      // expiry is found by maintenance: often enough that a dead worker's job is retried within ~1.25 × expiry
      maintenanceIntervalSeconds: Math.max(1, Math.min(15, Math.floor(expire / 4))),
      // cron scheduling is the Scheduler's (jobs.ts), not this client's
      schedule: false,
    });
    boss.on('error', (error: Error) => this.settings.log.warn({ event: 'liveness.jobs.error', error: error.message }, 'liveness job queue error'));
    await boss.start();
    await boss.createQueue(LIVENESS_QUEUE, { name: LIVENESS_QUEUE, policy: 'standard', retryLimit: LIVENESS_JOB_RETRIES, expireInSeconds: expire, retentionMinutes: 10 });
    this.boss = boss;
  }

  private get client(): PgBoss {
    if (!this.boss) throw new Error('the liveness job queue is not started');
    return this.boss;
  }

  /** Queues an analysis under the job id `id` (a UUID the caller chose, stored beside the video first). */
  async send(id: string, data: LivenessJobData): Promise<void> {
    const sent = await this.client.send(LIVENESS_QUEUE, data, { id, retryLimit: LIVENESS_JOB_RETRIES, expireInSeconds: this.settings.expireSeconds, retentionMinutes: 10 });
    if (!sent) throw new Error('liveness job not queued');
  }

  /** Fails a job whose worker is gone: pg-boss retries it now (if tries are left) instead of after its expiry. */
  async fail(id: string, why: string): Promise<void> {
    await this.client.fail(LIVENESS_QUEUE, id, { message: why });
  }

  /** Cancels a job nobody waits for any more (a no-op once it is completed or failed). */
  async cancel(id: string): Promise<void> {
    await this.client.cancel(LIVENESS_QUEUE, id).catch(() => undefined);
  }

  /**
   * Works the queue in this process: `concurrency` jobs at a time (one pg-boss worker each, polling every
   * 0.5 s), `handler` once per job; a handler that throws has its job retried (LIVENESS_JOB_RETRIES).
   */
  async work(concurrency: number, handler: (data: LivenessJobData) => Promise<void>): Promise<void> {
    for (let i = 0; i < concurrency; i++)
      await this.client.work<LivenessJobData>(LIVENESS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => handler(job.data));
  }

  /** Stops working (waits up to 10 s for running analyses) and closes the connections. */
  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, timeout: 10_000, wait: true });
  }
}
