/**
 * Issue 15 "keep it fixed": a backup that can be restored. A registered constructor's certificate is
 * issued, `scripts/backup` dumps the running server's embedded database, the dump is restored into a fresh
 * DATA_DIR (with the secrets copied from where the backup says they live), a server starts on the copy and
 * the certificate's QR token verifies there; the ID number decrypts and the row counts match.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { registeredConstructor } from './helpers/flow.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('scripts/backup of a running server restores into a fresh DATA_DIR where a certificate still verifies', async (t) => {
  const holder = await registeredConstructor(s);
  const certs = (await holder.c.get('/api/certificates')).body;
  t.is(certs.length, 1);
  const cert = certs[0];
  const token = await s.server.deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registrationNo });
  t.is((await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body.status, 'valid');

  const work = await mkdtemp(path.join(tmpdir(), 'zyt-backup-'));
  await chmod(work, 0o711); // as root the restored DATA_DIR's PostgreSQL (user 'postgres') must be able to enter it
  const out = path.join(work, 'dump');
  const fresh = path.join(work, 'restored');
  try {
    const dumped = await run(path.join(ROOT, 'scripts/backup'), [out], { env: { ...process.env, DATA_DIR: s.dataDir, DATABASE_URL: '' }, cwd: ROOT });
    t.regex(dumped.stdout, /backed up \d+ rows/);
    t.regex(dumped.stdout, /secrets\.json/, 'the output says where the secrets are');
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
    t.true(manifest.migrations.includes('0004_hardening'));
    const dumpText = (await Promise.all(manifest.tables.map((tb: { name: string }) => readFile(path.join(out, `${tb.name}.jsonl`), 'utf8')))).join('');
    t.false(dumpText.includes(holder.idNumber), 'ID numbers are in the dump only encrypted');

    // the secrets come back from their own store (here: the original DATA_DIR), the data from the dump
    for (const f of ['secrets.json', 'pki', 'keys']) await cp(path.join(s.dataDir, f), path.join(fresh, f), { recursive: true });
    const restored = await run(path.join(ROOT, 'scripts/backup'), ['--restore', out], { env: { ...process.env, DATA_DIR: fresh, DATABASE_URL: '' }, cwd: ROOT });
    t.regex(restored.stdout, /restored \d+ rows/);
    // restoring twice is refused: the target is no longer empty
    await t.throwsAsync(run(path.join(ROOT, 'scripts/backup'), ['--restore', out], { env: { ...process.env, DATA_DIR: fresh, DATABASE_URL: '' }, cwd: ROOT }), { message: /not empty/ });

    const copy = await startServer(loadConfig({ NODE_ENV: 'test', DATA_DIR: fresh, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEV_DATA: 'false' }));
    try {
      const anyone = new Client(copy.url);
      const verified = await anyone.get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`);
      t.is(verified.body.status, 'valid');
      t.is(verified.body.certificate?.registrationNo ?? cert.registrationNo, cert.registrationNo);
      const page = await anyone.get(`/v/${token}`);
      t.true(String(page.body).includes(cert.registrationNo));
      for (const tb of manifest.tables as { name: string; rows: number }[]) {
        const n = await copy.deps.db.selectFrom(tb.name as 'users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        t.is(Number(n.n), tb.rows, tb.name);
      }
      const identity = await copy.deps.db.selectFrom('identities').selectAll().where('id_number_hash', '=', copy.deps.pii.lookupHash(holder.idNumber)).executeTakeFirstOrThrow();
      t.is(copy.deps.pii.decrypt(identity.id_number_enc), holder.idNumber);
      // sequences continue after the restored ids: a new outbox row gets a fresh id
      t.is((await anyone.post('/api/auth/sms-codes', { phone: '13912398765' })).status, 200);
    } finally {
      await copy.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
