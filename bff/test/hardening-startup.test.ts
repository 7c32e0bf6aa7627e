/**
 * Issue 15 item 8: starting after a crash and starting as root. `npm start` (bff/src/main.ts) runs as a
 * child: SIGKILLed, it leaves its embedded PostgreSQL running; the next start must stop that orphan and come
 * up (it used to print only `undefined`). Every start failure prints one line with its cause. As root, a
 * DATA_DIR made like `mktemp -d` (mode 0700) works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const ROOT = path.join(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'bff/src/main.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postmasterPid(dataDir: string): Promise<number | null> {
  const text = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => null);
  return text ? Number(text.split('\n')[0]) : null;
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string) {
  const started = Date.now();
  while (!(await cond())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A directory with an index.html, so main.ts does not build the H5 bundle. */
async function fakeH5(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-h5-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>h5</title>');
  return dir;
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `npm start`'s entry point with `env`; resolves once it logged that it started, or exited. */
async function runMain(env: Record<string, string>): Promise<Started & { started: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  exited.then(() => (done = true));
  await until(() => done || out.includes('BFF started'), 120_000, 'the BFF to start or exit');
  return { child, stdout: () => out, stderr: () => err, exited, started: out.includes('BFF started') };
}

test.serial('a SIGKILLed BFF leaves its PostgreSQL running; the next start stops that orphan and starts', async (t) => {
  t.timeout(300_000); // BFF starts in child processes, slow on a loaded machine
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zyt-orphan-')); // mode 0700, as mktemp -d
  const h5 = await fakeH5();
  const env = { DATA_DIR: dataDir, H5_DIR: h5 };
  let leftover: number | null = null;
  try {
    const first = await runMain(env);
    t.true(first.started, first.stderr());
    const orphan = await postmasterPid(dataDir);
    t.truthy(orphan);
    first.child.kill('SIGKILL');
    await first.exited;
    await new Promise((r) => setTimeout(r, 300));
    t.true(alive(orphan!), 'the embedded PostgreSQL outlived the killed BFF');
    leftover = orphan;

    const second = await runMain(env);
    t.true(second.started, `second start failed: ${second.stderr()}`);
    t.false(alive(orphan!), 'the orphan was stopped');
    const fresh = await postmasterPid(dataDir);
    t.truthy(fresh);
    t.not(fresh, orphan);
    leftover = fresh;

    second.child.kill('SIGTERM');
    t.is(await second.exited, 0);
    await until(() => !alive(fresh!), 20_000, 'PostgreSQL to stop with the BFF');
    leftover = null;
  } finally {
    if (leftover && alive(leftover)) process.kill(leftover, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await rm(h5, { recursive: true, force: true });
  }
});

test.serial('start failures print exactly one line with the cause', async (t) => {
  t.timeout(300_000); // BFF starts in child processes, slow on a loaded machine
  const h5 = await fakeH5();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zyt-fail-'));
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const busyPort = (blocker.address() as net.AddressInfo).port;
  try {
    // an external database that refuses connections
    const refused = await runMain({ DATA_DIR: dataDir, H5_DIR: h5, DATABASE_URL: 'postgres://zyt:x@127.0.0.1:1/zhiyetong' });
    t.is(await refused.exited, 1);
    const lines = refused.stderr().trim().split('\n');
    t.is(lines.length, 1, refused.stderr());
    t.regex(lines[0], /did not start: .*ECONNREFUSED/);

    // an embedded data directory that is not a PostgreSQL cluster
    const broken = await mkdtemp(path.join(tmpdir(), 'zyt-broken-'));
    await mkdir(path.join(broken, 'pg'), { recursive: true });
    await writeFile(path.join(broken, 'pg', 'PG_VERSION'), '18\n');
    const corrupt = await runMain({ DATA_DIR: broken, H5_DIR: h5 });
    t.is(await corrupt.exited, 1);
    const corruptLines = corrupt.stderr().trim().split('\n');
    t.is(corruptLines.length, 1, corrupt.stderr());
    t.regex(corruptLines[0], /embedded PostgreSQL did not start on .*: \S/);
    t.notRegex(corruptLines[0], /undefined$/);
    await rm(broken, { recursive: true, force: true });

    // the port is taken
    const busyDir = await mkdtemp(path.join(tmpdir(), 'zyt-busy-'));
    const busy = await runMain({ DATA_DIR: busyDir, H5_DIR: h5, PORT: String(busyPort) });
    t.is(await busy.exited, 1);
    const busyLines = busy.stderr().trim().split('\n');
    t.is(busyLines.length, 1, busy.stderr());
    t.regex(busyLines[0], /EADDRINUSE/);
    const left = await postmasterPid(busyDir);
    if (left) await until(() => !alive(left), 20_000, 'PostgreSQL to stop after the failed start');
    await rm(busyDir, { recursive: true, force: true });
  } finally {
    blocker.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(h5, { recursive: true, force: true });
  }
});

test.serial('as root, a DATA_DIR with mode 0700 (mktemp -d) works', async (t) => {
  if (process.getuid?.() !== 0) return t.pass('not root: nothing to check');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zyt-root-'));
  t.is((await stat(dataDir)).mode & 0o777, 0o700);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const server = await startServer(config);
  try {
    const r = await fetch(`${server.url}/healthz`);
    t.is(r.status, 200);
    t.is((await stat(dataDir)).mode & 0o777, 0o701, 'search permission only: others may enter, not list');
    t.is((await stat(path.join(dataDir, 'secrets.json'))).mode & 0o777, 0o600);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
