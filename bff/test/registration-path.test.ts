/**
 * The whole path of one Grade II constructor initial registration through HTTP (seed 000 §3.1, §4), on a
 * real embedded PostgreSQL: login by SMS, real-name data, draft, form, applicant signature, employer
 * counter-signature, four review stages, certificate claim and download, and public verification of the
 * QR code read back from a rendering of the certificate PDF.
 */
import test from 'ava';
import { pdfsigReport, pdfText, decodeQrFromPdf } from './pdf/helpers.js';
import { ENTERPRISE, OPERATOR_PHONE, login, startTestServer, Client, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { reviewerClient, verifyInPerson } from './helpers/flow.js';

let t0: TestServer;
test.before(async () => {
  t0 = await startTestServer({ PUBLIC_BASE_URL: 'https://zyt.example.gov.cn' });
});
test.after.always(async () => {
  await t0?.stop();
});

test('one initial registration from first login to a verified certificate', async (t) => {
  const phone = freshPhone();
  const applicant = await login(t0, phone);
  t.deepEqual((await applicant.get('/api/me')).body.roles, ['applicant']);

  const idNumber = makeIdNumber('19900307', '123');
  const identity = await applicant.put('/api/me/identity', { name: '张建国', idNumber });
  t.is(identity.status, 200, JSON.stringify(identity.body));
  t.like(identity.body, { name: '张建国', gender: 'male', birthDate: '1990-03-07' });
  t.not(identity.body.idNumberMasked, idNumber);
  t.is((await applicant.post('/api/applications', { profession: 'constructor', type: 'initial' })).body.error.code, 'identity_unverified');
  // verified in person here; the camera check has its own test (real-name.test.ts)
  await verifyInPerson(t0, idNumber);

  const lookup = await applicant.get(`/api/enterprises?name=${encodeURIComponent(ENTERPRISE.name)}`);
  t.deepEqual(lookup.body.map((e: { uscc: string }) => e.uscc), [ENTERPRISE.uscc]);

  const created = await applicant.post('/api/applications', { profession: 'constructor', type: 'initial' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  t.regex(created.body.acceptanceNo, /^W\d{8}\d{5}$/);
  t.is(created.body.status, 'draft');

  const saved = await applicant.put(`/api/applications/${id}`, { version: created.body.version, form: validForm() });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.is(saved.body.version, created.body.version + 1);

  const before = (await t0.sms(phone)).length;
  const codeSent = await applicant.post(`/api/applications/${id}/signatures/sms-code`);
  t.is(codeSent.status, 200, JSON.stringify(codeSent.body));
  t.regex(codeSent.body.phoneMasked, /^\d{3}\*{4}\d{4}$/);
  const signingSms = (await t0.sms(phone)).at(-1)!;
  t.true(signingSms.includes('二级建造师初始注册申请表') && signingSms.includes(created.body.acceptanceNo), signingSms);
  const signed = await applicant.post(`/api/applications/${id}/signatures`, { code: await t0.latestCode(phone, before) });
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.is(signed.body.status, 'awaiting_employer');
  t.regex(signed.body.fileName, /^二级建造师初始注册申请表_\d{14}\.pdf$/);

  // the employer's operator was told by SMS
  const operatorSms = await t0.sms(OPERATOR_PHONE);
  t.true(operatorSms.some((m) => m.includes('张建国') && m.includes(created.body.acceptanceNo)));

  const operator = await login(t0, OPERATOR_PHONE);
  const queue = await operator.get('/api/enterprise/applications?status=awaiting');
  t.deepEqual(queue.body.map((a: { id: string }) => a.id), [id]);
  t.not(queue.body[0].idNumberMasked, idNumber);
  const detail = await operator.get(`/api/enterprise/applications/${id}`);
  t.is(detail.status, 200);
  t.notRegex(JSON.stringify(detail.body), new RegExp(idNumber));
  const opBefore = (await t0.sms(OPERATOR_PHONE)).length;
  t.is((await operator.post(`/api/enterprise/applications/${id}/signatures/sms-code`)).status, 200);
  const confirmed = await operator.post(`/api/enterprise/applications/${id}/signatures`, { code: await t0.latestCode(OPERATOR_PHONE, opBefore), opinionAccepted: true });
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  t.is(confirmed.body.status, 'acceptance');

  // both signatures valid in pdfsig, the first kept intact by the incremental update
  const pdf = await applicant.get(`/api/applications/${id}/form.pdf`);
  t.is(pdf.headers.get('content-type'), 'application/pdf');
  const sigs = await pdfsigReport(pdf.bytes);
  t.deepEqual(
    sigs.map((s) => [s.signerCommonName, s.valid]),
    [
      ['张建国', true],
      [ENTERPRISE.name, true],
    ],
  );
  const text = await pdfText(pdf.bytes);
  t.true(text.includes(created.body.acceptanceNo) && text.includes('本人已核对上述内容'), text.slice(0, 400));
  t.false(text.includes(idNumber), 'the form shows the ID number masked');

  const reviewer = await reviewerClient(t0);
  for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) {
    const q = await reviewer.get(`/api/review/applications?stage=${stage}`);
    t.true(q.body.some((a: { id: string }) => a.id === id), stage);
    const d = await reviewer.post(`/api/review/applications/${id}/decisions`, { stage, outcome: 'pass' });
    t.is(d.status, 200, `${stage}: ${JSON.stringify(d.body)}`);
  }
  const final = await applicant.get(`/api/applications/${id}`);
  t.is(final.body.status, 'approved');
  t.is(final.body.statusLabel, '审批通过');
  t.deepEqual(
    final.body.history.map((h: { event: string }) => h.event),
    ['created', 'saved', 'applicant_signed', 'employer_signed', 'review_passed', 'acceptance_notice_issued', 'review_passed', 'review_passed', 'review_passed', 'completed', 'certificate_issued'],
  );
  // the applicant was told at each step
  const applicantSms = await t0.sms(phone);
  t.true(applicantSms.some((m) => m.includes('聘用企业签名确认')));
  t.is(applicantSms.filter((m) => m.includes('：通过')).length, 4);

  const certs = await applicant.get('/api/certificates');
  t.is(certs.body.length, 1);
  const cert = certs.body[0];
  t.regex(cert.registrationNo, /^沪23\d{2}\d{8}$/);
  t.is(cert.claimedAt, null);
  t.is((await applicant.get(`/api/certificates/${cert.id}/certificate.pdf`)).status, 409, 'download needs a claim first');
  const claimed = await applicant.post(`/api/certificates/${cert.id}/claim`);
  t.is(claimed.status, 200);
  t.truthy(claimed.body.claimedAt);
  const certPdf = await applicant.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.is(certPdf.status, 200);
  const certSigs = await pdfsigReport(certPdf.bytes);
  t.deepEqual(certSigs.map((s) => s.valid), [true]);
  const certText = await pdfText(certPdf.bytes);
  for (const s of ['张建国', cert.registrationNo, ENTERPRISE.name, '建筑工程', '上海市住房和城乡建设管理委员会']) t.true(certText.includes(s), s);

  // the QR code, read from a rendering of the PDF, verifies as valid
  const qr = await decodeQrFromPdf(certPdf.bytes);
  t.true(qr.startsWith('https://zyt.example.gov.cn/v/'), qr);
  const token = qr.slice('https://zyt.example.gov.cn/v/'.length);
  const anyone = new Client(t0.baseUrl);
  const verified = await anyone.get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`);
  t.is(verified.body.status, 'valid');
  t.like(verified.body.certificate, { registrationNo: cert.registrationNo, holderName: '张建国', employerName: ENTERPRISE.name, profession: 'constructor' });
  t.is(verified.body.certificate.specialties[0].specialty, 'building');
  const page = await anyone.get(`/v/${token}`);
  t.true(page.body.includes('有效') && page.body.includes(cert.registrationNo));

  // an altered token does not verify
  const altered = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
  t.is((await anyone.get(`/api/public/certificates/verify?token=${encodeURIComponent(altered)}`)).body.status, 'invalid');
  // revoked: the same genuine token then reports revoked
  t.is((await reviewer.post(`/api/review/certificates/${cert.id}/revocations`, { reason: '测试注销' })).status, 204);
  t.is((await anyone.get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body.status, 'revoked');
  t.true((await anyone.get(`/v/${token}`)).body.includes('已注销'));
});
