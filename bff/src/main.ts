/**
 * `npm start`: validates the settings, starts the database (embedded PostgreSQL unless DATABASE_URL is
 * set), the API and the miniapp's H5 build on PORT (default 3000).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { isDatabaseUnavailable } from './db/database.js';
import { startServer } from './server.js';

const REPO_ROOT = path.join(import.meta.dirname, '../..');

/** Builds the miniapp's H5 bundle when it is missing (development; production ships the built files). */
function ensureH5Build(config: Config): void {
  if (existsSync(path.join(config.h5Dir, 'index.html')) || config.env === 'production') return;
  if (!existsSync(path.join(REPO_ROOT, 'miniapp/src'))) return;
  console.log('building the miniapp H5 bundle (first start only) …');
  const result = spawnSync('npm', ['run', 'build:h5', '-w', 'miniapp'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) console.error('the H5 build failed: starting the API without it');
}

/** An error as one line (a start failure prints exactly one line with its cause). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e);
  const code = (e as { code?: unknown })?.code;
  return (typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text).replace(/\s*\n\s*/g, ' | ');
}

/** Until the server runs, anything thrown (a port in use emits 'error' on the listening socket) ends the start with one line. */
function startupFailed(e: unknown): never {
  console.error(`执业通 BFF did not start: ${oneLine(e)}`);
  process.exit(1);
}

async function main() {
  process.on('uncaughtException', startupFailed);
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  ensureH5Build(config);
  const running = await startServer(config);
  process.off('uncaughtException', startupFailed);
  running.deps.log.info({ url: `http://localhost:${config.port}`, database: config.databaseUrl ? 'external' : 'embedded', dataDir: config.dataDir }, '执业通 BFF started');
  // the PDF worker threads parse the 10 MB CJK font now rather than on the first signing request
  import('./pdf/workers.js')
    .then((m) => m.warmPdfWorkers(running.deps))
    .catch((e) => running.deps.log.warn({ err: e }, 'PDF workers failed to start'));
  // load the face models in the background so the first liveness check does not wait for them; an API process
  // whose analyses are queued for worker processes (LIVENESS_ANALYSIS=queue, LIVENESS_WORKER=off) never loads them
  if (config.liveness.analysis === 'local' || config.liveness.worker)
    import('./liveness/index.js')
      .then((m) => m.warmLivenessEngine())
      .catch((e) => running.deps.log.warn({ err: e }, 'liveness engine failed to load'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    running.deps.log.info('stopping');
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // a lost database connection must never end the process (issue 15): requests answer 503 meanwhile and
  // the pool reconnects; any other unhandled rejection still ends it, as Node does by default
  process.on('unhandledRejection', (e) => {
    if (isDatabaseUnavailable(e)) return running.deps.log.warn({ error: String(e) }, 'database unavailable (unhandled rejection)');
    running.deps.log.fatal({ err: e }, 'unhandled rejection');
    process.exit(1);
  });
}

main().catch(startupFailed);
