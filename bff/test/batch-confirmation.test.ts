/**
 * Batch confirmation (issue 10) through HTTP: the operator confirms five applications with one SMS code; one
 * changed after the list was shown and is left out and reported; the four others each get their own
 * incremental employer signature (pdfsig); the code is bound to exactly the set; the batch counts as one code
 * against the ten a day. One server for the file.
 */
import test from 'ava';
import { pdfsigReport } from './pdf/helpers.js';
import { OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { applicantWithDraft, operatorClient, sign } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const DAY = 86_400_000;

test.serial('five applications with one code: one changed meanwhile is left out and reported, four signed each with its own signature; the code is bound to the set and counts once', async (t) => {
  const op = await operatorClient(s);
  const people: Awaited<ReturnType<typeof applicantWithDraft>>[] = [];
  for (const name of ['郑一', '郑二', '郑三', '郑四', '郑五']) {
    const p = await applicantWithDraft(s, validForm(), name);
    const signed = await sign(s, p.c, p.phone, p.id);
    if (signed.status !== 200) throw new Error(JSON.stringify(signed.body));
    people.push(p);
  }
  // a new Shanghai day, at 09:00 there: the operator has used no code today, and the ten codes below (about
  // 10 minutes of the test's clock) never cross midnight, which would start a new day's count
  const HOUR = 3_600_000;
  const nowMs = s.now().getTime();
  const nextShanghaiMidnight = (Math.floor((nowMs + 8 * HOUR) / DAY) + 1) * DAY - 8 * HOUR;
  s.advance(nextShanghaiMidnight + 9 * HOUR - nowMs);
  const listed = (await op.get('/api/enterprise/applications?status=awaiting')).body as { id: string; updatedAt: string; acceptanceNo: string }[];
  const shown = people.map((p) => listed.find((x) => x.id === p.id)!);
  t.is(shown.filter(Boolean).length, 5);
  const items = shown.map((x) => ({ id: x.id, updatedAt: x.updatedAt }));

  // a list that is already out of date gets no code
  const stale = await op.post('/api/enterprise/batch-signatures/sms-code', { items: [{ ...items[0], updatedAt: new Date(Date.parse(items[0].updatedAt) - 1000).toISOString() }, ...items.slice(1)] });
  t.is(stale.status, 409);
  t.is(stale.body.error.code, 'batch_items_changed');
  t.truthy(stale.body.error.fields['items.0']);

  const before = (await s.sms(OPERATOR_PHONE)).length;
  const sent = await op.post('/api/enterprise/batch-signatures/sms-code', { items });
  t.is(sent.status, 200, JSON.stringify(sent.body));
  t.is(sent.body.count, 5);
  const text = (await s.sms(OPERATOR_PHONE)).slice(before).join('\n');
  t.true(text.includes('您正在批量签署5份申请'), text);
  for (const x of shown) t.true(text.includes(x.acceptanceNo), x.acceptanceNo);
  const code = await s.latestCode(OPERATOR_PHONE, before);

  // meanwhile the third applicant changes the form and signs again: still awaiting, but not as shown
  const third = people[2];
  const resaved = await third.c.put(`/api/applications/${third.id}`, { version: third.version, form: validForm({ specialties: [{ specialty: 'municipal', issueDate: '2025-03-21' }] }) });
  t.is(resaved.status, 200, JSON.stringify(resaved.body));
  t.is((await sign(s, third.c, third.phone, third.id)).body.status, 'awaiting_employer');

  // the code confirms exactly the set it was sent for
  const otherSet = await op.post('/api/enterprise/batch-signatures', { items: items.slice(0, 4), code, opinionAccepted: true });
  t.is(otherSet.status, 400);
  t.is(otherSet.body.error.code, 'batch_set_mismatch');

  const started = performance.now();
  const done = await op.post('/api/enterprise/batch-signatures', { items, code, opinionAccepted: true });
  t.log(`batch of 5 (4 signed, 1 left out) answered in ${Math.round(performance.now() - started)} ms`);
  t.is(done.status, 200, JSON.stringify(done.body));
  t.deepEqual(done.body.signed.map((x: { id: string }) => x.id), [0, 1, 3, 4].map((i) => people[i].id));
  t.true(done.body.signed.every((x: { status: string }) => x.status === 'acceptance'));
  t.is(done.body.skipped.length, 1);
  t.like(done.body.skipped[0], { id: third.id, acceptanceNo: shown[2].acceptanceNo, reason: 'changed' });

  // each signed one has its own valid incremental signature after the applicant's
  for (const i of [0, 1, 3, 4]) {
    const pdf = await people[i].c.get(`/api/applications/${people[i].id}/form.pdf`);
    const sigs = await pdfsigReport(pdf.bytes);
    t.is(sigs.length, 2, people[i].id);
    t.true(sigs.every((x) => x.valid), sigs.map((x) => x.raw).join('\n'));
    t.is(sigs[1].signerCommonName, '上海建和工程咨询有限公司');
    const view = (await people[i].c.get(`/api/applications/${people[i].id}`)).body;
    t.is(view.status, 'acceptance');
  }
  t.is((await third.c.get(`/api/applications/${third.id}`)).body.status, 'awaiting_employer');

  // the code is spent: replaying it, for this set or another, is refused
  t.is((await op.post('/api/enterprise/batch-signatures', { items, code, opinionAccepted: true })).body.error.code, 'otp_expired');
  t.is((await op.post('/api/enterprise/batch-signatures', { items: [items[2]], code, opinionAccepted: true })).body.error.code, 'otp_expired');

  // the batch was one code of the ten today: nine more can be sent, the tenth after that is refused
  for (let n = 0; n < 9; n++) {
    s.advance(61_000);
    const one = await op.post(`/api/enterprise/applications/${third.id}/signatures/sms-code`);
    t.is(one.status, 200, `code ${n + 2} today: ${JSON.stringify(one.body)}`);
  }
  s.advance(61_000);
  const capped = await op.post(`/api/enterprise/applications/${third.id}/signatures/sms-code`);
  t.is(capped.status, 429);
  t.is(capped.body.error.code, 'otp_daily_limit');
});
