/**
 * Issue 16 in the H5 build ("the miniapp for every user"), one applicant with a saved draft (through the API):
 * - 待办 on the home tab with its count (GET /api/todos) and the tab's badge; 提醒设置 in 我的, an optional
 *   reminder switched off and the mandatory one not switchable;
 * - 长辈模式 switched on in 我的, remembered after a reload, text at least 18 px and touch targets at least
 *   60 px; dark mode (prefers-color-scheme); screenshots of the main screens in the three looks
 *   (test-results/screenshots/everyone-*.png);
 * - axe-core on every screen visited, normal and elder mode (checkA11y: 0 serious or critical);
 * - weak network: the network cut (Playwright's offline mode) while filling the form and during a photo
 *   upload, then restored: the offline banner was shown, the upload completes, the form is intact (also
 *   after a reload: the draft on the device);
 * - the first screen on a throttled phone (CDP: 4G-like network, CPU 4× slower): when it is usable, and how many
 *   script files and bytes it loaded, printed. (The weapp package sizes are checked by scripts/check-weapp-size.ts
 *   after the weapp build, in `npm test`.)
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../bff/test/helpers/server.js';
import { applicantWithDraft } from '../../bff/test/helpers/flow.js';
import { a11yCounts, BASE_ARGS, checkA11y, CHROMIUM, el, failureLog, FFMPEG, fill, h5Dir, loginAndAgree, newPhone, prepareBrowserTest, screenshots, setElder } from './helpers.js';

const screenshot = screenshots('everyone-');
let server: TestServer;
let browser: Browser;
let work: string;
let photo: string;

test.before(async () => {
  await prepareBrowserTest();
  server = await startTestServer({ H5_DIR: h5Dir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
  work = await mkdtemp(path.join(tmpdir(), 'zyt-everyone-'));
  photo = path.join(work, 'photo.jpg');
  execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0x3a7bf0:s=300x400', '-vf', 'drawbox=x=90:y=80:w=120:h=150:color=0xf1c7a3:t=fill', '-frames:v', '1', photo]);
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  if (a11yCounts.size) console.log(`axe per screen (violations, serious/critical): ${[...a11yCounts].map(([k, [n, s]]) => `${k} ${n}/${s}`).join('; ')}`);
});

/** The smallest font size (CSS px) of visible text on the shown page, and the smallest tappable height. */
function measure(page: Page) {
  return page.evaluate(() => {
    const shown = document.querySelector('.taro_page_show:last-of-type') ?? document.body;
    let minFont = Infinity;
    for (const e of Array.from(shown.querySelectorAll<HTMLElement>('*'))) {
      if (!e.offsetParent || e.closest('[aria-hidden="true"]') || !Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim())) continue;
      minFont = Math.min(minFont, parseFloat(getComputedStyle(e).fontSize));
    }
    let minTap = Infinity;
    for (const e of Array.from(shown.querySelectorAll<HTMLElement>('.nut-button, .todo, .switch, .link-row, .nut-cell--clickable, .segments__item, .check'))) {
      if (!e.offsetParent) continue;
      const r = e.getBoundingClientRect();
      minTap = Math.min(minTap, r.height, r.width);
    }
    return { minFont, minTap };
  });
}

/** A screenshot of the page in normal, elder and dark mode (everyone-NN-<name>-normal|elder|dark.png). */
async function threeLooks(page: Page, name: string) {
  await screenshot(page, `${name}-normal`);
  await setElder(page, true);
  await screenshot(page, `${name}-elder`);
  await setElder(page, false);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

test.serial('to-do list, reminder settings, elder and dark mode, axe on every screen, the network cut during filling and upload', async (t) => {
  t.timeout(4 * 60_000);
  const p = await applicantWithDraft(server, undefined, '王长青');
  const { context, page } = await newPhone(browser);
  try {
    await loginAndAgree(page, server, p.phone); // past the resend wait of the API login's code, then the privacy guide

    // 待办: the saved draft waits for the applicant's signature; the count is the tab's badge
    await el(page, 'todos').waitFor();
    t.is((await el(page, 'todo-count').textContent())?.trim(), '1');
    t.is(await el(page, 'todo-item').getAttribute('data-kind'), 'sign');
    t.regex((await page.locator('.weui-badge, .taro-tabbar__badge').filter({ visible: true }).first().textContent().catch(() => '')) ?? '', /1/);
    await checkA11y(page, 'home (to-do)');
    await threeLooks(page, 'home');

    // 我的: the elder switch, remembered after a reload
    await page.goto(`${server.baseUrl}/pages/mine/index`);
    await el(page, 'elder-switch').waitFor();
    await checkA11y(page, 'mine');
    const normal = await measure(page);
    await el(page, 'elder-switch').tap();
    t.is(await el(page, 'elder-switch').getAttribute('aria-checked'), 'true');
    await page.reload();
    await el(page, 'elder-switch').waitFor();
    t.true(await page.evaluate(() => document.documentElement.classList.contains('zyt-elder')), 'elder mode is remembered');
    const elder = await measure(page);
    t.log(`mine: smallest text ${normal.minFont} px → ${elder.minFont} px in elder mode; smallest touch target ${normal.minTap} px → ${elder.minTap} px`);
    t.true(normal.minTap >= 44, `touch targets ≥ 44 px (${normal.minTap})`);
    t.true(elder.minFont >= 18, `elder text ≥ 18 px (${elder.minFont})`);
    t.true(elder.minTap >= 60, `elder touch targets ≥ 60 px (${elder.minTap})`);
    await page.goto(`${server.baseUrl}/pages/home/index`);
    await el(page, 'todos').waitFor();
    const elderHome = await measure(page);
    t.true(elderHome.minFont >= 18 && elderHome.minTap >= 60, `elder home: text ${elderHome.minFont} px, targets ${elderHome.minTap} px`);
    await page.goto(`${server.baseUrl}/pages/mine/index`);
    await el(page, 'elder-switch').tap();
    t.false(await page.evaluate(() => document.documentElement.classList.contains('zyt-elder')));
    await threeLooks(page, 'mine');

    // 提醒设置: switch the unclaimed-certificate reminder off; the validity reminder cannot be
    await el(page, 'mine-reminders').tap();
    await el(page, 'reminder-certificate_unclaimed').waitFor();
    t.is(await el(page, 'reminder-validity_ending').getAttribute('aria-disabled'), 'true');
    await el(page, 'reminder-certificate_unclaimed').tap();
    await page.locator('[data-testid="reminder-certificate_unclaimed"][data-enabled="false"]').filter({ visible: true }).first().waitFor();
    const settings = (await p.c.get('/api/me/reminders')).body as { kind: string; enabled: boolean }[];
    t.false(settings.find((s) => s.kind === 'certificate_unclaimed')!.enabled);
    await checkA11y(page, 'reminders');
    await threeLooks(page, 'reminders');

    // the form: the network drops while typing
    await page.goto(`${server.baseUrl}/applicant/pages/form/index?id=${p.id}`);
    await el(page, 'employer-phone').waitFor();
    await checkA11y(page, 'form');
    await context.setOffline(true);
    await el(page, 'offline-banner').waitFor();
    await fill(page, 'employer-phone', '021-66602345');
    await screenshot(page, 'form-offline');
    await context.setOffline(false);
    await el(page, 'offline-banner').waitFor({ state: 'hidden' });

    // the photo upload: the connection drops as it goes up, the tile waits, the upload completes once online
    let first = true;
    await page.route('**/api/applications/*/documents/photo', async (route) => {
      if (first && route.request().method() === 'PUT') {
        first = false;
        await context.setOffline(true);
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    await el(page, 'document-input-photo').setInputFiles(photo);
    await page.waitForFunction(() => /网络中断/.test(document.querySelector('.taro_page_show [data-testid="document-state-photo"]')?.textContent ?? ''));
    await el(page, 'offline-banner').waitFor();
    await screenshot(page, 'upload-waiting');
    await context.setOffline(false);
    await page.waitForFunction(() => /已上传/.test(document.querySelector('.taro_page_show [data-testid="document-state-photo"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    t.false(first, 'the first attempt was cut');
    const app = (await p.c.get(`/api/applications/${p.id}`)).body as { documents: { kind: string }[] };
    t.true(app.documents.some((d) => d.kind === 'photo'), 'the photo reached the server');
    // nothing typed was lost: on screen, and after a reload from the device's draft
    t.is(await page.locator('[data-testid="employer-phone"] input').filter({ visible: true }).first().inputValue(), '021-66602345');
    await page.reload();
    await el(page, 'employer-phone').waitFor();
    t.is(await page.locator('[data-testid="employer-phone"] input').filter({ visible: true }).first().inputValue(), '021-66602345');
    await screenshot(page, 'form-after');
    await threeLooks(page, 'form');
  } catch (e) {
    await failureLog(t, 'everyone-failure');
    throw e;
  } finally {
    await context.close();
  }
});

test.serial('first screen on a throttled phone (4G-like, CPU 4× slower)', async (t) => {
  const { context, page } = await newPhone(browser);
  const scripts: Promise<number>[] = [];
  page.on('requestfinished', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.sizes().then((sizes) => sizes.responseBodySize));
  });
  try {
    const cdp = await context.newCDPSession(page);
    // Chrome DevTools' "Fast 4G": 150 ms latency, 9 Mbit/s down, 1.5 Mbit/s up; the CPU 4× slower
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (9 * 1024 * 1024) / 8, uploadThroughput: (1.5 * 1024 * 1024) / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const start = Date.now();
    await page.goto(`${server.baseUrl}/`, { waitUntil: 'commit' });
    await el(page, 'go-login').waitFor({ timeout: 60_000 });
    const usable = Date.now() - start;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    const bytes = (await Promise.all(scripts)).reduce((sum, n) => sum + n, 0);
    console.log(`H5 first screen (throttled: 4G-like, CPU 4×): usable after ${usable} ms (login button shown), first contentful paint ${fcp === null ? '—' : Math.round(fcp)} ms; ${scripts.length} script files, ${(bytes / 1024).toFixed(1)} KB`);
    t.log(`first screen usable after ${usable} ms`);
    t.true(usable > 0);
    t.true(scripts.length > 0 && bytes > 0, 'the first screen loads the app script');
  } finally {
    await context.close();
  }
});
