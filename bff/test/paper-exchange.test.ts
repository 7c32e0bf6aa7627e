/**
 * 纸质证书换领电子证书 (000 §5) end to end through HTTP: the authority imports a paper registration; its
 * holder logs in, enters the real-name data, is verified in person, sees the exchange offered, confirms the
 * details, uploads a photo (signing before is refused), signs, and the matter completes: the register now
 * has an electronic certificate, version 1 to claim, signed (pdfsig), with the photo in it (pdfimages).
 * A second exchange and an exchange without an imported registration are refused.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import test from 'ava';
import { PNG } from 'pngjs';
import { pdfImages, pdfsigReport, pdfText } from './pdf/helpers.js';
import { Client, ENTERPRISE, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { reviewerClient, sign, verifyInPerson } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

// a real photo from the shared face data (read, never copied into the repository); a drawn PNG without it
const PHOTO = new URL('../../../shared/data/faces/photos/stock/person-tasia.jpg', import.meta.url);
async function photo(): Promise<{ bytes: Buffer; type: string }> {
  if (existsSync(PHOTO)) return { bytes: await readFile(PHOTO), type: 'image/jpeg' };
  const png = new PNG({ width: 240, height: 320 });
  png.data.fill(200);
  return { bytes: PNG.sync.write(png), type: 'image/png' };
}

async function importCsv(rows: string[][]) {
  const reviewer = await reviewerClient(s);
  const text = '\ufeff' + [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'], ...rows].map((r) => r.join(',')).join('\n');
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/csv' }), 'paper.csv');
  const res = await fetch(`${s.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${reviewer.token}` } });
  return { status: res.status, body: await res.json() };
}

async function uploadPhoto(c: Client, appId: string, p: { bytes: Buffer; type: string }) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(p.bytes)], { type: p.type }), 'photo');
  const res = await fetch(`${s.baseUrl}/api/applications/${appId}/documents/photo`, { method: 'PUT', body: form, headers: { authorization: `Bearer ${c.token}` } });
  return { status: res.status, body: await res.json() };
}

/** A logged-in person with real-name data, verified in person at the authority. */
async function verifiedPerson(name: string, idNumber: string) {
  const phone = freshPhone();
  const c = await login(s, phone);
  const identity = await c.put('/api/me/identity', { name, idNumber });
  if (identity.status !== 200) throw new Error(JSON.stringify(identity.body));
  await verifyInPerson(s, idNumber);
  return { c, phone };
}

const available = async (c: Client, type: string) => (await c.get('/api/matters?profession=constructor')).body.find((m: { type: string }) => m.type === type);

test.serial('a paper registration is exchanged for an electronic certificate with the photo on it', async (t) => {
  const idNumber = makeIdNumber('19760520', '017');
  const imported = await importCsv([
    ['沪231161800057', '林海', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2018-06-14', '2027-06-13'],
    ['沪231161800057', '林海', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '公路工程', '2018-06-14', '2027-06-13'],
  ]);
  t.is(imported.status, 200);
  t.like(imported.body, { imported: 2, refused: 0 });

  const { c, phone } = await verifiedPerson('林海', idNumber);
  const [before] = (await c.get('/api/registrations')).body;
  t.like(before, { registrationNo: '沪231161800057', hasElectronicCertificate: false });
  t.like(await available(c, 'paper_exchange'), { available: true });
  t.like(await available(c, 'initial'), { available: false, code: 'already_registered' });
  t.deepEqual((await c.get('/api/certificates')).body, []);

  const created = await c.post('/api/applications', { profession: 'constructor', type: 'paper_exchange' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const refused = await c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: { detailsConfirmed: false } });
  t.is(refused.status, 422);
  const saved = await c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: { detailsConfirmed: true } });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.is(saved.body.registration.registrationNo, '沪231161800057', 'the form shows the registration to confirm');
  t.deepEqual(saved.body.sections[0].rows, [['建筑工程', '2027-06-13'], ['公路工程', '2027-06-13']]);

  // the photo first (000 §5 step 3)
  const early = await sign(s, c, phone, created.body.id);
  t.is(early.status, 409);
  t.is(early.body.error.code, 'photo_required');
  // a JPEG's magic bytes with a broken body is refused at upload (it could not be printed on the certificate)
  const broken = await uploadPhoto(c, created.body.id, { bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 4]), type: 'image/jpeg' });
  t.is(broken.status, 422);
  t.is(broken.body.error.code, 'upload_invalid');
  const p = await photo();
  const uploaded = await uploadPhoto(c, created.body.id, p);
  t.is(uploaded.status, 200, JSON.stringify(uploaded.body));

  const signed = await sign(s, c, phone, created.body.id);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.is(signed.body.status, 'completed', 'the holder alone signs; no employer, no authority route');

  const [after] = (await c.get('/api/registrations')).body;
  t.like(after, { registrationNo: '沪231161800057', hasElectronicCertificate: true, status: 'registered' });
  t.deepEqual(after.history.map((h: { matter: string }) => h.matter), ['import', 'paper_exchange']);
  t.deepEqual(after.specialties.map((x: { specialty: string; validUntil: string }) => [x.specialty, x.validUntil]), [['building', '2027-06-13'], ['highway', '2027-06-13']], 'the validity is the paper registration\'s');

  // the signed form carries the photo too
  const formPdf = await c.get(`/api/applications/${created.body.id}/form.pdf`);
  t.deepEqual((await pdfsigReport(formPdf.bytes)).map((x) => x.valid), [true]);
  t.is((await pdfImages(formPdf.bytes)).length, 1);

  const certs = (await c.get('/api/certificates')).body;
  t.is(certs.length, 1);
  t.like(certs[0], { version: 1, matter: 'paper_exchange', registrationNo: '沪231161800057', status: 'valid', claimedAt: null, holderName: '林海', employerName: ENTERPRISE.name });
  t.is((await c.get(`/api/certificates/${certs[0].id}/certificate.pdf`)).body.error.code, 'certificate_not_claimed');
  t.is((await c.post(`/api/certificates/${certs[0].id}/claim`)).status, 200);
  const pdf = await c.get(`/api/certificates/${certs[0].id}/certificate.pdf`);
  t.is(pdf.status, 200);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  const images = await pdfImages(pdf.bytes);
  t.is(images.length, 1, 'the photo is in the certificate');
  t.is(images[0].encoding, p.type === 'image/jpeg' ? 'jpeg' : 'image');
  const text = (await pdfText(pdf.bytes)).replace(/\s+/g, '');
  for (const x of ['林海', '沪231161800057', '建筑工程（有效期至2027年6月13日）', '公路工程（有效期至2027年6月13日）']) t.true(text.includes(x), x);
  t.log(`photo ${p.bytes.length} B (${p.type}); certificate PDF ${pdf.bytes.length} B; signed form ${formPdf.bytes.length} B`);
  const verified = await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(certs[0].verifyUrl.split('/v/')[1])}`);
  t.is(verified.body.status, 'valid');

  // a second exchange is refused
  t.like(await available(c, 'paper_exchange'), { available: false, code: 'already_exchanged' });
  const again = await c.post('/api/applications', { profession: 'constructor', type: 'paper_exchange' });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'already_exchanged');
});

test.serial('someone without an imported registration cannot exchange', async (t) => {
  const { c } = await verifiedPerson('柳青', makeIdNumber('19810808', '029'));
  t.like(await available(c, 'paper_exchange'), { available: false, code: 'paper_registration_not_found' });
  const res = await c.post('/api/applications', { profession: 'constructor', type: 'paper_exchange' });
  t.is(res.status, 409);
  t.is(res.body.error.code, 'paper_registration_not_found');
  t.is(res.body.error.message, '未找到您的纸质证书注册记录，请联系注册机构核实');
});
