/**
 * Backup and restore of the database (`scripts/backup`, see the README's security section).
 *
 *   scripts/backup [OUT_DIR]                 dump the database: DATABASE_URL, else the embedded one in DATA_DIR
 *   scripts/backup --restore BACKUP_DIR      load a dump into an empty database: DATABASE_URL, else DATA_DIR
 *
 * Why not pg_dump: the embedded server is PostgreSQL 18 and ships no pg_dump, and the client the machine
 * has (Debian's, 15) refuses newer servers. So the dump is logical and made by the server itself: inside
 * one REPEATABLE READ, READ ONLY transaction (a consistent snapshot while the BFF runs), each table's rows
 * as `to_jsonb(row)` lines (`<table>.jsonl`; bytea as \x hex, timestamps with their zone), plus
 * `manifest.json` with the applied migrations, each table's columns and row count. Restoring applies the
 * migrations of the code at hand (the schema is code), checks the dump's migrations are among them, loads
 * every table with jsonb_populate_recordset (foreign keys in dependency order), resets the sequences, and
 * compares the row counts. With an external server of the same or a newer major version, `pg_dump -Fc`
 * works as well.
 *
 * The secrets are NOT in the backup, on purpose (they are what makes the ID numbers, photos and pending
 * messages unreadable without them): in development DATA_DIR/secrets.json, DATA_DIR/pki/ and
 * DATA_DIR/keys/; in production the environment (PII_ENCRYPTION_KEY, PII_HASH_KEY, OTP_HASH_KEY,
 * OUTBOX_ENCRYPTION_KEY, JWT_SECRET, PLATFORM_CA_*, CERT_TOKEN_PRIVATE_JWK). Keep them in their own store;
 * a restore without the same PII keys and certificate-token key leaves ID numbers undecryptable and every
 * issued QR code invalid. The dump itself holds personal data: store it encrypted, with access logged.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openDatabase, startEmbeddedPostgres } from '../bff/src/db/database.js';

export interface Manifest {
  format: 'zhiyetong-backup/1';
  createdAt: string;
  serverVersion: string;
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number }[];
  secrets: string;
}

const SECRETS_NOTE =
  'not included: development DATA_DIR/secrets.json, DATA_DIR/pki/, DATA_DIR/keys/; production PII_ENCRYPTION_KEY, PII_HASH_KEY, OTP_HASH_KEY, OUTBOX_ENCRYPTION_KEY, JWT_SECRET, PLATFORM_CA_KEY_PEM, PLATFORM_CA_CERT_PEM, CERT_TOKEN_PRIVATE_JWK';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A connection string for the database of `opts`: DATABASE_URL as given; else the embedded server of
 * DATA_DIR, the running one (its port from postmaster.pid) or one started for the occasion.
 */
async function connect(opts: { databaseUrl?: string; dataDir?: string }): Promise<{ url: string; done(): Promise<void> }> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, done: async () => {} };
  const pgDir = path.join(path.resolve(opts.dataDir ?? '.data'), 'pg');
  const pid = await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (pid) {
    const lines = pid.split('\n');
    const alive = (() => {
      try {
        process.kill(Number(lines[0]), 0);
        return true;
      } catch {
        return false;
      }
    })();
    if (alive) return { url: `postgres://postgres:zhiyetong@127.0.0.1:${Number(lines[3])}/zhiyetong`, done: async () => {} };
  }
  const embedded = await startEmbeddedPostgres(pgDir);
  return { url: embedded.url, done: embedded.stop };
}

/** Base tables of schema public other than Kysely's bookkeeping, parents before children (foreign keys). */
async function tablesInOrder(client: pg.ClientBase): Promise<string[]> {
  const tables = (await client.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1")).rows.map((r) => r.name);
  const deps = (
    await client.query<{ child: string; parent: string }>(
      "select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c join pg_namespace n on n.oid = c.connamespace where c.contype = 'f' and n.nspname = 'public'",
    )
  ).rows;
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const d of deps) if (d.child.replace(/"/g, '') === t && d.parent.replace(/"/g, '') !== t) visit(d.parent.replace(/"/g, ''));
    ordered.push(t);
  };
  tables.forEach(visit);
  return ordered.filter((t) => tables.includes(t));
}

/** Dumps the database into `outDir` (created; must not exist or be empty). Returns the manifest. */
export async function backup(opts: { databaseUrl?: string; dataDir?: string; outDir: string }): Promise<Manifest> {
  await fs.mkdir(opts.outDir, { recursive: true, mode: 0o700 });
  if ((await fs.readdir(opts.outDir)).length) throw new Error(`${opts.outDir} is not empty`);
  const conn = await connect(opts);
  const client = new pg.Client({ connectionString: conn.url });
  await client.connect();
  try {
    await client.query('begin transaction isolation level repeatable read read only');
    const serverVersion = (await client.query<{ v: string }>('show server_version')).rows[0].v;
    const migrations = (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
    const manifest: Manifest = { format: 'zhiyetong-backup/1', createdAt: new Date().toISOString(), serverVersion, migrations, tables: [], secrets: SECRETS_NOTE };
    for (const table of await tablesInOrder(client)) {
      const columns = (await client.query<{ c: string }>("select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position", [table])).rows.map((r) => r.c);
      const out = createWriteStream(path.join(opts.outDir, `${table}.jsonl`), { mode: 0o600 });
      let rows = 0;
      await client.query(`declare dump cursor for select to_jsonb(t)::text as j from ${ident(table)} t`);
      for (;;) {
        const batch = await client.query<{ j: string }>('fetch 500 from dump');
        for (const r of batch.rows) out.write(r.j + '\n');
        rows += batch.rows.length;
        if (batch.rows.length < 500) break;
      }
      await client.query('close dump');
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      manifest.tables.push({ name: table, columns, rows });
    }
    await client.query('commit');
    await fs.writeFile(path.join(opts.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    return manifest;
  } finally {
    await client.end();
    await conn.done();
  }
}

/**
 * Loads the dump in `backupDir` into an empty database (a fresh DATA_DIR, or an empty DATABASE_URL) after
 * applying the current migrations. Throws when the database already holds data, when the dump needs a
 * migration this code does not have, or when a row count differs after loading.
 */
export async function restore(opts: { databaseUrl?: string; dataDir?: string; backupDir: string }): Promise<Manifest> {
  const manifest = JSON.parse(await fs.readFile(path.join(opts.backupDir, 'manifest.json'), 'utf8')) as Manifest;
  if (manifest.format !== 'zhiyetong-backup/1') throw new Error(`${opts.backupDir}: not a zhiyetong backup`);
  const dataDir = path.resolve(opts.dataDir ?? '.data');
  await fs.mkdir(dataDir, { recursive: true });
  const handle = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir });
  const client = new pg.Client({ connectionString: handle.url });
  await client.connect();
  try {
    const applied = new Set((await client.query<{ name: string }>('select name from kysely_migration')).rows.map((r) => r.name));
    const missing = manifest.migrations.filter((m) => !applied.has(m));
    if (missing.length) throw new Error(`the backup needs migrations this code does not have: ${missing.join(', ')}`);
    await client.query('begin');
    for (const t of await tablesInOrder(client)) {
      const n = (await client.query<{ n: number }>(`select count(*)::int as n from ${ident(t)}`)).rows[0].n;
      if (n) throw new Error(`the target database is not empty (${t} has ${n} rows): restore into a fresh DATA_DIR or an empty database`);
    }
    for (const table of manifest.tables) {
      const cols = table.columns.map(ident).join(', ');
      const insert = `insert into ${ident(table.name)} (${cols}) select ${cols} from jsonb_populate_recordset(null::${ident(table.name)}, $1::jsonb)`;
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length) await client.query(insert, [`[${batch.join(',')}]`]);
        batch = [];
      };
      const lines = createInterface({ input: createReadStream(path.join(opts.backupDir, `${table.name}.jsonl`)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length >= 500) await flush();
      }
      await flush();
      const n = (await client.query<{ n: number }>(`select count(*)::int as n from ${ident(table.name)}`)).rows[0].n;
      if (n !== table.rows) throw new Error(`${table.name}: ${n} rows after loading, the backup has ${table.rows}`);
      // serial columns continue after the restored ids
      const serials = (await client.query<{ c: string }>("select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 and column_default like 'nextval(%'", [table.name])).rows;
      for (const { c } of serials)
        await client.query(`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${ident(c)}) from ${ident(table.name)}), 0) + 1, false)`, [table.name, c]);
    }
    await client.query('commit');
    return manifest;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
    await handle.close();
  }
}

async function cli() {
  const args = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR ?? '.data';
  try {
    if (args[0] === '--restore') {
      if (!args[1]) throw new Error('usage: scripts/backup --restore BACKUP_DIR');
      const m = await restore({ databaseUrl, dataDir, backupDir: args[1] });
      console.log(`restored ${m.tables.reduce((n, t) => n + t.rows, 0)} rows in ${m.tables.length} tables from ${args[1]} (made ${m.createdAt}) into ${databaseUrl ? 'DATABASE_URL' : path.resolve(dataDir)}`);
      console.log(`now put back the secrets of that installation (${SECRETS_NOTE.replace(/^not included: /, '')})`);
    } else {
      const outDir = args[0] ?? path.join('backups', `zhiyetong-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const m = await backup({ databaseUrl, dataDir, outDir });
      console.log(`backed up ${m.tables.reduce((n, t) => n + t.rows, 0)} rows in ${m.tables.length} tables (PostgreSQL ${m.serverVersion}, migrations up to ${m.migrations.at(-1)}) to ${outDir}`);
      console.log(`secrets ${SECRETS_NOTE}: back them up separately`);
    }
  } catch (e) {
    console.error(`backup failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await cli();
