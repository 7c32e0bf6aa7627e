/**
 * Benchmark: an employer rename batch (bff/src/domain/employer-rename.ts) over N registrations of the
 * development enterprise, through HTTP against a test server (embedded PostgreSQL, the development
 * registry file). The registrations are inserted directly (holder, register row, one specialty) so the
 * set-up costs no signing; the batch then issues and signs one certificate per registration.
 * Prints the wall time from the request to 已完成 and per registration.
 *   npx tsx scripts/bench-employer-rename.ts [N=50]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ENTERPRISE, login, OPERATOR_PHONE, startTestServer } from '../bff/test/helpers/server.js';

const n = Number(process.argv[2] ?? 50);
const s = await startTestServer();
try {
  const db = s.server.deps.db;
  const enterprise = await db.selectFrom('enterprises').select('id').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow();
  for (let i = 0; i < n; i++) {
    const user = await db.insertInto('users').values({ phone: `137${String(i).padStart(8, '0')}`, roles: ['applicant'] }).returning('id').executeTakeFirstOrThrow();
    const reg = await db
      .insertInto('registrations')
      .values({
        profession: 'constructor',
        registration_no: `沪2326${String(i).padStart(8, '0')}`,
        holder_id: user.id,
        holder_id_number_enc: randomBytes(32),
        holder_id_number_hash: randomBytes(32),
        holder_name: `测试${i}`,
        gender: 'male',
        employer_id: enterprise.id,
        employer_name: ENTERPRISE.name,
        status: 'registered',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('registration_specialties').values({ registration_id: reg.id, specialty: 'building', registered_on: '2026-01-05', valid_until: '2029-01-04', status: 'registered' }).execute();
  }
  const newName = '上海建和工程管理咨询有限公司';
  const file = path.join(s.dataDir, 'enterprise-registry.json');
  const records = JSON.parse(await readFile(file, 'utf8'));
  records[0].name = newName;
  await writeFile(file, JSON.stringify(records));
  const op = await login(s, OPERATOR_PHONE);
  const started = performance.now();
  const res = await op.post('/api/enterprise/renames', { newName });
  if (res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  const requestMs = performance.now() - started;
  for (;;) {
    const [batch] = (await op.get('/api/enterprise/renames')).body;
    if (batch.status === 'completed') {
      const ms = performance.now() - started;
      console.log(`${n} registrations: request answered in ${Math.round(requestMs)} ms; batch 已完成 after ${(ms / 1000).toFixed(1)} s, ${Math.round(ms / n)} ms per registration; ${batch.certificates} certificates, ${batch.notified} SMS queued`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
} finally {
  await s.stop();
}
