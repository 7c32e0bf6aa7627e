/**
 * Issue 12 in the H5 build: the scanner verifies a certificate copy's signed QR offline. A registered
 * constructor's copy is downloaded through the API, its QR read back from the PDF (pdftoppm → jsQR) and
 * shown to Chromium's fake camera. Online first (the scan page fetches and caches the trust list; the
 * result shows the live status), then with the network cut (Playwright's offline mode: "签名有效", the
 * claims and the trust list's date, no live status), then online again.
 * Screenshots: test-results/screenshots/verify-offline-NN-*.png.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { startTestServer } from '../../bff/test/helpers/server.js';
import { registeredConstructor } from '../../bff/test/helpers/flow.js';
import { validForm } from '../../bff/test/helpers/data.js';
import { decodeQrFromPdf } from '../../bff/test/pdf/helpers.js';
import { cameraArgs, CHROMIUM, el, FFMPEG, h5Dir, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const screenshot = screenshots('verify-offline-', { a11y: true });

test('the scanner verifies a signed QR offline with the cached trust list, and adds the live status online', async (t) => {
  t.timeout(5 * 60_000);
  await prepareBrowserTest();
  const server = await startTestServer({ H5_DIR: h5Dir });
  let browser: Browser | undefined;
  try {
    const base = server.baseUrl;
    const three = ['building', 'municipal', 'electromechanical'].map((specialty) => ({ specialty, issueDate: '2025-03-21' }));
    const holder = await registeredConstructor(server, validForm({ specialties: three }), '欧阳建国');
    const [cert] = (await holder.c.get('/api/certificates')).body;
    await holder.c.post(`/api/certificates/${cert.id}/claim`);
    const pdf = await holder.c.get(`/api/certificates/${cert.id}/certificate.pdf?days=90`);
    const url = await decodeQrFromPdf(pdf.bytes);
    t.regex(url, /\/v\/\d+$/);

    const work = await mkdtemp(path.join(tmpdir(), 'zyt-e2e-offline-'));
    const png = path.join(work, 'qr.png');
    await writeFile(png, await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', margin: 4, width: 480 }));
    const y4m = path.join(work, 'qr.y4m');
    execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-loop', '1', '-i', png, '-t', '2', '-r', '10', '-vf', 'scale=-2:400,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p', '-f', 'yuv4mpegpipe', y4m]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: cameraArgs(y4m) });
    const v = await newPhone(browser, { cameraOrigin: base });
    const scanAgain = v.page.locator('.nut-button', { hasText: '继续扫码' }).filter({ visible: true }).first();
    // the phone's clock is the test server's (moved a day per matter), timers keep running
    await v.context.clock.setFixedTime(server.now());

    // online: the scan page caches the trust list; the result has the live status
    await v.page.goto(`${base}/verify/pages/scan/index`);
    await v.page.locator('[data-testid="verify-status"][data-status="valid"]').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    // the first scan may come before the trust list is stored: the page verifies again once it is
    await v.page.locator('[data-testid="verify-offline"][data-outcome="valid"]').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await screenshot(v.page, 'online');

    // the network cut: the same QR verifies on the phone
    await v.context.setOffline(true);
    await scanAgain.tap();
    await v.page.locator('[data-testid="verify-status"][data-status="offline"]').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    const verdict = el(v.page, 'verify-offline');
    t.is(await verdict.getAttribute('data-outcome'), 'valid');
    t.regex((await verdict.textContent()) ?? '', /签名有效/);
    t.regex((await el(v.page, 'trust-list-date').textContent()) ?? '', /信任列表 \d{4}/);
    await text(v.page, '欧阳建国').waitFor();
    await text(v.page, holder.registration.registrationNo).waitFor();
    await screenshot(v.page, 'offline');

    // online again: the live status comes back
    await v.context.setOffline(false);
    await scanAgain.tap();
    await v.page.locator('[data-testid="verify-status"][data-status="valid"]').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await screenshot(v.page, 'online-again');
    await v.context.close();
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
});
