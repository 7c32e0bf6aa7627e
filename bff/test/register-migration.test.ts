/**
 * Migration 0003_register from the previous schema: a database built up to 0002 holding certificates of the
 * old shape (one per approved initial registration) is migrated, and every certificate becomes a version of
 * its holder's registration in its profession, the newest one's content being the register.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate, startEmbeddedPostgres } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';

test('0003 turns existing certificates into registrations with versions, specialties and history', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-migration-'));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres(path.join(dir, 'pg'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: server.url, max: 2 }) }) });
  t.teardown(async () => {
    await db.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  t.deepEqual(await migrate(db, { to: '0002_real_name_verification' }), ['0001_init', '0002_real_name_verification']);

  // the previous schema's data, written as the previous code wrote it
  const person = async (phone: string, name: string) => {
    const u = await db.insertInto('users').values({ phone }).returning('id').executeTakeFirstOrThrow();
    await sql`insert into identities (user_id, name, id_number_enc, id_number_hash, gender, birth_date) values (${u.id}, ${name}, ${randomBytes(40)}, ${randomBytes(32)}, 'male', '1990-03-07')`.execute(db);
    return u.id;
  };
  const e = await sql<{ id: string }>`insert into enterprises (name, uscc) values ('上海建和工程咨询有限公司', '91310115MA1K3YJH5A') returning id`.execute(db);
  const employerId = e.rows[0].id;
  const cert = async (holder: string, no: string, specialties: object[], at: string, status = 'active') => {
    const app = await sql<{ id: string }>`insert into applications (applicant_id, profession, type, status, form, employer_id) values (${holder}, 'constructor', 'initial', 'approved', '{}'::jsonb, ${employerId}) returning id`.execute(db);
    await sql`insert into certificates (registration_no, application_id, holder_id, profession, holder_name, gender, employer_id, employer_name, specialties, issue_date, authority_name, status, created_at)
              values (${no}, ${app.rows[0].id}, ${holder}, 'constructor', '张三', 'male', ${employerId}, '上海建和工程咨询有限公司', ${JSON.stringify(specialties)}::jsonb, ${at.slice(0, 10)}, '上海市住房和城乡建设管理委员会', ${status}, ${at})`.execute(db);
  };
  const a = await person('13900000001', '张三');
  const b = await person('13900000002', '李四');
  // A was registered twice (the old code allowed a second initial registration after the first was approved)
  await cert(a, '沪232500000001', [{ specialty: 'building', validUntil: '2028-01-10' }], '2025-01-10T02:00:00Z');
  await cert(a, '沪232500000007', [{ specialty: 'building', validUntil: '2028-06-01' }, { specialty: 'highway', validUntil: '2028-06-01' }], '2025-06-01T02:00:00Z');
  await cert(b, '沪232500000003', [{ specialty: 'municipal', validUntil: '2028-03-01' }], '2025-03-01T02:00:00Z', 'revoked');

  const applied = await migrate(db);
  t.is(applied[0], '0003_register');

  const regs = await db.selectFrom('registrations').selectAll().orderBy('registration_no').execute();
  t.deepEqual(regs.map((r) => [r.registration_no, r.holder_id, r.status, r.employer_name, r.source, r.has_electronic_certificate]), [
    ['沪232500000003', b, 'registered', '上海建和工程咨询有限公司', 'application', true],
    ['沪232500000007', a, 'registered', '上海建和工程咨询有限公司', 'application', true],
  ]);
  const identityHash = (await db.selectFrom('identities').select('id_number_hash').where('user_id', '=', a).executeTakeFirstOrThrow()).id_number_hash;
  t.deepEqual(regs[1].holder_id_number_hash, identityHash, 'found by the holder’s ID-number hash');
  const specialties = await db.selectFrom('registration_specialties').selectAll().where('registration_id', '=', regs[1].id).orderBy('position').execute();
  t.deepEqual(specialties.map((s) => [s.specialty, s.registered_on, s.valid_until, s.status]), [
    ['building', '2025-06-01', '2028-06-01', 'registered'],
    ['highway', '2025-06-01', '2028-06-01', 'registered'],
  ]);
  const certs = await db.selectFrom('certificates').select(['registration_no', 'registration_id', 'version', 'status', 'matter']).orderBy('created_at').execute();
  t.deepEqual(certs.map((c) => [c.registration_no, c.registration_id, c.version, c.status, c.matter]), [
    ['沪232500000001', regs[1].id, 1, 'superseded', 'initial'],
    ['沪232500000003', regs[0].id, 1, 'revoked', 'initial'],
    ['沪232500000007', regs[1].id, 2, 'active', 'initial'],
  ]);
  const events = await db.selectFrom('registration_events').select(['registration_id', 'matter']).orderBy('id').execute();
  t.is(events.length, 3);
  t.true(events.every((ev) => ev.matter === 'initial'));
  // the new constraints hold: one registration per person and profession, one version number per registration
  await t.throwsAsync(sql`insert into certificates (registration_no, registration_id, version, matter, holder_id, profession, holder_name, gender, employer_name, specialties, issue_date, authority_name)
                          values ('x', ${regs[1].id}, 2, 'initial', ${a}, 'constructor', '张三', 'male', '', '[]'::jsonb, '2026-01-01', 'x')`.execute(db), { message: /certificates_registration_version/ });
});
