/**
 * Cost engineers and architects (issue 9, seeds 001 and 002) in the H5 build, in a phone-sized Chromium with
 * touch, a screenshot of every screen (test-results/screenshots/professions-NN-*.png) and axe-core on each
 * (0 serious/critical, normal and elder mode):
 * - a cost engineer's initial registration: one specialty at a time, 资格取得所在地, the signature image DRAWN
 *   on the screen (NutUI Signature; touch strokes through the DevTools protocol), the evidence documents
 *   (PDF and photo), signed with the SMS code;
 * - an architect's initial registration: no specialty anywhere, a qualification issued elsewhere typed by
 *   hand, its scan refused when it is JPEG bytes named .pdf (the BFF's message on the tile) and then uploaded
 *   as a real PDF, signed; the employer counter-signs through the API and the reviewer's detail screen lists
 *   the documents and opens the scan;
 * - an architect's renewal of the whole registration (loaded by the register import 60 days before expiry):
 *   one pair of hours, no specialty, signing held back until its documents are uploaded, then signed.
 * The applicants are set up through the API (verified in person); the UI does the rest.
 */
import test from 'ava';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import dayjs from 'dayjs';
import { startTestServer, ENTERPRISE, REVIEWER_PHONE, type TestServer } from '../../bff/test/helpers/server.js';
import { employerSign, operatorClient, reviewerClient } from '../../bff/test/helpers/flow.js';
import { jpegBytes, photoPng, realPdf, verifiedApplicant } from '../../bff/test/helpers/professions.js';
import { BASE_ARGS, CHROMIUM, a11yCounts, drawOnCanvas, el, enterSmsCode, failureLog, fill, h5Dir, newPhone, prepareBrowserTest, screenshots, shotsDir, text, uiLogin } from './helpers.js';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const screenshot = screenshots('professions-', { a11y: true });

let server: TestServer;
let browser: Browser;

test.before(async () => {
  await prepareBrowserTest();
  for (const f of await readdir(shotsDir)) if (f.startsWith('professions-')) await rm(path.join(shotsDir, f));
  server = await startTestServer({ H5_DIR: h5Dir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
});
test.after.always(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  const counts = [...a11yCounts.values()];
  console.log(`axe: ${counts.length} screen checks, ${counts.reduce((n, [all]) => n + all, 0)} violations, ${counts.reduce((n, [, bad]) => n + bad, 0)} serious/critical`);
});

const pdfFile = async (name: string) => ({ name, mimeType: 'application/pdf', buffer: await realPdf(name) });

/** Waits until the document tile of `kind` is in `state` (missing / uploading / uploaded / refused). */
async function tileState(page: Page, kind: string, state: string) {
  await page.locator(`.taro_page_show [data-testid="document-${kind}"][data-state="${state}"]`).first().waitFor({ timeout: 20_000 });
}

/** Uploads every evidence document still missing on the form (real PDFs), one after the other. */
async function uploadEvidence(page: Page, kinds: string[]) {
  for (const kind of kinds) {
    await el(page, `document-input-${kind}`).setInputFiles(await pdfFile(`${kind}.pdf`));
    await tileState(page, kind, 'uploaded');
  }
}

/** The employer part of the initial form: full name verified against the enterprise list, and the phone. */
async function fillEmployer(page: Page) {
  await fill(page, 'employer-name', ENTERPRISE.name);
  await el(page, 'verify-employer').tap();
  await text(page, `已验证：${ENTERPRISE.name}`).waitFor();
  await fill(page, 'employer-phone', '021-55501234');
}

/** A date picker left at its default (one year ago: not late). */
async function pickDefaultDate(page: Page, testId: string) {
  await el(page, testId).tap();
  await text(page, '确定').tap();
  await page.waitForFunction((id) => /^\d{4}-\d{2}-\d{2}$/.test(document.querySelector(`.taro_page_show [data-testid="${id}"]`)?.textContent?.trim() ?? ''), testId);
}

/** On the sign page: the SMS code, sign, the result text. */
async function applicantSigns(page: Page, phone: string, name: string) {
  await el(page, 'signer-applicant').waitFor();
  await enterSmsCode(page, server, phone);
  await el(page, 'sign-submit').tap();
  await el(page, 'sign-result').waitFor();
  await screenshot(page, `${name}-sign-result`);
  return (await el(page, 'sign-result').textContent()) ?? '';
}

test.serial('cost engineer: initial registration with one specialty, 资格取得所在地, a DRAWN signature image and the documents, to the signed form', async (t) => {
  t.timeout(3 * 60_000);
  try {
    const p = await verifiedApplicant(server, '孙造价', '19850612');
    const a = await newPhone(browser);
    await uiLogin(a.page, server, p.phone);
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-cost_engineer-initial').waitFor();
    t.is(await el(a.page, 'type-cost_engineer-change').getAttribute('aria-disabled'), 'true');
    t.regex((await el(a.page, 'type-cost_engineer-change').textContent()) ?? '', /注销注册/, 'the seed\'s reason is shown');
    await el(a.page, 'type-cost_engineer-initial').tap();

    await el(a.page, 'specialty-civil').waitFor();
    await fillEmployer(a.page);
    // one specialty per application (001): ticking the second clears the first
    await el(a.page, 'specialty-installation').tap();
    await el(a.page, 'specialty-civil').tap();
    t.is(await el(a.page, 'specialty-installation').getAttribute('aria-checked'), 'false');
    await pickDefaultDate(a.page, 'issue-date-civil');
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '请填写资格取得所在地').waitFor();
    await fill(a.page, 'obtained-in-civil', '上海市');
    await el(a.page, 'obtained-in-civil').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'cost-form');

    // the signature image, drawn on the screen with a finger
    await el(a.page, 'signature-draw').tap();
    const canvas = a.page.locator('.taro_page_show [data-testid="signature-pad"] canvas').first();
    await canvas.waitFor();
    await canvas.scrollIntoViewIfNeeded();
    await a.page.waitForTimeout(1200); // NutUI sizes its canvas 1 s after mounting
    await drawOnCanvas(a.page, canvas, [
      [[0.12, 0.6], [0.2, 0.3], [0.28, 0.7], [0.36, 0.35]],
      [[0.45, 0.3], [0.45, 0.75]],
      [[0.55, 0.5], [0.65, 0.3], [0.72, 0.65], [0.85, 0.4]],
    ]);
    await screenshot(a.page, 'cost-signature-drawn');
    await el(a.page, 'signature-confirm').tap();
    await a.page.locator('.taro_page_show [data-testid="signature-card"][data-state="uploaded"]').waitFor();
    t.regex((await el(a.page, 'document-state-signature').textContent()) ?? '', /已上传/);

    // the evidence documents the matter needs (shared MATTER_DOCUMENTS): each with its state
    for (const kind of ['qualification_certificate', 'diploma', 'work_proof', 'employment_contract']) t.is(await el(a.page, `document-${kind}`).getAttribute('data-state'), 'missing', kind);
    await el(a.page, 'document-input-qualification_certificate').setInputFiles({ name: 'certificate.png', mimeType: 'image/png', buffer: photoPng() });
    await tileState(a.page, 'qualification_certificate', 'uploaded');
    await uploadEvidence(a.page, ['diploma', 'work_proof', 'employment_contract']);
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    await el(a.page, 'documents-card').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'cost-documents', 800);

    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, p.phone, 'cost'), /受理编号/);
    const apps = (await p.c.get('/api/applications')).body as { id: string }[];
    const view = (await p.c.get(`/api/applications/${apps[0].id}`)).body;
    t.is(view.status, 'awaiting_employer');
    t.true(view.requiredDocuments.every((d: { required: boolean; state: string }) => !d.required || d.state === 'uploaded'));
    t.deepEqual(view.form.specialties, [{ specialty: 'civil', issueDate: view.form.specialties[0].issueDate, obtainedIn: '上海市' }]);
    // the drawn signature as stored: a PNG cut to the ink, within the bounds, transparent around the strokes
    const res = await fetch(`${server.baseUrl}/api/applications/${apps[0].id}/documents/signature`, { headers: { authorization: `Bearer ${p.c.token}` } });
    t.is(res.headers.get('content-type'), 'image/png');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    t.log(`drawn signature: ${png.width}×${png.height} px`);
    t.true(png.width >= 120 && png.width <= 1600 && png.height >= 40 && png.height <= 800);
    t.is(png.data[3], 0, 'the corner is transparent');
    await a.context.close();
  } catch (e) {
    await failureLog(t, 'professions-cost-failure');
    throw e;
  }
});

test.serial('architect: initial registration without specialties, a qualification issued elsewhere with its PDF scan (a fake PDF refused first), signed; the reviewer opens the scan', async (t) => {
  t.timeout(3 * 60_000);
  try {
    const p = await verifiedApplicant(server, '周建筑', '19880304');
    const a = await newPhone(browser);
    await uiLogin(a.page, server, p.phone);
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-architect-initial').waitFor();
    t.regex((await el(a.page, 'type-architect-add_specialty').textContent()) ?? '', /不分专业/);
    await el(a.page, 'type-architect-initial').tap();

    await el(a.page, 'qualification').waitFor();
    t.is(await a.page.locator('.taro_page_show [data-testid^="specialty-"]').count(), 0, 'no specialty to choose');
    await fillEmployer(a.page);
    await el(a.page, 'issued-in-elsewhere').tap();
    await pickDefaultDate(a.page, 'qualification-issue-date');
    await el(a.page, 'save-and-sign').tap();
    await text(a.page, '外省市签发的资格证书，请填写资格证书编号').waitFor();
    await fill(a.page, 'qualification-certificate-no', '2019320100123');
    await fill(a.page, 'qualification-issuing-province', '江苏省');
    await el(a.page, 'qualification').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'architect-form');

    // the scan: PDF only, checked by its bytes on the server
    await el(a.page, 'document-qualification_scan').waitFor();
    await el(a.page, 'document-input-qualification_scan').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: jpegBytes() });
    await tileState(a.page, 'qualification_scan', 'refused');
    t.regex((await el(a.page, 'document-error-qualification_scan').textContent()) ?? '', /PDF/);
    await el(a.page, 'document-qualification_scan').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'architect-scan-refused');
    await uploadEvidence(a.page, ['qualification_scan', 'qualification_certificate', 'diploma', 'work_proof', 'employment_contract']);
    t.is(await el(a.page, 'signature-card').count(), 0, 'architects have no signature image');
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    await el(a.page, 'documents-card').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'architect-documents', 800);

    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, p.phone, 'architect'), /受理编号/);
    await a.context.close();
    const id = ((await p.c.get('/api/applications')).body as { id: string }[])[0].id;
    t.is((await employerSign(server, await operatorClient(server), id)).status, 200);

    // the reviewer's detail screen: no 专业 anywhere, every document listed, the scan opens
    const r = await newPhone(browser);
    await uiLogin(r.page, server, REVIEWER_PHONE);
    await r.page.goto(`${server.baseUrl}/reviewer/pages/detail/index?id=${id}`);
    await el(r.page, 'view-document-qualification_scan').waitFor();
    t.notRegex(await r.page.locator('.taro_page_show').last().innerText(), /专业[:：]/);
    for (const kind of ['qualification_certificate', 'diploma', 'work_proof', 'employment_contract']) t.is(await el(r.page, `view-document-${kind}`).count(), 1, kind);
    await el(r.page, 'view-document-qualification_scan').scrollIntoViewIfNeeded();
    await screenshot(r.page, 'architect-reviewer-documents');
    const [tab] = await Promise.all([r.context.waitForEvent('page'), el(r.page, 'view-document-qualification_scan').tap()]);
    t.regex(tab.url(), /^blob:/);
    await r.context.close();
  } catch (e) {
    await failureLog(t, 'professions-architect-failure');
    throw e;
  }
});

test.serial('architect: renewal of the whole registration (loaded from the paper register, 60 days before expiry) with one pair of hours and its documents, signed', async (t) => {
  t.timeout(3 * 60_000);
  try {
    const p = await verifiedApplicant(server, '吴延续', '19790825');
    const until = dayjs().add(60, 'day').format('YYYY-MM-DD');
    const csv = '\ufeff' + [['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'], ['沪221161800077', '吴延续', p.idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '', dayjs(until).subtract(2, 'year').format('YYYY-MM-DD'), until]].map((r) => r.join(',')).join('\r\n');
    const body = new FormData();
    body.append('file', new Blob([csv], { type: 'text/csv' }), 'paper.csv');
    const imported = await fetch(`${server.baseUrl}/api/review/registrations/imports?profession=architect`, { method: 'POST', body, headers: { authorization: `Bearer ${(await reviewerClient(server)).token}` } });
    t.is(imported.status, 200, await imported.clone().text());

    const a = await newPhone(browser);
    await uiLogin(a.page, server, p.phone);
    await a.page.goto(`${server.baseUrl}/applicant/pages/new/index`);
    await el(a.page, 'type-architect-renewal').waitFor();
    t.is(await el(a.page, 'type-architect-renewal').getAttribute('aria-disabled'), 'false');
    await el(a.page, 'type-architect-renewal').tap();
    await el(a.page, 'renew-whole').waitFor();
    t.regex((await el(a.page, 'renew-whole').textContent()) ?? '', new RegExp(`现有效期至 ${until}`));
    t.is(await a.page.locator('.taro_page_show [data-testid^="renew-"][role="checkbox"]').count(), 0, 'no specialty to tick');
    await fill(a.page, 'employer-phone', '021-55501234');
    await fill(a.page, 'renew-whole-compulsoryHours', '40');
    await fill(a.page, 'renew-whole-electiveHours', '40');
    for (const i of [0, 1, 2]) await el(a.page, `declaration-${i}`).tap();
    // signing waits for the documents the renewal needs (shared MATTER_DOCUMENTS: contract, proof of work, continuing-education proof)
    await el(a.page, 'save-and-sign').tap();
    t.regex((await el(a.page, 'form-error').textContent()) ?? '', /继续教育证明/);
    await uploadEvidence(a.page, ['employment_contract', 'work_proof', 'ce_proof']);
    await el(a.page, 'renew-whole').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'architect-renewal-form');
    await el(a.page, 'save-and-sign').tap();
    t.regex(await applicantSigns(a.page, p.phone, 'architect-renewal'), /受理编号/);
    const id = ((await p.c.get('/api/applications')).body as { id: string; type: string }[]).find((x) => x.type === 'renewal')!.id;
    const view = (await p.c.get(`/api/applications/${id}`)).body;
    t.deepEqual(view.form.continuingEducation, { compulsoryHours: 40, electiveHours: 40 });
    t.false('specialties' in view.form);
    await a.context.close();
  } catch (e) {
    await failureLog(t, 'professions-renewal-failure');
    throw e;
  }
});
