/**
 * What the browser tests share: the paths and Chromium flags, a phone-sized touch context, numbered
 * screenshots, the element helpers (Taro H5 keeps earlier pages of the stack in the DOM, so only visible
 * elements count), SMS login and the privacy guide, and the failure log. Not a test file: ava runs only
 * the *.test.ts files (package.json, ava.files).
 */
import type { ExecutionContext } from 'ava';
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { TestServer } from '../../bff/test/helpers/server.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const h5Dir = path.join(root, 'miniapp/dist/h5');
export const shotsDir = path.join(root, 'test-results/screenshots');
export const CHROMIUM = '/usr/bin/chromium';
export const FFMPEG = path.join(root, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
export const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Chromium with a fake camera playing `y4m` and camera permission granted without a prompt. */
export const cameraArgs = (y4m: string) => [...BASE_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];

/** Fails when Debian's chromium is missing; builds the H5 app when miniapp/dist/h5 is missing; makes the screenshot folder. */
export async function prepareBrowserTest() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  if (!existsSync(path.join(h5Dir, 'index.html'))) execSync('npm run build:h5', { cwd: root, stdio: 'inherit' });
  await mkdir(shotsDir, { recursive: true });
}

export type Screenshot = (page: Page, name: string, settle?: number) => Promise<void>;

/**
 * Numbered screenshots `<prefix>NN-<name>.png` in test-results/screenshots, after `settle` ms for transitions;
 * with `a11y`, axe-core checks every screen photographed, normal and elder mode (checkA11y).
 */
export function screenshots(prefix = '', opts: { a11y?: boolean } = {}): Screenshot {
  let shot = 0;
  return async (page, name, settle = 400) => {
    shot++;
    if (settle) await page.waitForTimeout(settle);
    await page.screenshot({ path: path.join(shotsDir, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`) });
    if (opts.a11y) await checkA11y(page, `${prefix}${name}`);
  };
}

/** The visible element with this data-testid (Taro H5 keeps earlier pages of the stack in the DOM). */
export const el = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).filter({ visible: true }).first();
export const text = (page: Page, t: string) => page.getByText(t, { exact: true }).filter({ visible: true }).first();

/** Types into the visible input or textarea with this data-testid (or inside it). */
export async function fill(page: Page, id: string, value: string) {
  const input = page.locator(`[data-testid="${id}"] input, [data-testid="${id}"] textarea, input[data-testid="${id}"], textarea[data-testid="${id}"]`).filter({ visible: true }).first();
  await input.tap();
  await input.fill(value);
}

let lastPage: Page | undefined;

/** A new phone-sized touch context (390×844, zh-CN, Asia/Shanghai); `cameraOrigin` is granted the camera. */
export async function newPhone(browser: Browser, opts: { cameraOrigin?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  if (opts.cameraOrigin) await context.grantPermissions(['camera'], { origin: opts.cameraOrigin });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  lastPage = page;
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  return { context, page };
}

/** On a page with the SMS code field: sends a code to `phone`, reads it from the outbox and types it. */
export async function enterSmsCode(page: Page, server: TestServer, phone: string) {
  const before = (await server.sms(phone)).length;
  await el(page, 'send-code').tap();
  const code = await server.latestCode(phone, before);
  await el(page, 'otp-status').waitFor();
  await fill(page, 'sms-code', code);
}

/** Logs in with an SMS code; `beforeSubmit` runs with the form filled (a screenshot). */
export async function login(page: Page, server: TestServer, phone: string, beforeSubmit?: () => Promise<unknown>) {
  await page.goto(`${server.baseUrl}/auth/pages/login/index`);
  await fill(page, 'phone', phone);
  await enterSmsCode(page, server, phone);
  await beforeSubmit?.();
  await el(page, 'login-submit').tap();
}

/** The privacy guide shown on first login: agree and continue; `shown` runs once it is on screen (a screenshot). */
export async function acceptPrivacy(page: Page, shown?: () => Promise<unknown>) {
  await el(page, 'privacy-agree').waitFor();
  await shown?.();
  await el(page, 'privacy-agree').tap();
  await el(page, 'privacy-submit').tap();
}

/**
 * SMS login in the UI, then the privacy guide when this user sees the app for the first time (agreed), until
 * `home` (a data-testid on the landing screen; default any role's home entry) shows. The clock moves past the
 * resend wait of a code sent before (the API login of the test's setup). `beforeSubmit` and `privacyShown` run
 * for screenshots.
 */
export async function loginAndAgree(page: Page, server: TestServer, phone: string, opts: { beforeSubmit?: () => Promise<unknown>; privacyShown?: () => Promise<unknown>; home?: string[] } = {}) {
  server.advance(61_000);
  await login(page, server, phone, opts.beforeSubmit);
  const agree = el(page, 'privacy-agree');
  const homes = opts.home ?? ['new-application', 'entry-employer', 'entry-reviewer'];
  const home = page.locator(homes.map((h) => `.taro_page_show [data-testid="${h}"]`).join(', ')).filter({ visible: true }).first();
  await Promise.race([agree.waitFor(), home.waitFor()]);
  if (await agree.isVisible()) {
    await opts.privacyShown?.();
    await agree.tap();
    await el(page, 'privacy-submit').tap();
    await home.waitFor();
  }
}

/** After a failure: a screenshot of the last phone's page as `<name>.png`, and its visible text in the log. */
export async function failureLog(t: ExecutionContext, name: string) {
  await lastPage?.screenshot({ path: path.join(shotsDir, `${name}.png`) }).catch(() => undefined);
  if (lastPage) t.log(`failed on ${lastPage.url()}:`, await lastPage.evaluate(() => (document.querySelector('.taro_page_show:last-of-type') as HTMLElement | null)?.innerText ?? document.body.innerText).catch(() => ''));
}

/** The WCAG 2.1 A and AA rules axe-core checks (issue 16: no serious or critical violation on any screen). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** Every screen checked in this test process: screen (mode) → [all violations, serious or critical]. */
export const a11yCounts = new Map<string, [number, number]>();

/** 长辈模式 in H5 is the `zyt-elder` class on <html> (miniapp/src/lib/prefs.ts); this sets it as the switch does. */
export async function setElder(page: Page, on: boolean) {
  await page.evaluate((v) => document.documentElement.classList.toggle('zyt-elder', v), on);
}

/**
 * Runs axe-core (AXE_TAGS) on what the phone shows, in normal mode and in elder mode (the page's own mode is
 * restored after), prints `axe <screen>: normal N (S serious/critical), elder N (S)` with the rules hit, and
 * throws when a serious or critical violation is found, naming the rule, its help and the first nodes.
 * Taro H5 keeps earlier pages of the stack in the DOM, hidden: axe skips hidden content.
 */
export async function checkA11y(page: Page, screen: string): Promise<void> {
  const wasElder = await page.evaluate(() => document.documentElement.classList.contains('zyt-elder'));
  const problems: string[] = [];
  const parts: string[] = [];
  for (const elder of [false, true]) {
    await setElder(page, elder);
    const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const mode = elder ? 'elder' : 'normal';
    a11yCounts.set(`${screen} (${mode})`, [result.violations.length, bad.length]);
    parts.push(`${mode} ${result.violations.length} (${bad.length} serious/critical)${result.violations.length ? ` [${result.violations.map((v) => `${v.id}:${v.impact}×${v.nodes.length}`).join(', ')}]` : ''}`);
    for (const v of bad) problems.push(`${mode} ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.replace(/\s+/g, ' ').slice(0, 160) ?? ''}`).join(' | ')}`);
  }
  await setElder(page, wasElder);
  console.log(`axe ${screen}: ${parts.join(', ')}`);
  if (!problems.length) return;
  // A11Y_SOFT=1: print every problem and go on (to collect them all in one run); otherwise the test fails
  if (process.env.A11Y_SOFT) console.log(`axe problems on ${screen}:\n${problems.join('\n')}`);
  else throw new Error(`axe on ${screen}:\n${problems.join('\n')}`);
}

/**
 * Logs in through the UI a person already logged in through the API (bff/test/helpers: a code was sent, so the
 * clock is moved past the resend wait first), agrees to the privacy guide when it shows, and waits for the
 * home screen. `beforeSubmit` runs with the login form filled (a screenshot).
 */
export async function uiLogin(page: Page, server: TestServer, phone: string, beforeSubmit?: () => Promise<unknown>) {
  server.advance(61_000);
  await login(page, server, phone, beforeSubmit);
  const agree = el(page, 'privacy-agree');
  const home = page.locator('.taro_page_show [data-testid="new-application"], .taro_page_show [data-testid="entry-employer"], .taro_page_show [data-testid="entry-reviewer"]').filter({ visible: true }).first();
  await Promise.race([agree.waitFor(), home.waitFor()]);
  if (await agree.isVisible()) {
    await agree.tap();
    await el(page, 'privacy-submit').tap();
    await home.waitFor();
  }
}

/**
 * Draws on the canvas inside `locator` with real touch input (Chrome DevTools Protocol Input.dispatchTouchEvent:
 * touchstart, touchmove…, touchend, as a finger does); `strokes` are polylines in fractions of the canvas box.
 */
export async function drawOnCanvas(page: Page, locator: ReturnType<Page['locator']>, strokes: [number, number][][]) {
  const box = await locator.boundingBox();
  if (!box) throw new Error('canvas not visible');
  const cdp = await page.context().newCDPSession(page);
  const at = ([fx, fy]: [number, number]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  for (const stroke of strokes) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0])] });
    for (let i = 1; i < stroke.length; i++) {
      // a few steps between points: the pad draws a line to each touchmove
      const [ax, ay] = stroke[i - 1];
      const [bx, by] = stroke[i];
      for (let k = 1; k <= 4; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([ax + ((bx - ax) * k) / 4, ay + ((by - ay) * k) / 4])] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
}
