/**
 * 企业名称变更 (seed 000 §6) in the H5 build: the enterprise operator opens the rename page from the home
 * screen, enters the name the business registry (a local HTTP server playing it) now holds for the
 * enterprise's USCC, confirms, and sees the batch complete; the registered holder then has a new certificate
 * version under the new name to claim. Screenshots: test-results/screenshots/rename-*.png.
 */
import test from 'ava';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, OPERATOR_PHONE, type TestServer } from '../../bff/test/helpers/server.js';
import { validForm } from '../../bff/test/helpers/data.js';
import { registeredConstructor } from '../../bff/test/helpers/flow.js';
import { startEnterpriseRegistryServer } from '../../bff/test/helpers/enterprise-registry-server.js';
import { DEV_ENTERPRISE_RECORD } from '../../bff/src/adapters/enterprise-registry.js';
import { acceptPrivacy, BASE_ARGS, CHROMIUM, el, failureLog, fill, h5Dir, login, newPhone, prepareBrowserTest, screenshots } from './helpers.js';

const screenshot = screenshots('rename-', { a11y: true });
const NEW_NAME = '上海建和工程管理集团有限公司';
let server: TestServer;
let browser: Browser;
let registry: Awaited<ReturnType<typeof startEnterpriseRegistryServer>>;

test.before(async () => {
  await prepareBrowserTest();
  // the registry already holds the new name for the enterprise's credit code
  registry = await startEnterpriseRegistryServer([{ ...DEV_ENTERPRISE_RECORD, name: NEW_NAME }]);
  server = await startTestServer({ H5_DIR: h5Dir, ENTERPRISE_REGISTRY_URL: registry.url });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  await registry?.close();
});

test('the operator renames the enterprise; the batch completes and the holder gets a new version under the new name', async (t) => {
  const holder = await registeredConstructor(server, validForm(), '何四');
  const { page } = await newPhone(browser);
  try {
    server.advance(61_000);
    await login(page, server, OPERATOR_PHONE);
    await acceptPrivacy(page);
    // an operator lands on 待企业确认, opened over 首页 once 首页 shows (lib/session.ts goRoleHome); tapping 首页's
    // card before that raced with it. Once there, the operator opens the app again at 首页 (the session is kept).
    await page.waitForURL(/\/employer\/pages\/queue\//, { timeout: 30_000 });
    await page.goto(`${server.baseUrl}/pages/home/index`);
    await el(page, 'entry-employer-rename').tap();
    await el(page, 'rename-new-name').waitFor();
    await screenshot(page, 'page');
    await fill(page, 'rename-new-name', NEW_NAME);
    await el(page, 'rename-submit').tap();
    const foot = page.locator('.taro-modal__foot').filter({ visible: true }).first();
    await foot.waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'confirm');
    await foot.getByText('确定更名', { exact: true }).tap();
    await el(page, 'rename-batch').waitFor({ timeout: 30_000 });
    // the batch runs in the background: reload until it says 已完成
    for (let i = 0; i < 30 && !(await page.getByText('已完成', { exact: true }).filter({ visible: true }).count()); i++) {
      await page.waitForTimeout(1000);
      await page.reload();
      await el(page, 'rename-batch').waitFor({ timeout: 30_000 });
    }
    t.true((await el(page, 'rename-batch').innerText()).includes(NEW_NAME));
    t.true((await page.getByText('已完成', { exact: true }).filter({ visible: true }).count()) > 0);
    await screenshot(page, 'completed');
    const certs = (await holder.c.get('/api/certificates')).body;
    t.deepEqual(certs.map((c: { employerName: string; status: string }) => [c.employerName, c.status]), [[NEW_NAME, 'valid'], [DEV_ENTERPRISE_RECORD.name, 'superseded']]);
  } catch (e) {
    await failureLog(t, 'rename-failure');
    throw e;
  }
});
