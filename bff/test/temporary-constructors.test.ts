/**
 * Temporary constructors (临时建造师, seed 003 §3.2.3.8-11) through HTTP on one Hunan server. The temporary
 * registrations come from the authority's register import (注册类型 二级注册临时建造师, 003 §3.2.4.2). The
 * development enterprise is the old employer (转出单位) of two of them and the employer of the third; a second
 * enterprise is the new employer (转入企业); a third one is a stranger.
 * - a transfer: filed and signed by the new employer, released by the old employer with its own code and an
 *   incremental PDF signature, reviewed (受理 → 初审 → 复审), and the register shows the new employer, the validity
 *   unchanged; who sees what along the way (the old employer only the release, from the new employer's signature on,
 *   and in its to-do list (kind release) until it answers; the reviewer only after the release; others 404, a removed
 *   operator of the old employer 404 and no one 401 on every release route); the new
 *   certificate version (the person had exchanged the paper one) prints 注册类型 二级注册临时建造师 in the PDF and the OFD;
 * - a transfer refused by the old employer with a reason: the matter ends, the new employer and the person are told;
 *   none is filed from an old employer that has no operator on the platform to release the person;
 * - an extension (延期) and a cancellation (注销) filed and signed by the employer, reviewed (the extension first returned
 *   for correction to the enterprise's draft), reflected in the register;
 *   the person cannot start these matters, and a temporary registration takes no regular matter.
 */
import test from 'ava';
import { strFromU8, unzipSync } from 'fflate';
import { usccCheckCharacter } from '@zhiyetong/shared';
import { DEV_ENTERPRISE_PROFILE } from '../src/seed.js';
import { closeDueNotices } from '../src/domain/notices.js';
import { pdfsigReport, pdfText } from './pdf/helpers.js';
import { Client, ENTERPRISE, login, OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { employerSign, operatorClient, reviewerClient, verifyInPerson } from './helpers/flow.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';

let s: TestServer;
const DAY = 86_400_000;
const NEW_EMPLOYER = { name: '湖南转入建设工程有限公司', uscc: '91430100MA4L0000X7' };
const OTHER_EMPLOYER = { name: '湖南无关建筑有限公司', uscc: '91430100MA4L1111X2' };
const NEW_OPERATOR = '13700000031';
const OTHER_OPERATOR = '13700000032';
const PEOPLE = {
  moved: { name: '刘临一', idNumber: makeIdNumber('19750101', '701', '430102'), no: '湘231431800701' },
  kept: { name: '陈临二', idNumber: makeIdNumber('19760202', '702', '430102'), no: '湘231431800702' },
  extended: { name: '杨临三', idNumber: makeIdNumber('19770303', '703', '430102'), no: '湘231431800703' },
  // at an enterprise the platform knows only from the import (no operator to confirm a release)
  orphan: { name: '赵临四', idNumber: makeIdNumber('19780404', '704', '430102'), no: '湘231431800704' },
};
const UNKNOWN_EMPLOYER = { name: '湖南未登记建设有限公司', uscc: '91430100MA4L3333X' + usccCheckCharacter('91430100MA4L3333X') };
const phone = '0731-85556789';
const today = () => new Date(s.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const common = () => ({
  employment: { startOn: today(), endOn: null },
  education: { school: '湖南大学', major: '土木工程', graduatedOn: '1998-06-30', level: '本科', degree: '学士' },
});

/** The text of every TextCode on an OFD's first page (its Content.xml, read as text). */
const ofdTexts = (ofd: Buffer) => [...strFromU8(unzipSync(ofd)['Doc_0/Pages/Page_0/Content.xml']).matchAll(/<ofd:TextCode[^>]*>([^<]*)</g)].map((m) => m[1]);

/** A USCC with its GB 32100 check character (shared uscc.ts). */
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

let newOp: Client;
let otherOp: Client;
const persons: Record<keyof typeof PEOPLE, { c: Client; phone: string }> = {} as never;

test.before(async () => {
  s = await startTestServer({ PROVINCE: 'hunan' });
  NEW_EMPLOYER.uscc = uscc(NEW_EMPLOYER.uscc.slice(0, 17));
  OTHER_EMPLOYER.uscc = uscc(OTHER_EMPLOYER.uscc.slice(0, 17));
  const db = s.server.deps.db;
  for (const [e, p] of [[NEW_EMPLOYER, NEW_OPERATOR], [OTHER_EMPLOYER, OTHER_OPERATOR]] as const) {
    const row = await db.insertInto('enterprises').values({ name: e.name, uscc: e.uscc, profile: JSON.stringify(DEV_ENTERPRISE_PROFILE) }).returning('id').executeTakeFirstOrThrow();
    const u = await db.insertInto('users').values({ phone: p, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('enterprise_operators').values({ enterprise_id: row.id, user_id: u.id }).execute();
  }
  // the register of temporary constructors, as the authority loads it (注册类型 二级注册临时建造师); valid 60 more days
  const registeredOn = shift(today(), -700);
  const validUntil = shift(today(), 60);
  const rows = [
    ['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至', '注册类型'],
    ...Object.values(PEOPLE).map((p) => {
      const e = p === PEOPLE.orphan ? UNKNOWN_EMPLOYER : ENTERPRISE;
      return [p.no, p.name, p.idNumber, e.name, e.uscc, '建筑工程', registeredOn, validUntil, '二级注册临时建造师'];
    }),
  ];
  const form = new FormData();
  form.append('file', new Blob(['\ufeff' + rows.map((r) => r.join(',')).join('\r\n')]), 'temporary.csv');
  const res = await fetch(`${s.baseUrl}/api/review/registrations/imports?profession=constructor`, { method: 'POST', headers: { authorization: `Bearer ${(await reviewerClient(s)).token}` }, body: form });
  const report = await res.json();
  if (res.status !== 200 || report.registrationsImported !== 4) throw new Error(`import ${res.status} ${JSON.stringify(report)}`);
  for (const [key, p] of Object.entries(PEOPLE) as [keyof typeof PEOPLE, (typeof PEOPLE)['moved']][]) {
    const personPhone = freshPhone();
    const c = await login(s, personPhone);
    if ((await c.put('/api/me/identity', { name: p.name, idNumber: p.idNumber })).status !== 200) throw new Error('identity');
    await verifyInPerson(s, p.idNumber);
    persons[key] = { c, phone: personPhone };
  }
  newOp = await login(s, NEW_OPERATOR);
  otherOp = await login(s, OTHER_OPERATOR);
});
test.after.always(async () => {
  await s?.stop();
});

/** Passes every stage of the province's route (Hunan: 受理 → 初审 → 复审); an announced matter's notice then ends with no objection (003 §1.1.2). */
async function review(id: string) {
  const reviewer = await reviewerClient(s);
  let status = (await reviewer.get(`/api/review/applications/${id}`)).body.status as string;
  while (['acceptance', 'first_review', 'second_review', 'approval'].includes(status)) {
    const res = await reviewer.post(`/api/review/applications/${id}/decisions`, { stage: status, outcome: 'pass' });
    if (res.status !== 200) throw new Error(`${status} ${res.status} ${JSON.stringify(res.body)}`);
    status = res.body.status;
  }
  const announced = status === 'public_notice';
  if (announced) {
    s.advance(15 * DAY); // past 5 working days, a holiday included
    await closeDueNotices(s.server.deps);
    status = (await reviewer.get(`/api/review/applications/${id}`)).body.status;
  }
  return { status, announced };
}

/** The new employer's transfer of `who`, saved and filed (上报): awaiting its own signature. */
async function fileTransfer(who: keyof typeof PEOPLE) {
  const p = PEOPLE[who];
  const created = await newOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: p.name, idNumber: p.idNumber });
  if (created.status !== 201) throw new Error(`create ${created.status} ${JSON.stringify(created.body)}`);
  const saved = await newOp.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: { employer: { ...NEW_EMPLOYER, phone }, ...common() } });
  if (saved.status !== 200) throw new Error(`save ${saved.status} ${JSON.stringify(saved.body)}`);
  const filed = await newOp.post(`/api/enterprise/filings/${created.body.id}/submissions`);
  if (filed.status !== 200) throw new Error(`file ${filed.status} ${JSON.stringify(filed.body)}`);
  return filed.body;
}

async function release(op: Client, opPhone: string, id: string) {
  s.advance(61_000);
  const before = (await s.sms(opPhone)).length;
  const sent = await op.post(`/api/enterprise/releases/${id}/signatures/sms-code`);
  if (sent.status !== 200) return sent;
  return op.post(`/api/enterprise/releases/${id}/signatures`, { code: await s.latestCode(opPhone, before), opinionAccepted: true });
}

test.serial('a transfer: filed and signed by the new employer, released by the old employer, reviewed; the register shows the new employer, validity unchanged; who sees what', async (t) => {
  const oldOp = await operatorClient(s);
  const reviewer = await reviewerClient(s);
  const p = PEOPLE.moved;
  const person = persons.moved;
  const before = (await person.c.get('/api/registrations')).body[0];
  t.like(before, { registrationNo: p.no, temporary: true, status: 'registered' });
  t.is(before.employer.name, ENTERPRISE.name);

  // the new employer's lookup offers the transfer, not the regular matters; the old employer cannot transfer its own
  const found = await newOp.post('/api/enterprise/people/search', { name: p.name, idNumber: p.idNumber });
  t.is(found.status, 200, JSON.stringify(found.body));
  const offered = (type: string) => found.body.matters.find((m: { type: string }) => m.type === type);
  t.like(offered('temporary_transfer'), { available: true });
  t.like(offered('temporary_extension'), { available: false, code: 'not_employer_of_person' });
  t.like(offered('renewal'), { available: false, code: 'temporary_constructor_matter' });
  const own = await oldOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: p.name, idNumber: p.idNumber });
  t.is(own.status, 409);
  t.is(own.body.error.code, 'temporary_transfer_same_employer');
  // the person cannot start it, nor a regular matter on a temporary registration
  const mine = await person.c.post('/api/applications', { profession: 'constructor', type: 'temporary_transfer' });
  t.is(mine.status, 409);
  t.is(mine.body.error.code, 'employer_filing_only');
  const renewal = await person.c.post('/api/applications', { profession: 'constructor', type: 'renewal' });
  t.is(renewal.body.error.code, 'temporary_constructor_matter');

  // a bad form names its fields; the new employer must be the one named on the form
  const created = await newOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: p.name, idNumber: p.idNumber });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.like(created.body, { status: 'employer_draft', filedBy: 'employer' });
  t.is(created.body.releasingEmployer.name, ENTERPRISE.name);
  const bad = await newOp.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: { employer: { ...NEW_EMPLOYER, phone }, employment: { startOn: today(), endOn: shift(today(), -1) }, education: { ...common().education, school: '' } } });
  t.is(bad.status, 422);
  t.truthy(bad.body.error.fields['employment.endOn']);
  t.truthy(bad.body.error.fields['education.school']);
  const sameAsOld = await newOp.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: { employer: { ...ENTERPRISE, phone }, ...common() } });
  t.is(sameAsOld.status, 422);
  t.is((await newOp.delete(`/api/enterprise/filings/${created.body.id}`)).status, 204);

  const filed = await fileTransfer('moved');
  const id = filed.id as string;
  t.is(filed.status, 'awaiting_employer', 'the person does not sign: the seed has the enterprise 申报 alone');
  t.deepEqual(filed.sections.map((x: { title: string }) => x.title), ['临时建造师变更', '注册专业', '学历信息', '聘用情况', '处罚或不良情形']);
  // before the new employer signs, the old employer sees nothing
  t.is((await oldOp.get(`/api/enterprise/releases/${id}`)).status, 404);
  t.deepEqual((await oldOp.get('/api/enterprise/releases')).body, []);

  s.advance(DAY);
  const signed = await employerSign(s, newOp, id, NEW_OPERATOR);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.is(signed.body.status, 'awaiting_release');
  t.regex((await s.sms(OPERATOR_PHONE)).at(-1)!, new RegExp(`${NEW_EMPLOYER.name}申请将贵单位临时建造师${p.name}转入（二级临时建造师变更，受理编号${filed.acceptanceNo}）`));

  // the old employer has it in its to-do list (待原单位确认), the new employer and a stranger do not
  const todoOf = async (c: Client) => ((await c.get('/api/todos')).body.items as { kind: string; applicationId?: string; title: string; enterpriseId?: string; role: string }[]).filter((i) => i.applicationId === id);
  const todo = await todoOf(oldOp);
  t.like(todo[0], { kind: 'release', role: 'enterprise_operator', enterpriseId: (await s.server.deps.db.selectFrom('enterprises').select('id').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow()).id });
  t.is(todo.length, 1);
  t.is(todo[0].title, `原单位确认：${NEW_EMPLOYER.name}申请转入${p.name}（二级临时建造师变更，受理编号${filed.acceptanceNo}），同意转出或不同意`);
  t.deepEqual(await todoOf(newOp), []);
  t.deepEqual(await todoOf(otherOp), []);

  // the old employer sees the release, only through its own routes; others get 404; the reviewer not yet
  const listed = (await oldOp.get('/api/enterprise/releases')).body;
  t.deepEqual(listed.map((a: { id: string; employerName: string }) => [a.id, a.employerName]), [[id, NEW_EMPLOYER.name]]);
  const seen = await oldOp.get(`/api/enterprise/releases/${id}`);
  t.is(seen.status, 200);
  t.like(seen.body, { status: 'awaiting_release', statusLabel: '待原单位确认' });
  t.regex(seen.body.applicant.idNumber, /\*/);
  const toRelease = await fetch(`${s.baseUrl}/api/enterprise/releases/${id}/form.pdf`, { headers: { authorization: `Bearer ${oldOp.token}` } });
  t.is(toRelease.status, 200);
  t.deepEqual((await pdfsigReport(new Uint8Array(await toRelease.arrayBuffer()))).map((x) => [x.signerCommonName, x.valid]), [[NEW_EMPLOYER.name, true]]);
  t.like(found.body.registration, { temporary: true, atThisEnterprise: false });
  t.is((await oldOp.get(`/api/enterprise/applications/${id}`)).status, 404, 'not as an application of its own');
  t.is((await fetch(`${s.baseUrl}/api/applications/${id}/form.pdf`, { headers: { authorization: `Bearer ${oldOp.token}` } })).status, 404);
  t.is((await oldOp.post(`/api/enterprise/applications/${id}/signatures/sms-code`)).status, 404);
  for (const stranger of [otherOp, newOp]) {
    t.is((await stranger.get(`/api/enterprise/releases/${id}`)).status, 404);
    t.is((await stranger.post(`/api/enterprise/releases/${id}/signatures/sms-code`)).status, 404);
    t.is((await fetch(`${s.baseUrl}/api/enterprise/releases/${id}/form.pdf`, { headers: { authorization: `Bearer ${stranger.token}` } })).status, 404);
    t.is((await stranger.post(`/api/enterprise/releases/${id}/refusals`, { reason: '不是我们的人' })).status, 404);
  }
  t.deepEqual((await otherOp.get('/api/enterprise/releases?status=all')).body, []);
  // the release routes as the enterprise-authorisation walk asks: no one 401; a removed operator of the old employer 404 on each
  const db = s.server.deps.db;
  const oldId = (await db.selectFrom('enterprises').select('id').where('uscc', '=', ENTERPRISE.uscc).executeTakeFirstOrThrow()).id;
  const removedPhone = freshPhone();
  const removedUser = await db.insertInto('users').values({ phone: removedPhone, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: oldId, user_id: removedUser.id, removed_at: s.now() }).execute();
  const removed = await login(s, removedPhone);
  const releaseRoutes: [string, string, object?][] = [
    ['GET', '/api/enterprise/releases'],
    ['GET', `/api/enterprise/releases/${id}`],
    ['GET', `/api/enterprise/releases/${id}/form.pdf`],
    ['POST', `/api/enterprise/releases/${id}/signatures/sms-code`],
    ['POST', `/api/enterprise/releases/${id}/signatures`, { code: '123456', opinionAccepted: true }],
    ['POST', `/api/enterprise/releases/${id}/refusals`, { reason: '不是我们的人' }],
  ];
  for (const [method, url, body] of releaseRoutes) {
    const anonymous = await fetch(`${s.baseUrl}${url}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    t.is(anonymous.status, 401, `no one: ${method} ${url}`);
    t.is((await removed.req(method, url, body)).status, 404, `a removed operator: ${method} ${url}`);
    t.is((await removed.req(method, url, body, { 'x-enterprise-id': oldId })).status, 404, `a removed operator naming the enterprise: ${method} ${url}`);
  }
  t.deepEqual((await newOp.get('/api/enterprise/filings?status=awaiting_release')).body.map((a: { id: string }) => a.id), [id]);
  t.is((await otherOp.get(`/api/enterprise/applications/${id}`)).status, 404);
  t.is((await person.c.get(`/api/enterprise/releases/${id}`)).status, 403);
  t.is((await reviewer.get(`/api/review/applications/${id}`)).status, 404, 'the authority has it only after the release');
  // the new employer cannot sign a second time
  t.is((await newOp.post(`/api/enterprise/applications/${id}/signatures/sms-code`)).status, 409);

  s.advance(DAY);
  const released = await release(oldOp, OPERATOR_PHONE, id);
  t.is(released.status, 200, JSON.stringify(released.body));
  t.is(released.body.status, 'acceptance');
  t.deepEqual(await todoOf(oldOp), [], 'answered: no longer a to-do');
  // two signatures, each valid, the second an incremental update
  const pdf = await fetch(`${s.baseUrl}/api/applications/${id}/form.pdf`, { headers: { authorization: `Bearer ${person.c.token}` } });
  t.is(pdf.status, 200);
  const sigs = await pdfsigReport(new Uint8Array(await pdf.arrayBuffer()));
  t.deepEqual(sigs.map((x) => [x.signerCommonName, x.valid]), [[NEW_EMPLOYER.name, true], [ENTERPRISE.name, true]]);
  // the person had exchanged the paper certificate (000 §5, open to a temporary registration): the transfer then
  // issues a new certificate version naming the new employer; it prints the registration type
  await s.server.deps.db.updateTable('registrations').set({ has_electronic_certificate: true }).where('registration_no', '=', p.no).execute();
  t.deepEqual(await review(id), { status: 'approved', announced: true }, 'announced like the other matters that change the certificate (003 §1.1.2)');
  const certs = (await person.c.get('/api/certificates')).body as { id: string; employerName: string; status: string }[];
  t.is(certs.length, 1);
  t.like(certs[0], { employerName: NEW_EMPLOYER.name, status: 'valid' });
  t.is((await person.c.post(`/api/certificates/${certs[0].id}/claim`)).status, 200);
  const certPdf = await fetch(`${s.baseUrl}/api/certificates/${certs[0].id}/certificate.pdf`, { headers: { authorization: `Bearer ${person.c.token}` } });
  t.is(certPdf.status, 200);
  const text = (await pdfText(new Uint8Array(await certPdf.arrayBuffer()))).replace(/\s+/g, '');
  t.regex(text, /注册编号：湘231431800701注册类型：二级注册临时建造师/);
  t.true(text.includes(NEW_EMPLOYER.name));
  const ofd = await fetch(`${s.baseUrl}/api/certificates/${certs[0].id}/certificate.ofd`, { headers: { authorization: `Bearer ${person.c.token}` } });
  t.is(ofd.status, 200);
  t.true(ofdTexts(Buffer.from(await ofd.arrayBuffer())).includes('二级注册临时建造师'), 'the OFD prints it too');
  // a scan says it too: the public verify answer and the /v/ page (from the certificate row, 0018)
  const token = ((await person.c.get('/api/certificates')).body[0].verifyUrl as string).split('/v/')[1];
  const verified = await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`);
  t.like(verified.body, { status: 'valid', certificate: { registrationNo: p.no, registrationType: '二级注册临时建造师', employerName: NEW_EMPLOYER.name } });
  const page = await (await fetch(`${s.baseUrl}/v/${token}`)).text();
  t.true(page.includes('二级注册临时建造师') && !page.includes('>二级建造师<'), 'the /v/ page names the registration type');

  const after = (await person.c.get('/api/registrations')).body[0];
  t.like(after, { registrationNo: p.no, temporary: true, status: 'registered' });
  t.is(after.employer.name, NEW_EMPLOYER.name);
  t.deepEqual(after.specialties.map((x: { validUntil: string }) => x.validUntil), before.specialties.map((x: { validUntil: string }) => x.validUntil), 'validity unchanged');
  t.deepEqual(after.history.map((h: { matter: string }) => h.matter), ['import', 'temporary_transfer']);
  const view = (await newOp.get(`/api/enterprise/applications/${id}`)).body;
  t.deepEqual(view.signatures.map((x: { signer: string; signerName: string }) => [x.signer, x.signerName]), [['employer', NEW_EMPLOYER.name], ['releasing_employer', ENTERPRISE.name]]);
  t.true(view.history.some((h: { event: string; label: string }) => h.event === 'release_confirmed' && h.label === '原聘用企业同意转出'));
  // now at the new employer: it may extend it; the old employer no longer may
  const lookup = await newOp.post('/api/enterprise/people/search', { name: p.name, idNumber: p.idNumber });
  t.like(lookup.body.matters.find((m: { type: string }) => m.type === 'temporary_extension'), { available: true });
});

test.serial('a transfer refused by the old employer with a reason: the matter ends, the new employer and the person are told; no transfer from an old employer without operators', async (t) => {
  const oldOp = await operatorClient(s);
  const filed = await fileTransfer('kept');
  s.advance(DAY);
  t.is((await employerSign(s, newOp, filed.id, NEW_OPERATOR)).body.status, 'awaiting_release');
  const short = await oldOp.post(`/api/enterprise/releases/${filed.id}/refusals`, { reason: '否' });
  t.is(short.status, 422);
  const before = s.now().getTime();
  const refused = await oldOp.post(`/api/enterprise/releases/${filed.id}/refusals`, { reason: '劳动合同未到期，不同意转出' });
  t.is(refused.status, 200, JSON.stringify(refused.body));
  t.like(refused.body, { status: 'refused', refusalReason: '劳动合同未到期，不同意转出' });
  // the signer list shows the old employer's row as refused (不同意转出), with the reason and time, to both employers
  const refusal = refused.body.refusal;
  t.like(refusal, { signer: 'releasing_employer', signerName: ENTERPRISE.name, reason: '劳动合同未到期，不同意转出' });
  t.true(Date.parse(refusal.at) >= before && Date.parse(refusal.at) <= s.now().getTime(), refusal.at);
  const seen = (await newOp.get(`/api/enterprise/applications/${filed.id}`)).body;
  t.deepEqual(seen.refusal, refusal);
  t.deepEqual(seen.signatures.map((x: { signer: string }) => x.signer), ['employer']);
  t.deepEqual((await oldOp.get(`/api/enterprise/releases/${filed.id}`)).body.refusal, refusal);
  const text = `${ENTERPRISE.name}不同意${PEOPLE.kept.name}转出（二级临时建造师变更，受理编号${filed.acceptanceNo}），原因：劳动合同未到期，不同意转出。该申请已终止。`;
  t.is((await s.sms(NEW_OPERATOR)).at(-1), text);
  t.is((await s.sms(persons.kept.phone)).at(-1), text);
  // refused is final: no release, no second refusal; the register is unchanged; a new transfer may be filed
  t.is((await release(oldOp, OPERATOR_PHONE, filed.id)).status, 409);
  t.is((await oldOp.post(`/api/enterprise/releases/${filed.id}/refusals`, { reason: '再次拒绝转出' })).status, 409);
  t.is((await (await reviewerClient(s)).get(`/api/review/applications/${filed.id}`)).status, 404);
  t.is((await persons.kept.c.get('/api/registrations')).body[0].employer.name, ENTERPRISE.name);
  // an old employer with no operator on the platform could never release: refused before anything is filed
  const orphan = await newOp.post('/api/enterprise/people/search', { name: PEOPLE.orphan.name, idNumber: PEOPLE.orphan.idNumber });
  t.like(orphan.body.matters.find((m: { type: string }) => m.type === 'temporary_transfer'), { available: false, code: 'releasing_employer_unknown' });
  t.is((await newOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: PEOPLE.orphan.name, idNumber: PEOPLE.orphan.idNumber })).body.error.code, 'releasing_employer_unknown');
  const again = await newOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: PEOPLE.kept.name, idNumber: PEOPLE.kept.idNumber });
  t.is(again.status, 201, JSON.stringify(again.body));
  t.is((await newOp.delete(`/api/enterprise/filings/${again.body.id}`)).status, 204);
});

test.serial('an extension (延期) and a cancellation (注销) filed and signed by the employer, reviewed, reflected in the register', async (t) => {
  const op = await operatorClient(s);
  const p = PEOPLE.extended;
  const person = persons.extended;
  const before = (await person.c.get('/api/registrations')).body[0];

  s.advance(DAY);
  const created = await op.post('/api/enterprise/filings', { type: 'temporary_extension', name: p.name, idNumber: p.idNumber });
  t.is(created.status, 201, JSON.stringify(created.body));
  const notRegistered = await op.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: { employer: { phone }, specialties: ['municipal'], ...common() } });
  t.is(notRegistered.status, 409);
  t.is(notRegistered.body.error.code, 'specialty_not_registered');
  const saved = await op.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form: { employer: { phone }, specialties: ['building'], ...common() } });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.is((await op.post(`/api/enterprise/filings/${created.body.id}/submissions`)).body.status, 'awaiting_employer');
  const signed = await employerSign(s, op, created.body.id);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.is(signed.body.status, 'acceptance');
  // returned for correction (issue 11): back to the enterprise's draft, not to the person, who does not sign it
  const reviewer = await reviewerClient(s);
  const returned = await reviewer.post(`/api/review/applications/${created.body.id}/decisions`, { stage: 'acceptance', outcome: 'fail', reasonCode: 'form_error', reason: '聘用开始时间有误', correction: true });
  t.is(returned.status, 200, JSON.stringify(returned.body));
  t.is(returned.body.status, 'employer_draft');
  const back = (await op.get(`/api/enterprise/applications/${created.body.id}`)).body;
  t.like(back, { status: 'employer_draft', returnReason: '申请表填写有误：聘用开始时间有误' });
  t.deepEqual(back.signatures, []);
  t.is((await op.delete(`/api/enterprise/filings/${created.body.id}`)).status, 409, 'filed once: it cannot be deleted');
  const corrected = await op.put(`/api/enterprise/filings/${created.body.id}`, { version: back.version, form: { employer: { phone }, specialties: ['building'], ...common(), employment: { startOn: shift(today(), -30), endOn: null } } });
  t.is(corrected.status, 200, JSON.stringify(corrected.body));
  t.is((await op.post(`/api/enterprise/filings/${created.body.id}/submissions`)).body.status, 'awaiting_employer');
  s.advance(DAY);
  t.is((await employerSign(s, op, created.body.id)).body.status, 'acceptance');
  t.deepEqual(await review(created.body.id), { status: 'approved', announced: true });
  const extended = (await person.c.get('/api/registrations')).body[0];
  // the seed's 延续注册申报: renewal's rule, three years from the current valid-until date
  t.is(extended.specialties[0].validUntil, `${Number(before.specialties[0].validUntil.slice(0, 4)) + 3}${before.specialties[0].validUntil.slice(4)}`);
  t.is(extended.employer.name, ENTERPRISE.name);

  s.advance(DAY);
  const cancel = await op.post('/api/enterprise/filings', { type: 'temporary_cancellation', name: p.name, idNumber: p.idNumber });
  t.is(cancel.status, 201, JSON.stringify(cancel.body));
  t.is((await op.put(`/api/enterprise/filings/${cancel.body.id}`, { version: cancel.body.version, form: { employer: { phone }, ...common() } })).status, 200);
  t.is((await op.post(`/api/enterprise/filings/${cancel.body.id}/submissions`)).status, 200);
  const cancelSigned = await employerSign(s, op, cancel.body.id);
  t.is(cancelSigned.body.status, 'acceptance', 'unlike 注销注册, the authority reviews it (003 §3.2.3.11)');
  t.deepEqual(await review(cancel.body.id), { status: 'approved', announced: false });
  const ended = (await person.c.get('/api/registrations')).body[0];
  t.like(ended, { status: 'cancelled', temporary: true });
  t.deepEqual(ended.history.map((h: { matter: string }) => h.matter), ['import', 'temporary_extension', 'temporary_cancellation']);
  // nothing more to file on it
  const lookup = await op.post('/api/enterprise/people/search', { name: p.name, idNumber: p.idNumber });
  t.like(lookup.body.matters.find((m: { type: string }) => m.type === 'temporary_extension'), { available: false, code: 'registration_required' });
});
