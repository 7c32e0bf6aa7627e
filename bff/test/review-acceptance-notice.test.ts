/**
 * The reviewer's download of the acceptance notice (行政审批受理通知书, issue 11; the reviewer's detail page in the
 * miniapp): GET /api/review/applications/:id/acceptance-notice.pdf gives staff whose jurisdiction covers the
 * application the same signed notice as the applicant's; before acceptance, outside the jurisdiction (another
 * district's reviewer) or for a bad id it is 404; the download is audited.
 */
import test from 'ava';
import { login, startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign } from './helpers/flow.js';

let s: TestServer;

test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('a reviewer of the jurisdiction downloads the acceptance notice; another district and before acceptance: 404', async (t) => {
  const admin = await reviewerClient(s);
  const a = await applicantWithDraft(s, undefined, '孙七');
  t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
  t.is((await employerSign(s, await operatorClient(s), a.id)).status, 200);
  const path = `/api/review/applications/${a.id}/acceptance-notice.pdf`;
  t.is((await admin.get(path)).status, 404, 'none before acceptance');

  // a district's reviewer: the application went to the province (the enterprise has no district), so not theirs
  const district = await admin.post('/api/review/authorities', { name: '闵行区建设和管理委员会', regionCode: '310112' });
  t.is(district.status, 201);
  t.is((await admin.post('/api/review/staff', { phone: '13700000201', stageRoles: ['accept'], authorityId: district.body.id })).status, 201);
  const other = await login(s, '13700000201');

  t.is((await admin.post(`/api/review/applications/${a.id}/decisions`, { stage: 'acceptance', outcome: 'pass' })).status, 200);
  const res = await admin.get(path);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/pdf');
  t.true(res.bytes.subarray(0, 5).toString() === '%PDF-');
  const own = await a.c.get(`/api/applications/${a.id}/acceptance-notice.pdf`);
  t.true(own.bytes.equals(res.bytes), 'the same signed notice as the applicant has');

  t.is((await other.get(path)).status, 404, 'another district: not found');
  t.is((await admin.get('/api/review/applications/not-a-uuid/acceptance-notice.pdf')).status, 404);
  t.is((await a.c.get(path)).status, 403, 'an applicant is not a reviewer');

  const audited = await s.server.deps.db.selectFrom('audit_log').select(['action', 'actor_role']).where('object_id', '=', a.id).where('action', '=', 'acceptance_notice.downloaded').execute();
  t.true(audited.some((r) => r.actor_role === 'reviewer'), 'the reviewer’s download is audited');
});
