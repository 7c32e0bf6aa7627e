/**
 * Issue 12 in the H5 build: a holder shares a certificate from the miniapp (分享证书: one week), the link
 * opens in another browser with the live status and a download, the holder sees it opened and revokes it, and
 * the link then says it no longer works. Screenshots: test-results/screenshots/share-NN-*.png.
 */
import test from 'ava';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer } from '../../bff/test/helpers/server.js';
import { registeredConstructor } from '../../bff/test/helpers/flow.js';
import { BASE_ARGS, CHROMIUM, el, failureLog, h5Dir, login, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const screenshot = screenshots('share-', { a11y: true });

test('a holder shares a certificate for a week, sees the link opened, and revokes it', async (t) => {
  t.timeout(4 * 60_000);
  await prepareBrowserTest();
  const server = await startTestServer({ H5_DIR: h5Dir });
  let browser: Browser | undefined;
  try {
    const holder = await registeredConstructor(server, undefined, '王建平');
    const [cert] = (await holder.c.get('/api/certificates')).body;
    t.is((await holder.c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
    const a = await newPhone(browser);
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    server.advance(61_000);
    await login(a.page, server, holder.phone);
    await el(a.page, 'privacy-agree').waitFor();
    await el(a.page, 'privacy-agree').tap();
    await el(a.page, 'privacy-submit').tap();
    await el(a.page, 'new-application').waitFor();

    await a.page.goto(`${server.baseUrl}/certificates/pages/detail/index?id=${cert.id}`);
    await el(a.page, 'share-certificate').tap();
    await el(a.page, 'share-create').waitFor();
    await screenshot(a.page, 'choose');
    await el(a.page, 'seg-7').tap();
    await el(a.page, 'share-create').tap();
    await el(a.page, 'share-link').waitFor();
    const url = ((await el(a.page, 'share-link-url').textContent()) ?? '').trim();
    t.regex(url, /\/s\/[A-Za-z0-9_-]{43}$/);
    await text(a.page, '有效').waitFor();
    await screenshot(a.page, 'created');
    // the link names PUBLIC_BASE_URL (the test server's is a placeholder): open the same path on the server
    const link = `${server.baseUrl}${new URL(url).pathname}`;

    // whoever gets the link: the live status and the details, no ID number, a copy to download
    const v = await newPhone(browser);
    const opened = await v.page.goto(link);
    t.is(opened?.status(), 200);
    await v.page.locator('[data-status="valid"]').waitFor();
    const body = (await v.page.textContent('body')) ?? '';
    t.true(body.includes('王建平') && body.includes(cert.registrationNo));
    t.false(body.includes(holder.idNumber));
    const download = await Promise.all([v.page.waitForEvent('download'), v.page.getByText('下载证书副本 (PDF)').click()]).then(([d]) => d);
    t.regex(download.suggestedFilename(), /\.pdf$/);
    await screenshot(v.page, 'opened');

    // the holder sees it opened, and revokes it
    await a.page.reload();
    await el(a.page, 'share-link').waitFor();
    t.regex((await el(a.page, 'share-link').textContent()) ?? '', /打开次数1 次/);
    await el(a.page, 'share-revoke').tap();
    const foot = a.page.locator('.taro-modal__foot').filter({ visible: true }).first();
    await foot.getByText('撤销', { exact: true }).tap();
    await text(a.page, '已撤销').waitFor();
    await screenshot(a.page, 'revoked');

    const gone = await v.page.goto(link);
    t.is(gone?.status(), 410);
    await v.page.getByText('分享链接已失效').waitFor();
    t.false(((await v.page.textContent('body')) ?? '').includes(cert.registrationNo));
    await screenshot(v.page, 'gone');
  } catch (e) {
    await failureLog(t, 'share-failure');
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
});
