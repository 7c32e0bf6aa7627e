/**
 * Public notice (公示) under Sichuan's settings (seed 004: initial registration 审批、通告): an approved initial
 * registration waits in public_notice for the province's working days (weekends and listed holidays skipped),
 * is listed on the public page without ID numbers, and is issued by closeDueNotices only after its period; an
 * objection blocks issuing until a reviewer resolves it (dismissed → issued later; upheld → refused with the
 * reason, applicant and employer notified). Time moves with s.advance().
 */
import test from 'ava';
import { PROVINCE_SETTINGS, isWorkingDay } from '@zhiyetong/shared';
import { closeDueNotices } from '../src/domain/notices.js';
import { shanghaiDate } from '../src/time.js';
import { OPERATOR_PHONE, startTestServer, type TestServer } from './helpers/server.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign } from './helpers/flow.js';

let s: TestServer;
const DAY = 86_400_000;

test.before(async () => {
  s = await startTestServer({ PROVINCE: 'sichuan' });
});
test.after.always(async () => {
  await s?.stop();
});

/** Signs, counter-signs (a day later: the operator's daily codes) and passes Sichuan's route up to the notice. */
async function toNotice(a: Awaited<ReturnType<typeof applicantWithDraft>>) {
  const signed = await sign(s, a.c, a.phone, a.id);
  if (signed.status !== 200) throw new Error(JSON.stringify(signed.body));
  s.advance(DAY);
  const confirmed = await employerSign(s, await operatorClient(s), a.id);
  if (confirmed.status !== 200) throw new Error(JSON.stringify(confirmed.body));
  const reviewer = await reviewerClient(s);
  let last: any;
  for (const stage of ['acceptance', 'first_review', 'approval']) {
    last = await reviewer.post(`/api/review/applications/${a.id}/decisions`, { stage, outcome: 'pass' });
    if (last.status !== 200) throw new Error(`${stage} ${JSON.stringify(last.body)}`);
  }
  return last.body;
}

const today = () => shanghaiDate(s.now());
const deps = () => s.server.deps;

test.serial('an initial registration waits in public notice for its working days, weekends skipped, then the certificate is issued', async (t) => {
  const a = await applicantWithDraft(s, undefined, '钱一');
  // approve on a Friday, so the period runs over a weekend
  // to 10:00 on a Friday (Asia/Shanghai) at least two days ahead, less the day toNotice waits before the employer signs
  let friday = new Date(`${shanghaiDate(new Date(s.now().getTime() + 2 * DAY))}T10:00:00+08:00`);
  while (new Date(friday.getTime() + 8 * 3600_000).getUTCDay() !== 5) friday = new Date(friday.getTime() + DAY);
  s.advance(friday.getTime() - s.now().getTime() - DAY);
  const decided = await toNotice(a);
  t.is(decided.status, 'public_notice');
  t.is(decided.certificateId, null);
  t.is(new Date(s.now().getTime() + 8 * 3600_000).getUTCDay(), 5, 'approved on a Friday');

  const notices = (await a.c.get('/api/public/notices')).body;
  const mine = notices.find((n: { holderName: string }) => n.holderName === '钱一');
  t.truthy(mine);
  t.is(mine.workingDays, 5);
  // the 5 working days after Friday: Monday to Friday next week unless the calendar has holidays then
  const cal = PROVINCE_SETTINGS.sichuan.calendar;
  const days: string[] = [];
  for (let d = new Date(`${today()}T12:00:00+08:00`); days.length < 5; ) {
    d = new Date(d.getTime() + DAY);
    const iso = shanghaiDate(d);
    const weekend = [0, 6].includes(d.getUTCDay()) && !cal.adjustedWorkingDays.includes(iso);
    if (!weekend && !cal.holidays.includes(iso)) days.push(iso);
  }
  t.deepEqual([mine.startsOn, mine.endsOn], [days[0], days[4]]);
  t.false(isWorkingDay(shanghaiDate(new Date(s.now().getTime() + DAY)), cal), 'Saturday is not counted');

  // nothing is issued during the period, on its last day either
  const during = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is(during.status, 'public_notice');
  t.like(during.publicNotice, { startsOn: mine.startsOn, endsOn: mine.endsOn, workingDays: 5, status: 'open' });
  s.advance(3 * DAY); // Monday
  t.is(await closeDueNotices(deps()), 0);
  while (today() < mine.endsOn) s.advance(DAY);
  t.is(await closeDueNotices(deps()), 0, 'the last day of the period still belongs to it');
  t.deepEqual((await a.c.get('/api/registrations')).body, []);

  s.advance(DAY);
  t.is(await closeDueNotices(deps()), 1);
  t.is(await closeDueNotices(deps()), 0, 'idempotent');
  const app = (await a.c.get(`/api/applications/${a.id}`)).body;
  t.is(app.status, 'approved');
  const regs = (await a.c.get('/api/registrations')).body;
  t.is(regs.length, 1);
  t.regex(regs[0].registrationNo, /^川23/);
  const certs = (await a.c.get('/api/certificates')).body;
  t.is(certs.length, 1);
  t.false((await a.c.get('/api/public/notices')).body.some((n: { holderName: string }) => n.holderName === '钱一'), 'no longer listed');
  const sms = await s.sms(a.phone);
  t.true(sms.some((m) => m.includes('公示') && m.includes(mine.endsOn)));
});

test.serial('an objection blocks issuing until resolved: dismissed → issued; upheld → refused with the reason; the page shows no ID number', async (t) => {
  const b = await applicantWithDraft(s, undefined, '孙二');
  const c = await applicantWithDraft(s, undefined, '李三');
  t.is((await toNotice(b)).status, 'public_notice');
  t.is((await toNotice(c)).status, 'public_notice');

  const api = (await b.c.get('/api/public/notices')).body;
  const nb = api.find((n: { holderName: string }) => n.holderName === '孙二');
  const nc = api.find((n: { holderName: string }) => n.holderName === '李三');
  t.deepEqual(Object.keys(nb).sort(), ['employerName', 'endsOn', 'holderName', 'id', 'matter', 'matterLabel', 'profession', 'professionLabel', 'specialties', 'startsOn', 'workingDays']);
  t.deepEqual(nb.specialties, ['建筑工程']);
  const page = await fetch(`${s.baseUrl}/notices`);
  const html = await page.text();
  t.is(page.status, 200);
  t.regex(page.headers.get('content-security-policy') ?? '', /form-action 'self'/);
  t.true(html.includes('孙二') && html.includes('李三') && html.includes('上海建和工程咨询有限公司') && html.includes('建筑工程'));
  for (const id of [b.idNumber, c.idNumber]) {
    t.false(html.includes(id) || JSON.stringify(api).includes(id), 'no ID number on the public page');
    t.false(html.includes(id.slice(0, 6) + id.slice(6, 14)), 'not even its first 14 digits');
  }
  t.notRegex(html, /\d{17}[\dX]/);

  // objections: one through the JSON API, one through the page's form
  const anon = { post: (url: string, body: unknown) => fetch(s.baseUrl + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) };
  t.is((await anon.post(`/api/public/notices/${nb.id}/objections`, { text: '短' })).status, 422);
  const ob = await anon.post(`/api/public/notices/${nb.id}/objections`, { text: '该人员实际未在该企业工作，社保由其他单位缴纳。', contact: '13900001111' });
  t.is(ob.status, 201);
  const form = new FormData();
  form.append('text', '该人员同时在另一家企业任项目经理，请核实。');
  const viaPage = await fetch(`${s.baseUrl}/notices/${nc.id}/objections`, { method: 'POST', body: form });
  t.is(viaPage.status, 200);
  t.true((await viaPage.text()).includes('异议已提交'));

  // the periods pass: neither is issued while its objection is open
  s.advance(30 * DAY); // past any period, a Spring Festival included
  t.is(await closeDueNotices(deps()), 0);
  t.is((await b.c.get(`/api/applications/${b.id}`)).body.status, 'public_notice');
  t.is((await anon.post(`/api/public/notices/${nb.id}/objections`, { text: '公示期后的异议不再受理吗？' })).status, 409, 'notice_closed after the period');

  const reviewer = await reviewerClient(s);
  const open = (await reviewer.get('/api/review/objections')).body;
  t.is(open.length, 2);
  const objB = open.find((o: { holderName: string }) => o.holderName === '孙二');
  const objC = open.find((o: { holderName: string }) => o.holderName === '李三');
  t.is(objB.contact, '13900001111', 'the contact, for the reviewer only');
  // dismissed: the notice goes on and the next run issues the certificate
  t.is((await reviewer.post(`/api/review/objections/${objB.id}/resolutions`, { outcome: 'dismissed', resolution: '经核实，社保由企业正常缴纳，异议不成立' })).status, 200);
  t.is((await reviewer.post(`/api/review/objections/${objB.id}/resolutions`, { outcome: 'upheld', resolution: '再次处理' })).status, 409);
  const operatorBefore = (await s.sms(OPERATOR_PHONE)).length;
  // upheld: the application is refused with the reason
  const upheld = await reviewer.post(`/api/review/objections/${objC.id}/resolutions`, { outcome: 'upheld', resolution: '经核实，该人员在另一企业有社保记录' });
  t.is(upheld.status, 200);
  t.deepEqual(upheld.body, { status: 'upheld', applicationStatus: 'rejected' });
  t.is(await closeDueNotices(deps()), 1);
  t.is((await b.c.get(`/api/applications/${b.id}`)).body.status, 'approved');
  t.is((await b.c.get('/api/registrations')).body.length, 1);
  const cv = (await c.c.get(`/api/applications/${c.id}`)).body;
  t.is(cv.status, 'rejected');
  t.deepEqual((await c.c.get('/api/registrations')).body, []);
  const cSms = await s.sms(c.phone);
  t.true(cSms.some((m) => m.includes('异议成立') && m.includes('该人员在另一企业有社保记录')));
  const opSms = (await s.sms(OPERATOR_PHONE)).slice(operatorBefore);
  t.true(opSms.some((m) => m.includes('李三') && m.includes('该人员在另一企业有社保记录')));
  t.true(cv.history.some((h: { event: string }) => h.event === 'objection_upheld'), 'the history keeps the objection');
  t.regex(cv.returnReason ?? '', /该人员在另一企业有社保记录/);
});
