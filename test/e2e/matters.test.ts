/**
 * Seed 000's later matters in the H5 build, in a phone-sized Chromium with touch, with a screenshot of every
 * screen (test-results/screenshots/matters-NN-*.png):
 * - an additional specialty: the applicant (registered through the API) files it in the UI with a photo and
 *   signs; the employer counter-signs in the UI; the reviewer accepts in the UI and passes the later stages
 *   through the API; the certificates tab shows version 2 and version 1 as 已换发新证书;
 * - a partial cancellation: applicant and employer in the UI; it completes (已办结) on the employer's signature,
 *   with no review; the certificates tab shows version 3 and the older ones as 已换发新证书; the register's
 *   history; the guided change of employer (Shanghai: cancel, then initial);
 * - a renewal: a registration (imported, valid for 60 more days) renewed with the hours per specialty in the
 *   UI; employer and reviewer through the API; the validity extends from the old valid-until date; then a
 *   change of name with the evidence upload, after which the register and the real-name record show it;
 * - under the Sichuan setting (a second server, PROVINCE=sichuan): the change of employer is one application to
 *   the new employer, filed and signed by the applicant in the UI (it then waits for the new employer);
 * - the paper exchange: the registration is loaded by the reviewer's import (POST
 *   /api/review/registrations/imports, CSV); the holder confirms the details, uploads a photo, signs alone
 *   and claims the electronic certificate.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dayjs from 'dayjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, login as apiLogin, ENTERPRISE, OPERATOR_PHONE, REVIEWER_PHONE, type TestServer } from '../../bff/test/helpers/server.js';
import { makeIdNumber, validForm } from '../../bff/test/helpers/data.js';
import { usccCheckCharacter } from '@zhiyetong/shared';
import { employerSign, registeredConstructor, reviewerClient, verifyInPerson } from '../../bff/test/helpers/flow.js';
import { BASE_ARGS, CHROMIUM, FFMPEG, el, enterSmsCode, failureLog, fill, h5Dir, loginAndAgree, newPhone, prepareBrowserTest, screenshots, shotsDir, text } from './helpers.js';

const screenshot = screenshots('matters-', { a11y: true });
const DAY = 86_400_000;

let server: TestServer;
let browser: Browser;
let work: string;
let photo: string;
/** The registered constructor of the first two tests. */
let person: { phone: string; idNumber: string; registrationNo: string };

test.before(async () => {
  await prepareBrowserTest();
  for (const f of await readdir(shotsDir)) if (f.startsWith('matters-')) await rm(path.join(shotsDir, f));
  server = await startTestServer({ H5_DIR: h5Dir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
  work = await mkdtemp(path.join(tmpdir(), 'zyt-matters-'));
  // a passport-style photo (JPEG) for the form and the certificate
  photo = path.join(work, 'photo.jpg');
  execFileSync(FFMPEG, ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0x3a7bf0:s=300x400', '-vf', 'drawbox=x=90:y=80:w=120:h=150:color=0xf1c7a3:t=fill', '-frames:v', '1', photo]);
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Taro.showModal in H5: tap one of its buttons. */
async function modal(page: Page, label: string) {
  const foot = page.locator('.taro-modal__foot').filter({ visible: true }).first();
  await foot.waitFor({ state: 'visible', timeout: 10_000 });
  await foot.getByText(label, { exact: true }).tap();
}

/** SMS login in the UI; the privacy guide when this user sees the app for the first time. */
async function uiLogin(page: Page, phone: string, name: string) {
  await loginAndAgree(page, server, phone, { beforeSubmit: () => screenshot(page, `${name}-login`) });
}

/** A verified applicant whose registration the reviewer loads from a CSV (rows: [registration no, specialty, registered on, valid until]). */
async function importedPerson(t: { is: (a: unknown, b: unknown, m?: string) => void }, phone: string, name: string, idNumber: string, rows: string[][]) {
  const c = await apiLogin(server, phone);
  t.is((await c.put('/api/me/identity', { name, idNumber })).status, 200);
  await verifyInPerson(server, idNumber);
  const reviewer = await reviewerClient(server);
  const lines = [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'], ...rows.map(([no, specialty, on, until]) => [no, name, idNumber, ENTERPRISE.name, ENTERPRISE.uscc, specialty, on, until])];
  const form = new FormData();
  form.append('file', new Blob([`\ufeff${lines.map((r) => r.join(',')).join('\r\n')}\r\n`], { type: 'text/csv' }), 'register.csv');
  const res = await fetch(`${server.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${reviewer.token}` } });
  const report = await res.json();
  t.is(res.status, 200, JSON.stringify(report));
  t.is(report.registrationsImported, 1, JSON.stringify(report));
  return c;
}

/** The certificates tab: each card's version and status, newest first. */
async function certificateCards(page: Page) {
  await page.goto(`${server.baseUrl}/pages/certs/index`);
  await el(page, 'certificate-card').waitFor();
  return page.locator('[data-testid="certificate-card"]').filter({ visible: true }).evaluateAll((cards) => cards.map((c) => `${c.getAttribute('data-version')}:${c.getAttribute('data-status')}:${(c as HTMLElement).innerText.includes('未领证') ? 'unclaimed' : 'claimed'}`));
}

/** The employer's operator counter-signs the one application awaiting them, in the UI. Returns the result text. */
async function employerSigns(name: string) {
  const e = await newPhone(browser);
  try {
    await uiLogin(e.page, OPERATOR_PHONE, `${name}-employer`);
    await e.page.goto(`${server.baseUrl}/employer/pages/queue/index`);
    await el(e.page, 'employer-app').waitFor();
    await screenshot(e.page, `${name}-employer-queue`);
    await el(e.page, 'employer-app').tap();
    await el(e.page, 'employer-opinion').waitFor();
    await el(e.page, 'form-section').scrollIntoViewIfNeeded();
    await screenshot(e.page, `${name}-employer-detail`);
    await el(e.page, 'employer-opinion').tap();
    await enterSmsCode(e.page, server, OPERATOR_PHONE);
    await screenshot(e.page, `${name}-employer-sign`);
    await el(e.page, 'employer-sign').tap();
    await el(e.page, 'employer-sign-result').waitFor();
    await screenshot(e.page, `${name}-employer-result`);
    return (await el(e.page, 'employer-sign-result').textContent()) ?? '';
  } finally {
    await e.context.close();
  }
}

/** On the sign page: the SMS code, sign, the result. Returns the result text. */
async function applicantSigns(page: Page, phone: string, name: string) {
  await el(page, 'signer-applicant').waitFor();
  await enterSmsCode(page, server, phone);
  await screenshot(page, `${name}-sign`);
  await el(page, 'sign-submit').tap();
  await el(page, 'sign-result').waitFor();
  await screenshot(page, `${name}-sign-result`);
  return (await el(page, 'sign-result').textContent()) ?? '';
}

test.serial('additional specialty in the H5 app: filed with a photo and signed, counter-signed, reviewed; version 2 issued, version 1 已换发新证书', async (t) => {
  t.timeout(8 * 60_000);
  try {
    const p = await registeredConstructor(server, validForm({ specialties: [{ specialty: 'building', issueDate: dayjs().subtract(2, 'year').format('YYYY-MM-DD') }] }), '李明');
    person = { phone: p.phone, idNumber: p.idNumber, registrationNo: p.registration.registrationNo };
    server.advance(DAY);

    const a = await newPhone(browser);
    await uiLogin(a.page, p.phone, 'add');
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'registration-card').waitFor();
    t.is(((await el(a.page, 'registration-no').textContent()) ?? '').trim(), person.registrationNo);
    t.is(await el(a.page, 'type-constructor-initial').getAttribute('aria-disabled'), 'true', 'registered: initial is refused');
    t.is(await el(a.page, 'type-constructor-renewal').getAttribute('aria-disabled'), 'true', 'renewal opens 90 days before expiry');
    t.regex((await el(a.page, 'type-constructor-renewal').textContent()) ?? '', /届满前 90 日/);
    t.is(await el(a.page, 'type-constructor-add_specialty').getAttribute('aria-disabled'), 'false');
    await screenshot(a.page, 'add-new-application');
    await el(a.page, 'type-constructor-add_specialty').tap();

    // the form offers only specialties not registered, with inline errors from the shared check
    await el(a.page, 'specialty-municipal').waitFor();
    t.is(await el(a.page, 'specialty-building').count(), 0, 'a registered specialty is not offered');
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请至少选择一个注册专业').waitFor();
    await screenshot(a.page, 'add-form-errors');
    await fill(a.page, 'employer-phone', '021-55501234');
    await el(a.page, 'specialty-municipal').tap();
    await el(a.page, 'issue-date-municipal').tap();
    await text(a.page, '确定').tap(); // the picker's default: one year ago (not late)
    await a.page.waitForFunction(() => /^\d{4}-\d{2}-\d{2}$/.test(document.querySelector('.taro_page_show [data-testid="issue-date-municipal"]')?.textContent?.trim() ?? ''));
    await el(a.page, 'specialty-highway').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'add-form-specialty');
    await el(a.page, 'document-input-photo').setInputFiles(photo);
    await a.page.waitForFunction(() => /已上传/.test(document.querySelector('.taro_page_show [data-testid="document-photo"]')?.textContent ?? ''));
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    await screenshot(a.page, 'add-form-filled', 2000); // after the 已上传 toast
    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, p.phone, 'add'), /受理编号/);
    await el(a.page, 'sign-done').tap();
    await text(a.page, '个人签名完成').waitFor();
    await screenshot(a.page, 'add-detail');
    const appId = new URL(a.page.url()).searchParams.get('id')!;

    server.advance(DAY);
    t.regex(await employerSigns('add'), /报送注册机构受理/);

    // the reviewer accepts in the UI (the generic detail view), the later stages through the API
    const r = await newPhone(browser);
    await uiLogin(r.page, REVIEWER_PHONE, 'add-reviewer');
    await r.page.goto(`${server.baseUrl}/reviewer/pages/detail/index?id=${appId}`);
    await el(r.page, 'decision-pass').waitFor();
    await text(r.page, '申请增项注册专业').scrollIntoViewIfNeeded();
    await screenshot(r.page, 'add-reviewer-detail');
    await el(r.page, 'decision-submit').tap();
    await modal(r.page, '确定');
    const reviewer = await reviewerClient(server);
    for (let i = 0; i < 50 && (await reviewer.get(`/api/review/applications/${appId}`)).body.status === 'acceptance'; i++) await r.page.waitForTimeout(200);
    await text(r.page, '已提交').waitFor().catch(() => undefined); // the toast, before the page leaves
    await r.context.close();
    for (const stage of ['first_review', 'second_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${appId}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);

    // the certificates: version 2 to claim, version 1 replaced
    const cards = await certificateCards(a.page);
    t.is(cards[0], '2:valid:unclaimed');
    t.regex(cards[1], /^1:superseded:/);
    await text(a.page, '已换发新证书').waitFor();
    await screenshot(a.page, 'add-certificates');
    await el(a.page, 'certificate-card').tap();
    await el(a.page, 'claim-confirm').tap();
    await screenshot(a.page, 'add-certificate-claim');
    await el(a.page, 'claim-submit').tap();
    await modal(a.page, '取消');
    await el(a.page, 'certificate-qr').waitFor();
    await text(a.page, '注册专业 · 市政公用工程').waitFor();
    await screenshot(a.page, 'add-certificate-view', 800);
    await a.context.close();
  } catch (error) {
    await failureLog(t, 'matters-add-failure');
    throw error;
  }
});

test.serial('partial cancellation in the H5 app: completes (已办结) on the employer signature; version 3 issued, the older ones 已换发新证书; the register history', async (t) => {
  t.timeout(8 * 60_000);
  if (!person) return t.fail('needs the registered constructor of the first test');
  try {
    server.advance(DAY);
    const a = await newPhone(browser);
    await uiLogin(a.page, person.phone, 'cancel');

    // the guided change of employer (Shanghai): cancel every specialty, then initial registration at the new employer
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-constructor-change-employer').tap();
    await el(a.page, 'employer-change-guide').waitFor();
    await el(a.page, 'start-step-1').waitFor();
    t.regex((await el(a.page, 'guide-step-2').textContent()) ?? '', /未开始/);
    await screenshot(a.page, 'cancel-employer-change-guide');

    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-constructor-cancellation').tap();
    await el(a.page, 'cancel-building').waitFor();
    await el(a.page, 'cancel-all').tap();
    await el(a.page, 'cancel-all-warning').waitFor();
    t.regex((await el(a.page, 'cancel-all-warning').textContent()) ?? '', /整本注册证书作废/);
    await screenshot(a.page, 'cancel-form-all');
    await el(a.page, 'cancel-all').tap();
    await el(a.page, 'cancel-building').tap();
    await el(a.page, 'cancel-some-note').waitFor();
    await fill(a.page, 'employer-phone', '021-55501234');
    await el(a.page, 'declaration-0').tap();
    await el(a.page, 'reason-other').tap();
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请填写注销原因').waitFor();
    await screenshot(a.page, 'cancel-form-errors');
    await el(a.page, 'reason-grade_one').tap();
    await screenshot(a.page, 'cancel-form-filled');
    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, person.phone, 'cancel'), /企业签名确认后即办结/);

    server.advance(DAY);
    t.regex(await employerSigns('cancel'), /已办结/);

    // the applicant: 已办结, a new version to claim, the register's history
    await a.page.goto(`${server.baseUrl}/pages/home/index`);
    await text(a.page, '已办结').waitFor();
    await screenshot(a.page, 'cancel-home');
    await el(a.page, 'application-card').tap();
    await el(a.page, 'completed-note').waitFor();
    await screenshot(a.page, 'cancel-detail');
    const cards = await certificateCards(a.page);
    t.is(cards[0], '3:valid:unclaimed');
    t.regex(cards[1], /^2:superseded:/);
    t.regex(cards[2], /^1:superseded:/);
    await screenshot(a.page, 'cancel-certificates');
    await el(a.page, 'go-registration').tap();
    await el(a.page, 'register-event').waitFor();
    t.is(await a.page.locator('[data-testid="register-event"]').filter({ visible: true }).count(), 3);
    await text(a.page, '注销专业：建筑工程').waitFor();
    await screenshot(a.page, 'cancel-register-history');
    await a.context.close();
  } catch (error) {
    await failureLog(t, 'matters-cancel-failure');
    throw error;
  }
});

test.serial('paper exchange in the H5 app: a registration imported from the paper register, confirmed with a photo, an electronic certificate claimed', async (t) => {
  t.timeout(6 * 60_000);
  try {
    // a verified person whose registration predates the platform: the reviewer imports it (CSV)
    const phone = `139${String(process.pid % 10000).padStart(4, '0')}0900`;
    const idNumber = makeIdNumber('19800712', '019');
    const c = await apiLogin(server, phone);
    t.is((await c.put('/api/me/identity', { name: '周国强', idNumber })).status, 200);
    await verifyInPerson(server, idNumber);
    const reviewer = await reviewerClient(server);
    const rows = [
      ['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'],
      ['沪231161800057', '周国强', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2025-06-14', '2028-06-13'],
      ['沪231161800057', '周国强', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '公路工程', '2025-06-14', '2028-06-13'],
    ];
    const form = new FormData();
    form.append('file', new Blob([`\ufeff${rows.map((r) => r.join(',')).join('\r\n')}\r\n`], { type: 'text/csv' }), 'register.csv');
    const res = await fetch(`${server.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${reviewer.token}` } });
    const report = await res.json();
    t.is(res.status, 200, JSON.stringify(report));
    t.is(report.registrationsImported, 1, JSON.stringify(report));

    const a = await newPhone(browser);
    await uiLogin(a.page, phone, 'paper');
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'registration-card').waitFor();
    await text(a.page, '纸质证书，尚未换领电子证书').waitFor();
    t.is(await el(a.page, 'type-constructor-paper_exchange').getAttribute('aria-disabled'), 'false');
    await screenshot(a.page, 'paper-new-application');
    await el(a.page, 'type-constructor-paper_exchange').tap();
    await el(a.page, 'paper-details').waitFor();
    t.regex((await el(a.page, 'paper-details').textContent()) ?? '', /沪231161800057/);
    await el(a.page, 'details-confirmed').tap();
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请先上传本人照片（该照片将显示在电子证书上）').waitFor();
    await screenshot(a.page, 'paper-form-photo-missing');
    await el(a.page, 'document-input-photo').setInputFiles(photo);
    await a.page.waitForFunction(() => /已上传/.test(document.querySelector('.taro_page_show [data-testid="document-photo"]')?.textContent ?? ''));
    await screenshot(a.page, 'paper-form-filled', 2000);
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '本签署事项共有 1 个签署方').waitFor();
    t.regex(await applicantSigns(a.page, phone, 'paper'), /已办结/);
    await el(a.page, 'sign-done').tap();
    await el(a.page, 'certificate-card').waitFor();
    t.deepEqual(await certificateCards(a.page), ['1:valid:unclaimed']);
    await screenshot(a.page, 'paper-certificates');
    await el(a.page, 'certificate-card').tap();
    await el(a.page, 'claim-confirm').tap();
    await el(a.page, 'claim-submit').tap();
    await modal(a.page, '取消');
    await el(a.page, 'certificate-qr').waitFor();
    await text(a.page, '沪231161800057').waitFor();
    await screenshot(a.page, 'paper-certificate-view', 800);
    await a.context.close();
  } catch (error) {
    await failureLog(t, 'matters-paper-failure');
    throw error;
  }
});

test.serial('renewal and change of name in the H5 app: only the specialty near its expiry offered, hours per specialty, validity extended from the old date; the name changed with the evidence', async (t) => {
  t.timeout(6 * 60_000);
  try {
    const phone = `139${String(process.pid % 10000).padStart(4, '0')}0800`;
    const idNumber = makeIdNumber('19810203', '027');
    const soon = dayjs().add(60, 'day').format('YYYY-MM-DD');
    const later = dayjs().add(2, 'year').format('YYYY-MM-DD');
    const c = await importedPerson(t, phone, '吴晓东', idNumber, [
      ['沪231161800058', '建筑工程', dayjs(soon).subtract(3, 'year').format('YYYY-MM-DD'), soon],
      ['沪231161800058', '机电工程', dayjs(later).subtract(3, 'year').format('YYYY-MM-DD'), later],
    ]);
    const a = await newPhone(browser);
    await uiLogin(a.page, phone, 'renew');
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    t.is(await el(a.page, 'type-constructor-renewal').getAttribute('aria-disabled'), 'false');
    await el(a.page, 'type-constructor-renewal').tap();
    await el(a.page, 'renew-building').waitFor();
    t.is(await el(a.page, 'renew-electromechanical').getAttribute('aria-checked'), 'false');
    t.is(await el(a.page, 'renew-electromechanical').getAttribute('aria-disabled'), 'true');
    // valid for two more years: not offered; a tap (forced past the disabled state) changes nothing
    await el(a.page, 'renew-electromechanical').tap({ force: true });
    t.is(await el(a.page, 'renew-electromechanical').getAttribute('aria-checked'), 'false');
    await fill(a.page, 'employer-phone', '021-55501234');
    await el(a.page, 'renew-building').tap();
    await fill(a.page, 'renew-building-compulsoryHours', '60');
    await fill(a.page, 'renew-building-electiveHours', '30');
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '选修课不少于 60 学时').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'renew-form-errors');
    await fill(a.page, 'renew-building-electiveHours', '60');
    await screenshot(a.page, 'renew-form-filled');
    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, phone, 'renew'), /受理编号/);
    await el(a.page, 'sign-done').tap();
    const appId = new URL(a.page.url()).searchParams.get('id')!;

    server.advance(DAY);
    t.is((await employerSign(server, await apiLogin(server, OPERATOR_PHONE), appId)).status, 200);
    const reviewer = await reviewerClient(server);
    for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${appId}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);
    const [reg] = (await c.get('/api/registrations')).body;
    const renewed = dayjs(soon).add(3, 'year').format('YYYY-MM-DD');
    t.is(reg.specialties.find((x: { specialty: string }) => x.specialty === 'building').validUntil, renewed, 'three years from the old valid-until date');
    t.is(reg.specialties.find((x: { specialty: string }) => x.specialty === 'electromechanical').validUntil, later);

    await a.page.goto(`${server.baseUrl}/certificates/pages/registration/index`);
    await text(a.page, `建筑工程：有效期至 ${soon} → ${renewed}`).waitFor();
    await screenshot(a.page, 'renew-register-history');

    // then a change of name, with the evidence: the register and the real-name record change together
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-constructor-change-details').tap();
    await el(a.page, 'change-name').waitFor();
    await el(a.page, 'change-name').tap();
    await fill(a.page, 'new-name', '吴晓冬');
    await fill(a.page, 'employer-phone', '021-55501234');
    await el(a.page, 'changed-on').tap();
    await text(a.page, '确定').tap(); // today
    await el(a.page, 'declaration-0').tap();
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请先上传变更证明材料').waitFor();
    await el(a.page, 'document-input-evidence').setInputFiles(photo);
    await a.page.waitForFunction(() => /已上传/.test(document.querySelector('.taro_page_show [data-testid="document-evidence"]')?.textContent ?? ''));
    await screenshot(a.page, 'change-form-filled', 2000);
    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, phone, 'change'), /受理编号/);
    await el(a.page, 'sign-done').tap();
    const changeId = new URL(a.page.url()).searchParams.get('id')!;
    server.advance(DAY);
    t.is((await employerSign(server, await apiLogin(server, OPERATOR_PHONE), changeId)).status, 200);
    for (const stage of ['acceptance', 'first_review', 'second_review', 'approval']) t.is((await reviewer.post(`/api/review/applications/${changeId}/decisions`, { stage, outcome: 'pass' })).status, 200, stage);
    t.is((await c.get('/api/me')).body.identity.name, '吴晓冬');
    t.is((await c.get('/api/registrations')).body[0].holderName, '吴晓冬');
    await a.page.goto(`${server.baseUrl}/certificates/pages/registration/index`);
    await text(a.page, '姓名：吴晓东 → 吴晓冬').waitFor();
    await screenshot(a.page, 'change-register-history');
    await a.context.close();
  } catch (error) {
    await failureLog(t, 'matters-renew-failure');
    throw error;
  }
});

test.serial('change of employer under the Sichuan setting: one application to the new employer, with the evidence, signed by the applicant', async (t) => {
  t.timeout(6 * 60_000);
  const sichuan = await startTestServer({ H5_DIR: h5Dir, PROVINCE: 'sichuan', PROVINCE_ABBR: '川' });
  try {
    const p = await registeredConstructor(sichuan, validForm(), '郑华');
    // the new employer: created by the reviewer's import of another holder's registration with it
    const first17 = '91510100MA6C' + '12345';
    const uscc = first17 + usccCheckCharacter(first17);
    const reviewer = await reviewerClient(sichuan);
    const other = makeIdNumber('19790505', '031', '510104');
    const rows = [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'], ['川231161800071', '孙立', other, '四川蜀建工程有限公司', uscc, '建筑工程', '2025-01-10', '2028-01-09']];
    const form = new FormData();
    form.append('file', new Blob([`\ufeff${rows.map((r) => r.join(',')).join('\r\n')}\r\n`], { type: 'text/csv' }), 'register.csv');
    const res = await fetch(`${sichuan.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${reviewer.token}` } });
    t.is((await res.json()).registrationsImported, 1);

    sichuan.advance(DAY);
    const a = await newPhone(browser);
    await loginAndAgree(a.page, sichuan, p.phone);
    await a.page.goto(`${sichuan.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-constructor-change-employer').tap();
    await el(a.page, 'start-employer-change').waitFor();
    t.is(await el(a.page, 'employer-change-guide').count(), 0, 'no two-step guide under Sichuan');
    await screenshot(a.page, 'sichuan-employer-change');
    await el(a.page, 'start-employer-change').tap();
    await el(a.page, 'employer-name').waitFor();
    await fill(a.page, 'employer-name', '四川蜀建工程有限公司');
    await el(a.page, 'verify-employer').tap();
    await a.page.waitForFunction((v) => Array.from(document.querySelectorAll('.taro_page_show [data-testid="employer-uscc"] input')).some((i) => (i as HTMLInputElement).value === v), uscc);
    await fill(a.page, 'employer-phone', '028-85501234');
    await el(a.page, 'document-input-evidence').setInputFiles(photo);
    await a.page.waitForFunction(() => /已上传/.test(document.querySelector('.taro_page_show [data-testid="document-evidence"]')?.textContent ?? ''));
    await el(a.page, 'declaration-0').tap();
    await screenshot(a.page, 'sichuan-change-form', 2000);
    await el(a.page, 'save-and-sign').tap();
    await el(a.page, 'signer-employer').waitFor();
    t.regex((await el(a.page, 'signer-employer').textContent()) ?? '', /四川蜀建工程有限公司/);
    await el(a.page, 'signer-applicant').waitFor();
    const before = (await sichuan.sms(p.phone)).length;
    await el(a.page, 'send-code').tap();
    await fill(a.page, 'sms-code', await sichuan.latestCode(p.phone, before));
    await el(a.page, 'sign-submit').tap();
    await el(a.page, 'sign-result').waitFor();
    await screenshot(a.page, 'sichuan-sign-result');
    const [app] = (await p.c.get('/api/applications')).body;
    t.like(app, { type: 'change', status: 'awaiting_employer', employerName: '四川蜀建工程有限公司' });
    await a.context.close();
  } catch (error) {
    await failureLog(t, 'matters-sichuan-failure');
    throw error;
  } finally {
    await sichuan.stop();
  }
});
