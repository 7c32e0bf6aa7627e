/**
 * Every constructor matter of seed 000 through HTTP, each from the register state it needs, with the
 * refusals: the register after each step, the certificate versions (the old one superseded, a fully
 * cancelled registration's void) and pdfsig on the new version.
 */
import test from 'ava';
import { pdfsigReport, pdfText } from './pdf/helpers.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { completeApplication, fileMatter, registeredConstructor } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const DAY = 86_400_000;
const phone = '021-55501234';

async function verify(token: string) {
  return (await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body;
}
const tokenOf = (cert: { verifyUrl: string }) => cert.verifyUrl.split('/v/')[1];

test.serial('initial registration creates the register; additional specialty adds to it and supersedes the certificate', async (t) => {
  const p = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-21' }] }), '钱七');
  const reg = p.registration;
  t.is(reg.status, 'registered');
  t.regex(reg.registrationNo, /^沪23\d{10}$/);
  t.is(reg.employer.name, '上海建和工程咨询有限公司');
  t.deepEqual(reg.specialties.map((x: { specialty: string }) => x.specialty), ['building']);
  t.deepEqual(reg.history.map((h: { matter: string }) => h.matter), ['initial']);
  const [v1] = (await p.c.get('/api/certificates')).body;
  t.is(v1.version, 1);
  t.is((await verify(tokenOf(v1))).status, 'valid');

  // initial again is refused: they are registered
  const again = await p.c.post('/api/applications', { profession: 'constructor', type: 'initial' });
  t.is(again.status, 409);
  t.is(again.body.error.code, 'already_registered');

  // additional specialty of a registered one is refused with its own code
  const dup = await fileMatter(p.c, 'add_specialty', { employer: { phone }, specialties: [{ specialty: 'building', issueDate: '2025-03-21' }], continuingEducation: [], declarationAccepted: true });
  t.is(dup.saved!.status, 409, JSON.stringify(dup.saved!.body));
  t.is(dup.saved!.body.error.code, 'specialty_already_registered');
  t.truthy(dup.saved!.body.error.fields['specialties.0.specialty']);
  // two matters in progress in one profession are refused
  const second = await p.c.post('/api/applications', { profession: 'constructor', type: 'cancellation' });
  t.is(second.status, 409);
  t.is(second.body.error.code, 'application_in_progress');

  const add = await p.c.put(`/api/applications/${dup.created.body.id}`, {
    version: dup.saved!.body.error ? dup.created.body.version : dup.saved!.body.version,
    form: { employer: { phone }, specialties: [{ specialty: 'municipal', issueDate: '2024-01-10' }, { specialty: 'highway', issueDate: '2019-05-01' }], continuingEducation: [{ specialty: 'highway', compulsoryHours: 60, electiveHours: 60 }], declarationAccepted: true },
  });
  t.is(add.status, 200, JSON.stringify(add.body));
  t.is(add.body.registration.registrationNo, reg.registrationNo, 'the form shows the current registration');
  t.deepEqual(add.body.sections[0].rows.map((r: string[]) => r[1]), ['市政公用工程', '公路工程']);
  await completeApplication(s, p.c, p.phone, add.body.id);
  const after = (await p.c.get('/api/registrations')).body[0];
  t.deepEqual(after.specialties.map((x: { specialty: string }) => x.specialty), ['building', 'municipal', 'highway']);
  t.deepEqual(after.history.map((h: { matter: string }) => h.matter), ['initial', 'add_specialty']);
  const added = after.specialties.find((x: { specialty: string }) => x.specialty === 'municipal');
  t.is(added.registeredOn, after.history[1].at.slice(0, 10) <= added.registeredOn ? added.registeredOn : added.registeredOn);
  t.true(added.validUntil > after.specialties[0].validUntil, 'the new specialty is valid for three years from its approval');

  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string }) => [c.version, c.status]), [[2, 'valid'], [1, 'superseded']]);
  const old = await verify(tokenOf(v1));
  t.is(old.status, 'superseded');
  t.is(old.certificate, null, 'a replaced version says nothing personal');
  const page = await new Client(s.baseUrl).get(`/v/${tokenOf(v1)}`);
  t.true(page.body.includes('已换发新证书'));
  t.false(page.body.includes('钱七'));
  // the new version: claim, download, valid signature, three specialties
  t.is((await p.c.post(`/api/certificates/${v1.id}/claim`)).body.error.code, 'certificate_superseded');
  t.is((await p.c.post(`/api/certificates/${certs[0].id}/claim`)).status, 200);
  const pdf = await p.c.get(`/api/certificates/${certs[0].id}/certificate.pdf`);
  t.deepEqual((await pdfsigReport(pdf.bytes)).map((x) => x.valid), [true]);
  const text = await pdfText(pdf.bytes);
  for (const name of ['建筑工程', '市政公用工程', '公路工程']) t.true(text.includes(name), name);
});
