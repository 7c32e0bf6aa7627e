/**
 * The whole registration path in the H5 build, in a phone-sized Chromium with touch:
 * applicant logs in, consents, registers identity, fills the initial registration form and signs;
 * the employer counter-signs; the reviewer passes every stage; the applicant claims and downloads the
 * certificate; the verify page reads the certificate's QR code from a (fake) camera and shows 有效.
 *
 * Needs the H5 build (built here when miniapp/dist/h5 is missing), Debian's /usr/bin/chromium (never a
 * downloaded browser; playwright's launch() gives each browser a new empty user-data-dir) and the ffmpeg binary from @ffmpeg-installer. Screenshots: test-results/screenshots.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { idNumberCheckDigit } from '@zhiyetong/shared';
import { startTestServer, type TestServer } from '../../bff/test/helpers/server.js';
import { verifyInPerson } from '../../bff/test/helpers/flow.js';
import { acceptPrivacy, BASE_ARGS, cameraArgs, CHROMIUM, el, enterSmsCode, failureLog, FFMPEG, fill, h5Dir, login, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const APPLICANT = `139${String(process.pid % 10000).padStart(4, '0')}0001`;
const EMPLOYER = '13800000002';
const REVIEWER = '13800000009';
const ENTERPRISE_NAME = '上海建和工程咨询有限公司';
const ENTERPRISE_USCC = '91310115MA1K3YJH5A';
const first17 = '31010119900307123';
const ID_NUMBER = first17 + idNumberCheckDigit(first17);

const screenshot = screenshots('', { a11y: true });

/** Taro.showModal in H5: tap its confirm button. */
async function confirmModal(page: Page, label = '确定') {
  const modal = page.locator('.taro-modal__foot').filter({ visible: true }).first();
  await modal.waitFor({ state: 'visible', timeout: 10_000 });
  await modal.getByText(label, { exact: true }).tap();
}

/** SMS login with a screenshot of the filled form (`<name>-login`). */
function loginAs(page: Page, server: TestServer, phone: string, name: string) {
  return login(page, server, phone, () => screenshot(page, `${name}-login`));
}

/** The privacy guide on first login, with a screenshot (`<name>-privacy`). */
function consentIfAsked(page: Page, name: string) {
  return acceptPrivacy(page, () => screenshot(page, `${name}-privacy`));
}

test('registration path in the H5 app: apply, sign, confirm, review, claim, verify by camera', async (t) => {
  t.timeout(10 * 60_000);
  await prepareBrowserTest();

  const server = await startTestServer({ H5_DIR: h5Dir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
  const work = await mkdtemp(path.join(tmpdir(), 'zyt-e2e-'));
  let cameraBrowser: Browser | undefined;
  try {
    const base = server.baseUrl;

    // ---- applicant: login, privacy, identity, new application, form, sign
    const a = await newPhone(browser);
    await loginAs(a.page, server, APPLICANT, 'applicant');
    await consentIfAsked(a.page, 'applicant');
    await el(a.page, 'new-application').waitFor();
    await screenshot(a.page, 'applicant-home-empty');

    await a.page.goto(`${base}/applicant/pages/identity/index`);
    await fill(a.page, 'identity-name', '张建国');
    await fill(a.page, 'identity-id', ID_NUMBER);
    await text(a.page, `${ID_NUMBER.slice(0, 3)}${'*'.repeat(11)}${ID_NUMBER.slice(-4)} · 男 · 出生日期 1990-03-07`).waitFor();
    await el(a.page, 'identity-submit').tap();
    await el(a.page, 'identity-view').waitFor();
    await screenshot(a.page, 'applicant-identity');
    // Face recognition is not part of this path: the registration authority verifies the person in person.
    await verifyInPerson(server, ID_NUMBER);
    await a.page.reload();
    await text(a.page, '已核验').waitFor();

    await a.page.goto(`${base}/applicant/pages/new/index`);
    await el(a.page, 'type-constructor-initial').waitFor();
    t.is(await el(a.page, 'type-constructor-renewal').getAttribute('aria-disabled'), 'true');
    await screenshot(a.page, 'applicant-new-application');
    await el(a.page, 'type-constructor-initial').tap();

    // the form: inline validation first
    await el(a.page, 'employer-name').waitFor();
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请至少选择一个注册专业').waitFor();
    await screenshot(a.page, 'applicant-form-errors');

    await fill(a.page, 'employer-name', ENTERPRISE_NAME);
    await el(a.page, 'verify-employer').tap();
    await a.page.waitForFunction((uscc) => Array.from(document.querySelectorAll('[data-testid="employer-uscc"] input')).some((i) => (i as HTMLInputElement).value === uscc), ENTERPRISE_USCC);
    await fill(a.page, 'employer-phone', '021-55501234');
    await el(a.page, 'specialty-building').tap();
    await el(a.page, 'issue-date-building').tap();
    await text(a.page, '确定').tap(); // the date picker's default: one year ago (not late)
    await a.page.waitForFunction(() => /^\d{4}-\d{2}-\d{2}$/.test(document.querySelector('[data-testid="issue-date-building"]')?.textContent?.trim() ?? ''));
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    await screenshot(a.page, 'applicant-form-filled');
    await el(a.page, 'save-and-sign').tap();

    // signing
    await el(a.page, 'signer-applicant').waitFor();
    t.regex((await el(a.page, 'signer-applicant').textContent()) ?? '', /当前签署/);
    await text(a.page, '本签署事项共有 2 个签署方').waitFor();
    await enterSmsCode(a.page, server, APPLICANT);
    await screenshot(a.page, 'applicant-sign');
    await el(a.page, 'sign-submit').tap();
    await el(a.page, 'sign-result').waitFor();
    const acceptanceNo = (await el(a.page, 'sign-result').textContent()) ?? '';
    t.regex(acceptanceNo, /受理编号/);
    await screenshot(a.page, 'applicant-sign-result');
    await el(a.page, 'sign-done').tap();
    await text(a.page, '个人签名完成').waitFor();
    await screenshot(a.page, 'applicant-detail-timeline');
    await a.context.close();

    // ---- employer: queue, detail, opinion, counter-sign
    const e = await newPhone(browser);
    await loginAs(e.page, server, EMPLOYER, 'employer');
    await consentIfAsked(e.page, 'employer');
    await el(e.page, 'employer-app').waitFor();
    await screenshot(e.page, 'employer-queue');
    await el(e.page, 'employer-app').tap();
    await el(e.page, 'employer-opinion').waitFor();
    t.regex((await el(e.page, 'signer-employer').textContent()) ?? '', /当前签署/);
    await el(e.page, 'employer-opinion').tap();
    await enterSmsCode(e.page, server, EMPLOYER);
    await screenshot(e.page, 'employer-detail-sign');
    await el(e.page, 'employer-sign').tap();
    await el(e.page, 'employer-sign-result').waitFor();
    await screenshot(e.page, 'employer-sign-result');
    await el(e.page, 'employer-done').tap();
    await el(e.page, 'seg-confirmed').tap();
    await el(e.page, 'employer-app').waitFor();
    await screenshot(e.page, 'employer-confirmed');
    await e.context.close();

    // ---- reviewer: pass every stage
    // verifyInPerson logged the reviewer in through the API a minute ago (server clock): past the resend wait
    server.advance(2 * 60_000);
    const r = await newPhone(browser);
    await loginAs(r.page, server, REVIEWER, 'reviewer');
    await consentIfAsked(r.page, 'reviewer');
    for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) {
      await el(r.page, `seg-${stage}`).tap();
      await el(r.page, 'review-app').waitFor();
      if (stage === 'acceptance') await screenshot(r.page, 'reviewer-queue');
      await el(r.page, 'review-app').tap();
      await el(r.page, 'decision-pass').waitFor();
      if (stage === 'acceptance') await screenshot(r.page, 'reviewer-decision');
      await el(r.page, 'decision-submit').tap();
      await confirmModal(r.page);
      await el(r.page, `seg-${stage}`).waitFor(); // back on the queue
      await r.page.waitForFunction(() => !document.querySelector('.taro_page_show [data-testid="decision-submit"]'));
    }
    await r.context.close();

    // ---- applicant: claim, download, QR
    const c = await newPhone(browser);
    await loginAs(c.page, server, APPLICANT, 'applicant-again');
    await el(c.page, 'application-card').waitFor();
    await text(c.page, '审批通过').waitFor();
    await screenshot(c.page, 'applicant-home-approved');
    await text(c.page, '证书/扫码验证').tap();
    await el(c.page, 'certificate-card').waitFor();
    await screenshot(c.page, 'certificates-unclaimed');
    await el(c.page, 'certificate-card').tap();
    await el(c.page, 'claim-confirm').waitFor();
    await el(c.page, 'claim-confirm').tap();
    await screenshot(c.page, 'certificate-claim');
    await el(c.page, 'claim-submit').tap();
    const downloading = c.page.waitForEvent('download');
    await confirmModal(c.page, '下载');
    const download = await downloading;
    const pdfPath = path.join(work, download.suggestedFilename() || 'certificate.pdf');
    await download.saveAs(pdfPath);
    t.true((await stat(pdfPath)).size > 1000);
    t.regex(download.suggestedFilename(), /\.pdf$/);

    const qr = c.page.locator('[data-testid="certificate-qr"]').filter({ visible: true }).first();
    await qr.waitFor();
    await c.page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="certificate-qr"] img') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await screenshot(c.page, 'certificate-view');
    const qrPng = path.join(work, 'qr.png');
    await qr.screenshot({ path: qrPng });
    await c.page.goto(`${base}/pages/mine/index`);
    await el(c.page, 'logout').waitFor();
    await text(c.page, '已核验').waitFor();
    await screenshot(c.page, 'mine');
    await c.context.close();

    // ---- verify: the QR code shown to a fake camera
    const y4m = path.join(work, 'qr.y4m');
    execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-loop', '1', '-i', qrPng, '-t', '2', '-r', '10', '-vf', 'scale=-2:400,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p', '-f', 'yuv4mpegpipe', y4m]);
    cameraBrowser = await chromium.launch({ executablePath: CHROMIUM, args: cameraArgs(y4m) });
    const v = await newPhone(cameraBrowser, { cameraOrigin: base });
    await v.page.goto(`${base}/pages/certs/index`);
    await screenshot(v.page, 'certificates-public');
    await el(v.page, 'go-scan').tap();
    await el(v.page, 'verify-status').waitFor({ timeout: 30_000 });
    t.regex((await el(v.page, 'verify-status').textContent()) ?? '', /有效/);
    await text(v.page, '张建国').waitFor();
    await screenshot(v.page, 'verify-result');
    await v.context.close();
  } catch (error) {
    await failureLog(t, 'failure');
    throw error;
  } finally {
    await cameraBrowser?.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
});
