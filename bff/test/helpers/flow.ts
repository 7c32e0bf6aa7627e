/** Steps of the registration path, for tests that need an application at a given status. */
import { login, OPERATOR_PHONE, REVIEWER_PHONE, type Client, type TestServer } from './server.js';
import { freshPhone, makeIdNumber, validForm } from './data.js';

let personSeq = 0;

/** A logged-in applicant with real-name data and a saved, valid draft. */
export async function applicantWithDraft(s: TestServer, form: Record<string, unknown> = validForm(), name = '赵六') {
  const seq = ++personSeq;
  const phone = freshPhone();
  const c = await login(s, phone);
  // each test file has its own database, so a per-process sequence keeps ID numbers unique
  const idNumber = makeIdNumber('19870415', String(seq).padStart(3, '0'));
  const identity = await c.put('/api/me/identity', { name, idNumber });
  if (identity.status !== 200) throw new Error(`identity ${JSON.stringify(identity.body)}`);
  await verifyInPerson(s, idNumber);
  const app = (await c.post('/api/applications', { profession: 'constructor', type: 'initial' })).body;
  const saved = await c.put(`/api/applications/${app.id}`, { version: app.version, form });
  if (saved.status !== 200) throw new Error(`save ${JSON.stringify(saved.body)}`);
  return { c, phone, idNumber, id: app.id as string, version: saved.body.version as number, acceptanceNo: app.acceptanceNo as string };
}

export async function sign(s: TestServer, c: Client, phone: string, id: string) {
  s.advance(61_000);
  const before = (await s.sms(phone)).length;
  const sent = await c.post(`/api/applications/${id}/signatures/sms-code`);
  if (sent.status !== 200) return sent;
  return c.post(`/api/applications/${id}/signatures`, { code: await s.latestCode(phone, before) });
}

export async function employerSign(s: TestServer, op: Client, id: string) {
  s.advance(61_000);
  const before = (await s.sms(OPERATOR_PHONE)).length;
  const sent = await op.post(`/api/enterprise/applications/${id}/signatures/sms-code`);
  if (sent.status !== 200) return sent;
  return op.post(`/api/enterprise/applications/${id}/signatures`, { code: await s.latestCode(OPERATOR_PHONE, before), opinionAccepted: true });
}

const operators = new WeakMap<TestServer, ReturnType<typeof login>>();

/** The seeded enterprise operator, logged in once per server (each login spends one of the phone's 10 daily codes). */
export function operatorClient(s: TestServer) {
  if (!operators.has(s)) operators.set(s, login(s, OPERATOR_PHONE));
  return operators.get(s)!;
}

const reviewers = new WeakMap<TestServer, ReturnType<typeof login>>();

/** The seeded reviewer, logged in once per server. */
export function reviewerClient(s: TestServer) {
  if (!reviewers.has(s)) reviewers.set(s, login(s, REVIEWER_PHONE));
  return reviewers.get(s)!;
}

/** The reviewer records an in-person identity check (the alternative to the camera check). */
export async function verifyInPerson(s: TestServer, idNumber: string) {
  const res = await (await reviewerClient(s)).post('/api/review/in-person-verifications', { idNumber });
  if (res.status !== 200) throw new Error(`in-person verification ${res.status} ${JSON.stringify(res.body)}`);
}
