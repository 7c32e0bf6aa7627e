/**
 * Child processes of the multi-process tests (issue 14): a BFF or liveness worker started with `node --import
 * tsx <script>` and settings in its environment, ready once its stdout matches `ready` (a BFF child prints
 * `READY <url>`, helpers/bff-clock-child.ts), with its output kept for the failure message. `advance(ms)` moves
 * a bff-clock-child's clock over IPC; `rssMb()` reads the process's resident memory from /proc (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestServer } from './server.js';

export interface Child {
  proc: ChildProcess;
  /** the first capture group of `ready` (a BFF child's URL), '' when it has none */
  url: string;
  exited: Promise<unknown>;
  /** everything it wrote to stdout so far */
  output(): string;
  advance(ms: number): Promise<void>;
  /** resident set size, MB (VmRSS of /proc/<pid>/status) */
  rssMb(): Promise<number>;
}

/**
 * The settings of a second BFF process on `server`'s database and DATA_DIR (same secrets, CA and token keys):
 * NODE_ENV test, its embedded PostgreSQL's URL, a free port on 127.0.0.1, silent logs, no dev seed, no H5
 * build. Spread the test's own settings over it.
 */
export async function siblingEnv(server: TestServer): Promise<Record<string, string>> {
  const port = (await sql<{ port: string }>`select current_setting('port') as port`.execute(server.server.deps.db)).rows[0].port;
  return {
    NODE_ENV: 'test',
    DATA_DIR: server.dataDir,
    DATABASE_URL: `postgres://postgres:zhiyetong@127.0.0.1:${port}/zhiyetong`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEV_DATA: 'false',
    H5_DIR: path.join(server.dataDir, 'no-h5'),
  };
}

/** A test helper script in this directory (bff-clock-child.ts …) or any path. */
export const helperScript = (name: string) => path.join(import.meta.dirname, name);

/** Starts `script` with `env` over process.env; resolves when its stdout matches `ready`, rejects if it exits first. */
export async function startChild(script: string, env: Record<string, string>, ready = /READY (\S+)/): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = ready.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1] ?? '');
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`child ${path.basename(script)} exited: ${err.slice(-2000)} ${out.slice(-1000)}`));
    });
  });
  return {
    proc,
    url,
    exited,
    output: () => out,
    advance: (ms) =>
      new Promise<void>((resolve) => {
        const on = (m: { advanced?: number }) => {
          if (m.advanced === ms) {
            proc.off('message', on);
            resolve();
          }
        };
        proc.on('message', on);
        proc.send({ advance: ms });
      }),
    async rssMb() {
      const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
    },
  };
}

/** SIGKILLs a child still running and waits for its exit. */
export async function killChild(c: Child | undefined): Promise<void> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGKILL');
  await c.exited;
}
