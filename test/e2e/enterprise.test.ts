/**
 * The enterprise side in the H5 build (issue 10, seed 003 §3.2.2-3.2.3), against a local HTTP server playing
 * the business registry:
 * - an operator files for one of its people: 企业服务 → 代为申报 → finds the person by name and ID number,
 *   starts a cancellation, fills in the draft on the person's own form page (employer mode), 上报; the person
 *   sees it in their to-do list, checks it and signs it with their SMS code; the enterprise counter-signs and
 *   the cancellation completes; the person, not the legal representative, is refused when binding the
 *   enterprise (not_legal_representative);
 * - batch confirmation: three applications awaiting the enterprise (set up through the HTTP API), all ticked,
 *   one SMS code naming 3, one of them changed by its applicant meanwhile: 2 signed, 1 left out and reported;
 * - the legal representative binds the enterprise, invites an operator, sees the basic information and the
 *   queries (the enterprise's filings with their stages, its people's certificates).
 * Numbered screenshots test-results/screenshots/enterprise-NN-*.png; axe-core on every one (0 serious/critical).
 */
import test from 'ava';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, login as apiLogin, ENTERPRISE, OPERATOR_PHONE, type TestServer } from '../../bff/test/helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from '../../bff/test/helpers/data.js';
import { applicantWithDraft, registeredConstructor, sign, verifyInPerson } from '../../bff/test/helpers/flow.js';
import { startEnterpriseRegistryServer } from '../../bff/test/helpers/enterprise-registry-server.js';
import { DEV_ENTERPRISE_RECORD } from '../../bff/src/adapters/enterprise-registry.js';
import { a11yCounts, BASE_ARGS, CHROMIUM, el, enterSmsCode, failureLog, fill, h5Dir, loginAndAgree, newPhone, prepareBrowserTest, screenshots } from './helpers.js';

const screenshot = screenshots('enterprise-', { a11y: true });
let server: TestServer;
let browser: Browser;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;
const started = Date.now();

test.before(async () => {
  await prepareBrowserTest();
  registry = await startEnterpriseRegistryServer([DEV_ENTERPRISE_RECORD]);
  server = await startTestServer({ H5_DIR: h5Dir, ENTERPRISE_REGISTRY_URL: registry.url });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  await registry?.close();
  if (a11yCounts.size) console.log(`axe per screen (violations, serious/critical): ${[...a11yCounts].map(([k, [n, s]]) => `${k} ${n}/${s}`).join('; ')}`);
  console.log(`enterprise browser test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Taro.showModal in H5: tap one of its buttons. */
async function modal(page: Page, label: string) {
  const foot = page.locator('.taro-modal__foot').filter({ visible: true }).first();
  await foot.waitFor({ state: 'visible', timeout: 10_000 });
  await foot.getByText(label, { exact: true }).tap();
}

/** The operator's 企业服务 page, after an SMS login. */
async function operatorHome(page: Page, phone = OPERATOR_PHONE) {
  await loginAndAgree(page, server, phone);
  await page.goto(`${server.baseUrl}/employer/pages/home/index`);
  await el(page, 'enterprise-current').waitFor();
}

test.serial('an operator files a cancellation for one of its people; the person checks and signs it; the enterprise signs it and it completes', async (t) => {
  t.timeout(3 * 60_000);
  const person = await registeredConstructor(server, validForm(), '孙建国');
  const op = await newPhone(browser);
  const pp = await newPhone(browser);
  try {
    await operatorHome(op.page);
    await screenshot(op.page, 'home');
    await el(op.page, 'entry-filings').tap();
    await el(op.page, 'new-filing').tap();
    await fill(op.page, 'person-name', '孙建国');
    await fill(op.page, 'person-id', person.idNumber);
    await el(op.page, 'person-search').tap();
    await el(op.page, 'person-found').waitFor();
    await el(op.page, 'file-cancellation').scrollIntoViewIfNeeded();
    await screenshot(op.page, 'find-person');
    await el(op.page, 'file-cancellation').tap();
    await el(op.page, 'filing-draft-note').waitFor();
    const id = new URL(op.page.url().replace('#', '')).searchParams.get('id') ?? '';
    t.regex(id, /^[0-9a-f-]{36}$/);
    await el(op.page, 'filing-edit').tap();
    await el(op.page, 'cancel-all').tap();
    await fill(op.page, 'employer-phone', '021-55501234');
    await el(op.page, 'reason-contract_ended').tap();
    await el(op.page, 'declaration-0').tap();
    await screenshot(op.page, 'draft-form');
    await el(op.page, 'save-and-sign').tap();
    await el(op.page, 'filing-submit').waitFor();
    await screenshot(op.page, 'draft-saved');
    await el(op.page, 'filing-submit').tap();
    await modal(op.page, '上报');
    await el(op.page, 'filing-awaiting-applicant').waitFor();
    t.regex((await server.sms(person.phone)).join('\n'), /上海建和工程咨询有限公司已为您填报二级建造师注销注册申请/);

    // the person: the to-do, the check, the signature
    await loginAndAgree(pp.page, server, person.phone);
    await el(pp.page, 'todos').waitFor();
    const todo = pp.page.locator('[data-testid="todo-item"][data-kind="confirm"]').filter({ visible: true }).first();
    await todo.waitFor();
    await screenshot(pp.page, 'person-todo');
    await todo.tap();
    await el(pp.page, 'employer-filed-note').waitFor();
    await screenshot(pp.page, 'person-check');
    await el(pp.page, 'go-sign').tap();
    await el(pp.page, 'signer-applicant').waitFor();
    server.advance(61_000);
    await enterSmsCode(pp.page, server, person.phone);
    await screenshot(pp.page, 'person-sign');
    await el(pp.page, 'sign-submit').tap();
    await el(pp.page, 'sign-result').waitFor();

    // the enterprise counter-signs: a cancellation completes at once
    await op.page.goto(`${server.baseUrl}/employer/pages/filing/index?id=${id}`);
    await el(op.page, 'filing-countersign').tap();
    await el(op.page, 'employer-opinion').tap();
    server.advance(61_000);
    await enterSmsCode(op.page, server, OPERATOR_PHONE);
    await screenshot(op.page, 'employer-sign');
    await el(op.page, 'employer-sign').tap();
    await el(op.page, 'employer-sign-result').waitFor();
    t.regex((await el(op.page, 'employer-sign-result').textContent()) ?? '', /已办结/);
    await screenshot(op.page, 'employer-signed');
    t.is((await person.c.get(`/api/applications/${id}`)).body.status, 'completed');

    // the person is not the enterprise's legal representative: binding it is refused, nothing bound
    await pp.page.goto(`${server.baseUrl}/employer/pages/bind/index`);
    await fill(pp.page, 'bind-uscc', ENTERPRISE.uscc.toLowerCase());
    await el(pp.page, 'bind-submit').tap();
    await el(pp.page, 'bind-error').waitFor();
    t.is(await el(pp.page, 'bind-error').getAttribute('data-code'), 'not_legal_representative');
    await screenshot(pp.page, 'bind-refused');
    t.deepEqual((await person.c.get('/api/enterprise/memberships')).body, []);
  } catch (e) {
    await failureLog(t, 'enterprise-failure-filing');
    throw e;
  } finally {
    await op.context.close();
    await pp.context.close();
  }
});

test.serial('batch confirmation: three applications ticked, one SMS code naming 3; one changed meanwhile is left out and reported, two are signed', async (t) => {
  t.timeout(3 * 60_000);
  const apps: Awaited<ReturnType<typeof applicantWithDraft>>[] = [];
  for (const name of ['钱一', '钱二', '钱三']) {
    const a = await applicantWithDraft(server, validForm(), name);
    const signed = await sign(server, a.c, a.phone, a.id);
    t.is(signed.status, 200, JSON.stringify(signed.body));
    apps.push(a);
  }
  const op = await newPhone(browser);
  try {
    await operatorHome(op.page);
    await el(op.page, 'entry-batch').tap();
    await op.page.locator('[data-testid="batch-item"]').filter({ visible: true }).nth(2).waitFor();
    t.is(await op.page.locator('[data-testid="batch-item"]').filter({ visible: true }).count(), 3);
    await screenshot(op.page, 'batch-list');
    await el(op.page, 'batch-all').tap();
    await el(op.page, 'batch-opinion').tap();
    server.advance(61_000);
    const before = (await server.sms(OPERATOR_PHONE)).length;
    await enterSmsCode(op.page, server, OPERATOR_PHONE);
    await el(op.page, 'batch-code-sent').waitFor();
    t.regex((await server.sms(OPERATOR_PHONE)).slice(before).join('\n'), /批量签署3份申请/);
    await screenshot(op.page, 'batch-code', 1800); // after the toast (1.5 s)

    // meanwhile the third applicant saves their form again (their signature is void): it is left out
    const changed = apps[2];
    const now = (await changed.c.get(`/api/applications/${changed.id}`)).body;
    t.is((await changed.c.put(`/api/applications/${changed.id}`, { version: now.version, form: validForm({ specialties: [{ specialty: 'municipal', issueDate: '2025-03-21' }] }) })).status, 200);

    await el(op.page, 'batch-confirm').tap();
    await el(op.page, 'batch-result').waitFor();
    t.is(await op.page.locator('[data-testid="batch-signed-item"]').filter({ visible: true }).count(), 2);
    t.is(await op.page.locator('[data-testid="batch-skipped-item"]').filter({ visible: true }).count(), 1);
    t.regex((await el(op.page, 'batch-skipped-item').textContent()) ?? '', new RegExp(now.acceptanceNo));
    await screenshot(op.page, 'batch-result');
    for (const a of apps.slice(0, 2)) t.not((await a.c.get(`/api/applications/${a.id}`)).body.status, 'awaiting_employer');
  } catch (e) {
    await failureLog(t, 'enterprise-failure-batch');
    throw e;
  } finally {
    await op.context.close();
  }
});

test.serial('the legal representative binds the enterprise, invites an operator, sees the basic information and the queries', async (t) => {
  t.timeout(2 * 60_000);
  const phone = freshPhone();
  const c = await apiLogin(server, phone);
  const idNumber = makeIdNumber('19750302', '611');
  t.is((await c.put('/api/me/identity', { name: '王建和', idNumber })).status, 200);
  await verifyInPerson(server, idNumber);
  const lr = await newPhone(browser);
  try {
    await loginAndAgree(lr.page, server, phone);
    await el(lr.page, 'home-bind').waitFor();
    await lr.page.goto(`${server.baseUrl}/employer/pages/bind/index`);
    await fill(lr.page, 'bind-uscc', ENTERPRISE.uscc);
    await screenshot(lr.page, 'bind');
    await el(lr.page, 'bind-submit').tap();
    await el(lr.page, 'bind-result').waitFor();
    await screenshot(lr.page, 'bind-result');
    await lr.page.goto(`${server.baseUrl}/employer/pages/home/index`);
    await el(lr.page, 'entry-operators').tap();
    await el(lr.page, 'member').waitFor();
    const invited = freshPhone();
    await fill(lr.page, 'invite-phone', invited);
    await el(lr.page, 'invite-submit').tap();
    await lr.page.locator('[data-testid="member"]').filter({ visible: true }).filter({ hasText: invited.slice(-4) }).waitFor();
    await screenshot(lr.page, 'operators');
    await lr.page.goto(`${server.baseUrl}/employer/pages/profile/index`);
    await el(lr.page, 'profile-edit').waitFor();
    await screenshot(lr.page, 'profile');
    // 申报查询: the enterprise's filings with their progress, its people's certificates
    await lr.page.goto(`${server.baseUrl}/employer/pages/query/index`);
    await el(lr.page, 'filing-card').waitFor();
    await screenshot(lr.page, 'query-filings');
    await el(lr.page, 'seg-people').tap();
    await el(lr.page, 'person-certificate').waitFor();
    t.regex((await el(lr.page, 'person-certificate').textContent()) ?? '', /已作废/, '孙建国 cancelled every specialty: the certificate is void');
    await screenshot(lr.page, 'query-people');
    const members = (await c.get('/api/enterprise/operators')).body as { role: string }[];
    t.true(members.some((m) => m.role === 'legal_representative'));
  } catch (e) {
    await failureLog(t, 'enterprise-failure-binding');
    throw e;
  } finally {
    await lr.context.close();
  }
});
