/**
 * Authorisation of the temporary constructors' enterprise routes (issue 10, seed 003 §3.2.3.8-11), walked as
 * enterprise-authorization.test.ts walks the others (that file runs a Shanghai server, which has no temporary
 * constructors; this one runs Hunan's): the release list, detail, form, code, release (同意转出) and refusal
 * (不同意转出) of the old employer G, and G filing a temporary matter (延期), each called with X-Enterprise-Id G by no
 * one, the person, an operator of the new employer H, a removed operator of G, and G's legal representative (the
 * proper actor). Only the legal representative succeeds; others' objects answer 404; the refused calls change
 * nothing.
 */
import test from 'ava';
import { usccCheckCharacter } from '@zhiyetong/shared';
import type { EnterpriseRecord } from '../src/adapters/enterprise-registry.js';
import { DEV_ENTERPRISE_PROFILE } from '../src/seed.js';
import { startEnterpriseRegistryServer } from './helpers/enterprise-registry-server.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { makeIdNumber } from './helpers/data.js';
import { employerSign, operatorOf, type Person, refreshTokens, reviewerClient, verifiedPerson } from './helpers/flow.js';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
// G is the old employer (转出企业) of three temporary constructors, H the new employer (转入企业)
const ZHOU = { name: '周十', idNumber: makeIdNumber('19730808', '915', '430102') };
const WU = { name: '吴十一', idNumber: makeIdNumber('19740909', '917', '430102') };
const G: EnterpriseRecord = { uscc: uscc('91430100MA4L00013'), name: '湖南庚建设有限公司', legalRepresentative: ZHOU.name, status: 'active' };
const H: EnterpriseRecord = { uscc: uscc('91430100MA4L00014'), name: '湖南辛建筑有限公司', legalRepresentative: WU.name, status: 'active' };
const TEMPS = {
  released: { name: '郑临五', idNumber: makeIdNumber('19750505', '705', '430102'), no: '湘231431800705' },
  refused: { name: '钱临六', idNumber: makeIdNumber('19760606', '706', '430102'), no: '湘231431800706' },
  extended: { name: '孙临七', idNumber: makeIdNumber('19770707', '707', '430102'), no: '湘231431800707' },
};

let s: TestServer;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;

test.before(async () => {
  registry = await startEnterpriseRegistryServer([G, H]);
  s = await startTestServer({ ENTERPRISE_REGISTRY_URL: registry.url, PROVINCE: 'hunan' });
});
test.after.always(async () => {
  await s?.stop();
  await registry?.close();
});

interface Route {
  method: 'GET' | 'POST';
  /** The route as declared (OpenAPI path). */
  route: string;
  url: string;
  /** A valid body, so that refusals come from authorisation, not validation. */
  body?: () => unknown | Promise<unknown>;
  /** What the legal representative gets. */
  ok: number;
}

test('the temporary constructors’ routes (release list, detail, form, code, release, refusal; filing a temporary matter): only the old employer’s legal representative (the proper actor) succeeds; no one 401, the person 403, the new employer’s operator and a removed operator 404', async (t) => {
  const zhou = await verifiedPerson(s, ZHOU);
  const wu = await verifiedPerson(s, WU);
  const gId = (await zhou.post('/api/enterprise/bindings', { uscc: G.uscc })).body.membership.enterpriseId as string;
  const hId = (await wu.post('/api/enterprise/bindings', { uscc: H.uscc })).body.membership.enterpriseId as string;
  t.truthy(gId && hId);
  await refreshTokens(s, zhou);
  await refreshTokens(s, wu);
  for (const [rep, id] of [[zhou, gId], [wu, hId]] as const) t.is((await rep.req('PUT', '/api/enterprise/profile', DEV_ENTERPRISE_PROFILE, { 'x-enterprise-id': id })).status, 200);
  const hOp = await operatorOf(s, wu, hId);
  const removed = await operatorOf(s, zhou, gId);
  t.is((await zhou.req('DELETE', `/api/enterprise/operators/${removed.userId}`, undefined, { 'x-enterprise-id': gId })).status, 204);
  // the authority's register of temporary constructors (注册类型 二级注册临时建造师), all at G
  const day = (d: number) => new Date(s.now().getTime() + 8 * 3600_000 + d * 86_400_000).toISOString().slice(0, 10);
  const rows = [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至', '注册类型'], ...Object.values(TEMPS).map((p) => [p.no, p.name, p.idNumber, G.name, G.uscc, '建筑工程', day(-700), day(60), '二级注册临时建造师'])];
  const csv = new FormData();
  csv.append('file', new Blob(['\ufeff' + rows.map((r) => r.join(',')).join('\r\n')]), 'temporary.csv');
  const imported = await fetch(`${s.baseUrl}/api/review/registrations/imports?profession=constructor`, { method: 'POST', headers: { authorization: `Bearer ${(await reviewerClient(s)).token}` }, body: csv });
  t.is(imported.status, 200, await imported.clone().text());
  const [applicant] = [await verifiedPerson(s, { name: TEMPS.released.name, idNumber: TEMPS.released.idNumber }), await verifiedPerson(s, { name: TEMPS.refused.name, idNumber: TEMPS.refused.idNumber }), await verifiedPerson(s, { name: TEMPS.extended.name, idNumber: TEMPS.extended.idNumber })];
  // H files and signs two transfers (awaiting G's release)
  const transfer = async (p: { name: string; idNumber: string }) => {
    const created = await hOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: p.name, idNumber: p.idNumber });
    t.is(created.status, 201, JSON.stringify(created.body));
    const form = { employer: { name: H.name, uscc: H.uscc, phone: '0731-85556789' }, employment: { startOn: day(0), endOn: null }, education: { school: '湖南大学', major: '土木工程', graduatedOn: '1998-06-30', level: '本科', degree: '学士' } };
    t.is((await hOp.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form })).status, 200);
    t.is((await hOp.post(`/api/enterprise/filings/${created.body.id}/submissions`)).status, 200);
    t.is((await employerSign(s, hOp, created.body.id, hOp.phone)).body.status, 'awaiting_release');
    return created.body.id as string;
  };
  const toRelease = await transfer(TEMPS.released);
  const toRefuse = await transfer(TEMPS.refused);
  const releaseCode = async () => {
    s.advance(61_000);
    const before = (await s.sms(zhou.phone)).length;
    const r = await zhou.req('POST', `/api/enterprise/releases/${toRelease}/signatures/sms-code`, {}, { 'x-enterprise-id': gId });
    if (r.status !== 200) throw new Error(`sms-code ${JSON.stringify(r.body)}`);
    return { code: await s.latestCode(zhou.phone, before), opinionAccepted: true };
  };
  const routes: Route[] = [
    { method: 'GET', route: '/api/enterprise/releases', url: '/api/enterprise/releases', ok: 200 },
    { method: 'GET', route: '/api/enterprise/releases/{id}', url: `/api/enterprise/releases/${toRelease}`, ok: 200 },
    { method: 'GET', route: '/api/enterprise/releases/{id}/form.pdf', url: `/api/enterprise/releases/${toRelease}/form.pdf`, ok: 200 },
    { method: 'POST', route: '/api/enterprise/releases/{id}/signatures/sms-code', url: `/api/enterprise/releases/${toRelease}/signatures/sms-code`, body: () => ({}), ok: 200 },
    { method: 'POST', route: '/api/enterprise/releases/{id}/signatures', url: `/api/enterprise/releases/${toRelease}/signatures`, body: releaseCode, ok: 200 },
    { method: 'POST', route: '/api/enterprise/releases/{id}/refusals', url: `/api/enterprise/releases/${toRefuse}/refusals`, body: () => ({ reason: '劳动合同未到期，不同意转出' }), ok: 200 },
    { method: 'POST', route: '/api/enterprise/filings', url: '/api/enterprise/filings', body: () => ({ type: 'temporary_extension', name: TEMPS.extended.name, idNumber: TEMPS.extended.idNumber }), ok: 201 },
  ];
  const callers: [string, Client, number[]][] = [
    ['no one', new Client(s.baseUrl), [401]],
    ['the person', applicant, [403, 404]],
    ['the new employer’s operator', hOp, [404]],
    ['a removed operator of the old employer', removed, [404]],
  ];
  for (const r of routes) {
    for (const [who, c, expected] of callers) {
      const body = r.method === 'GET' ? undefined : r.route.endsWith('/signatures') ? { code: '123456', opinionAccepted: true } : await r.body!();
      const res = await c.req(r.method, r.url, body, { 'x-enterprise-id': gId });
      t.true(expected.includes(res.status), `${who}: ${r.method} ${r.route} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    const res = await zhou.req(r.method, r.url, r.body ? await r.body() : undefined, { 'x-enterprise-id': gId });
    t.is(res.status, r.ok, `old employer's legal representative: ${r.method} ${r.route} → ${res.status} ${JSON.stringify(res.body)}`);
  }
  // the new employer, acting as itself, is not the releasing one: its transfers are not its releases (404)
  for (const id of [toRelease, toRefuse]) t.is((await hOp.req('GET', `/api/enterprise/releases/${id}`, undefined, { 'x-enterprise-id': hId })).status, 404);
  t.deepEqual((await hOp.req('GET', '/api/enterprise/releases', undefined, { 'x-enterprise-id': hId })).body, []);
  // the refused calls changed nothing; the legal representative's did
  const db = s.server.deps.db;
  const apps = await db.selectFrom('applications').select(['id', 'status', 'release_signer_id']).where('id', 'in', [toRelease, toRefuse]).execute();
  t.deepEqual(Object.fromEntries(apps.map((a) => [a.id, [a.status, a.release_signer_id]])), { [toRelease]: ['acceptance', zhou.userId], [toRefuse]: ['refused', null] });
  const drafts = await db.selectFrom('applications').select('id').where('employer_id', '=', gId).where('type', '=', 'temporary_extension').execute();
  t.is(drafts.length, 1);
});
