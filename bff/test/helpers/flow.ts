/** Steps of the registration path, for tests that need an application at a given status. */
import { Client, login, OPERATOR_PHONE, REVIEWER_PHONE, type TestServer } from './server.js';
import { freshPhone, makeIdNumber, validForm } from './data.js';
import { closeDueNotices } from '../../src/domain/notices.js';

const REVIEW_STAGES = ['acceptance', 'first_review', 'second_review', 'approval'];

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

export async function employerSign(s: TestServer, op: Client, id: string, operatorPhone = OPERATOR_PHONE) {
  s.advance(61_000);
  const before = (await s.sms(operatorPhone)).length;
  const sent = await op.post(`/api/enterprise/applications/${id}/signatures/sms-code`);
  if (sent.status !== 200) return sent;
  return op.post(`/api/enterprise/applications/${id}/signatures`, { code: await s.latestCode(operatorPhone, before), opinionAccepted: true });
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

/** Walks an application from a saved form to its last step: applicant signs, employer signs, and every stage of its route passes. */
export async function completeApplication(s: TestServer, c: Client, phone: string, id: string, opts: { stages?: string[] } = {}) {
  const signed = await sign(s, c, phone, id);
  if (signed.status !== 200) throw new Error(`sign ${signed.status} ${JSON.stringify(signed.body)}`);
  if (signed.body.status === 'completed') return signed.body;
  // the seeded operator signs for every test applicant: one day per matter keeps it under 10 codes a day
  s.advance(86_400_000);
  const confirmed = await employerSign(s, await operatorClient(s), id);
  if (confirmed.status !== 200) throw new Error(`employer sign ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  if (confirmed.body.status === 'completed') return confirmed.body;
  const reviewer = await reviewerClient(s);
  let last: any = confirmed;
  // every stage of the province's route (settings route), or the stages given
  const stages = opts.stages ?? [];
  const pass = async (stage: string) => {
    last = await reviewer.post(`/api/review/applications/${id}/decisions`, { stage, outcome: 'pass' });
    if (last.status !== 200) throw new Error(`${stage} ${last.status} ${JSON.stringify(last.body)}`);
  };
  if (opts.stages) for (const stage of stages) await pass(stage);
  else while (REVIEW_STAGES.includes(last.body.status)) await pass(last.body.status);
  // an announced matter (province settings publicNotice): its notice period passes with no objection
  if (last.body.status === 'public_notice') {
    s.advance(30 * 86_400_000); // past any notice period, a Spring Festival included
    await closeDueNotices(s.server.deps);
  }
  return last.body;
}

/**
 * A registered constructor: a verified applicant whose initial registration (the given form's specialties)
 * went through the whole path. Returns the client, their phone and ID number, and the registration.
 */
export async function registeredConstructor(s: TestServer, form: Record<string, unknown> = validForm(), name = '赵六') {
  const a = await applicantWithDraft(s, form, name);
  await completeApplication(s, a.c, a.phone, a.id);
  const registrations = (await a.c.get('/api/registrations')).body;
  return { ...a, registration: registrations[0] };
}

/** Creates and saves a matter of `type` for a logged-in applicant; returns the saved application (or the failed response). */
export async function fileMatter(c: Client, type: string, form: unknown, profession = 'constructor') {
  const created = await c.post('/api/applications', { profession, type });
  if (created.status !== 201) return { created, saved: null };
  const saved = await c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form });
  return { created, saved };
}

/** A minimal, well-formed PDF as evidence for uploads (%PDF- magic bytes). */
export const EVIDENCE_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Uploads a document (photo | evidence) for application `id` as multipart field `file`; returns the response. */
export async function uploadDocument(s: TestServer, c: Client, id: string, kind: 'photo' | 'evidence', bytes: Buffer = EVIDENCE_PDF, type = 'application/pdf') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), kind === 'photo' ? 'photo' : 'evidence');
  return fetch(`${s.baseUrl}/api/applications/${id}/documents/${kind}`, { method: 'PUT', headers: { authorization: `Bearer ${c.token}` }, body: form });
}

/** A logged-in person with their tokens and phone (what the enterprise authorisation walks act as). */
export type Person = Client & { refreshToken: string; userId: string; phone: string };

/** A new user on a fresh phone; with `who`, their identity saved and verified in person. */
export async function verifiedPerson(s: TestServer, who?: { name: string; idNumber: string }): Promise<Person> {
  const phone = freshPhone();
  const c = await login(s, phone);
  if (who) {
    const r = await c.put('/api/me/identity', who);
    if (r.status !== 200) throw new Error(`identity ${r.status} ${JSON.stringify(r.body)}`);
    await verifyInPerson(s, who.idNumber);
  }
  return Object.assign(c, { phone }) as Person;
}

/** New tokens for `c` (after a binding, so the access token carries the new role). */
export async function refreshTokens(s: TestServer, c: Person): Promise<void> {
  const r = await new Client(s.baseUrl).post('/api/auth/refresh', { refreshToken: c.refreshToken });
  c.token = r.body.accessToken;
  c.refreshToken = r.body.refreshToken;
}

/** An operator invited by `legalRep` to `enterpriseId`, logged in. */
export async function operatorOf(s: TestServer, legalRep: Person, enterpriseId: string): Promise<Person> {
  const phone = freshPhone();
  const r = await legalRep.req('POST', '/api/enterprise/operators', { phone }, { 'x-enterprise-id': enterpriseId });
  if (r.status !== 201) throw new Error(`invite ${JSON.stringify(r.body)}`);
  return Object.assign(await login(s, phone), { phone }) as Person;
}
