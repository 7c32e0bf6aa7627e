/**
 * `npm run cluster -- --processes 4 [--workers 2] [--port 3000]`: N BFF API processes and M liveness analysis
 * workers on one PostgreSQL (issue 14), the
 * Procfile-like way to run several: process i listens on PORT + i (3000, 3001, …) and a load balancer in
 * front spreads requests over them (nginx `upstream` with the N ports; /healthz answers 503 while a
 * process cannot reach the database). Rate limits, one-time codes, sessions and the outbox are in
 * PostgreSQL, so a request may land on any process and a process may stop at any time.
 *
 * DATABASE_URL: the external PostgreSQL every process uses; unset, this script starts the embedded one in
 * DATA_DIR/pg once and hands its URL to every process (development). The first process starts alone (it
 * applies migrations and, in development, builds the H5 bundle when missing), then the others. A process
 * that exits is started again after 1 s; SIGINT/SIGTERM stop them all. Every other setting (secrets
 * in production, PUBLIC_BASE_URL, SMS …) is passed through from the environment unchanged: set the same for
 * every process. Development secrets come from DATA_DIR/secrets.json, shared because DATA_DIR is.
 *
 * --workers M (M ≥ 1): the liveness analyses become pg-boss jobs (LIVENESS_ANALYSIS=queue) worked by M
 * `bff/src/liveness-worker.ts` processes (each LIVENESS_CONCURRENT_ANALYSES at a time, loading the face
 * models), and the API processes run with LIVENESS_WORKER=off: they do not load the models, and an upload may
 * reach any of them (bff/src/liveness/jobs.ts). Workers may as well run on other machines with the same
 * DATABASE_URL and PII_ENCRYPTION_KEY. A worker that exits is started again after 1 s; a job it held is
 * retried by another after LIVENESS_JOB_EXPIRE_SECONDS. Without --workers (0) every API process analyses its
 * own uploads in its worker threads (LIVENESS_ANALYSIS=local), as `npm start` does.
 *
 * The same as a Procfile (foreman, honcho, overmind), against an external DATABASE_URL:
 *   web1: PORT=3000 LIVENESS_ANALYSIS=queue LIVENESS_WORKER=off npx tsx bff/src/main.ts
 *   web2: PORT=3001 LIVENESS_ANALYSIS=queue LIVENESS_WORKER=off npx tsx bff/src/main.ts
 *   liveness1: LIVENESS_ANALYSIS=queue npx tsx bff/src/liveness-worker.ts
 *   liveness2: LIVENESS_ANALYSIS=queue npx tsx bff/src/liveness-worker.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../bff/src/db/database.js';

const { values: args } = parseArgs({ options: { processes: { type: 'string', short: 'n', default: '2' }, workers: { type: 'string', short: 'w', default: '0' }, port: { type: 'string', default: process.env.PORT ?? '3000' } } });
const n = Number(args.processes);
const m = Number(args.workers);
const basePort = Number(args.port);
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(m) || m < 0 || !Number.isInteger(basePort)) {
  console.error('usage: npm run cluster -- --processes N [--workers M] [--port 3000]');
  process.exit(2);
}
/** With workers: every process queues its analyses; the API processes do not analyse. */
const liveness: Record<string, string> = m > 0 ? { LIVENESS_ANALYSIS: 'queue' } : {};
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
let databaseUrl = process.env.DATABASE_URL;
let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
if (!databaseUrl) {
  embedded = await startEmbeddedPostgres(path.join(dataDir, 'pg'));
  databaseUrl = embedded.url;
  console.log(`[cluster] embedded PostgreSQL in ${path.join(dataDir, 'pg')}`);
}

const children = new Map<string, ChildProcess>();
let stopping = false;
const relay = (prefix: string, to: NodeJS.WriteStream) => (d: Buffer) => void to.write(d.toString().replace(/^(?=.)/gm, prefix));

function start(i: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bff/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ...liveness, ...(m > 0 ? { LIVENESS_WORKER: 'off' } : {}), DATA_DIR: dataDir, DATABASE_URL: databaseUrl, PORT: String(basePort + i) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(`api${i}`, child);
    const prefix = `[api${i + 1}:${basePort + i}] `;
    // ready when its /healthz answers (whatever LOG_LEVEL says)
    const poll = setInterval(() => {
      fetch(`http://127.0.0.1:${basePort + i}/healthz`).then(
        (r) => r.ok && (clearInterval(poll), resolve()),
        () => undefined,
      );
    }, 250);
    child.stdout!.on('data', relay(prefix, process.stdout));
    child.stderr!.on('data', relay(prefix, process.stderr));
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      children.delete(`api${i}`);
      resolve();
      if (stopping) return;
      console.error(`${prefix}exited (${signal ?? code}); starting it again in 1 s`);
      setTimeout(() => void start(i), 1000);
    });
  });
}

/** Liveness worker j (bff/src/liveness-worker.ts); started again 1 s after it exits. */
function startWorker(j: number): void {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bff/src/liveness-worker.ts'], {
    cwd: root,
    env: { ...process.env, ...liveness, DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(`worker${j}`, child);
  const prefix = `[liveness${j + 1}] `;
  child.stdout!.on('data', relay(prefix, process.stdout));
  child.stderr!.on('data', relay(prefix, process.stderr));
  child.on('exit', (code, signal) => {
    children.delete(`worker${j}`);
    if (stopping) return;
    console.error(`${prefix}exited (${signal ?? code}); starting it again in 1 s`);
    setTimeout(() => startWorker(j), 1000);
  });
}

await start(0);
await Promise.all(Array.from({ length: n - 1 }, (_, k) => start(k + 1)));
for (let j = 0; j < m; j++) startWorker(j);
console.log(`[cluster] ${n} API processes on ports ${basePort}-${basePort + n - 1}${m ? `, ${m} liveness workers` : ''}`);

async function stop() {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r))));
  for (const c of children.values()) c.kill('SIGTERM');
  await Promise.all(exits);
  await embedded?.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
