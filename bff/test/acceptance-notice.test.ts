/**
 * The acceptance notice (行政审批受理通知书, 000 §3.1.2 step 6): produced at acceptance, signed by the authority
 * (pdfsig: valid), showing the acceptance number (pdftotext), downloadable by the applicant and the employer
 * only. Refusals carry a reason from the list plus text, notified to both sides; an application returned for
 * correction is corrected and filed again, keeping its history and acceptance number.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign } from './helpers/flow.js';

const run = promisify(execFile);
let s: TestServer;

test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

async function filed(name: string) {
  const a = await applicantWithDraft(s, validForm(), name);
  const signed = await sign(s, a.c, a.phone, a.id);
  if (signed.status !== 200) throw new Error(JSON.stringify(signed.body));
  const confirmed = await employerSign(s, await operatorClient(s), a.id);
  if (confirmed.status !== 200) throw new Error(JSON.stringify(confirmed.body));
  return a;
}
const decide = async (id: string, body: Record<string, unknown>) => (await reviewerClient(s)).post(`/api/review/applications/${id}/decisions`, body);

test.serial('acceptance produces a notice signed by the authority (pdfsig valid, pdftotext shows the acceptance number), for the applicant and the employer only', async (t) => {
  const a = await filed('周四');
  t.is((await a.c.get(`/api/applications/${a.id}/acceptance-notice.pdf`)).status, 404, 'none before acceptance');
  t.is((await decide(a.id, { stage: 'acceptance', outcome: 'pass' })).status, 200);

  const res = await a.c.get(`/api/applications/${a.id}/acceptance-notice.pdf`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/pdf');
  t.regex(res.headers.get('content-disposition') ?? '', /acceptance|%E8%A1%8C%E6%94%BF/);
  const file = path.join(s.dataDir, 'acceptance-notice.pdf');
  await writeFile(file, res.bytes);
  const sig = await run('pdfsig', [file]).then((r) => r.stdout, (e) => String(e.stdout ?? e));
  t.regex(sig, /Signature is Valid\./);
  t.regex(sig, /上海市住房和城乡建设管理委员会/);
  const text = (await run('pdftotext', ['-layout', file, '-'])).stdout;
  t.true(text.includes(a.acceptanceNo), 'the acceptance number is printed');
  t.regex(text, /行政审批受理通知书/);
  t.regex(text, /予以受理/);
  t.false(text.includes(a.idNumber), 'the ID number only masked');

  t.truthy((await a.c.get(`/api/applications/${a.id}`)).body.acceptanceNotice?.acceptedOn, 'the application view says it exists');
  const op = await operatorClient(s);
  const employer = await op.get(`/api/enterprise/applications/${a.id}/acceptance-notice.pdf`);
  t.is(employer.status, 200);
  t.true(employer.bytes.equals(res.bytes), 'the same signed notice');
  const other = await applicantWithDraft(s, validForm(), '吴五');
  t.is((await other.c.get(`/api/applications/${a.id}/acceptance-notice.pdf`)).status, 404, "someone else's: 404");
});

test.serial('a refusal to accept carries a reason from the list and its text; the applicant and the employer are notified with it', async (t) => {
  const b = await filed('郑六');
  const opBefore = (await s.sms(OPERATOR_PHONE)).length;
  t.is((await decide(b.id, { stage: 'acceptance', outcome: 'fail' })).status, 422, 'a failure needs a reason');
  t.is((await decide(b.id, { stage: 'acceptance', outcome: 'fail', reasonCode: 'nonsense', reason: '原因' })).status, 422);
  const refused = await decide(b.id, { stage: 'acceptance', outcome: 'fail', reasonCode: 'not_competent', reason: '聘用企业注册地不在本市' });
  t.is(refused.status, 200, JSON.stringify(refused.body));
  t.is(refused.body.status, 'not_accepted');
  const view = (await b.c.get(`/api/applications/${b.id}`)).body;
  const failed = view.history.find((h: { event: string }) => h.event === 'review_failed');
  t.is(failed.note, '不属于本机关受理范围：聘用企业注册地不在本市');
  t.is(failed.reasonCode, 'not_competent');
  t.is(view.acceptanceNotice, null, 'not accepted: no acceptance notice');
  const applicantSms = await s.sms(b.phone);
  t.true(applicantSms.some((m) => m.includes('不属于本机关受理范围') && m.includes('聘用企业注册地不在本市')));
  const opSms = (await s.sms(OPERATOR_PHONE)).slice(opBefore);
  t.true(opSms.some((m) => m.includes('郑六') && m.includes('不予受理') && m.includes('聘用企业注册地不在本市')));
  // a reason that cannot be corrected cannot return the application
  const c2 = await filed('冯七');
  t.is((await decide(c2.id, { stage: 'acceptance', outcome: 'fail', reasonCode: 'false_information', reason: '材料造假', correction: true })).status, 422);
});

test.serial('an application returned for correction is corrected and filed again, keeping its history and acceptance number', async (t) => {
  const c = await filed('陈八');
  t.is((await decide(c.id, { stage: 'acceptance', outcome: 'pass' })).status, 200);
  const returned = await decide(c.id, { stage: 'first_review', outcome: 'fail', reasonCode: 'materials_incomplete', reason: '缺少与聘用企业的劳动合同', correction: true });
  t.is(returned.status, 200, JSON.stringify(returned.body));
  t.is(returned.body.status, 'returned');
  let view = (await c.c.get(`/api/applications/${c.id}`)).body;
  t.is(view.returnReason, '申报材料不齐全：缺少与聘用企业的劳动合同');
  t.deepEqual(view.signatures.filter((x: { signedAt?: string | null }) => x.signedAt), [], 'the signatures are void');
  t.true((await s.sms(c.phone)).some((m) => m.includes('缺少与聘用企业的劳动合同')));

  // corrected: saved again, signed again by both, back at acceptance
  const saved = await c.c.put(`/api/applications/${c.id}`, { version: view.version, form: validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-21' }, { specialty: 'municipal', issueDate: '2025-03-21' }] }) });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.is((await sign(s, c.c, c.phone, c.id)).status, 200);
  const confirmed = await employerSign(s, await operatorClient(s), c.id);
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  t.is(confirmed.body.status, 'acceptance');
  t.is((await decide(c.id, { stage: 'acceptance', outcome: 'pass' })).status, 200);

  view = (await c.c.get(`/api/applications/${c.id}`)).body;
  t.is(view.acceptanceNo, c.acceptanceNo, 'the same application and acceptance number');
  const events = view.history.map((h: { event: string }) => h.event);
  t.is(events.filter((e: string) => e === 'applicant_signed').length, 2);
  t.is(events.filter((e: string) => e === 'employer_signed').length, 2);
  t.is(events.filter((e: string) => e === 'acceptance_notice_issued').length, 2);
  t.true(events.includes('returned_for_correction'));
  t.is(view.status, 'first_review');
});
