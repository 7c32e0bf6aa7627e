/**
 * Hunan's two matters beyond seed 000 (003 §3.2.3.2 重新注册 and §3.2.3.4 遗失补办; catalogue.md), through HTTP on
 * one server with PROVINCE=hunan (qualification data on, 受理 → 初审 → 复审, re-registration announced):
 * - re-registration is refused while the registration is current (registration_current), opens after a
 *   cancellation, needs continuing education for every specialty and its five documents, and gives the
 *   registration a new 湘 registration number and a new certificate version;
 * - a replacement filed by the employer (003 §3.2.3.4) and confirmed by the person needs the loss statement,
 *   leaves the register's content as it was, and issues a new certificate version: the old one verifies as
 *   superseded.
 */
import test from 'ava';
import { MATTERS, PROVINCE_SETTINGS, matterAvailability, provinceRoute } from '@zhiyetong/shared';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { makeIdNumber, validForm } from './helpers/data.js';
import { realPdf } from './helpers/professions.js';
import { completeApplication, employerSign, fileMatter, operatorClient, registeredConstructor, reviewerClient, sign } from './helpers/flow.js';

let s: TestServer;
const DAY = 86_400_000;
const phone = '0731-85551234';
// registeredConstructor numbers the people of this file 001, 002, … in order
const PEOPLE = [
  { name: '蒋九', idNumber: makeIdNumber('19870415', '001') },
  { name: '韩十', idNumber: makeIdNumber('19870415', '002') },
];

test.before(async () => {
  s = await startTestServer({ PROVINCE: 'hunan' });
  // Hunan's qualification data (003 §3.2.4.4): every specialty applied for must be in it
  const csv = ['姓名,身份证号码,专业,证书编号,签发日期,取得地', ...PEOPLE.flatMap((p, i) => [`${p.name},${p.idNumber},建筑工程,HN25${i}01,2025-03-21,湖南省`, `${p.name},${p.idNumber},市政公用工程,HN25${i}02,2025-03-21,湖南省`])].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv]), 'qualifications.csv');
  const res = await fetch(`${s.baseUrl}/api/review/qualifications/imports?profession=constructor`, { method: 'POST', headers: { authorization: `Bearer ${(await reviewerClient(s)).token}` }, body: form });
  if (res.status !== 200) throw new Error(`qualification import ${res.status} ${await res.text()}`);
});
test.after.always(async () => {
  await s?.stop();
});

async function upload(c: Client, path: string, kind: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await realPdf(kind))], { type: 'application/pdf' }), `${kind}.pdf`);
  const res = await fetch(`${s.baseUrl}${path}/documents/${kind}`, { method: 'PUT', headers: { authorization: `Bearer ${c.token}` }, body: form });
  return { status: res.status, body: await res.json() };
}
const verify = async (cert: { verifyUrl: string }) => (await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(cert.verifyUrl.split('/v/')[1])}`)).body;
const matter = async (c: Client, type: string) => (await c.get('/api/matters?profession=constructor')).body.find((m: { type: string }) => m.type === type);
const today = () => new Date(s.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

test.serial('re-registration: refused while current; after a cancellation, with continuing education and its documents, a new 湘 registration number and certificate', async (t) => {
  const p = await registeredConstructor(s, validForm(), PEOPLE[0].name);
  const oldNo = p.registration.registrationNo as string;
  t.regex(oldNo, /^湘23/);
  t.like(await matter(p.c, 'reregistration'), { available: false, code: 'registration_current' });
  const early = await p.c.post('/api/applications', { profession: 'constructor', type: 'reregistration' });
  t.is(early.status, 409);
  t.is(early.body.error.code, 'registration_current');
  t.regex(early.body.error.message, /仍在有效期内/);

  // the whole registration is cancelled (no authority route): its certificate is void
  const cancel = await fileMatter(p.c, 'cancellation', { employer: { phone }, specialties: ['building'], reason: 'contract_ended', declarationAccepted: true });
  t.is(cancel.saved!.status, 200, JSON.stringify(cancel.saved!.body));
  await completeApplication(s, p.c, p.phone, cancel.created.body.id);
  t.is((await p.c.get('/api/registrations')).body[0].status, 'cancelled');
  t.true((await matter(p.c, 'reregistration')).available);
  // the employer may file it too (003 §3.2.3.2): the lookup offers it, as for initial (the form names the employer)
  const looked = await (await operatorClient(s)).post('/api/enterprise/people/search', { name: PEOPLE[0].name, idNumber: p.idNumber });
  t.like(looked.body.matters.find((m: { type: string }) => m.type === 'reregistration'), { available: true });
  t.like(looked.body.matters.find((m: { type: string }) => m.type === 'replacement'), { available: false, code: 'registration_required' });

  // continuing education for every specialty applied for, not only late ones
  const form = validForm({ employer: { ...validForm().employer, phone }, specialties: [{ specialty: 'building', issueDate: '2025-03-21' }, { specialty: 'municipal', issueDate: '2025-03-21' }] });
  const noCe = await fileMatter(p.c, 'reregistration', form);
  t.is(noCe.saved!.status, 422, JSON.stringify(noCe.saved!.body));
  t.regex(noCe.saved!.body.error.fields.continuingEducation, /建筑工程、市政公用工程/);
  const id = noCe.created.body.id as string;
  const few = await p.c.put(`/api/applications/${id}`, { version: noCe.created.body.version, form: { ...form, continuingEducation: [{ specialty: 'building', compulsoryHours: 60, electiveHours: 60 }, { specialty: 'municipal', compulsoryHours: 30, electiveHours: 60 }] } });
  t.is(few.status, 422);
  t.truthy(few.body.error.fields['continuingEducation.1.compulsoryHours']);
  const ce = [{ specialty: 'building', compulsoryHours: 60, electiveHours: 60 }, { specialty: 'municipal', compulsoryHours: 60, electiveHours: 60 }];
  const saved = await p.c.put(`/api/applications/${id}`, { version: noCe.created.body.version, form: { ...form, continuingEducation: ce } });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections[0].rows, [[oldNo, '已注销']]);
  t.deepEqual(saved.body.sections[1].rows.map((r: string[]) => r[1]), ['建筑工程', '市政公用工程']);

  // the documents (as initial, with the continuing-education proof) are required before signing
  const kinds = ['qualification_certificate', 'diploma', 'work_proof', 'employment_contract', 'ce_proof'];
  t.deepEqual(saved.body.requiredDocuments.filter((d: { required: boolean }) => d.required).map((d: { kind: string }) => d.kind).sort(), [...kinds].sort());
  const unsigned = await sign(s, p.c, p.phone, id);
  t.is(unsigned.status, 409);
  t.is(unsigned.body.error.code, 'documents_required');
  t.deepEqual(Object.keys(unsigned.body.error.fields).sort(), [...kinds].sort());
  for (const kind of kinds) t.is((await upload(p.c, `/api/applications/${id}`, kind)).status, 200, kind);

  // Hunan's route and the public notice, as initial (settings publicNotice)
  await completeApplication(s, p.c, p.phone, id);
  const reg = (await p.c.get('/api/registrations')).body[0];
  t.is(reg.status, 'registered');
  t.regex(reg.registrationNo, /^湘23/);
  t.not(reg.registrationNo, oldNo, 'a new registration number (004: 核定注册编号)');
  t.deepEqual(reg.specialties.map((x: { specialty: string }) => x.specialty), ['building', 'municipal']);
  t.deepEqual(reg.history.map((h: { matter: string }) => h.matter), ['initial', 'cancellation', 'reregistration']);
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string; registrationNo: string }) => [c.version, c.status, c.registrationNo]), [[2, 'valid', reg.registrationNo], [1, 'void', oldNo]]);
  t.is((await verify(certs[0])).status, 'valid');
  t.is((await verify(certs[1])).status, 'void');
});

test.serial('replacement filed by the employer: the loss statement is required; the register is unchanged; a new certificate and the old one verifies as superseded', async (t) => {
  const p = await registeredConstructor(s, validForm(), PEOPLE[1].name);
  const before = p.registration;
  const [v1] = (await p.c.get('/api/certificates')).body;
  const op = await operatorClient(s);
  const found = await op.post('/api/enterprise/people/search', { name: PEOPLE[1].name, idNumber: p.idNumber });
  t.is(found.status, 200, JSON.stringify(found.body));
  t.like(found.body.matters.find((m: { type: string }) => m.type === 'replacement'), { available: true });
  t.like(found.body.matters.find((m: { type: string }) => m.type === 'reregistration'), { available: false, code: 'registration_current' });

  const created = await op.post('/api/enterprise/filings', { type: 'replacement', name: PEOPLE[1].name, idNumber: p.idNumber });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const form = { employer: { phone }, cause: 'lost', occurredOn: today(), description: '出差途中遗失纸质打印件及执业印章', declarationAccepted: true };
  const future = await op.put(`/api/enterprise/filings/${id}`, { version: created.body.version, form: { ...form, occurredOn: '2999-01-01' } });
  t.is(future.status, 422);
  t.truthy(future.body.error.fields.occurredOn);
  const saved = await op.put(`/api/enterprise/filings/${id}`, { version: created.body.version, form });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections[0].rows, [[before.registrationNo, '证书遗失', form.occurredOn, form.description]]);
  const noStatement = await op.post(`/api/enterprise/filings/${id}/submissions`);
  t.is(noStatement.status, 409);
  t.is(noStatement.body.error.code, 'documents_required');
  t.deepEqual(Object.keys(noStatement.body.error.fields), ['loss_statement']);
  t.is((await upload(op, `/api/enterprise/filings/${id}`, 'loss_statement')).status, 200);
  t.is((await op.post(`/api/enterprise/filings/${id}/submissions`)).status, 200);

  // the person confirms with their code, the enterprise counter-signs, Hunan's three stages, no notice
  const signed = await sign(s, p.c, p.phone, id);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  s.advance(DAY);
  t.is((await employerSign(s, op, id)).status, 200);
  const reviewer = await reviewerClient(s);
  for (const stage of ['acceptance', 'first_review', 'second_review']) t.is((await reviewer.post(`/api/review/applications/${id}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);
  t.is((await p.c.get(`/api/applications/${id}`)).body.status, 'approved');

  const reg = (await p.c.get('/api/registrations')).body[0];
  t.is(reg.registrationNo, before.registrationNo);
  t.deepEqual(reg.specialties, before.specialties, 'the register is unchanged');
  t.deepEqual(reg.history.map((h: { matter: string }) => h.matter), ['initial', 'replacement']);
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string; matter: string }) => [c.version, c.status, c.matter]), [[2, 'valid', 'replacement'], [1, 'superseded', 'initial']]);
  const old = await verify(v1);
  t.is(old.status, 'superseded');
  t.is(old.certificate, null);
  t.is((await verify(certs[0])).status, 'valid');
});

test('which provinces offer them, and their routes, are settings: Shanghai neither (with its reason); Sichuan replacement 受理 → 审查, then issue', (t) => {
  const ctx = (province: 'shanghai' | 'hunan' | 'sichuan') => ({ today: '2026-12-01', rules: PROVINCE_SETTINGS[province], register: null });
  for (const type of ['reregistration', 'replacement'] as const) {
    const sh = matterAvailability('constructor', type, ctx('shanghai'));
    t.like(sh, { available: false, code: 'application_type_unsupported' });
    t.regex((sh as { reason: string }).reason, /^上海暂不支持办理/);
    t.like(matterAvailability('constructor', type, ctx('hunan')), { available: false, code: type === 'reregistration' ? 'no_previous_registration' : 'registration_required' });
    t.like(matterAvailability('cost_engineer', type, ctx('hunan')), { available: false, code: 'application_type_unsupported' });
  }
  t.deepEqual(provinceRoute(PROVINCE_SETTINGS.sichuan, 'replacement', MATTERS.replacement.route), ['acceptance', 'first_review']);
  t.deepEqual(provinceRoute(PROVINCE_SETTINGS.hunan, 'replacement', MATTERS.replacement.route), ['acceptance', 'first_review', 'second_review']);
  t.deepEqual(provinceRoute(PROVINCE_SETTINGS.sichuan, 'reregistration', MATTERS.reregistration.route), ['acceptance', 'first_review', 'approval']);
});
