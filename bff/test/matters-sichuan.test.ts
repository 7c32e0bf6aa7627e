/**
 * The change of employer under Sichuan's rules (seed 004 变更): one application to the new employer, which
 * counter-signs; the original validity is kept; a second change within a year is refused. Shanghai's
 * setting (cancel, then register again) is in matters.test.ts.
 */
import test from 'ava';
import { usccCheckCharacter } from '@zhiyetong/shared';
import { login, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { DEV_ENTERPRISE_PROFILE } from '../src/seed.js';
import { employerSign, fileMatter, registeredConstructor, reviewerClient, sign, uploadDocument } from './helpers/flow.js';

let s: TestServer;
const NEW_EMPLOYER = { name: '四川蜀建工程有限公司', uscc: '91510100MA6C8XY41', phone: '028-85551234' };
NEW_EMPLOYER.uscc += usccCheckCharacter(NEW_EMPLOYER.uscc);
const NEW_OPERATOR = '13800000003';

test.before(async () => {
  s = await startTestServer({ PROVINCE: 'sichuan', PROVINCE_ABBR: '川', AUTHORITY_NAME: '四川省住房和城乡建设厅' });
  // a second enterprise with its operator (the dev data has one)
  const db = s.server.deps.db;
  // with complete basic information (issue 10: an enterprise without it cannot counter-sign)
  const e = await db.insertInto('enterprises').values({ name: NEW_EMPLOYER.name, uscc: NEW_EMPLOYER.uscc, profile: JSON.stringify(DEV_ENTERPRISE_PROFILE) }).returning('id').executeTakeFirstOrThrow();
  const u = await db.insertInto('users').values({ phone: NEW_OPERATOR, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: e.id, user_id: u.id }).execute();
});
test.after.always(async () => {
  await s?.stop();
});

test.serial('Sichuan: the new employer counter-signs one change application; validity kept; a second change within a year is refused', async (t) => {
  const p = await registeredConstructor(s, validForm(), '王五');
  const before = p.registration;
  t.regex(before.registrationNo, /^川23/);
  const matters = (await p.c.get('/api/matters?profession=constructor')).body;
  t.true(matters.find((m: { type: string }) => m.type === 'change').available);

  const same = await fileMatter(p.c, 'change', { kind: 'employer', employer: { ...validForm().employer }, declarationAccepted: true });
  t.is(same.saved!.status, 422);
  t.truthy(same.saved!.body.error.fields['employer.name']);
  const saved = await p.c.put(`/api/applications/${same.created.body.id}`, { version: same.created.body.version, form: { kind: 'employer', employer: NEW_EMPLOYER, declarationAccepted: true } });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.deepEqual(saved.body.sections[0].rows[0], ['聘用企业', '上海建和工程咨询有限公司', NEW_EMPLOYER.name]);
  // proof that the old contract ended and the new contract (catalogue: documents a change of employer needs)
  t.is((await uploadDocument(s, p.c, saved.body.id, 'evidence')).status, 200);
  t.is((await sign(s, p.c, p.phone, saved.body.id)).status, 200);
  // the old employer does not see it; the new one does and signs
  const oldOperator = await login(s, '13800000002');
  t.is((await oldOperator.get(`/api/enterprise/applications/${saved.body.id}`)).status, 404);
  s.advance(86_400_000);
  const newOperator = await login(s, NEW_OPERATOR);
  t.deepEqual((await newOperator.get('/api/enterprise/applications?status=awaiting')).body.map((a: { id: string }) => a.id), [saved.body.id]);
  const confirmed = await employerSign(s, newOperator, saved.body.id, NEW_OPERATOR);
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  const reviewer = await reviewerClient(s);
  // Sichuan's route (province settings, 004): 受理, 审查, 审批
  for (const stage of ['acceptance', 'first_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${saved.body.id}/decisions`, { stage, outcome: 'pass' })).status, 200);

  const after = (await p.c.get('/api/registrations')).body[0];
  t.is(after.employer.name, NEW_EMPLOYER.name);
  t.is(after.registrationNo, before.registrationNo);
  t.deepEqual(after.specialties.map((x: { validUntil: string }) => x.validUntil), before.specialties.map((x: { validUntil: string }) => x.validUntil), 'validity is kept (004)');
  t.truthy(after.lastEmployerChangeOn);
  const certs = (await p.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { employerName: string; status: string }) => [c.employerName, c.status]), [[NEW_EMPLOYER.name, 'valid'], ['上海建和工程咨询有限公司', 'superseded']]);

  // a second change within a year is refused, and allowed again after it
  s.advance(100 * 86_400_000);
  const again = await p.c.post('/api/applications', { profession: 'constructor', type: 'change' });
  t.is(again.status, 201, 'a change of details is still possible');
  const second = await p.c.put(`/api/applications/${again.body.id}`, { version: again.body.version, form: { kind: 'employer', employer: { ...validForm().employer }, declarationAccepted: true } });
  t.is(second.status, 409);
  t.is(second.body.error.code, 'employer_change_too_soon');
  t.regex(second.body.error.fields.kind, /一年内不得再次变更/);
  s.advance(270 * 86_400_000);
  const later = await p.c.put(`/api/applications/${again.body.id}`, { version: again.body.version, form: { kind: 'employer', employer: { ...validForm().employer }, declarationAccepted: true } });
  t.is(later.status, 200, JSON.stringify(later.body));
});
