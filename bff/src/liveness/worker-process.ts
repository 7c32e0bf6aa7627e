/**
 * A liveness analysis worker (issue 14, LIVENESS_ANALYSIS=queue): connects to DATABASE_URL (required: the
 * PostgreSQL the API processes use; migrations are applied if missing), loads the face models, and works the
 * pg-boss queue liveness.analyse LIVENESS_CONCURRENT_ANALYSES jobs at a time (analyseQueuedVideo,
 * bff/src/domain/real-name.ts: each video in its own private temp dir, removed after). It needs the same
 * PII_ENCRYPTION_KEY as the API processes (the videos are encrypted under it; in development DATA_DIR's
 * secrets.json). Sweeps this host's leftover liveness temp dirs and stale queued videos like an API process,
 * and at its start has the jobs of a killed worker of this host retried at once (retryJobsOfGoneWorkers).
 * Started by `npm run liveness-worker` (bff/src/liveness-worker.ts) or `npm run cluster -- --workers M`.
 */
import type { Config } from '../config.js';
import type { Deps } from '../context.js';
import { openDatabase } from '../db/database.js';
import { analyseQueuedVideo, retryJobsOfGoneWorkers, startLivenessSweeper } from '../domain/real-name.js';
import { createLogger } from '../logger.js';
import { PiiCipher } from '../pii.js';
import { LivenessJobs } from './jobs.js';

export interface RunningLivenessWorker {
  deps: Pick<Deps, 'config' | 'db' | 'log' | 'pii' | 'now'>;
  jobs: LivenessJobs;
  /** Stops taking jobs (waits up to 10 s for running ones; a job cut off is retried elsewhere), then closes. */
  close(): Promise<void>;
}

/** Starts a worker from a Config; resolves once the models are loaded and it is taking jobs. Throws without DATABASE_URL. */
export async function startLivenessWorker(config: Config): Promise<RunningLivenessWorker> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required: a liveness worker works the queue of the PostgreSQL the API processes use');
  const log = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: (line) => log.debug({ pg: line }) });
  const deps = { config, db: database.db, log, pii: new PiiCipher(config.secrets.piiEncryptionKey, config.secrets.piiHashKey), now: () => new Date() };
  const jobs = new LivenessJobs(database.url, { expireSeconds: config.liveness.jobExpireSeconds, log });
  try {
    await jobs.start();
    // a job held by a worker of this host that was killed is retried now, by whichever worker is ready first
    const retried = await retryJobsOfGoneWorkers(deps, jobs);
    if (retried) log.warn({ retried }, 'liveness jobs of a gone worker retried');
    const engine = await import('./index.js');
    await engine.warmLivenessEngine();
    startLivenessSweeper(deps, config.liveness.sweepSeconds);
    await jobs.work(config.liveness.concurrentAnalyses, async (data) => {
      const started = performance.now();
      await analyseQueuedVideo(deps, data);
      log.info({ event: 'liveness.job', session: data.sessionId, ms: Math.round(performance.now() - started) }, 'liveness analysis done');
    });
  } catch (e) {
    await jobs.stop().catch(() => undefined);
    await database.close();
    throw e;
  }
  return {
    deps,
    jobs,
    async close() {
      await jobs.stop();
      await (await import('./index.js')).shutdownLivenessEngine();
      await database.close();
    },
  };
}
