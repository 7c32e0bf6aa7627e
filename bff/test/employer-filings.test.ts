/**
 * Filings by the employer (seed 003 §3.2.3) through HTTP: the operator finds a verified person by name and ID
 * number, saves, changes and deletes a draft, files it; the person signs it with their own code, the
 * enterprise counter-signs and the authority reviews it. Cancellation both ways (003 §3.2.3.7): started by the
 * employer, confirmed by the person or refused with the reason recorded; started by the person, refused by the
 * employer. One server for the file.
 */
import test from 'ava';
import { pdfsigReport } from './pdf/helpers.js';
import { login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { employerSign, fileMatter, operatorClient, registeredConstructor, reviewerClient, sign, verifyInPerson } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const phone = '021-55501234';
const cancellationForm = { employer: { phone }, specialties: ['building'], reason: 'contract_ended', declarationAccepted: true };

test.serial('an employer’s initial registration: only for a verified person; the draft is changed and deleted; filed, signed by the person, then the enterprise, and reviewed', async (t) => {
  const op = await operatorClient(s);
  const personPhone = freshPhone();
  const person = await login(s, personPhone);
  const idNumber = makeIdNumber('19880512', '901');
  t.is((await person.put('/api/me/identity', { name: '吴十', idNumber })).status, 200);

  // not verified yet: a clear refusal; a wrong name finds no one
  const unverified = await op.post('/api/enterprise/filings', { type: 'initial', name: '吴十', idNumber });
  t.is(unverified.status, 409);
  t.is(unverified.body.error.code, 'person_unverified');
  const wrongName = await op.post('/api/enterprise/people/search', { name: '吴十一', idNumber });
  t.is(wrongName.status, 404);
  t.is(wrongName.body.error.code, 'person_not_found');

  await verifyInPerson(s, idNumber);
  const found = await op.post('/api/enterprise/people/search', { name: '吴十', idNumber });
  t.is(found.status, 200, JSON.stringify(found.body));
  t.is(found.body.idNumberMasked.includes('*'), true);
  t.deepEqual(found.body.matters.filter((m: { available: boolean }) => m.available).map((m: { type: string }) => m.type), ['initial']);

  // a draft: saved, changed, deleted
  const first = await op.post('/api/enterprise/filings', { type: 'initial', name: '吴十', idNumber });
  t.is(first.status, 201, JSON.stringify(first.body));
  t.is(first.body.status, 'employer_draft');
  t.is(first.body.filedBy, 'employer');
  const saved = await op.put(`/api/enterprise/filings/${first.body.id}`, { version: first.body.version, form: validForm() });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  // the person cannot edit or sign the enterprise's draft
  t.is((await person.put(`/api/applications/${first.body.id}`, { version: saved.body.version, form: validForm() })).body.error.code, 'application_filed_by_employer');
  t.is((await person.post(`/api/applications/${first.body.id}/signatures/sms-code`)).body.error.code, 'application_wrong_status');
  t.is((await op.delete(`/api/enterprise/filings/${first.body.id}`)).status, 204);
  t.is((await op.get(`/api/enterprise/applications/${first.body.id}`)).status, 404);
  t.is((await person.get(`/api/applications/${first.body.id}`)).status, 404);

  const created = await op.post('/api/enterprise/filings', { type: 'initial', name: '吴十', idNumber });
  t.is(created.status, 201);
  const id = created.body.id as string;
  const v1 = await op.put(`/api/enterprise/filings/${id}`, { version: created.body.version, form: validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-21' }] }) });
  const v2 = await op.put(`/api/enterprise/filings/${id}`, { version: v1.body.version, form: validForm({ specialties: [{ specialty: 'municipal', issueDate: '2025-03-21' }] }) });
  t.is(v2.status, 200, JSON.stringify(v2.body));
  t.is(v2.body.form.specialties[0].specialty, 'municipal');
  // the form's employer must be this enterprise
  const other = await op.put(`/api/enterprise/filings/${id}`, { version: v2.body.version, form: validForm({ employer: { name: '上海其他工程有限公司', uscc: '91310000MA1FL0000X', phone } }) });
  t.is(other.status, 422);

  // 上报: the person is notified and sees it awaiting their confirmation
  const smsBefore = (await s.sms(personPhone)).length;
  const filed = await op.post(`/api/enterprise/filings/${id}/submissions`);
  t.is(filed.status, 200, JSON.stringify(filed.body));
  t.is(filed.body.status, 'awaiting_applicant');
  t.regex((await s.sms(personPhone)).slice(smsBefore).join('\n'), /上海建和工程咨询有限公司已为您填报二级建造师初始注册申请（受理编号W\d{13}）/);
  t.is((await op.put(`/api/enterprise/filings/${id}`, { version: v2.body.version, form: validForm() })).body.error.code, 'application_locked');
  t.is((await op.delete(`/api/enterprise/filings/${id}`)).status, 409);
  const mine = (await person.get('/api/applications')).body;
  t.is(mine.length, 1);
  t.like(mine[0], { id, status: 'awaiting_applicant', statusLabel: '待个人确认', filedBy: 'employer' });
  // not yet the enterprise's to sign
  t.is((await op.post(`/api/enterprise/applications/${id}/signatures/sms-code`)).body.error.code, 'application_wrong_status');

  // the person signs with their own code, then the enterprise counter-signs
  const signed = await sign(s, person, personPhone, id);
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.is(signed.body.status, 'awaiting_employer');
  s.advance(86_400_000);
  const confirmed = await employerSign(s, op, id);
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  t.is(confirmed.body.status, 'acceptance');
  const pdf = await person.get(`/api/applications/${id}/form.pdf`);
  const sigs = await pdfsigReport(pdf.bytes);
  t.is(sigs.length, 2);
  t.true(sigs.every((x) => x.valid), sigs.map((x) => x.raw).join('\n'));

  const reviewer = await reviewerClient(s);
  for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${id}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);
  const view = (await person.get(`/api/applications/${id}`)).body;
  t.is(view.status, 'approved');
  t.deepEqual(view.history.map((h: { event: string }) => h.event).slice(0, 6), ['created', 'saved', 'saved', 'filed', 'applicant_signed', 'employer_signed']);
  const [reg] = (await person.get('/api/registrations')).body;
  t.is(reg.status, 'registered');
  t.is(reg.employer.name, '上海建和工程咨询有限公司');
  t.deepEqual(reg.specialties.map((x: { specialty: string }) => x.specialty), ['municipal']);
});

test.serial('cancellation both ways: the employer’s confirmed by the person, another refused by the person with the reason; the person’s refused by the employer', async (t) => {
  const op = await operatorClient(s);
  const a = await registeredConstructor(s, validForm(), '孙八');
  const b = await registeredConstructor(s, validForm(), '周九');

  // started by the employer, confirmed by the person, completed with the enterprise's signature
  const ca = await op.post('/api/enterprise/filings', { type: 'cancellation', name: '孙八', idNumber: a.idNumber });
  t.is(ca.status, 201, JSON.stringify(ca.body));
  t.is((await op.put(`/api/enterprise/filings/${ca.body.id}`, { version: ca.body.version, form: cancellationForm })).status, 200);
  t.is((await op.post(`/api/enterprise/filings/${ca.body.id}/submissions`)).status, 200);
  const aSigned = await sign(s, a.c, a.phone, ca.body.id);
  t.is(aSigned.body.status, 'awaiting_employer', JSON.stringify(aSigned.body));
  s.advance(86_400_000);
  const aDone = await employerSign(s, op, ca.body.id);
  t.is(aDone.body.status, 'completed', JSON.stringify(aDone.body));
  t.is((await a.c.get('/api/registrations')).body[0].status, 'cancelled');

  // started by the employer, refused by the person: the reason is recorded, the matter ends, the enterprise is told
  const cb = await op.post('/api/enterprise/filings', { type: 'cancellation', name: '周九', idNumber: b.idNumber });
  await op.put(`/api/enterprise/filings/${cb.body.id}`, { version: cb.body.version, form: cancellationForm });
  await op.post(`/api/enterprise/filings/${cb.body.id}/submissions`);
  const reason = '本人仍在该企业任职，未解除劳动合同';
  const opSmsBefore = (await s.sms('13800000002')).length;
  const refused = await b.c.post(`/api/applications/${cb.body.id}/refusals`, { reason });
  t.is(refused.status, 200, JSON.stringify(refused.body));
  t.like(refused.body, { status: 'refused', statusLabel: '已拒绝确认', refusalReason: reason, filedBy: 'employer' });
  t.like(refused.body.history.at(-1), { event: 'refused', note: reason, actorRole: 'applicant' });
  t.true((await s.sms('13800000002')).slice(opSmsBefore).some((m) => m.includes('周九拒绝确认') && m.includes(reason)));
  t.is((await b.c.post(`/api/applications/${cb.body.id}/refusals`, { reason })).status, 409, 'refused once');
  t.is((await b.c.post(`/api/applications/${cb.body.id}/signatures/sms-code`)).status, 409, 'a refused filing cannot be signed');
  t.is((await b.c.get('/api/registrations')).body[0].status, 'registered');

  // the matter has ended: the person files their own cancellation, and the employer refuses it with a reason
  const own = await fileMatter(b.c, 'cancellation', cancellationForm);
  t.is(own.created.status, 201, JSON.stringify(own.created.body));
  t.is((await sign(s, b.c, b.phone, own.created.body.id)).body.status, 'awaiting_employer');
  const noReason = await op.post(`/api/enterprise/applications/${own.created.body.id}/refusals`, {});
  t.is(noReason.status, 422);
  const bSmsBefore = (await s.sms(b.phone)).length;
  const employerRefused = await op.post(`/api/enterprise/applications/${own.created.body.id}/refusals`, { reason: '尚有在建项目未完成交接' });
  t.is(employerRefused.status, 200, JSON.stringify(employerRefused.body));
  t.like(employerRefused.body, { status: 'refused', refusalReason: '尚有在建项目未完成交接', filedBy: 'applicant' });
  t.true((await s.sms(b.phone)).slice(bSmsBefore).some((m) => m.includes('被聘用企业拒绝确认') && m.includes('尚有在建项目未完成交接')));
  const bView = (await b.c.get(`/api/applications/${own.created.body.id}`)).body;
  t.like(bView.history.at(-1), { event: 'refused', note: '尚有在建项目未完成交接', actorRole: 'enterprise_operator' });
  t.is((await b.c.get('/api/registrations')).body[0].status, 'registered');

  // another enterprise's person, or a matter on a registration elsewhere, cannot be filed: the renewal here is not open yet
  const renewal = await op.post('/api/enterprise/filings', { type: 'renewal', name: '周九', idNumber: b.idNumber });
  t.is(renewal.status, 409);
  t.is(renewal.body.error.code, 'renewal_not_open');
  const list = (await op.get('/api/enterprise/filings')).body;
  t.deepEqual(list.map((x: { status: string }) => x.status).sort(), ['approved', 'completed', 'refused']);
});
