/**
 * `npm run liveness-worker`: one liveness analysis worker process (LIVENESS_ANALYSIS=queue, issue 14;
 * liveness/worker-process.ts) against DATABASE_URL. Settings as for the API (config.ts; the same
 * PII_ENCRYPTION_KEY); LIVENESS_CONCURRENT_ANALYSES jobs at a time. SIGINT/SIGTERM stop it (a job cut off is
 * retried by another worker after LIVENESS_JOB_EXPIRE_SECONDS). Exit 2 on bad settings, 1 when it cannot start.
 */
import { ConfigError, loadConfig } from './config.js';
import { startLivenessWorker } from './liveness/worker-process.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}
try {
  const worker = await startLivenessWorker(config);
  worker.deps.log.info({ concurrency: config.liveness.concurrentAnalyses, pid: process.pid }, '执业通 liveness worker started');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  console.error(`执业通 liveness worker did not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
