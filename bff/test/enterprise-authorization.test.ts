/**
 * Authorisation of every enterprise route (issue 10): each is called, for enterprise E (header
 * X-Enterprise-Id: E), by no one, an applicant (who filed the application E is to confirm), an operator of
 * another enterprise, a removed operator of E (with the token they got while a member), and E's legal
 * representative. Only the legal representative succeeds; the refused calls change nothing. Routes of the
 * `enterprise` tag that this table does not know yet (added by other work) are still walked for the checks
 * that need no body: no one gets 401, an applicant gets 403 on operator-only routes. The temporary constructors'
 * routes (releases, filing a temporary matter) get the full walk in enterprise-authorization-temporary.test.ts (a
 * Hunan server: Shanghai has no temporary constructors).
 */
import test from 'ava';
import { usccCheckCharacter } from '@zhiyetong/shared';
import type { EnterpriseRecord } from '../src/adapters/enterprise-registry.js';
import { DEV_ENTERPRISE_PROFILE } from '../src/seed.js';
import { startEnterpriseRegistryServer } from './helpers/enterprise-registry-server.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from './helpers/data.js';
import { applicantWithDraft, operatorOf, type Person, refreshTokens, sign, verifiedPerson } from './helpers/flow.js';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const CHEN = { name: '陈六', idNumber: makeIdNumber('19700606', '911', '430102') };
const LIN = { name: '林七', idNumber: makeIdNumber('19720707', '913', '430102') };
const E: EnterpriseRecord = { uscc: uscc('91430100MA4L00011'), name: '湖南戊建设集团有限公司', legalRepresentative: CHEN.name, status: 'active' };
const F: EnterpriseRecord = { uscc: uscc('91430100MA4L00012'), name: '湖南己工程有限公司', legalRepresentative: LIN.name, status: 'active' };
const E_RENAMED = '湖南戊建设集团股份有限公司';

let s: TestServer;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;

test.before(async () => {
  registry = await startEnterpriseRegistryServer([E, F]);
  s = await startTestServer({ ENTERPRISE_REGISTRY_URL: registry.url });
});
test.after.always(async () => {
  await s?.stop();
  await registry?.close();
});

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as declared (OpenAPI path). */
  route: string;
  url: string;
  /** A valid body, so that refusals come from authorisation, not validation. */
  body?: () => unknown | Promise<unknown>;
  /** What the legal representative gets. */
  ok: number;
}

test('every enterprise route: only the legal representative of E succeeds; no one 401, applicant 403/404, another enterprise’s operator 404, a removed operator 404', async (t) => {
  // E and F bound by their legal representatives; E's basic information complete
  const chen = await verifiedPerson(s, CHEN);
  const lin = await verifiedPerson(s, LIN);
  const eId = (await chen.post('/api/enterprise/bindings', { uscc: E.uscc })).body.membership.enterpriseId as string;
  const fId = (await lin.post('/api/enterprise/bindings', { uscc: F.uscc })).body.membership.enterpriseId as string;
  t.truthy(eId && fId);
  await refreshTokens(s, chen);
  t.is((await chen.req('PUT', '/api/enterprise/profile', DEV_ENTERPRISE_PROFILE, { 'x-enterprise-id': eId })).status, 200);
  const otherOp = await operatorOf(s, lin, fId);
  const removed = await operatorOf(s, chen, eId);
  const target = await operatorOf(s, chen, eId); // removed by the legal representative in the walk
  t.is((await chen.req('DELETE', `/api/enterprise/operators/${removed.userId}`, undefined, { 'x-enterprise-id': eId })).status, 204);
  // two applications awaiting E's confirmation: one to sign, one to return
  const form = validForm({ employer: { name: E.name, uscc: E.uscc, phone: '0731-88880000' } });
  const toSign = await applicantWithDraft(s, form, '黄八');
  const toReturn = await applicantWithDraft(s, form, '黄九');
  for (const a of [toSign, toReturn]) t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  const applicant = toSign.c;
  const nobody = new Client(s.baseUrl);

  const signCode = async () => {
    s.advance(61_000);
    const before = (await s.sms(chen.phone)).length;
    const r = await chen.req('POST', `/api/enterprise/applications/${toSign.id}/signatures/sms-code`, {}, { 'x-enterprise-id': eId });
    if (r.status !== 200) throw new Error(`sms-code ${JSON.stringify(r.body)}`);
    return { code: await s.latestCode(chen.phone, before), opinionAccepted: true };
  };
  const routes: Route[] = [
    { method: 'POST', route: '/api/enterprise/bindings', url: '/api/enterprise/bindings', body: () => ({ uscc: E.uscc }), ok: 200 },
    { method: 'GET', route: '/api/enterprise/memberships', url: '/api/enterprise/memberships', ok: 200 },
    { method: 'GET', route: '/api/enterprise/profile', url: '/api/enterprise/profile', ok: 200 },
    { method: 'PUT', route: '/api/enterprise/profile', url: '/api/enterprise/profile', body: () => ({ ...DEV_ENTERPRISE_PROFILE, contactName: '陈小六' }), ok: 200 },
    { method: 'GET', route: '/api/enterprise/operators', url: '/api/enterprise/operators', ok: 200 },
    { method: 'POST', route: '/api/enterprise/operators', url: '/api/enterprise/operators', body: () => ({ phone: freshPhone() }), ok: 201 },
    { method: 'DELETE', route: '/api/enterprise/operators/{userId}', url: `/api/enterprise/operators/${target.userId}`, ok: 204 },
    { method: 'GET', route: '/api/enterprise/applications', url: '/api/enterprise/applications?status=awaiting', ok: 200 },
    { method: 'GET', route: '/api/enterprise/applications/{id}', url: `/api/enterprise/applications/${toSign.id}`, ok: 200 },
    { method: 'POST', route: '/api/enterprise/applications/{id}/signatures/sms-code', url: `/api/enterprise/applications/${toSign.id}/signatures/sms-code`, body: () => ({}), ok: 200 },
    { method: 'POST', route: '/api/enterprise/applications/{id}/signatures', url: `/api/enterprise/applications/${toSign.id}/signatures`, body: signCode, ok: 200 },
    { method: 'POST', route: '/api/enterprise/applications/{id}/returns', url: `/api/enterprise/applications/${toReturn.id}/returns`, body: () => ({ reason: '请补充劳动合同' }), ok: 204 },
    { method: 'GET', route: '/api/enterprise/renames', url: '/api/enterprise/renames', ok: 200 },
    { method: 'POST', route: '/api/enterprise/renames', url: '/api/enterprise/renames', body: () => ({ newName: E_RENAMED }), ok: 202 },
  ];
  const refusedBody = { code: '123456', opinionAccepted: true };
  const callers: [string, Client, (r: Route) => number[]][] = [
    ['no one', nobody, () => [401]],
    // bindings: the applicant is verified but not E's legal representative; memberships: their own (empty) list
    ['an applicant', applicant, (r) => (r.route === '/api/enterprise/memberships' ? [200] : r.route === '/api/enterprise/bindings' ? [403] : [403, 404])],
    ['an operator of another enterprise', otherOp, (r) => (r.route === '/api/enterprise/memberships' ? [200] : r.route === '/api/enterprise/bindings' ? [409] : [404])],
    ['a removed operator', removed, (r) => (r.route === '/api/enterprise/memberships' ? [200] : r.route === '/api/enterprise/bindings' ? [409] : [404])],
  ];

  registry.rename(E.uscc, E_RENAMED);
  for (const r of routes) {
    for (const [who, c, expected] of callers) {
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : r.route.endsWith('/signatures') ? refusedBody : await r.body!();
      const res = await c.req(r.method, r.url, body, { 'x-enterprise-id': eId });
      t.true(expected(r).includes(res.status), `${who}: ${r.method} ${r.route} → ${res.status} ${JSON.stringify(res.body)}`);
      if (r.route === '/api/enterprise/memberships') t.false(JSON.stringify(res.body).includes(eId), `${who} sees no membership of E`);
    }
    const res = await chen.req(r.method, r.url, r.body ? await r.body() : undefined, { 'x-enterprise-id': eId });
    t.is(res.status, r.ok, `legal representative: ${r.method} ${r.route} → ${res.status} ${JSON.stringify(res.body)}`);
  }

  // the refused calls changed nothing
  const db = s.server.deps.db;
  const members = await db.selectFrom('enterprise_operators').select(['user_id']).where('enterprise_id', '=', eId).where('removed_at', 'is', null).execute();
  t.false(members.some((m) => [applicant, otherOp, removed].some((c) => (c as Person).userId === m.user_id)));
  const apps = await db.selectFrom('applications').select(['id', 'status', 'employer_signer_id']).where('id', 'in', [toSign.id, toReturn.id]).execute();
  t.deepEqual(Object.fromEntries(apps.map((a) => [a.id, [a.status, a.employer_signer_id]])), { [toSign.id]: ['acceptance', chen.userId], [toReturn.id]: ['returned', null] });
  t.is((await db.selectFrom('employer_rename_batches').select('id').where('enterprise_id', '=', eId).execute()).length, 1);
  t.is((await db.selectFrom('enterprise_operators').select('user_id').where('enterprise_id', '=', fId).where('removed_at', 'is', null).execute()).length, 2);

  // every declared enterprise route is walked; routes this table does not know get the checks that need no body
  const openapi = (await nobody.get('/api/openapi.json')).body as { paths: unknown };
  type Op = { tags: string[]; 'x-roles'?: string[]; parameters?: { in: string; required: boolean }[] };
  const declared = Object.entries(openapi.paths as Record<string, Record<string, Op>>).flatMap(([p, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op.tags.includes('enterprise'))
      .map(([m, op]) => ({ method: m.toUpperCase(), route: p, roles: op['x-roles'] ?? [], bodyFree: m === 'get' && !(op.parameters ?? []).some((x) => x.required) })),
  );
  const known = new Set(routes.map((r) => `${r.method} ${r.route}`));
  for (const r of routes) t.true(declared.some((d) => `${d.method} ${d.route}` === `${r.method} ${r.route}`), `${r.method} ${r.route} is declared`);
  const unknown = declared.filter((d) => !known.has(`${d.method} ${d.route}`));
  if (unknown.length) t.log(`enterprise routes walked without a body: ${unknown.map((d) => `${d.method} ${d.route}`).join(', ')}`);
  for (const d of unknown) {
    const url = d.route.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
    const body = d.method === 'GET' || d.method === 'DELETE' ? undefined : {};
    t.is((await nobody.req(d.method, url, body)).status, 401, `no one: ${d.method} ${d.route}`);
    if (!d.roles.includes('applicant')) t.is((await applicant.req(d.method, url, body, { 'x-enterprise-id': eId })).status, 403, `an applicant: ${d.method} ${d.route}`);
    // a GET needing no parameter reaches the acting-enterprise check: E is not theirs
    if (d.bodyFree) for (const [who, c] of [['another enterprise’s operator', otherOp], ['a removed operator', removed]] as const) t.is((await c.req('GET', url, undefined, { 'x-enterprise-id': eId })).status, 404, `${who}: GET ${d.route}`);
  }
});
