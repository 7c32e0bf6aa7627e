/**
 * Every constructor matter of seed 000 through HTTP, each from the register state it needs, with the
 * refusals: the register after each step, the certificate versions (the old one superseded, a fully
 * cancelled registration's void) and pdfsig on the new version.
 */
import test from 'ava';
import { pdfsigReport, pdfText } from './pdf/helpers.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { completeApplication, fileMatter, registeredConstructor, reviewerClient, uploadDocument } from './helpers/flow.js';

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
  t.true(added.registeredOn > after.specialties[0].registeredOn, 'registered on its own approval date');
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

const YEAR = 365 * DAY;
/** A qualification date a year before the server's today: never late, whatever the clock has been moved to. */
const recent = () => new Date(s.now().getTime() - YEAR).toISOString().slice(0, 10);

test.serial('renewal: not before the window, an expired specialty is refused, the validity extends from the current date', async (t) => {
  const p = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-21' }] }), '孙八');
  const early = await p.c.post('/api/applications', { profession: 'constructor', type: 'renewal' });
  t.is(early.status, 409);
  t.is(early.body.error.code, 'renewal_not_open');
  t.regex(early.body.error.message, /届满前 90 日/);
  // a year later, municipal is added: valid three years from then
  s.advance(YEAR);
  const add = await fileMatter(p.c, 'add_specialty', { employer: { phone }, specialties: [{ specialty: 'municipal', issueDate: '2025-03-21' }], continuingEducation: [], declarationAccepted: true });
  t.is(add.saved!.status, 200, JSON.stringify(add.saved!.body));
  await completeApplication(s, p.c, p.phone, add.created.body.id);
  const reg = (await p.c.get('/api/registrations')).body[0];
  const building = reg.specialties.find((x: { specialty: string }) => x.specialty === 'building');
  const municipal = reg.specialties.find((x: { specialty: string }) => x.specialty === 'municipal');
  // past building's date, within 90 days of municipal's
  const now = Date.parse((await p.c.get('/api/registrations')).body[0].history.at(-1).at);
  s.advance(Date.parse(municipal.validUntil) - now - 60 * DAY);
  const matters = (await p.c.get('/api/matters?profession=constructor')).body;
  t.true(matters.find((m: { type: string }) => m.type === 'renewal').available);
  const expired = await fileMatter(p.c, 'renewal', { employer: { phone }, specialties: [{ specialty: 'building', compulsoryHours: 60, electiveHours: 60 }], declarationAccepted: true });
  t.is(expired.saved!.status, 409, JSON.stringify(expired.saved!.body));
  t.is(expired.saved!.body.error.code, 'specialty_expired');
  t.regex(expired.saved!.body.error.fields['specialties.0.specialty'], /初始注册或增项注册/);
  const few = await p.c.put(`/api/applications/${expired.created.body.id}`, { version: expired.created.body.version, form: { employer: { phone }, specialties: [{ specialty: 'municipal', compulsoryHours: 30, electiveHours: 60 }], declarationAccepted: true } });
  t.is(few.status, 422);
  t.truthy(few.body.error.fields['specialties.0.compulsoryHours']);
  const ok = await p.c.put(`/api/applications/${expired.created.body.id}`, { version: expired.created.body.version, form: { employer: { phone }, specialties: [{ specialty: 'municipal', compulsoryHours: 60, electiveHours: 60 }], declarationAccepted: true } });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  await completeApplication(s, p.c, p.phone, ok.body.id);
  const renewed = (await p.c.get('/api/registrations')).body[0];
  const m2 = renewed.specialties.find((x: { specialty: string }) => x.specialty === 'municipal');
  const b2 = renewed.specialties.find((x: { specialty: string }) => x.specialty === 'building');
  t.is(m2.validUntil, `${Number(municipal.validUntil.slice(0, 4)) + 3}${municipal.validUntil.slice(4)}`, 'three years from the current valid-until date');
  t.is(b2.validUntil, building.validUntil, 'the expired specialty is unchanged');
  t.deepEqual(renewed.history.map((h: { matter: string }) => h.matter), ['initial', 'add_specialty', 'renewal']);
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string }) => [c.version, c.status]), [[3, 'valid'], [2, 'superseded'], [1, 'superseded']]);
});

test.serial('cancellation: no authority review; some specialties = a new version, all = the registration ends and its certificates are void', async (t) => {
  const p = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: recent() }, { specialty: 'mining', issueDate: recent() }] }), '周九');
  const unregistered = await fileMatter(p.c, 'cancellation', { employer: { phone }, specialties: ['highway'], reason: 'contract_ended', declarationAccepted: true });
  t.is(unregistered.saved!.status, 409);
  t.is(unregistered.saved!.body.error.code, 'specialty_not_registered');
  const otherWithoutText = await p.c.put(`/api/applications/${unregistered.created.body.id}`, { version: unregistered.created.body.version, form: { employer: { phone }, specialties: ['mining'], reason: 'other', declarationAccepted: true } });
  t.is(otherWithoutText.status, 422);
  t.truthy(otherWithoutText.body.error.fields.reasonText);
  const partial = await p.c.put(`/api/applications/${unregistered.created.body.id}`, { version: unregistered.created.body.version, form: { employer: { phone }, specialties: ['mining'], reason: 'grade_one', declarationAccepted: true } });
  t.is(partial.status, 200, JSON.stringify(partial.body));
  const [v1] = (await p.c.get('/api/certificates')).body;
  const done = await completeApplication(s, p.c, p.phone, partial.body.id);
  t.is(done.status, 'completed', 'completes when the employer signs');
  const app = (await p.c.get(`/api/applications/${partial.body.id}`)).body;
  t.is(app.statusLabel, '已办结');
  t.false(app.history.some((h: { event: string }) => h.event === 'review_passed'));
  const form = await p.c.get(`/api/applications/${partial.body.id}/form.pdf`);
  t.deepEqual((await pdfsigReport(form.bytes)).map((x) => x.valid), [true, true]);
  const formText = await pdfText(form.bytes);
  t.true(formText.includes('注销原因') && formText.includes('考出一级建造师相关专业'), formText.slice(0, 600));
  let reg = (await p.c.get('/api/registrations')).body[0];
  t.is(reg.status, 'registered');
  t.deepEqual(reg.specialties.map((x: { specialty: string; status: string }) => [x.specialty, x.status]), [['building', 'registered'], ['mining', 'cancelled']]);
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string }) => [c.version, c.status]), [[2, 'valid'], [1, 'superseded']]);
  t.deepEqual(certs[0].specialties.map((x: { specialty: string }) => x.specialty), ['building']);
  t.true((await s.sms(p.phone)).some((m) => m.includes('已办结')));

  const all = await fileMatter(p.c, 'cancellation', { employer: { phone }, specialties: ['building'], reason: 'contract_ended', declarationAccepted: true });
  t.is(all.saved!.status, 200, JSON.stringify(all.saved!.body));
  await completeApplication(s, p.c, p.phone, all.created.body.id);
  reg = (await p.c.get('/api/registrations')).body[0];
  t.is(reg.status, 'cancelled');
  t.deepEqual(reg.history.map((h: { matter: string }) => h.matter), ['initial', 'cancellation', 'cancellation']);
  const after = (await p.c.get('/api/certificates')).body;
  t.deepEqual(after.map((c: { version: number; status: string }) => [c.version, c.status]), [[2, 'void'], [1, 'void']]);
  t.is((await verify(tokenOf(after[0]))).status, 'void');
  t.is((await verify(tokenOf(v1))).status, 'void');
  const page = await new Client(s.baseUrl).get(`/v/${tokenOf(after[0])}`);
  t.true(page.body.includes('已作废'));
  // with nothing registered, only initial registration is offered again
  const matters = (await p.c.get('/api/matters?profession=constructor')).body;
  t.deepEqual(matters.filter((m: { available: boolean }) => m.available).map((m: { type: string }) => m.type), ['initial']);
  t.is(matters.find((m: { type: string }) => m.type === 'cancellation').code, 'registration_required');

  // Shanghai's change of employer is this cancellation followed by an initial registration (000 §3.5): a new number
  const again = await fileMatter(p.c, 'initial', validForm({ specialties: [{ specialty: 'building', issueDate: recent() }] }));
  t.is(again.saved!.status, 200, JSON.stringify(again.saved!.body));
  await completeApplication(s, p.c, p.phone, again.created.body.id);
  const reborn = (await p.c.get('/api/registrations')).body;
  t.is(reborn.length, 1, 'still one registration per person and profession');
  t.is(reborn[0].status, 'registered');
  t.not(reborn[0].registrationNo, reg.registrationNo);
  t.deepEqual(reborn[0].history.map((h: { matter: string }) => h.matter), ['initial', 'cancellation', 'cancellation', 'initial']);
  const v3 = (await p.c.get('/api/certificates')).body[0];
  t.deepEqual([v3.version, v3.status, v3.registrationNo], [3, 'valid', reborn[0].registrationNo]);
  t.is((await verify(tokenOf(after[0]))).status, 'void', 'the cancelled registration’s certificate stays void');
});

test.serial('a change of name goes to the authority with evidence and changes the register and the real-name record together', async (t) => {
  const p = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: recent() }] }), '吴十');
  const shanghaiEmployerChange = await fileMatter(p.c, 'change', { kind: 'employer', employer: { name: '上海某某建设有限公司', uscc: '91310115MA1K3YJH5A', phone }, declarationAccepted: true });
  t.is(shanghaiEmployerChange.saved!.status, 409);
  t.is(shanghaiEmployerChange.saved!.body.error.code, 'employer_change_by_cancellation');
  const today = (await p.c.get('/api/registrations')).body[0].history[0].at.slice(0, 10);
  const late = await p.c.put(`/api/applications/${shanghaiEmployerChange.created.body.id}`, {
    version: shanghaiEmployerChange.created.body.version,
    form: { kind: 'details', employer: { phone }, name: '吴拾', changedOn: new Date(Date.parse(today) - 40 * DAY).toISOString().slice(0, 10), declarationAccepted: true },
  });
  t.is(late.status, 422);
  t.is(late.body.error.code, 'change_reported_late');
  const saved = await p.c.put(`/api/applications/${shanghaiEmployerChange.created.body.id}`, {
    version: shanghaiEmployerChange.created.body.version,
    form: { kind: 'details', employer: { phone }, name: '吴拾', changedOn: today, declarationAccepted: true },
  });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections[0].rows[0], ['姓名', '吴十', '吴拾']);
  const noEvidence = await p.c.post(`/api/applications/${saved.body.id}/signatures/sms-code`);
  t.is(noEvidence.status, 409);
  t.is(noEvidence.body.error.code, 'evidence_required');
  const up = await uploadDocument(s, p.c, saved.body.id, 'evidence');
  t.is(up.status, 200, await up.clone().text());
  const refused = await uploadDocument(s, p.c, saved.body.id, 'evidence', Buffer.from('hello'));
  t.is(refused.status, 422);
  t.is((await refused.json()).error.code, 'upload_invalid');
  await completeApplication(s, p.c, p.phone, saved.body.id);
  const me = (await p.c.get('/api/me')).body;
  t.is(me.identity.name, '吴拾');
  const reg = (await p.c.get('/api/registrations')).body[0];
  t.is(reg.holderName, '吴拾');
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { holderName: string; status: string }) => [c.holderName, c.status]), [['吴拾', 'valid'], ['吴十', 'superseded']]);
  // the evidence is visible to the authority, masked data aside, and to no other applicant
  const reviewerView = await reviewerClient(s);
  t.is((await reviewerView.get(`/api/applications/${saved.body.id}/documents/evidence`)).status, 200);
  const stranger = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: recent() }] }), '郑一');
  t.is((await stranger.c.get(`/api/applications/${saved.body.id}/documents/evidence`)).status, 404);
});

test.serial('an ID-number correction moves the register and the real-name record to the new number together', async (t) => {
  const p = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: recent() }] }), '冯二');
  const other = await registeredConstructor(s, validForm({ specialties: [{ specialty: 'building', issueDate: recent() }] }), '陈三');
  const today = new Date(s.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const { created } = await fileMatter(p.c, 'change', null);
  const taken = await p.c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: { kind: 'details', employer: { phone }, idNumber: other.idNumber, changedOn: today, declarationAccepted: true } });
  t.is(taken.status, 409);
  t.is(taken.body.error.code, 'identity_taken');
  const same = await p.c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: { kind: 'details', employer: { phone }, idNumber: p.idNumber, changedOn: today, declarationAccepted: true } });
  t.is(same.status, 422);
  const corrected = `${p.idNumber.slice(0, 14)}${p.idNumber[14] === '9' ? '8' : '9'}${p.idNumber[15]}${p.idNumber[16]}`;
  const { idNumberCheckDigit } = await import('@zhiyetong/shared');
  const newId = corrected + idNumberCheckDigit(corrected);
  const saved = await p.c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form: { kind: 'details', employer: { phone }, idNumber: newId, changedOn: today, declarationAccepted: true } });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.false(JSON.stringify(saved.body).includes(newId), 'the new number is masked in what leaves the server');
  const stored = await s.server.deps.db.selectFrom('applications').select('form').where('id', '=', saved.body.id).executeTakeFirstOrThrow();
  t.false(JSON.stringify(stored.form).includes(newId), 'and kept only encrypted at rest');
  t.is((await uploadDocument(s, p.c, saved.body.id, 'evidence')).status, 200);
  await completeApplication(s, p.c, p.phone, saved.body.id);
  const me = (await p.c.get('/api/me')).body;
  t.is(me.identity.idNumberMasked.slice(-4), newId.slice(-4));
  const regs = (await p.c.get('/api/registrations')).body;
  t.is(regs.length, 1, 'the registration follows the new number');
  t.deepEqual(regs[0].history.map((h: { matter: string }) => h.matter), ['initial', 'change']);
  // nothing to change on the certificate (no ID number on it), so no new version
  t.deepEqual((await p.c.get('/api/certificates')).body.map((c: { version: number; status: string }) => [c.version, c.status]), [[1, 'valid']]);
  // the old number is free and finds nothing
  const dump = await s.server.deps.db.selectFrom('registrations').select('holder_id_number_hash').execute();
  t.false(dump.some((r) => r.holder_id_number_hash.equals(s.server.deps.pii.lookupHash(p.idNumber))));
});
