/**
 * Architects (二级注册建筑师, seed 002) through HTTP: no specialties anywhere (form, register, sections,
 * certificate); a qualification issued outside the province is typed by hand and needs a PDF scan ≤ 2 MB
 * (refused: missing, 3 MB, JPEG bytes named .pdf, encrypted, with JavaScript); late registration's
 * continuing-education proof; the reviewer opens the scan; renewal and cancellation of the whole
 * registration; pdfsig on the form and the certificate, the birth date (pdftotext) and the photo (pdftoppm).
 */
import test from 'ava';
import { A4 } from '../src/pdf/layout.js';
import { CERTIFICATE_LAYOUT } from '../src/pdf/certificate.js';
import { APPLICATION_DOCUMENTS_RETENTION_DAYS, purgeApplicationDocuments } from '../src/domain/document-retention.js';
import { inkRatio, pdfsigReport, pdfText, renderPagePng } from './pdf/helpers.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { completeApplication, reviewerClient, sign, verifyInPerson } from './helpers/flow.js';
import { EMPLOYER, encryptedPdf, fileProfessionMatter, javascriptPdf, jpegBytes, oversizedPdf, realPdf, upload, uploadMissingDocuments, verifiedApplicant } from './helpers/professions.js';

let s: TestServer;
test.before(async () => {
  // architects' registrations run two years: a wide window lets the test renew one made today
  s = await startTestServer({ RENEWAL_WINDOW_DAYS: '800' });
});
test.after.always(async () => {
  await s?.stop();
});

const phone = EMPLOYER.phone;
const elsewhere = {
  employer: EMPLOYER,
  qualification: { issuedIn: 'elsewhere', issueDate: '2018-09-01', certificateNo: 'JZ2018-0451', issuingProvince: '江苏省' },
  continuingEducation: { compulsoryHours: 40, electiveHours: 40 },
  declarationAccepted: true,
};
const rect = (b: { x: number; y: number; width: number; height: number }): [number, number, number, number] => [b.x, b.y, b.x + b.width, b.y + b.height];
let person: Awaited<ReturnType<typeof verifiedApplicant>>;

test.serial('initial registration with an out-of-province qualification: the scan is required and checked; no specialty anywhere', async (t) => {
  person = await verifiedApplicant(s, '吴建筑', '19880304');
  const { c } = person;
  const matters = (await c.get('/api/matters?profession=architect')).body as { type: string; available: boolean; reason?: string }[];
  t.true(matters.find((m) => m.type === 'initial')!.available);
  t.is(matters.find((m) => m.type === 'add_specialty')!.reason, '二级注册建筑师不分专业，无增项注册');
  const professions = (await new Client(s.baseUrl).get('/api/professions')).body;
  t.is(professions.notOffered[0].label, '二级注册结构工程师');
  t.false(professions.offered.find((p: { profession: string }) => p.profession === 'architect').rules.specialties);

  const created = await c.post('/api/applications', { profession: 'architect', type: 'initial' });
  t.is(created.status, 201);
  const id = created.body.id;
  const save = (form: unknown) => c.put(`/api/applications/${id}`, { version: created.body.version, form });
  // typed by hand: the certificate number and the issuing province
  const untyped = await save({ ...elsewhere, qualification: { issuedIn: 'elsewhere', issueDate: '2018-09-01' } });
  t.is(untyped.status, 422);
  t.truthy(untyped.body.error.fields['qualification.certificateNo']);
  t.truthy(untyped.body.error.fields['qualification.issuingProvince']);
  const noHours = await save({ ...elsewhere, continuingEducation: null });
  t.is(noHours.body.error.fields.continuingEducation, '逾期注册须填写继续教育学时');
  const specialties = await save({ ...elsewhere, specialties: [{ specialty: 'civil', issueDate: '2018-09-01' }] });
  t.is(specialties.body.error.fields.specialties, '不支持的字段');
  const saved = await save(elsewhere);
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections.map((x: { title: string }) => x.title), ['资格证书信息', '继续教育情况（逾期注册）']);
  t.false(JSON.stringify(saved.body.sections).includes('专业'), 'no specialty column');
  const required = saved.body.requiredDocuments.filter((d: { required: boolean }) => d.required).map((d: { kind: string }) => d.kind).sort();
  t.deepEqual(required, ['ce_proof', 'diploma', 'employment_contract', 'qualification_certificate', 'qualification_scan', 'work_proof']);

  // everything but the scan: filing is refused for the scan
  await upload(s, c, id, 'ce_proof', await realPdf('ce'));
  for (const kind of ['qualification_certificate', 'diploma', 'work_proof', 'employment_contract']) t.is((await upload(s, c, id, kind, await realPdf(kind))).status, 200, kind);
  const early = await sign(s, c, person.phone, id);
  t.is(early.status, 409);
  t.is(early.body.error.code, 'documents_required');
  t.deepEqual(Object.keys(early.body.error.fields), ['qualification_scan']);

  const big = await upload(s, c, id, 'qualification_scan', oversizedPdf());
  t.is(big.status, 413);
  t.is(big.body.error.code, 'payload_too_large');
  t.regex(big.body.error.message, /仅限 PDF 格式，不超过 2 MB/);
  const fake = await upload(s, c, id, 'qualification_scan', jpegBytes(), 'scan.pdf', 'application/pdf');
  t.is(fake.status, 422);
  t.regex(fake.body.error.message + JSON.stringify(fake.body.error.fields), /不是有效的 PDF/);
  const encrypted = await upload(s, c, id, 'qualification_scan', await encryptedPdf());
  t.is(encrypted.status, 422);
  t.regex(encrypted.body.error.message, /加密/);
  const script = await upload(s, c, id, 'qualification_scan', await javascriptPdf());
  t.is(script.status, 422);
  t.regex(script.body.error.message, /JavaScript/);
  // the old `evidence` kind is not in this matter's list but the ce_proof is PDF-only too
  const ceJpeg = await upload(s, c, id, 'ce_proof', jpegBytes(), 'ce.jpg', 'image/jpeg');
  t.is(ceJpeg.status, 422);
  const scan = await realPdf('JZ2018-0451 scan');
  t.is((await upload(s, c, id, 'qualification_scan', scan)).status, 200);
  await uploadMissingDocuments(s, c, id); // the photo
  await completeApplication(s, c, person.phone, id);

  // the reviewer opens the scan
  const reviewer = await reviewerClient(s);
  const opened = await reviewer.get(`/api/applications/${id}/documents/qualification_scan`);
  t.is(opened.status, 200);
  t.true(Buffer.from(opened.bytes).equals(scan));

  const reg = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'architect');
  t.regex(reg.registrationNo, /^沪22\d{10}$/);
  t.deepEqual(reg.specialties, [], 'no specialty entries in the register view');
  t.regex(reg.validUntil, /^\d{4}-\d{2}-\d{2}$/);

  const form = await c.get(`/api/applications/${id}/form.pdf`);
  t.deepEqual((await pdfsigReport(form.bytes)).map((x) => x.valid), [true, true]);
  const formText = await pdfText(form.bytes);
  for (const w of ['二级注册建筑师初始注册申请表', '资格证书信息', 'JZ2018-0451', '江苏省']) t.true(formText.includes(w), w);
  t.false(formText.includes('注册专业'));

  const [cert] = (await c.get('/api/certificates')).body;
  t.is((await c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
  const pdf = await c.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  const text = await pdfText(pdf.bytes);
  for (const w of ['二级注册建筑师注册证书', '出生日期', '1988年3月4日', '有效期至']) t.true(text.includes(w), w);
  t.false(text.includes('注册专业'), 'no 专业 line');
  t.false(text.includes('个人签名'), 'no signature block for architects');
  const png = await renderPagePng(pdf.bytes, 1, 150);
  const photoInk = inkRatio(png, rect(CERTIFICATE_LAYOUT.photo), A4[1]);
  const signatureInk = inkRatio(png, rect(CERTIFICATE_LAYOUT.signature), A4[1]);
  t.log(`certificate ink: photo box ${photoInk.toFixed(3)}, signature box ${signatureInk.toFixed(3)}`);
  t.true(photoInk > 0.8, `photo ${photoInk}`);
  t.true(signatureInk < 0.01, `nothing in the signature box ${signatureInk}`);
});

test.serial('renewal of the whole registration, then cancellation: the certificate is void', async (t) => {
  const { c } = person;
  const before = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'architect');
  const low = await fileProfessionMatter(c, 'architect', 'renewal', { employer: { phone }, continuingEducation: { compulsoryHours: 10, electiveHours: 40 }, declarationAccepted: true });
  t.is(low.saved.status, 422);
  t.is(low.saved.body.error.fields['continuingEducation.compulsoryHours'], '必修课不少于 40 学时');
  const ok = await c.put(`/api/applications/${low.created.body.id}`, { version: low.created.body.version, form: { employer: { phone }, continuingEducation: { compulsoryHours: 40, electiveHours: 40 }, declarationAccepted: true } });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.false(JSON.stringify(ok.body.sections).includes('专业'));
  t.deepEqual(ok.body.registration.specialties, []);
  await uploadMissingDocuments(s, c, low.created.body.id);
  await completeApplication(s, c, person.phone, low.created.body.id);
  const renewed = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'architect');
  t.is(Number(renewed.validUntil.slice(0, 4)), Number(before.validUntil.slice(0, 4)) + 2);

  const cancel = await fileProfessionMatter(c, 'architect', 'cancellation', { employer: { phone }, reason: 'contract_ended', declarationAccepted: true });
  t.is(cancel.saved.status, 200, JSON.stringify(cancel.saved.body));
  t.deepEqual(cancel.saved.body.sections[0].columns, ['注册号', '有效期至']);
  const done = await completeApplication(s, c, person.phone, cancel.created.body.id);
  t.is(done.status, 'completed');
  const after = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'architect');
  t.is(after.status, 'cancelled');
  const certs = (await c.get('/api/certificates')).body.filter((x: { profession: string }) => x.profession === 'architect');
  t.true(certs.every((x: { status: string }) => x.status === 'void'), JSON.stringify(certs.map((x: { status: string }) => x.status)));
});

test.serial('paper exchange for an architect: a registration loaded from the paper register (注册专业 empty) gets its electronic certificate', async (t) => {
  const idNumber = makeIdNumber('19790825', '613');
  const reviewer = await reviewerClient(s);
  const csv = '\ufeff' + [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'], ['沪221161800058', '郑纸证', idNumber, EMPLOYER.name, EMPLOYER.uscc, '', '2025-06-14', '2027-06-13']].map((r) => r.join(',')).join('\n');
  const body = new FormData();
  body.append('file', new Blob([csv], { type: 'text/csv' }), 'paper.csv');
  const imported = await fetch(`${s.baseUrl}/api/review/registrations/imports?profession=architect`, { method: 'POST', body, headers: { authorization: `Bearer ${reviewer.token}` } });
  const report = (await imported.json()) as any;
  t.is(imported.status, 200, JSON.stringify(report));
  t.is(report.registrationsImported, 1, JSON.stringify(report.rows));
  const phoneNo = freshPhone();
  const c = await login(s, phoneNo);
  t.is((await c.put('/api/me/identity', { name: '郑纸证', idNumber })).status, 200);
  await verifyInPerson(s, idNumber);
  const { created, saved } = await fileProfessionMatter(c, 'architect', 'paper_exchange', { detailsConfirmed: true });
  t.is(saved.status, 200, JSON.stringify(saved?.body ?? created.body));
  t.deepEqual(saved.body.sections[0].columns, ['注册号', '有效期至']);
  await uploadMissingDocuments(s, c, created.body.id);
  const done = await completeApplication(s, c, phoneNo, created.body.id);
  t.is(done.status, 'completed');
  const [cert] = (await c.get('/api/certificates')).body;
  t.is(cert.registrationNo, '沪221161800058');
  await c.post(`/api/certificates/${cert.id}/claim`);
  const pdf = await c.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  const text = await pdfText(pdf.bytes);
  t.true(text.includes('有效期至') && text.includes('1979年8月25日'));
  t.false(text.includes('注册专业'));
  // the page anyone sees when scanning it: 有效期至, no 注册专业 row
  const page = await (await fetch(`${s.baseUrl}/v/${encodeURIComponent(cert.verifyUrl.split('/v/')[1])}`)).text();
  t.true(page.includes('有效期至'), page.slice(0, 300));
  t.false(page.includes('注册专业'));
});

test.serial('per-application limit: six files of 2 MB fill the 12 MB, a seventh is refused', async (t) => {
  const a = await verifiedApplicant(s, '冯材料', '19900101');
  const { created } = await fileProfessionMatter(a.c, 'architect', 'initial', elsewhere);
  const full = Buffer.concat([jpegBytes().subarray(0, 6), Buffer.alloc(2 * 1024 * 1024 - 6, 0x11)]);
  for (const kind of ['qualification_certificate', 'diploma', 'work_proof', 'employment_contract', 'contract_ended', 'evidence']) {
    const r = await upload(s, a.c, created.body.id, kind, full, `${kind}.jpg`, 'image/jpeg');
    t.is(r.status, 200, `${kind} ${JSON.stringify(r.body)}`);
  }
  const seventh = await upload(s, a.c, created.body.id, 'ce_proof', await realPdf('ce'));
  t.is(seventh.status, 413);
  t.is(seventh.body.error.code, 'documents_too_large');
  // replacing a file counts the new one instead of the old
  t.is((await upload(s, a.c, created.body.id, 'diploma', await realPdf('diploma'))).status, 200);
  t.is((await upload(s, a.c, created.body.id, 'ce_proof', await realPdf('ce'))).status, 200);
});

test.serial('retention: the files are deleted three years after the matter ended (purgeApplicationDocuments), the register keeps its photo', async (t) => {
  const { c } = person;
  const apps = (await c.get('/api/applications')).body as { id: string; type: string }[];
  const initial = apps.find((a) => a.type === 'initial')!;
  t.is(await purgeApplicationDocuments(s.server.deps), 0, 'nothing due yet');
  s.advance((APPLICATION_DOCUMENTS_RETENTION_DAYS + 2) * 86_400_000);
  const purged = await purgeApplicationDocuments(s.server.deps);
  t.log(`purged ${purged} files`);
  t.true(purged >= 8, `purged ${purged}`);
  t.is(await purgeApplicationDocuments(s.server.deps), 0, 'idempotent');
  const view = (await c.get(`/api/applications/${initial.id}`)).body;
  t.deepEqual(view.documents, []);
  const reviewer = await reviewerClient(s);
  t.is((await reviewer.get(`/api/applications/${initial.id}/documents/qualification_scan`)).status, 404);
});
