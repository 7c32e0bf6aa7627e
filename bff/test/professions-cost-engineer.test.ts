/**
 * Cost engineers (二级造价工程师, seed 001) through HTTP: initial registration (one specialty, 资格取得所在地,
 * continuing education with training date and institution, the signature image and the evidence documents),
 * additional specialty (refused with two), renewal (refused without a training date), cancellation; pdfsig on
 * the form and the certificate; the certificate's birth date (pdftotext), photo and signature image (pdftoppm).
 */
import test from 'ava';
import { A4 } from '../src/pdf/layout.js';
import { CERTIFICATE_LAYOUT } from '../src/pdf/certificate.js';
import { inkRatio, pdfsigReport, pdfText, renderPagePng } from './pdf/helpers.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeApplication, sign } from './helpers/flow.js';
import { EMPLOYER, fileProfessionMatter, jpegBytes, registeredProfessional, signaturePng, upload, uploadMissingDocuments, verifiedApplicant } from './helpers/professions.js';

let s: TestServer;
test.before(async () => {
  // cost engineers' registrations run four years: a wide window lets the test renew one made today
  s = await startTestServer({ RENEWAL_WINDOW_DAYS: '1500' });
});
test.after.always(async () => {
  await s?.stop();
});

const phone = EMPLOYER.phone;
const lateCivil = {
  employer: EMPLOYER,
  specialties: [{ specialty: 'civil', issueDate: '2019-05-01', obtainedIn: '上海市' }],
  continuingEducation: [{ specialty: 'civil', compulsoryHours: 60, electiveHours: 60, trainingDate: '2026-10-10', trainingInstitution: '上海市建设工程咨询行业协会' }],
  declarationAccepted: true,
};
const rect = (b: { x: number; y: number; width: number; height: number }): [number, number, number, number] => [b.x, b.y, b.x + b.width, b.y + b.height];

let person: Awaited<ReturnType<typeof verifiedApplicant>>;

test.serial('initial registration: one specialty with 资格取得所在地, training date and institution, signature image and documents; form and certificate PDFs', async (t) => {
  person = await verifiedApplicant(s, '孙造价', '19850612');
  const { c } = person;
  const matters = (await c.get('/api/matters?profession=cost_engineer')).body as { type: string; available: boolean; reason?: string }[];
  t.true(matters.find((m) => m.type === 'initial')!.available);
  t.regex(matters.find((m) => m.type === 'change')!.reason!, /注销注册/);
  t.false(matters.find((m) => m.type === 'paper_exchange')!.available);

  const created = await c.post('/api/applications', { profession: 'cost_engineer', type: 'initial' });
  t.is(created.status, 201);
  const id = created.body.id;
  const save = (form: unknown, version = created.body.version) => c.put(`/api/applications/${id}`, { version, form });
  // two specialties in one application: refused (001: one per application)
  const two = await save({ ...lateCivil, specialties: [...lateCivil.specialties, { specialty: 'installation', issueDate: '2025-01-01', obtainedIn: '上海市' }] });
  t.is(two.status, 422);
  t.is(two.body.error.fields.specialties, '每次申请只能选择一个专业');
  const noPlace = await save({ ...lateCivil, specialties: [{ specialty: 'civil', issueDate: '2019-05-01' }] });
  t.is(noPlace.body.error.fields['specialties.0.obtainedIn'], '请填写资格取得所在地');
  const noTraining = await save({ ...lateCivil, continuingEducation: [{ specialty: 'civil', compulsoryHours: 60, electiveHours: 60 }] });
  t.is(noTraining.body.error.fields['continuingEducation.0.trainingDate'], '请填写培训日期');
  t.is(noTraining.body.error.fields['continuingEducation.0.trainingInstitution'], '请填写培训机构');
  const saved = await save(lateCivil);
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections[0].columns, ['序号', '注册专业', '资格取得所在地', '日期类型', '日期']);
  t.deepEqual(saved.body.sections[1].rows[0], ['土木建筑工程', '60', '60', '2026-10-10', '上海市建设工程咨询行业协会']);
  const required = (saved.body.requiredDocuments as { kind: string; required: boolean; state: string }[]).filter((d) => d.required).map((d) => d.kind);
  t.deepEqual(required.sort(), ['ce_proof', 'diploma', 'employment_contract', 'qualification_certificate', 'signature', 'work_proof']);

  // filing (signing) is refused while a document is missing
  const early = await sign(s, c, person.phone, id);
  t.is(early.status, 409);
  t.is(early.body.error.code, 'documents_required');
  t.truthy(early.body.error.fields.signature);

  // the signature image: PNG only, on a transparent or white background
  const jpeg = await upload(s, c, id, 'signature', jpegBytes(), 'signature.png', 'image/png');
  t.is(jpeg.status, 422);
  t.is(jpeg.body.error.code, 'upload_invalid');
  const blue = await upload(s, c, id, 'signature', signaturePng([30, 60, 200, 255]), 'signature.png', 'image/png');
  t.is(blue.status, 422);
  t.regex(blue.body.error.message, /背景应为透明或白色/);
  const tiny = await upload(s, c, id, 'signature', signaturePng([0, 0, 0, 0], 60, 30), 'signature.png', 'image/png');
  t.regex(tiny.body.error.message, /尺寸/);
  t.deepEqual((await uploadMissingDocuments(s, c, id)).sort(), ['ce_proof', 'diploma', 'employment_contract', 'photo', 'qualification_certificate', 'signature', 'work_proof']);
  const view = (await c.get(`/api/applications/${id}`)).body;
  t.true(view.requiredDocuments.every((d: { state: string }) => d.state === 'uploaded'));

  await completeApplication(s, c, person.phone, id);
  const reg = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'cost_engineer');
  t.regex(reg.registrationNo, /^沪25\d{10}$/);
  t.deepEqual(reg.specialties.map((x: { specialty: string }) => x.specialty), ['civil']);

  const form = await c.get(`/api/applications/${id}/form.pdf`);
  t.deepEqual((await pdfsigReport(form.bytes)).map((x) => x.valid), [true, true]);
  const formText = await pdfText(form.bytes);
  for (const w of ['二级造价工程师初始注册申请表', '资格取得所在地', '上海市', '培训机构', '上海市建设工程咨询行业协会', '注册证书个人签名样式']) t.true(formText.includes(w), w);

  const [cert] = (await c.get('/api/certificates')).body;
  t.is((await c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
  const pdf = await c.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.is(pdf.status, 200);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  const text = await pdfText(pdf.bytes);
  for (const w of ['二级造价工程师注册证书', '出生日期', '1985年6月12日', '土木建筑工程', '个人签名', '签名日期']) t.true(text.includes(w), w);
  const png = await renderPagePng(pdf.bytes, 1, 150);
  const photoInk = inkRatio(png, rect(CERTIFICATE_LAYOUT.photo), A4[1]);
  const signatureInk = inkRatio(png, rect(CERTIFICATE_LAYOUT.signature), A4[1]);
  t.log(`certificate ink: photo box ${photoInk.toFixed(3)}, signature box ${signatureInk.toFixed(3)}`);
  t.true(photoInk > 0.8, `photo ${photoInk}`);
  t.true(signatureInk > 0.03 && signatureInk < 0.6, `signature ${signatureInk}`);
});

test.serial('additional specialty: two specialties refused, the registered one refused, installation added', async (t) => {
  const { c } = person;
  const addForm = (specialties: unknown[]) => ({ employer: { phone }, specialties, continuingEducation: [], declarationAccepted: true });
  const { created, saved } = await fileProfessionMatter(c, 'cost_engineer', 'add_specialty', addForm([
    { specialty: 'installation', issueDate: '2025-01-01', obtainedIn: '上海市' },
    { specialty: 'civil', issueDate: '2025-01-01', obtainedIn: '上海市' },
  ]));
  t.is(created.status, 201);
  // (civil is registered too: the code is specialty_already_registered, with both messages)
  t.is(saved.body.error.fields.specialties, '每次申请只能选择一个专业');
  const id = created.body.id;
  const dup = await c.put(`/api/applications/${id}`, { version: created.body.version, form: addForm([{ specialty: 'civil', issueDate: '2025-01-01', obtainedIn: '上海市' }]) });
  t.is(dup.body.error.code, 'specialty_already_registered');
  const ok = await c.put(`/api/applications/${id}`, { version: created.body.version, form: addForm([{ specialty: 'installation', issueDate: '2025-01-01', obtainedIn: '浙江省' }]) });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  // the signature image is optional here: the registration keeps its own
  t.false(ok.body.requiredDocuments.find((d: { kind: string }) => d.kind === 'signature').required);
  await uploadMissingDocuments(s, c, id);
  await completeApplication(s, c, person.phone, id);
  const reg = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'cost_engineer');
  t.deepEqual(reg.specialties.map((x: { specialty: string }) => x.specialty), ['civil', 'installation']);
  const certs = (await c.get('/api/certificates')).body.filter((x: { profession: string }) => x.profession === 'cost_engineer');
  const v2 = certs.find((x: { version: number }) => x.version === 2);
  t.truthy(v2);
  await c.post(`/api/certificates/${v2.id}/claim`);
  const text = await pdfText((await c.get(`/api/certificates/${v2.id}/certificate.pdf`)).bytes);
  t.true(text.includes('安装工程') && text.includes('签名日期'), 'v2 keeps the signature image');
});

test.serial('renewal: refused without the training date per specialty, then renewed for four years', async (t) => {
  const { c } = person;
  const before = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'cost_engineer');
  const civil = before.specialties.find((x: { specialty: string }) => x.specialty === 'civil');
  const { created, saved } = await fileProfessionMatter(c, 'cost_engineer', 'renewal', { employer: { phone }, specialties: [{ specialty: 'civil', compulsoryHours: 60, electiveHours: 60, trainingInstitution: '上海市建设工程咨询行业协会' }], declarationAccepted: true });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.is(saved.status, 422);
  t.is(saved.body.error.code, 'validation_failed');
  t.is(saved.body.error.fields['specialties.0.trainingDate'], '请填写培训日期');
  const ok = await c.put(`/api/applications/${created.body.id}`, {
    version: created.body.version,
    form: { employer: { phone }, specialties: [{ specialty: 'civil', compulsoryHours: 60, electiveHours: 60, trainingDate: '2026-11-20', trainingInstitution: '上海市建设工程咨询行业协会' }], declarationAccepted: true },
  });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.deepEqual(ok.body.sections[0].columns, ['专业', '必修课学时', '选修课学时', '培训日期', '培训机构']);
  await uploadMissingDocuments(s, c, created.body.id);
  await completeApplication(s, c, person.phone, created.body.id);
  const after = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'cost_engineer');
  const renewed = after.specialties.find((x: { specialty: string }) => x.specialty === 'civil');
  t.is(Number(renewed.validUntil.slice(0, 4)), Number(civil.validUntil.slice(0, 4)) + 4);
});

test.serial('cancellation of one specialty completes with the employer signature; a new certificate without it', async (t) => {
  const { c } = person;
  const { created, saved } = await fileProfessionMatter(c, 'cost_engineer', 'cancellation', { employer: { phone }, specialties: ['installation'], reason: 'contract_ended', declarationAccepted: true });
  t.is(saved.status, 200, JSON.stringify(saved?.body ?? created.body));
  const done = await completeApplication(s, c, person.phone, created.body.id);
  t.is(done.status, 'completed');
  const reg = (await c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === 'cost_engineer');
  t.is(reg.status, 'registered');
  t.deepEqual(reg.specialties.map((x: { specialty: string; status: string }) => `${x.specialty}:${x.status}`), ['civil:registered', 'installation:cancelled']);
  // another person, not late: no continuing education and no ce_proof needed
  const other = await registeredProfessional(s, 'cost_engineer', { employer: EMPLOYER, specialties: [{ specialty: 'installation', issueDate: '2025-06-01', obtainedIn: '江苏省' }], continuingEducation: [], declarationAccepted: true }, '周安装', '19920101');
  t.deepEqual(other.registration.specialties.map((x: { specialty: string }) => x.specialty), ['installation']);
});
