/**
 * 人员注册信息查询 (seed 003 §3.2.4, issue 10) through HTTP: the operator lists the registrations at its
 * enterprise with the newest certificate's version and status and the matters that changed them, ID numbers
 * masked; an applicant may not. One server for the file.
 */
import test from 'ava';
import { ENTERPRISE, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { operatorClient, registeredConstructor } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('the operator lists its people’s registrations and certificates; an applicant is refused', async (t) => {
  const op = await operatorClient(s);
  t.deepEqual((await op.get('/api/enterprise/registrations')).body, []);

  const p = await registeredConstructor(s, validForm(), '郑八');
  const res = await op.get('/api/enterprise/registrations');
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.length, 1);
  const [r] = res.body;
  t.is(r.registrationNo, p.registration.registrationNo);
  t.is(r.holderName, '郑八');
  t.is(r.profession, 'constructor');
  t.is(r.status, 'registered');
  t.regex(r.idNumberMasked, /\*/);
  t.false(JSON.stringify(res.body).includes(p.idNumber), 'the full ID number is not in the answer');
  t.deepEqual(
    r.specialties.map((x: { specialty: string; status: string }) => [x.specialty, x.status]),
    [['building', 'registered']],
  );
  t.like(r.certificate, { version: 1, status: 'valid', claimed: false });
  t.deepEqual(
    r.history.map((h: { matter: string }) => h.matter),
    ['initial'],
  );

  // the registered person is an applicant, not an operator of the enterprise
  t.is((await p.c.get('/api/enterprise/registrations')).status, 403);
  t.is(ENTERPRISE.name, p.registration.employer.name);
});
