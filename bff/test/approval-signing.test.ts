/**
 * The approval signs the new certificate before its transaction (issue 14): the first copy is rendered and
 * signed with a predicted registration number (counter-tickets.ts) and used when the row the transaction
 * writes matches it; otherwise it is signed again inside the transaction, so the stored copy always prints
 * and verifies what the register holds. Through HTTP on an embedded PostgreSQL; the counters of how first
 * copies were made (certificates.ts firstCopies) are this process's, so the tests run serially.
 */
import test from 'ava';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, completeApplication, reviewerClient } from './helpers/flow.js';
import { decodeQrFromPdf, pdfText } from './pdf/helpers.js';
import { firstCopies, registrationCounter } from '../src/domain/certificates.js';
import { counterTicket, ticketsInFlight } from '../src/domain/counter-tickets.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer({ PUBLIC_BASE_URL: 'https://zyt.example.gov.cn' });
});
test.after.always(async () => {
  await s?.stop();
});

/** An application at the approval stage (the three stages before passed). */
async function atApproval() {
  const a = await applicantWithDraft(s);
  await completeApplication(s, a.c, a.phone, a.id, { stages: ['acceptance', 'first_review', 'second_review'] });
  return a;
}

/** The stored first copy of the certificate issued for application `id`: its row, its text and what its QR code verifies as. */
async function issued(id: string) {
  const cert = await s.server.deps.db.selectFrom('certificates').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
  const url = await decodeQrFromPdf(cert.pdf!);
  const token = url.split('/v/')[1];
  const verified = await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`);
  return { cert, text: await pdfText(cert.pdf!), verified: verified.body };
}

test.serial('three approvals at once: each certificate signed before its transaction, numbers in sequence, each copy verifies as its row', async (t) => {
  const apps = [];
  for (let i = 0; i < 3; i++) apps.push(await atApproval());
  const reviewer = await reviewerClient(s);
  const before = { ...firstCopies };
  const results = await Promise.all(apps.map((a) => reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage: 'approval', outcome: 'pass' })));
  for (const r of results) t.is(r.status, 200, JSON.stringify(r.body));
  t.is(firstCopies.prepared - before.prepared, 3);
  t.is(firstCopies.signedInTransaction - before.signedInTransaction, 0);
  const numbers: string[] = [];
  for (const a of apps) {
    const { cert, text, verified } = await issued(a.id);
    numbers.push(cert.registration_no);
    t.true(text.includes(cert.registration_no), cert.registration_no);
    t.is(verified.status, 'valid');
    t.is(verified.certificate.registrationNo, cert.registration_no);
  }
  const seqs = numbers.map((n) => Number(n.slice(-8))).sort((a, b) => a - b);
  t.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), numbers.join(' '));
});

test.serial('a wrong prediction (a number taken elsewhere in between) is signed again inside the transaction with the number it takes', async (t) => {
  const a = await atApproval();
  const reviewer = await reviewerClient(s);
  const deps = s.server.deps;
  const counter = registrationCounter(deps, 'constructor');
  // another approval in this process holds the ticket ahead and then fails without taking its number
  const ahead = counterTicket(deps.db, counter);
  const before = { ...firstCopies };
  const decision = reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage: 'approval', outcome: 'pass' });
  // the decision takes its ticket after reading the application (polled, at most 10 s)
  for (const t0 = Date.now(); Date.now() - t0 < 10_000 && ticketsInFlight(deps.db, counter) < 2; ) await new Promise((r) => setTimeout(r, 5));
  t.is(ticketsInFlight(deps.db, counter), 2);
  const predicted = (await ahead.predicted) + 1;
  ahead.release();
  const r = await decision;
  t.is(r.status, 200, JSON.stringify(r.body));
  t.is(firstCopies.signedInTransaction - before.signedInTransaction, 1);
  t.is(firstCopies.prepared - before.prepared, 0);
  const { cert, text, verified } = await issued(a.id);
  t.is(Number(cert.registration_no.slice(-8)), predicted - 1);
  t.true(text.includes(cert.registration_no));
  t.is(verified.certificate.registrationNo, cert.registration_no);
  t.is(ticketsInFlight(deps.db, counter), 0);
});

test.serial('a refused approval (four-eyes, wrong stage) signs nothing and leaves no ticket', async (t) => {
  const a = await atApproval();
  const reviewer = await reviewerClient(s);
  const before = { ...firstCopies };
  const wrong = await reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage: 'second_review', outcome: 'pass' });
  t.is(wrong.body.error.code, 'review_stage_mismatch');
  t.deepEqual({ ...firstCopies }, before);
  t.is(ticketsInFlight(s.server.deps.db, registrationCounter(s.server.deps, 'constructor')), 0);
  const ok = await reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage: 'approval', outcome: 'pass' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.is(firstCopies.prepared - before.prepared, 1);
});
