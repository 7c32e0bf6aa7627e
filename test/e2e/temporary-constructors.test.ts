/**
 * Temporary constructors (临时建造师, issue 10, seed 003 §3.2.3.8-9) in the H5 build, on a Hunan server. The
 * temporary registrations come from the authority's register import (注册类型 二级注册临时建造师), as in
 * bff/test/temporary-constructors.test.ts; the development enterprise is their employer (the old employer, 转出单位),
 * a second enterprise (inserted with its operator, as enterprise.test.ts seeds data) the new one (转入企业).
 * - a transfer: the new employer's operator finds the person by name and ID number, starts 临时建造师变更, fills in
 *   the form (现聘用企业 = itself, 学历, 聘用情况), 上报 and signs it with its SMS code; the old employer's operator sees
 *   the pending release in its to-do list, opens it read-only and agrees (同意转出) with its own SMS code; the
 *   transfer goes to the authority (受理), both signatures in the form;
 * - a refusal: a transfer filed and signed through the HTTP API; the old employer opens it from 临时建造师变更确认 and
 *   does not agree, with a reason; the transfer ends;
 * - an extension (延期): the registration's employer (the development enterprise, still 陈临二's after the refusal)
 *   files it with 延续专业 and signs it; it goes to the authority; a cancellation (注销) of 王临三 the same way.
 * The refusal's signer list shows the old employer's row as 不同意转出 with the reason.
 * Numbered screenshots test-results/screenshots/temporary-NN-*.png; axe-core on every one (0 serious/critical).
 */
import test from 'ava';
import { chromium, type Browser, type Page } from 'playwright-core';
import { usccCheckCharacter } from '@zhiyetong/shared';
import { DEV_ENTERPRISE_PROFILE } from '../../bff/src/seed.js';
import { startTestServer, login as apiLogin, ENTERPRISE, OPERATOR_PHONE, type Client, type TestServer } from '../../bff/test/helpers/server.js';
import { freshPhone, makeIdNumber } from '../../bff/test/helpers/data.js';
import { employerSign, reviewerClient, verifyInPerson } from '../../bff/test/helpers/flow.js';
import { a11yCounts, BASE_ARGS, CHROMIUM, el, enterSmsCode, failureLog, fill, h5Dir, loginAndAgree, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const screenshot = screenshots('temporary-', { a11y: true });
const DAY = 86_400_000;
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const NEW_EMPLOYER = { name: '湖南转入建设工程有限公司', uscc: uscc('91430100MA4L00007') };
const NEW_OPERATOR = '13700000041';
const PEOPLE = {
  moved: { name: '刘临一', idNumber: makeIdNumber('19750101', '701', '430102'), no: '湘231431800701' },
  kept: { name: '陈临二', idNumber: makeIdNumber('19760202', '702', '430102'), no: '湘231431800702' },
  cancelled: { name: '王临三', idNumber: makeIdNumber('19770303', '703', '430102'), no: '湘231431800703' },
}
let server: TestServer;
let browser: Browser;
let newOp: Client;
const started = Date.now();
const today = () => new Date(server.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);

test.before(async () => {
  await prepareBrowserTest();
  server = await startTestServer({ PROVINCE: 'hunan', H5_DIR: h5Dir });
  const db = server.server.deps.db;
  const e = await db.insertInto('enterprises').values({ name: NEW_EMPLOYER.name, uscc: NEW_EMPLOYER.uscc, profile: JSON.stringify(DEV_ENTERPRISE_PROFILE) }).returning('id').executeTakeFirstOrThrow();
  const u = await db.insertInto('users').values({ phone: NEW_OPERATOR, roles: ['enterprise_operator'] }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('enterprise_operators').values({ enterprise_id: e.id, user_id: u.id }).execute();
  // the register of temporary constructors as the authority loads it, at the development enterprise; valid 60 more days
  const rows = [
    ['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至', '注册类型'],
    ...Object.values(PEOPLE).map((p) => [p.no, p.name, p.idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', shift(today(), -700), shift(today(), 60), '二级注册临时建造师']),
  ];
  const form = new FormData();
  form.append('file', new Blob(['\ufeff' + rows.map((r) => r.join(',')).join('\r\n')]), 'temporary.csv');
  const res = await fetch(`${server.baseUrl}/api/review/registrations/imports?profession=constructor`, { method: 'POST', headers: { authorization: `Bearer ${(await reviewerClient(server)).token}` }, body: form });
  const report = await res.json();
  if (res.status !== 200 || report.registrationsImported !== 3) throw new Error(`import ${res.status} ${JSON.stringify(report)}`);
  for (const p of Object.values(PEOPLE)) {
    const c = await apiLogin(server, freshPhone());
    if ((await c.put('/api/me/identity', { name: p.name, idNumber: p.idNumber })).status !== 200) throw new Error('identity');
    await verifyInPerson(server, p.idNumber);
  }
  newOp = await apiLogin(server, NEW_OPERATOR);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (a11yCounts.size) console.log(`axe per screen (violations, serious/critical): ${[...a11yCounts].map(([k, [n, s]]) => `${k} ${n}/${s}`).join('; ')}`);
  console.log(`temporary constructors browser test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Taro.showModal in H5: tap one of its buttons. */
async function modal(page: Page, label: string) {
  const foot = page.locator('.taro-modal__foot').filter({ visible: true }).first();
  await foot.waitFor({ state: 'visible', timeout: 10_000 });
  await foot.getByText(label, { exact: true }).tap();
}

/** A date picker left at its default. */
async function pickDefaultDate(page: Page, testId: string) {
  await el(page, testId).tap();
  await text(page, '确定').tap();
  await page.waitForFunction((id) => /^\d{4}-\d{2}-\d{2}$/.test(document.querySelector(`.taro_page_show [data-testid="${id}"]`)?.textContent?.trim() ?? ''), testId);
}

test.serial('a transfer filed and signed by the new employer’s operator, seen in the old employer’s to-do list and released with its SMS code', async (t) => {
  t.timeout(3 * 60_000);
  const p = PEOPLE.moved
  const np = await newPhone(browser);
  const op = await newPhone(browser);
  try {
    // the new employer: find the person, start the transfer, fill it in, 上报, sign
    await loginAndAgree(np.page, server, NEW_OPERATOR);
    await np.page.goto(`${server.baseUrl}/employer/pages/filings/index`);
    await el(np.page, 'new-filing').tap();
    await fill(np.page, 'person-name', p.name);
    await fill(np.page, 'person-id', p.idNumber);
    await el(np.page, 'person-search').tap();
    await el(np.page, 'registration-temporary').waitFor();
    await el(np.page, 'file-temporary_transfer').scrollIntoViewIfNeeded();
    await screenshot(np.page, 'find-person');
    await el(np.page, 'file-temporary_transfer').tap();
    await el(np.page, 'filing-draft-note').waitFor();
    const id = new URL(np.page.url().replace('#', '')).searchParams.get('id') ?? '';
    t.regex(id, /^[0-9a-f-]{36}$/);
    await el(np.page, 'filing-edit').tap();
    await el(np.page, 'temporary-employer').waitFor();
    t.regex((await el(np.page, 'temporary-employer').textContent()) ?? '', new RegExp(`${NEW_EMPLOYER.name}.*转出企业（原聘用企业）：${ENTERPRISE.name}`));
    await fill(np.page, 'employer-phone', '0731-85556789');
    await fill(np.page, 'edu-school', '湖南大学');
    await fill(np.page, 'edu-major', '土木工程');
    await pickDefaultDate(np.page, 'edu-graduated');
    await fill(np.page, 'edu-level', '本科');
    await fill(np.page, 'edu-degree', '学士');
    await el(np.page, 'temporary-note').scrollIntoViewIfNeeded();
    await screenshot(np.page, 'transfer-form');
    await el(np.page, 'save-and-sign').tap();
    await el(np.page, 'filing-submit').waitFor();
    await el(np.page, 'filing-submit').tap();
    await modal(np.page, '上报');
    await el(np.page, 'filing-countersign').waitFor();
    await el(np.page, 'filing-countersign').tap();
    await el(np.page, 'signer-releasing_employer').waitFor();
    await el(np.page, 'employer-opinion').tap();
    server.advance(61_000);
    await enterSmsCode(np.page, server, NEW_OPERATOR);
    await screenshot(np.page, 'new-employer-sign');
    await el(np.page, 'employer-sign').tap();
    await el(np.page, 'employer-result-note').waitFor();
    t.regex((await el(np.page, 'employer-result-note').textContent()) ?? '', new RegExp(`等待原聘用企业${ENTERPRISE.name}同意转出`));
    t.is((await newOp.get(`/api/enterprise/applications/${id}`)).body.status, 'awaiting_release');

    // the old employer: the to-do, the transfer read-only, 同意转出 with its own code
    await loginAndAgree(op.page, server, OPERATOR_PHONE);
    // the home again (a tap on the privacy guide can land on the home's first entry as it appears)
    await op.page.goto(`${server.baseUrl}/pages/home/index`);
    const todo = op.page.locator(`[data-testid="todo-item"][data-kind="release"]`).filter({ visible: true }).first();
    await todo.waitFor();
    t.regex((await todo.textContent()) ?? '', new RegExp(`原单位确认：${NEW_EMPLOYER.name}申请转入${p.name}`));
    await screenshot(op.page, 'old-employer-todo');
    await todo.tap();
    await el(op.page, 'release-awaiting').waitFor();
    await el(op.page, 'signer-employer').waitFor();
    await screenshot(op.page, 'release-view');
    await el(op.page, 'release-opinion').scrollIntoViewIfNeeded();
    await el(op.page, 'release-opinion').tap();
    server.advance(61_000);
    await enterSmsCode(op.page, server, OPERATOR_PHONE);
    await screenshot(op.page, 'release-sign');
    await el(op.page, 'release-submit').tap();
    await el(op.page, 'release-result').waitFor();
    await screenshot(op.page, 'released');
    const after = (await newOp.get(`/api/enterprise/applications/${id}`)).body;
    t.is(after.status, 'acceptance');
    t.deepEqual(after.signatures.map((s: { signer: string }) => s.signer), ['employer', 'releasing_employer']);

    // the old employer's query: the transfer with its state and the authority's stages
    await op.page.goto(`${server.baseUrl}/employer/pages/query/index`);
    await el(op.page, 'seg-releases').tap();
    await op.page.locator('[data-testid="filing-card"][data-status="acceptance"]').filter({ visible: true }).first().waitFor();
    await screenshot(op.page, 'release-query');
  } catch (e) {
    await failureLog(t, 'temporary-failure-transfer');
    throw e;
  } finally {
    await np.context.close();
    await op.context.close();
  }
});

test.serial('a transfer the old employer does not release: refused with a reason, the transfer ends', async (t) => {
  t.timeout(2 * 60_000);
  const p = PEOPLE.kept;
  const created = await newOp.post('/api/enterprise/filings', { type: 'temporary_transfer', name: p.name, idNumber: p.idNumber });
  t.is(created.status, 201, JSON.stringify(created.body));
  const form = { employer: { ...NEW_EMPLOYER, phone: '0731-85556789' }, employment: { startOn: today(), endOn: null }, education: { school: '中南大学', major: '工程管理', graduatedOn: '1999-06-30', level: '本科', degree: '学士' } };
  t.is((await newOp.put(`/api/enterprise/filings/${created.body.id}`, { version: created.body.version, form })).status, 200);
  t.is((await newOp.post(`/api/enterprise/filings/${created.body.id}/submissions`)).status, 200);
  t.is((await employerSign(server, newOp, created.body.id, NEW_OPERATOR)).body.status, 'awaiting_release');
  const op = await newPhone(browser);
  try {
    await loginAndAgree(op.page, server, OPERATOR_PHONE);
    await op.page.goto(`${server.baseUrl}/employer/pages/home/index`);
    await el(op.page, 'entry-releases').tap();
    await el(op.page, 'release-card').waitFor();
    await screenshot(op.page, 'releases');
    await el(op.page, 'filing-card').tap();
    await el(op.page, 'release-refuse').tap();
    await fill(op.page, 'refusal-reason', '劳动合同未到期，不同意转出');
    await screenshot(op.page, 'refusal');
    await el(op.page, 'refusal-submit').tap();
    await modal(op.page, '不同意');
    await el(op.page, 'release-refused').waitFor();
    t.regex((await el(op.page, 'signer-releasing_employer-refused').textContent()) ?? '', /不同意转出.*原因：劳动合同未到期，不同意转出/);
    await screenshot(op.page, 'refused');
    const after = (await newOp.get(`/api/enterprise/applications/${created.body.id}`)).body;
    t.like(after, { status: 'refused', refusalReason: '劳动合同未到期，不同意转出' });
  } catch (e) {
    await failureLog(t, 'temporary-failure-refusal');
    throw e;
  } finally {
    await op.context.close();
  }
});

const fileAndSign = test.macro(async (t, type: 'temporary_extension' | 'temporary_cancellation') => {
  t.timeout(2 * 60_000);
  const p = type === 'temporary_extension' ? PEOPLE.kept : PEOPLE.cancelled;
  const op = await newPhone(browser);
  try {
    await loginAndAgree(op.page, server, OPERATOR_PHONE);
    await op.page.goto(`${server.baseUrl}/employer/pages/person/index`);
    await fill(op.page, 'person-name', p.name);
    await fill(op.page, 'person-id', p.idNumber);
    await el(op.page, 'person-search').tap();
    await el(op.page, `file-${type}`).tap();
    await el(op.page, 'filing-draft-note').waitFor();
    const id = new URL(op.page.url().replace('#', '')).searchParams.get('id') ?? '';
    await el(op.page, 'filing-edit').tap();
    if (type === 'temporary_extension') await el(op.page, 'extend-building').tap();
    else await el(op.page, 'temporary-cancel').waitFor();
    await fill(op.page, 'employer-phone', '021-55501234');
    await fill(op.page, 'edu-school', '中南大学');
    await fill(op.page, 'edu-major', '工程管理');
    await pickDefaultDate(op.page, 'edu-graduated');
    await fill(op.page, 'edu-level', '本科');
    await fill(op.page, 'edu-degree', '学士');
    await el(op.page, type === 'temporary_extension' ? 'extend-building' : 'temporary-cancel').scrollIntoViewIfNeeded();
    await screenshot(op.page, type === 'temporary_extension' ? 'extension-form' : 'cancellation-form');
    await el(op.page, 'save-and-sign').tap();
    await el(op.page, 'filing-submit').tap();
    await modal(op.page, '上报');
    await el(op.page, 'filing-countersign').tap();
    await el(op.page, 'employer-opinion').tap();
    server.advance(61_000);
    await enterSmsCode(op.page, server, OPERATOR_PHONE);
    await el(op.page, 'employer-sign').tap();
    await el(op.page, 'employer-result-note').waitFor();
    t.regex((await el(op.page, 'employer-result-note').textContent()) ?? '', /报送注册机构受理/);
    const after = (await newOp.get(`/api/enterprise/applications/${id}`)).status;
    t.is(after, 404, 'another enterprise’s filing');
    const reviewer = await reviewerClient(server);
    const seen = (await reviewer.get(`/api/review/applications/${id}`)).body;
    t.like(seen, { status: 'acceptance', type });
    if (type === 'temporary_extension') t.deepEqual(seen.form.specialties, ['building']);
  } catch (e) {
    await failureLog(t, `temporary-failure-${type}`);
    throw e;
  } finally {
    await op.context.close();
  }
});

test.serial('an extension (延期) filed and signed by the registration’s employer goes to the authority', fileAndSign, 'temporary_extension');
test.serial('a cancellation (注销) filed and signed by the registration’s employer goes to the authority', fileAndSign, 'temporary_cancellation');
