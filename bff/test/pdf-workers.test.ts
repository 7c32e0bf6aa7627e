/**
 * PDF rendering and signing in worker threads (issue 14, bff/src/pdf/workers.ts): the signatures the
 * pool's workers make through the real path verify in pdfsig and carry the local TSA's timestamp (the worker
 * asks the main thread for it on the job's port); a worker thread that dies in the middle of a signature
 * answers 503 signature_unavailable, leaves nothing written, and the pool's new worker signs the retry.
 */
import test from 'ava';
import { pdfsigReport } from './pdf/helpers.js';
import { applicantWithDraft, employerSign, operatorClient, sign } from './helpers/flow.js';
import { OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { startLocalTsa, type LocalTsa } from './helpers/tsa-server.js';

let s: TestServer;
let tsa: LocalTsa;
test.before(async () => {
  tsa = await startLocalTsa();
  s = await startTestServer({ TSA_URL: tsa.url, TSA_TIMEOUT_MS: '5000' });
});
test.after.always(async () => {
  await s?.stop();
  await tsa?.stop().catch(() => undefined);
});

test.serial('the applicant’s and the employer’s signatures, made in the worker threads, verify in pdfsig and are timestamped by the TSA', async (t) => {
  const a = await applicantWithDraft(s, undefined, '钱七');
  const asked = tsa.requests;
  t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  t.is((await employerSign(s, await operatorClient(s), a.id)).status, 200);
  t.is(tsa.requests - asked, 2, 'one timestamp per signature, asked by the main thread');
  const form = await a.c.get(`/api/applications/${a.id}/form.pdf`);
  t.is(form.status, 200);
  const sigs = await pdfsigReport(form.bytes);
  t.deepEqual(sigs.map((x) => [x.signerCommonName, x.valid]), [['钱七', true], ['上海建和工程咨询有限公司', true]]);
});

test.serial('a worker thread that dies in the middle of a signature: 503 signature_unavailable, nothing written; the retry is signed by a new worker', async (t) => {
  const a = await applicantWithDraft(s, undefined, '孙八');
  const db = s.server.deps.db;
  const row = () => db.selectFrom('applications').select(['status', 'version', 'form_pdf', 'applicant_signed_at']).where('id', '=', a.id).executeTakeFirstOrThrow();
  const before = await row();
  const operatorSms = (await s.sms(OPERATOR_PHONE)).length;
  let crashes = 1;
  s.server.deps.faults = { pdfWorkerCrash: () => crashes-- > 0 };
  try {
    const res = await sign(s, a.c, a.phone, a.id);
    t.is(res.status, 503, JSON.stringify(res.body));
    t.is(res.body.error.code, 'signature_unavailable');
    t.regex(res.body.error.message, /未作任何更改/);
    t.is(res.headers.get('retry-after'), '5');
  } finally {
    delete s.server.deps.faults;
  }
  t.is(crashes, 0, 'the one signature was asked to crash');
  const after = await row();
  t.deepEqual([after.status, after.version, after.form_pdf, after.applicant_signed_at], [before.status, before.version, null, null]);
  const events = await db.selectFrom('application_events').select('event').where('application_id', '=', a.id).where('event', '=', 'applicant_signed').execute();
  t.is(events.length, 0);
  t.is((await s.sms(OPERATOR_PHONE)).length, operatorSms, 'no operator was told of a signature');

  // the pool replaced the dead worker: the retry (a new code) is signed and verifies
  const retry = await sign(s, a.c, a.phone, a.id);
  t.is(retry.status, 200, JSON.stringify(retry.body));
  const form = await a.c.get(`/api/applications/${a.id}/form.pdf`);
  t.deepEqual((await pdfsigReport(form.bytes)).map((x) => [x.signerCommonName, x.valid]), [['孙八', true]]);
});
