/**
 * 聘用企业名称变更 (seed 000 §6) through HTTP: the business registry (a local HTTP server playing it) must
 * confirm the new name; one batch renames every registration with the enterprise, issues each a new
 * certificate version (the old one verifies superseded) and notifies every holder; a crash half-way (a
 * transaction aborted at the 2nd registration by the test-only fault hook; a BFF process SIGKILLed
 * mid-batch) and a retry finish the SAME batch once. The applicant's form finds the employer under its
 * new name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { createEnterpriseRegistry, DEV_ENTERPRISE_RECORD, EnterpriseRegistryUnavailable, FileEnterpriseRegistry, HttpEnterpriseRegistry } from '../src/adapters/enterprise-registry.js';
import { firstCopies } from '../src/domain/certificates.js';
import { employerRenamesIdle } from '../src/domain/employer-rename.js';
import { pdfsigReport, pdfText } from './pdf/helpers.js';
import { startEnterpriseRegistryServer } from './helpers/enterprise-registry-server.js';
import { Client, ENTERPRISE, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { completeApplication, operatorClient, registeredConstructor, reviewerClient, verifyInPerson } from './helpers/flow.js';

let s: TestServer;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;
type Person = Awaited<ReturnType<typeof registeredConstructor>>;
const people: Person[] = [];

const NAME2 = '上海建和工程管理咨询有限公司';
const NAME3 = '上海建和建设发展集团有限公司';
const NAME4 = '上海建和集团工程咨询股份有限公司';

test.before(async () => {
  registry = await startEnterpriseRegistryServer([DEV_ENTERPRISE_RECORD]);
  s = await startTestServer({ ENTERPRISE_REGISTRY_URL: registry.url, ENTERPRISE_REGISTRY_TIMEOUT_MS: '500' });
  for (const name of ['孙一', '周二', '吴三']) people.push(await registeredConstructor(s, validForm(), name));
});
test.after.always(async () => {
  await s?.stop();
  await registry?.close();
});

const tokenOf = (cert: { verifyUrl: string }) => cert.verifyUrl.split('/v/')[1];
async function verify(token: string) {
  return (await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body;
}
async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
async function renames() {
  const op = await operatorClient(s);
  const res = await op.get('/api/enterprise/renames');
  if (res.status !== 200) throw new Error(`renames ${res.status}`);
  return res.body as { id: string; status: string; statusLabel: string; oldName: string; newName: string; registrations: number; certificates: number; notified: number; acceptanceNo: string }[];
}
const reissuedSms = async (phone: string) => (await s.sms(phone)).filter((m) => m.includes('已换发'));
async function enterpriseName() {
  return (await s.server.deps.db.selectFrom('enterprises').select('name').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow()).name;
}
/** Every registration of the dev enterprise (people of this file and the applicant who joins later). */
async function enterpriseRegistrations() {
  return s.server.deps.db
    .selectFrom('registrations')
    .innerJoin('enterprises', 'enterprises.id', 'registrations.employer_id')
    .select(['registrations.id', 'registrations.employer_name'])
    .where('enterprises.uscc', '=', ENTERPRISE.uscc)
    .execute();
}
async function versionsByRegistration() {
  const rows = await s.server.deps.db.selectFrom('certificates').select(['registration_id', 'version', 'status', 'employer_name']).orderBy('version').execute();
  const by = new Map<string, { version: number; status: string; employer_name: string }[]>();
  for (const r of rows) by.set(r.registration_id, [...(by.get(r.registration_id) ?? []), r]);
  return by;
}

test.serial('registry adapters: the development file (seeded, read on each lookup) and HTTP (record, 404 = null, errors and timeouts = unavailable)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-registry-'));
  try {
    const file = path.join(dir, 'enterprise-registry.json');
    const dev = new FileEnterpriseRegistry(file);
    t.deepEqual(await dev.lookup(ENTERPRISE.uscc.toLowerCase()), DEV_ENTERPRISE_RECORD);
    t.is(await dev.lookup('91310000132200821H'), null);
    const records = JSON.parse(await readFile(file, 'utf8'));
    records[0].name = NAME2;
    await writeFile(file, JSON.stringify(records));
    t.is((await dev.lookup(ENTERPRISE.uscc))!.name, NAME2, 'an edited file is read without a restart');
    await writeFile(file, '{"not": "an array"}');
    await t.throwsAsync(dev.lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // production never falls back to a local file it was not told to use
  const production = createEnterpriseRegistry({ timeoutMs: 1000, file: '/nonexistent/registry.json', fileExplicit: false, production: true });
  await t.throwsAsync(production.lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable, message: /ENTERPRISE_REGISTRY_URL/ });

  const local = await startEnterpriseRegistryServer([DEV_ENTERPRISE_RECORD], { token: 'registry-token' });
  try {
    const http = new HttpEnterpriseRegistry({ baseUrl: local.url, token: 'registry-token', timeoutMs: 300 });
    t.deepEqual(await http.lookup(ENTERPRISE.uscc), DEV_ENTERPRISE_RECORD);
    t.is(await http.lookup('91310000132200821H'), null);
    await t.throwsAsync(new HttpEnterpriseRegistry({ baseUrl: local.url, timeoutMs: 300 }).lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable, message: /HTTP 401/ });
    local.state.failWith = 502;
    await t.throwsAsync(http.lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable, message: /HTTP 502/ });
    local.state.failWith = 0;
    local.state.delayMs = 1000;
    const started = Date.now();
    await t.throwsAsync(http.lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable, message: /within 300 ms/ });
    t.true(Date.now() - started < 900);
    local.state.delayMs = 0;
    local.records.set(ENTERPRISE.uscc, { ...DEV_ENTERPRISE_RECORD, status: 'bogus' as never });
    await t.throwsAsync(http.lookup(ENTERPRISE.uscc), { instanceOf: EnterpriseRegistryUnavailable, message: /malformed/ });
  } finally {
    await local.close();
  }
});

test.serial('a rename the registry does not confirm is refused, and nothing changes', async (t) => {
  const op = await operatorClient(s);
  // the registry still holds the old name
  let res = await op.post('/api/enterprise/renames', { newName: NAME2 });
  t.is(res.status, 422);
  t.is(res.body.error.code, 'registry_mismatch');
  t.true(res.body.error.message.includes(ENTERPRISE.name), res.body.error.message);
  // the registry knows another name than the one asked for
  registry.rename(ENTERPRISE.uscc, NAME2);
  res = await op.post('/api/enterprise/renames', { newName: '上海建和工程有限公司' });
  t.is(res.body.error.code, 'registry_mismatch');
  // a deregistered enterprise, an unknown code, a registry down or too slow
  registry.records.get(ENTERPRISE.uscc)!.status = 'deregistered';
  t.is((await op.post('/api/enterprise/renames', { newName: NAME2 })).body.error.code, 'enterprise_inactive');
  registry.records.get(ENTERPRISE.uscc)!.status = 'active';
  registry.state.failWith = 500;
  res = await op.post('/api/enterprise/renames', { newName: NAME2 });
  t.is(res.status, 503);
  t.is(res.body.error.code, 'registry_unavailable');
  registry.state.failWith = 0;
  registry.state.delayMs = 1500;
  t.is((await op.post('/api/enterprise/renames', { newName: NAME2 })).body.error.code, 'registry_unavailable');
  registry.state.delayMs = 0;
  registry.records.delete(ENTERPRISE.uscc);
  t.is((await op.post('/api/enterprise/renames', { newName: NAME2 })).body.error.code, 'registry_mismatch');
  registry.records.set(ENTERPRISE.uscc, { ...DEV_ENTERPRISE_RECORD, name: NAME2 });
  // bad input, the current name, someone who is not the enterprise's operator
  t.is((await op.post('/api/enterprise/renames', { newName: ' ' })).body.error.code, 'validation_failed');
  res = await op.post('/api/enterprise/renames', { newName: ENTERPRISE.name });
  t.is(res.body.error.code, 'validation_failed');
  t.truthy(res.body.error.fields.newName);
  t.is((await people[0].c.post('/api/enterprise/renames', { newName: NAME2 })).status, 403);
  t.is((await people[0].c.get('/api/enterprise/renames')).status, 403);
  t.is((await new Client(s.baseUrl).get('/api/enterprise/renames')).status, 401);
  // another enterprise on the platform already has the name the registry confirms
  const other = await s.server.deps.db.insertInto('enterprises').values({ name: '上海另一家工程有限公司', uscc: '91310000132200821H' }).returning('id').executeTakeFirstOrThrow();
  registry.rename(ENTERPRISE.uscc, '上海另一家工程有限公司');
  res = await op.post('/api/enterprise/renames', { newName: '上海另一家工程有限公司' });
  t.is(res.status, 409);
  t.is(res.body.error.code, 'enterprise_name_taken');
  await s.server.deps.db.deleteFrom('enterprises').where('id', '=', other.id).execute();
  registry.rename(ENTERPRISE.uscc, NAME2);

  t.is(await enterpriseName(), ENTERPRISE.name);
  t.deepEqual(await renames(), []);
  t.true((await enterpriseRegistrations()).every((r) => r.employer_name === ENTERPRISE.name));
});

test.serial('the rename: one batch; every registration shows the new name, each holder has a new version to claim and an SMS, the old versions verify superseded', async (t) => {
  const op = await operatorClient(s);
  registry.rename(ENTERPRISE.uscc, NAME2);
  const copies = { ...firstCopies };
  const started = performance.now();
  const res = await op.post('/api/enterprise/renames', { newName: `  ${NAME2} ` });
  t.is(res.status, 202, JSON.stringify(res.body));
  t.is(res.body.status, 'running');
  t.is(res.body.oldName, ENTERPRISE.name);
  t.is(res.body.newName, NAME2);
  t.regex(res.body.acceptanceNo, /^W\d{8}\d{5}$/);
  // the enterprise has its new name as soon as the request is accepted
  t.is(await enterpriseName(), NAME2);
  const done = await until('the batch to complete', async () => (await renames()).find((b) => b.id === res.body.id && b.status === 'completed'));
  const ms = performance.now() - started;
  t.log(`rename of ${people.length} registrations: ${Math.round(ms)} ms (${Math.round(ms / people.length)} ms per registration, certificate signing included)`);
  t.like(done, { statusLabel: '已完成', oldName: ENTERPRISE.name, newName: NAME2, registrations: 3, certificates: 3, notified: 3 });
  t.is((await renames()).length, 1);
  // each certificate was signed before its step's transaction and used as it was (issue 14)
  t.deepEqual([firstCopies.prepared - copies.prepared, firstCopies.signedInTransaction - copies.signedInTransaction], [3, 0]);
  // the stored first copies (made in the PDF worker threads) verify and print the new name
  const stored = await s.server.deps.db.selectFrom('certificates').select(['pdf', 'employer_name']).where('matter', '=', 'employer_rename').execute();
  t.is(stored.length, 3);
  for (const c of stored) {
    t.is(c.employer_name, NAME2);
    t.deepEqual((await pdfsigReport(c.pdf!)).map((x) => x.valid), [true]);
    t.true((await pdfText(c.pdf!)).replace(/\s+/g, '').includes(NAME2));
  }

  for (const p of people) {
    const [reg] = (await p.c.get('/api/registrations')).body;
    t.is(reg.employer.name, NAME2);
    const last = reg.history.at(-1);
    t.is(last.matter, 'employer_rename');
    t.is(last.batchId, res.body.id);
    t.is(last.before.employer.name, ENTERPRISE.name);
    const certs = (await p.c.get('/api/certificates')).body as { id: string; version: number; status: string; employerName: string; matter: string; claimedAt: string | null; verifyUrl: string }[];
    t.deepEqual(certs.map((c) => [c.version, c.status]).sort(), [[1, 'superseded'], [2, 'valid']]);
    const v1 = certs.find((c) => c.version === 1)!;
    const v2 = certs.find((c) => c.version === 2)!;
    t.like(v2, { matter: 'employer_rename', employerName: NAME2, claimedAt: null });
    t.deepEqual(await verify(tokenOf(v1)), { status: 'superseded', certificate: null });
    const checked = await verify(tokenOf(v2));
    t.is(checked.status, 'valid');
    t.is(checked.certificate.employerName, NAME2);
    const sms = await reissuedSms(p.phone);
    t.is(sms.length, 1, sms.join('\n'));
    t.true(sms[0].includes(NAME2) && sms[0].includes(reg.registrationNo), sms[0]);
  }
  // the first holder claims and downloads the new version: signed, with the new name
  const p = people[0];
  const v2 = ((await p.c.get('/api/certificates')).body as { id: string; version: number }[]).find((c) => c.version === 2)!;
  t.is((await p.c.post(`/api/certificates/${v2.id}/claim`)).status, 200);
  const pdf = await p.c.get(`/api/certificates/${v2.id}/certificate.pdf`);
  t.is(pdf.status, 200);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  t.true((await pdfText(pdf.bytes)).replace(/\s+/g, '').includes(NAME2));

  // the same request again is the same batch, not a second one
  const again = await op.post('/api/enterprise/renames', { newName: NAME2 });
  t.is(again.status, 200);
  t.is(again.body.id, res.body.id);
  t.is((await renames()).length, 1);
});

test.serial('the applicant’s initial-registration form finds the employer under its new name (and no longer under the old one)', async (t) => {
  const phone = freshPhone();
  const c = await login(s, phone);
  const idNumber = makeIdNumber('19880512', '201');
  t.is((await c.put('/api/me/identity', { name: '郑四', idNumber })).status, 200);
  await verifyInPerson(s, idNumber);
  t.deepEqual((await c.get(`/api/enterprises?name=${encodeURIComponent(ENTERPRISE.name)}`)).body, []);
  const found = (await c.get(`/api/enterprises?name=${encodeURIComponent(NAME2)}`)).body;
  t.like(found, [{ name: NAME2, uscc: ENTERPRISE.uscc }]);
  const app = (await c.post('/api/applications', { profession: 'constructor', type: 'initial' })).body;
  const old = await c.put(`/api/applications/${app.id}`, { version: app.version, form: validForm() });
  t.is(old.status, 422);
  t.truthy(old.body.error.fields['employer.name']);
  const saved = await c.put(`/api/applications/${app.id}`, { version: app.version, form: validForm({ employer: { name: NAME2, uscc: ENTERPRISE.uscc, phone: '021-55501234' } }) });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  await completeApplication(s, c, phone, app.id);
  const [reg] = (await c.get('/api/registrations')).body;
  t.is(reg.employer.name, NAME2);
  people.push({ c, phone, idNumber, id: app.id, version: saved.body.version, acceptanceNo: app.acceptanceNo, registration: reg } as Person);
});

test.serial('a crash half-way (the 2nd registration’s transaction aborted, again on the runner’s own retry) and the operator’s retry finish the SAME batch once', async (t) => {
  const op = await operatorClient(s);
  const before = await versionsByRegistration();
  const smsBefore = await Promise.all(people.map((p) => reissuedSms(p.phone)));
  registry.rename(ENTERPRISE.uscc, NAME3);
  let crashed = 0;
  let failing = true;
  s.server.deps.faults = {
    employerRenameStep: (n) => {
      if (failing && n === 2) {
        crashed++;
        throw new Error('injected crash at the 2nd registration');
      }
    },
  };
  try {
    const res = await op.post('/api/enterprise/renames', { newName: NAME3 });
    t.is(res.status, 202);
    // the runner retries by itself after 1 s, resumes after the committed first step, and crashes at the 2nd again
    await until('two crashed attempts', async () => crashed >= 2);
    let [batch] = await renames();
    t.like(batch, { id: res.body.id, status: 'running', statusLabel: '进行中', registrations: 1 });
    // exactly the first registration changed; the aborted one kept everything (register, certificate, no SMS)
    let names = (await enterpriseRegistrations()).map((r) => r.employer_name);
    t.is(names.filter((n) => n === NAME3).length, 1, names.join());
    const mid = await versionsByRegistration();
    t.is([...mid].filter(([id, v]) => v.length === before.get(id)!.length + 1).length, 1);
    // another name while it runs is refused
    t.is((await op.post('/api/enterprise/renames', { newName: NAME4 })).body.error.code, 'rename_in_progress');

    // the cause goes away; the operator's retry (the same request) wakes the waiting runner: the same batch
    failing = false;
    const retry = await op.post('/api/enterprise/renames', { newName: NAME3 });
    t.is(retry.status, 202);
    t.is(retry.body.id, res.body.id);
    batch = await until('the batch to complete', async () => (await renames()).find((b) => b.id === res.body.id && b.status === 'completed'), 10_000);
    await employerRenamesIdle(s.server.deps);
    t.like(batch, { registrations: people.length, certificates: people.length, notified: people.length });
    t.is((await renames()).filter((b) => b.newName === NAME3).length, 1, 'exactly one batch');
    names = (await enterpriseRegistrations()).map((r) => r.employer_name);
    t.true(names.every((n) => n === NAME3), names.join());
    const after = await versionsByRegistration();
    for (const [id, versions] of after) {
      if (!before.has(id)) continue;
      t.is(versions.length, before.get(id)!.length + 1, 'exactly one new version per registration');
      t.deepEqual(versions.map((v) => v.status), [...versions.slice(0, -1).map(() => 'superseded'), 'active']);
      t.is(versions.at(-1)!.employer_name, NAME3);
    }
    const steps = await s.server.deps.db.selectFrom('employer_rename_steps').select(['registration_id']).where('batch_id', '=', res.body.id).execute();
    t.is(new Set(steps.map((x) => x.registration_id)).size, people.length);
    for (const [i, p] of people.entries()) t.is((await reissuedSms(p.phone)).length, smsBefore[i].length + 1, `one SMS for ${p.phone}`);
  } finally {
    delete s.server.deps.faults;
  }
});

/** A second BFF process on the same database and DATA_DIR (bff/test/helpers/bff-child.ts). */
async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'helpers/bff-child.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = await until('the child BFF to start', async () => {
    if (gone) throw new Error(`child BFF exited: ${err}`);
    return /READY (\S+)/.exec(out)?.[1];
  });
  return { child, url, exited };
}

test.serial('a BFF process SIGKILLed in the middle of a batch: the next start finishes the SAME batch once', async (t) => {
  const db = s.server.deps.db;
  const port = (await sql<{ port: string }>`select current_setting('port') as port`.execute(db)).rows[0].port;
  const env = {
    NODE_ENV: 'test',
    DATA_DIR: s.dataDir,
    DATABASE_URL: `postgres://postgres:zhiyetong@127.0.0.1:${port}/zhiyetong`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEV_DATA: 'false',
    // every SMS is delivered by the test server's outbox worker, none by a process about to be killed
    OUTBOX_POLL_MS: '3600000',
    ENTERPRISE_REGISTRY_URL: registry.url,
    H5_DIR: path.join(s.dataDir, 'no-h5'),
  };
  const before = await versionsByRegistration();
  const smsBefore = await Promise.all(people.map((p) => reissuedSms(p.phone)));
  registry.rename(ENTERPRISE.uscc, NAME4);

  const first = await startChild(env);
  let second: Awaited<ReturnType<typeof startChild>> | null = null;
  try {
    const op = await operatorClient(s);
    const res = await new Client(first.url, op.token).post('/api/enterprise/renames', { newName: NAME4 });
    t.is(res.status, 202, JSON.stringify(res.body));
    const batchId = res.body.id as string;
    const stepsDone = async () => (await db.selectFrom('employer_rename_steps').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', batchId).executeTakeFirstOrThrow()).n;
    await until('the first step', async () => (await stepsDone()) >= 1, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = Number(await stepsDone());
    t.log(`killed after ${atKill} of ${people.length} registrations`);
    t.true(atKill < people.length, 'the batch was still running when the process was killed');
    t.is((await db.selectFrom('employer_rename_batches').select('status').where('id', '=', batchId).executeTakeFirstOrThrow()).status, 'running');

    // the retry: the next start resumes the running batch by itself
    second = await startChild(env);
    await until('the batch to complete', async () => (await db.selectFrom('employer_rename_batches').select('status').where('id', '=', batchId).executeTakeFirstOrThrow()).status === 'completed');
    t.is((await renames()).filter((b) => b.newName === NAME4).length, 1, 'exactly one batch');
    // (the child's clock is behind the test server's moved one, so find the batch by id, not by position)
    t.like((await renames()).find((b) => b.id === batchId), { status: 'completed', registrations: people.length, certificates: people.length, notified: people.length });
    const after = await versionsByRegistration();
    for (const [id, versions] of after) {
      if (!before.has(id)) continue;
      t.is(versions.length, before.get(id)!.length + 1, 'exactly one new version per registration');
      t.is(versions.filter((v) => v.status === 'active').length, 1);
      t.is(versions.at(-1)!.employer_name, NAME4);
    }
    t.true((await enterpriseRegistrations()).every((r) => r.employer_name === NAME4));
    const queued = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where(sql`payload->>'template'`, '=', 'holder_certificate_reissued').executeTakeFirstOrThrow();
    t.is(Number(queued.n), people.length * 3 - 1, 'one queued SMS per registration per batch (the applicant who joined later was in two)');
    for (const [i, p] of people.entries()) t.is((await until('the SMS', async () => ((await reissuedSms(p.phone)).length > smsBefore[i].length ? reissuedSms(p.phone) : null))).length, smsBefore[i].length + 1);
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
    await second?.exited;
  }
});

test.serial('a registration loaded from the paper register (no electronic certificate) is renamed too, without a certificate or an SMS; the registry’s spelling of the name is stored', async (t) => {
  const NAME5 = '上海建和（集团）工程咨询有限公司';
  const reviewer = await reviewerClient(s);
  const row = ['沪231161800099', '冯五', makeIdNumber('19810101', '091'), NAME4, ENTERPRISE.uscc, '建筑工程', '2018-06-14', '2027-06-13'];
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(['注册编号,姓名,身份证号码,聘用企业,统一社会信用代码,注册专业,注册日期,有效期至', row.join(',')].join('\r\n') + '\r\n', 'utf8')]), 'paper.csv');
  const imported = await fetch(`${s.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${reviewer.token}` } });
  const report = await imported.json();
  t.is(imported.status, 200, JSON.stringify(report));
  t.is(report.registrationsImported, 1, JSON.stringify(report));
  const paper = await s.server.deps.db.selectFrom('registrations').select(['id', 'has_electronic_certificate']).where('registration_no', '=', '沪231161800099').executeTakeFirstOrThrow();
  t.false(paper.has_electronic_certificate);

  registry.rename(ENTERPRISE.uscc, NAME5);
  const op = await operatorClient(s);
  // typed with half-width brackets: the registry's spelling (full-width) is the one stored; a double
  // submission at the same moment is one batch
  const [res, twice] = await Promise.all([op.post('/api/enterprise/renames', { newName: '上海建和(集团)工程咨询有限公司' }), op.post('/api/enterprise/renames', { newName: NAME5 })]);
  t.is(res.status, 202);
  t.is(twice.status, 202, JSON.stringify(twice.body));
  t.is(twice.body.id, res.body.id);
  t.is(res.body.newName, NAME5);
  t.is(await enterpriseName(), NAME5);
  const batch = await until('the batch to complete', async () => (await renames()).find((b) => b.id === res.body.id && b.status === 'completed'));
  t.like(batch, { registrations: people.length + 1, certificates: people.length, notified: people.length });
  const after = await s.server.deps.db.selectFrom('registrations').select('employer_name').where('id', '=', paper.id).executeTakeFirstOrThrow();
  t.is(after.employer_name, NAME5);
  t.is((await s.server.deps.db.selectFrom('certificates').select('id').where('registration_id', '=', paper.id).execute()).length, 0);
  const step = await s.server.deps.db.selectFrom('employer_rename_steps').selectAll().where('batch_id', '=', res.body.id).where('registration_id', '=', paper.id).executeTakeFirstOrThrow();
  t.like(step, { certificate_id: null, notified: false });
  // the operator's list, newest batch first by request time (the SIGKILL test's batch ran on a clock behind this server's)
  t.deepEqual((await renames()).map((b) => b.newName).sort(), [NAME2, NAME3, NAME4, NAME5].sort());
});
