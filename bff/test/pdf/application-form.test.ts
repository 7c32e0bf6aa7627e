import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { FORM_SIGNATURE_BLOCK, renderApplicationForm } from '../../src/pdf/application-form.js';
import { loadOrCreatePlatformCa } from '../../src/pdf/ca.js';
import { findSignatureField } from '../../src/pdf/signature-field.js';
import { signPdf } from '../../src/pdf/sign.js';
import { APPLICANT_NAME, EMPLOYER_NAME, EMPLOYER_USCC, applicantSigner, employerSigner, formView } from './fixtures.js';
import { inkRatio, pdfText, pdfsigReport, renderPagePng, tempDir } from './helpers.js';

const squash = (s: string): string => s.replace(/\s+/g, '');
const applicantSignedAt = new Date('2026-11-21T07:40:00Z'); // 15:40:00 Asia/Shanghai
const employerSignedAt = new Date('2026-11-22T01:02:03Z'); // 2026-11-22 09:02:03 Asia/Shanghai

async function signedTwice() {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const form = await renderApplicationForm(formView);
  const byApplicant = await signPdf(form, applicantSigner, { ca, slot: 'applicant', reason: '申请人确认申请表内容', signedAt: applicantSignedAt });
  const byBoth = await signPdf(byApplicant, employerSigner, { ca, slot: 'employer', reason: '聘用企业确认申请表内容', signedAt: employerSignedAt, location: '上海' });
  return { ca, form, byApplicant, byBoth };
}
const fixture = signedTwice();

/** Signature block rectangles (points) as laid out in the rendered form. */
async function blockRects(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf);
  return { applicant: findSignatureField(doc, 'applicant').rect, employer: findSignatureField(doc, 'employer').rect, pageHeight: doc.getPage(0).getHeight() };
}

test('rendered form: one A4 page, text extractable without system fonts, both blocks empty', async (t) => {
  const { form } = await fixture;
  const doc = await PDFDocument.load(form);
  t.is(doc.getPageCount(), 1);
  t.deepEqual(doc.getPage(0).getSize(), { width: 595.28, height: 841.89 });
  t.true(form.length > 10_000 && form.length < 80_000, `size ${form.length}`);
  const text = squash(await pdfText(form));
  for (const s of ['二级建造师初始注册申请表', '受理编号：W2026112100001', '表格生成时间：2026年11月21日15:36:00', '签字：', '盖章：', EMPLOYER_USCC, '资格证书签发日期', '批准日期', '市政公用工程']) {
    t.true(text.includes(s), `missing ${s}`);
  }
  t.deepEqual(await pdfsigReport(form), []);
  const rects = await blockRects(form);
  const png = await renderPagePng(form);
  t.true(inkRatio(png, rects.applicant, rects.pageHeight) < 0.002);
  t.true(inkRatio(png, rects.employer, rects.pageHeight) < 0.002);
  t.deepEqual(
    [rects.applicant[2] - rects.applicant[0], rects.applicant[3] - rects.applicant[1]],
    [FORM_SIGNATURE_BLOCK.width, FORM_SIGNATURE_BLOCK.height],
  );
});

test('applicant then employer: pdfsig reports two valid signatures by the applicant and the enterprise', async (t) => {
  const { byApplicant, byBoth } = await fixture;
  const first = await pdfsigReport(byApplicant);
  t.is(first.length, 1);
  t.true(first[0].valid, first[0].raw);

  const report = await pdfsigReport(byBoth);
  t.is(report.length, 2);
  t.deepEqual(report.map((s) => s.signerCommonName), [APPLICANT_NAME, EMPLOYER_NAME]);
  for (const s of report) {
    t.true(s.valid, s.raw);
    t.regex(s.raw, /Signature Type: adbe\.pkcs7\.detached/);
    t.regex(s.raw, /Signing Hash Algorithm: SHA-256/);
  }
  t.regex(report[0].raw, /Signature Field Name: ApplicantSignature/);
  t.regex(report[1].raw, /Signature Field Name: EmployerSeal/);
  t.regex(report[1].raw, new RegExp(EMPLOYER_USCC)); // organizationIdentifier in the signer DN
  t.regex(report[1].raw, /Total document signed/);
});

test('the second signature is an incremental update: the once-signed file is a byte prefix', async (t) => {
  const { byApplicant, byBoth } = await fixture;
  t.true(byBoth.length > byApplicant.length);
  t.true(Buffer.from(byBoth.subarray(0, byApplicant.length)).equals(Buffer.from(byApplicant)));
  // ≈ 3 KB of DER in an 8 KB placeholder + appearance + font subset.
  t.true(byBoth.length - byApplicant.length < 40_000, `grew by ${byBoth.length - byApplicant.length}`);
});

test('both blocks are visibly filled: signer names, USCC and Shanghai signing times (system fonts hidden)', async (t) => {
  const { form, byBoth } = await fixture;
  const text = squash(await pdfText(byBoth));
  t.true(text.includes('二级建造师初始注册申请表'));
  t.true(text.includes('W2026112100001'));
  for (const sentence of formView.applicantDeclaration) t.true(text.includes(squash(sentence)), sentence);
  t.true(text.includes(squash(formView.employerOpinion!)));
  t.true(text.includes(`${APPLICANT_NAME}（电子签名）`) || text.includes(`${APPLICANT_NAME}签字：（电子签名）`), text);
  t.true(text.includes(`签署时间：2026年11月21日15:40:00`));
  t.true(text.includes(`${EMPLOYER_NAME}统一社会信用代码：${EMPLOYER_USCC}`));
  t.true(text.includes(`签署时间：2026年11月22日09:02:03`));

  const rects = await blockRects(form);
  const png = await renderPagePng(byBoth);
  t.true(inkRatio(png, rects.applicant, rects.pageHeight) > 0.02);
  t.true(inkRatio(png, rects.employer, rects.pageHeight) > 0.02);
});

test('a slot cannot be signed twice, and an unknown slot is rejected', async (t) => {
  const { ca, byApplicant, form } = await fixture;
  await t.throwsAsync(
    signPdf(byApplicant, applicantSigner, { ca, slot: 'applicant', reason: 'x', signedAt: new Date() }),
    { message: /already signed/ },
  );
  await t.throwsAsync(
    signPdf(form, applicantSigner, { ca, slot: 'authority', reason: 'x', signedAt: new Date() }),
    { message: /no signature field/ },
  );
});
