/**
 * Issue 11 in the H5 build, a reviewer's working day under Sichuan's settings (受理 → 审查 → 审批, initial
 * registrations announced): the queue filtered by profession and specialty and sorted by waiting time, with the
 * count per stage and the overdue items marked (⚠ and a sentence); three applications accepted in one batch
 * decision with each one's result shown; a refusal to accept with a reason from the list plus text; the
 * acceptance notice downloaded from the detail; the public notice page as the public sees it (no ID number)
 * with an objection lodged, and the reviewer resolving it in the application's detail; the statistics (table
 * and the BFF's SVG chart) and the staff list with an invitation. The waiting applications are set up through
 * the HTTP API. axe-core on every screen photographed (normal and elder mode): 0 serious/critical.
 * Screenshots: test-results/screenshots/day-NN-*.png.
 */
import { loadavg } from 'node:os';
import test from 'ava';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REVIEWER_PHONE, startTestServer, type TestServer } from '../../bff/test/helpers/server.js';
import { validForm } from '../../bff/test/helpers/data.js';
import { applicantWithDraft, employerSign, operatorClient, reviewerClient, sign } from '../../bff/test/helpers/flow.js';
import { a11yCounts, BASE_ARGS, CHROMIUM, el, failureLog, fill, h5Dir, login, newPhone, prepareBrowserTest, screenshots, text } from './helpers.js';

const screenshot = screenshots('day-', { a11y: true });
const DAY = 86_400_000;

async function confirmModal(page: Page, label = '确定') {
  const modal = page.locator('.taro-modal__foot').filter({ visible: true }).first();
  await modal.waitFor({ state: 'visible', timeout: 10_000 });
  await modal.getByText(label, { exact: true }).tap();
}

/** An initial registration signed by the person and confirmed by the seeded operator a day later (the operator's 10 codes a day). */
async function waiting(s: TestServer, name: string, specialty = 'building') {
  const a = await applicantWithDraft(s, validForm({ specialties: [{ specialty, issueDate: '2025-03-21' }] }), name);
  const signed = await sign(s, a.c, a.phone, a.id);
  if (signed.status !== 200) throw new Error(`sign ${JSON.stringify(signed.body)}`);
  s.advance(DAY);
  const confirmed = await employerSign(s, await operatorClient(s), a.id);
  if (confirmed.status !== 200) throw new Error(`employer ${JSON.stringify(confirmed.body)}`);
  return a;
}

/** The visible queue cards' acceptance numbers, in order. */
const queueOrder = (page: Page) => page.locator('[data-testid="review-app"]').filter({ visible: true }).evaluateAll((els) => els.map((e) => e.getAttribute('data-acceptance-no')));

/** Waits until `n` elements with this data-testid are visible (Taro H5 keeps earlier pages hidden in the DOM). */
async function visibleCount(page: Page, testId: string, n: number) {
  const loc = page.locator(`[data-testid="${testId}"]`).filter({ visible: true });
  for (let i = 0; i < 100; i++) {
    if ((await loc.count()) === n) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`expected ${n} visible ${testId}, found ${await loc.count()}`);
}

test('a reviewer’s day: filtered queue, batch acceptance of three, a refusal with a reason, the public notice and its objection', async (t) => {
  t.timeout(4 * 60_000);
  await prepareBrowserTest();
  const started = Date.now();
  const phases: string[] = [];
  let mark = started;
  const phase = (name: string) => {
    phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  // Sichuan: 受理 → 审查 → 审批, initial registrations go to public notice; acceptance overdue after 48 hours here
  const server = await startTestServer({ H5_DIR: h5Dir, PROVINCE: 'sichuan', REVIEW_STAGE_LIMIT_HOURS: 'acceptance=48' });
  let browser: Browser | undefined;
  try {
    const reviewer = await reviewerClient(server);
    // in public notice: passed Sichuan's three stages
    const noticed = await waiting(server, '钱公示');
    for (const stage of ['acceptance', 'first_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${noticed.id}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);
    t.is((await reviewer.get(`/api/review/applications/${noticed.id}`)).body.status, 'public_notice');
    // waiting for acceptance, oldest first: three to accept, one to refuse (building), one municipal the filter leaves out
    const a1 = await waiting(server, '李一');
    const a2 = await waiting(server, '李二');
    const refused = await waiting(server, '周拒');
    const a3 = await waiting(server, '李三');
    const municipal = await waiting(server, '吴市政', 'municipal');
    phase('server and setup through HTTP');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
    const r = await newPhone(browser);
    server.advance(61_000); // past the resend wait of the API login's code
    await login(r.page, server, REVIEWER_PHONE);
    // the privacy guide of a first login may follow the home screen: agree when it shows
    const agree = el(r.page, 'privacy-agree');
    await Promise.race([agree.waitFor(), el(r.page, 'entry-reviewer').waitFor()]);
    await agree.waitFor({ timeout: 2000 }).catch(() => undefined);
    if (await agree.isVisible()) {
      await agree.tap();
      await el(r.page, 'privacy-submit').tap();
    }
    await el(r.page, 'entry-reviewer').waitFor();
    await r.page.goto(`${server.baseUrl}/reviewer/pages/queue/index?stage=acceptance`);

    phase('browser and login');
    // ---- the queue: count per stage, filters, sort by waiting time, overdue marked
    await el(r.page, 'review-app').waitFor();
    t.regex((await el(r.page, 'seg-acceptance').textContent()) ?? '', /受理 5/);
    t.regex((await el(r.page, 'seg-first_review').textContent()) ?? '', /审查/, 'Sichuan’s label of first_review');
    await el(r.page, 'toggle-filters').tap();
    await el(r.page, 'f-profession-constructor').tap();
    await el(r.page, 'f-specialty-building').tap();
    await el(r.page, 'sort-waiting').tap();
    await visibleCount(r.page, 'review-app', 4);
    // the filtered list shows before the sorted one arrives: wait (up to 15 s) for the order to settle
    const longestFirst = [a1.acceptanceNo, a2.acceptanceNo, refused.acceptanceNo, a3.acceptanceNo];
    for (let i = 0; i < 75 && JSON.stringify(await queueOrder(r.page)) !== JSON.stringify(longestFirst); i++) await r.page.waitForTimeout(200);
    t.deepEqual(await queueOrder(r.page), longestFirst, 'longest waiting first, the municipal one filtered out');
    t.false((await queueOrder(r.page)).includes(municipal.acceptanceNo));
    const oldest = r.page.locator(`[data-testid="review-app"][data-acceptance-no="${a1.acceptanceNo}"]`);
    t.is(await oldest.getAttribute('data-overdue'), 'true');
    t.regex((await oldest.textContent()) ?? '', /⚠ 已超期/);
    t.regex((await oldest.textContent()) ?? '', /已超过时限/);
    t.is(await r.page.locator(`[data-testid="review-app"][data-acceptance-no="${a3.acceptanceNo}"]`).getAttribute('data-overdue'), 'false');
    await el(r.page, 'toggle-filters').tap(); // fold the filters: the list on the screen, 筛选（2） says they hold
    await screenshot(r.page, 'queue-filtered');

    phase('queue');
    // ---- batch acceptance of three
    await el(r.page, 'batch-toggle').tap();
    for (const a of [a1, a2, a3]) await r.page.locator(`[data-testid="review-app"][data-acceptance-no="${a.acceptanceNo}"]`).tap();
    t.regex((await el(r.page, 'batch-submit').textContent()) ?? '', /受理通过（3）/);
    await screenshot(r.page, 'batch-selected');
    await el(r.page, 'batch-submit').tap();
    await confirmModal(r.page);
    await el(r.page, 'batch-result').waitFor();
    t.regex((await el(r.page, 'batch-result').textContent()) ?? '', /已办理 3 件/);
    t.is(await r.page.locator('[data-testid="batch-result-item"]').filter({ visible: true }).filter({ hasText: '已办理' }).count(), 3);
    await visibleCount(r.page, 'review-app', 1);
    for (const a of [a1, a2, a3]) t.is((await reviewer.get(`/api/review/applications/${a.id}`)).body.status, 'first_review');
    await screenshot(r.page, 'batch-result');

    phase('batch');
    // ---- a refusal to accept with a reason from the list and text
    await r.page.locator(`[data-testid="review-app"][data-acceptance-no="${refused.acceptanceNo}"]`).tap();
    await el(r.page, 'decision-fail').tap();
    await el(r.page, 'reason-materials_incomplete').tap();
    await fill(r.page, 'decision-reason', '缺少劳动合同复印件');
    await screenshot(r.page, 'refusal-reason');
    await el(r.page, 'decision-submit').tap();
    await confirmModal(r.page);
    for (let i = 0; i < 50 && (await reviewer.get(`/api/review/applications/${refused.id}`)).body.status === 'acceptance'; i++) await r.page.waitForTimeout(200);
    const refusedView = (await reviewer.get(`/api/review/applications/${refused.id}`)).body;
    t.is(refusedView.status, 'not_accepted');
    const last = refusedView.history.at(-1);
    t.is(last.reasonCode, 'materials_incomplete');
    t.regex(last.note ?? '', /申报材料不齐全：缺少劳动合同复印件/);

    phase('refusal');
    // the decision page goes back to the queue by itself after 已提交 (700 ms): let it land before opening a page
    await r.page.waitForURL(/\/reviewer\/pages\/queue\//, { timeout: 30_000 });
    // ---- the acceptance notice from an accepted application's detail
    await r.page.goto(`${server.baseUrl}/reviewer/pages/detail/index?id=${a1.id}`);
    await el(r.page, 'acceptance-notice').waitFor();
    await el(r.page, 'acceptance-notice').scrollIntoViewIfNeeded();
    const [download] = await Promise.all([r.page.waitForEvent('download'), el(r.page, 'acceptance-notice-download').tap()]);
    t.regex(download.suggestedFilename(), /^行政审批受理通知书_.*\.pdf$/);
    await screenshot(r.page, 'acceptance-notice');

    phase('acceptance notice');
    // ---- the public notice as anyone sees it (no login), and an objection
    const p = await newPhone(browser);
    await p.page.goto(`${server.baseUrl}/verify/pages/notices/index`);
    await el(p.page, 'public-notice').waitFor();
    const publicText = (await el(p.page, 'public-notice').textContent()) ?? '';
    t.regex(publicText, /钱公示/);
    t.regex(publicText, /上海建和工程咨询有限公司/);
    t.regex(publicText, /5 个工作日/);
    t.false(((await p.page.textContent('body')) ?? '').includes(noticed.idNumber), 'no ID number on the public page');
    await screenshot(p.page, 'public-notices');
    await el(p.page, 'objection-open').tap();
    await fill(p.page, 'objection-text', '该人员公示期间仍在其他单位任职，请核实。');
    await el(p.page, 'objection-send').tap();
    await text(p.page, '✓ 异议已提交，注册机构将核实处理。').waitFor();
    await screenshot(p.page, 'objection-lodged');
    await p.context.close();

    phase('public notice and objection');
    // ---- the reviewer resolves it in the application's detail
    await r.page.goto(`${server.baseUrl}/reviewer/pages/notices/index`);
    await el(r.page, 'objection-row').waitFor();
    await screenshot(r.page, 'objections');
    await el(r.page, 'objection-row').tap();
    await el(r.page, 'notice-card').waitFor();
    await el(r.page, 'objection-outcome-dismissed').tap();
    await fill(r.page, 'objection-resolution', '经核实，该人员已与原单位解除劳动关系，异议不成立。');
    await el(r.page, 'objection-submit').tap();
    await confirmModal(r.page);
    await visibleCount(r.page, 'objection-submit', 0);
    await text(r.page, '异议不成立').waitFor();
    await el(r.page, 'notice-card').scrollIntoViewIfNeeded();
    await screenshot(r.page, 'objection-resolved', 1800); // after the toast
    t.is((await reviewer.get('/api/review/objections?status=dismissed')).body.length, 1);

    phase('objection resolved');
    // ---- statistics: the table and the server's SVG chart
    // the range in the server's clock (moved ahead by the setup), Shanghai dates
    const shanghai = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    await r.page.goto(`${server.baseUrl}/reviewer/pages/statistics/index?from=${shanghai(server.now().getTime() - 30 * DAY)}&to=${shanghai(server.now().getTime())}`);
    await el(r.page, 'stats-stages').waitFor();
    const chart = r.page.locator('[data-testid="stats-chart"] img').filter({ visible: true }).first();
    await chart.waitFor();
    await r.page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, await chart.elementHandle());
    const stagesText = (await el(r.page, 'stats-stages').textContent()) ?? '';
    t.regex(stagesText, /受理/);
    t.regex((await el(r.page, 'stats-matters').textContent()) ?? '', /初始注册/);
    await screenshot(r.page, 'statistics');

    phase('statistics');
    // ---- staff: the administrator invites an acceptance clerk
    await r.page.goto(`${server.baseUrl}/reviewer/pages/staff/index`);
    await el(r.page, 'staff-row').waitFor();
    await fill(r.page, 'staff-phone', '13700000301');
    await el(r.page, 'staff-role-accept').tap();
    await el(r.page, 'staff-invite').tap();
    await visibleCount(r.page, 'staff-row', 2);
    await screenshot(r.page, 'staff', 1800); // after the toast

    phase('staff');
    const seconds = (Date.now() - started) / 1000;
    const screens = [...a11yCounts.entries()];
    t.log(`${phases.join('; ')}; whole test ${seconds.toFixed(1)} s (load ${loadavg()[0].toFixed(1)}); axe: ${screens.length} checks, ${screens.reduce((n, [, [all]]) => n + all, 0)} violations, ${screens.reduce((n, [, [, bad]]) => n + bad, 0)} serious/critical`);
  } catch (e) {
    await failureLog(t, 'day-failure');
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
});
