import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { loadOrCreatePlatformCa } from '../../src/pdf/ca.js';
import { CERTIFICATE_LAYOUT, renderCertificatePdf } from '../../src/pdf/certificate.js';
import { signPdf } from '../../src/pdf/sign.js';
import { AUTHORITY_NAME, authoritySigner, certificateView } from './fixtures.js';
import { decodeQrFromPdf, inkRatio, pdfText, pdfsigReport, renderPagePng, tempDir } from './helpers.js';

const squash = (s: string): string => s.replace(/\s+/g, '');

const docs = (async () => {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const unsigned = await renderCertificatePdf(certificateView);
  const signed = await signPdf(unsigned, authoritySigner, { ca, slot: 'authority', reason: '颁发电子注册证书', signedAt: new Date('2026-11-21T09:00:00Z'), location: '上海' });
  return { unsigned, signed };
})();

test('certificate signed by the authority: pdfsig valid', async (t) => {
  const { unsigned, signed } = await docs;
  t.deepEqual(await pdfsigReport(unsigned), []);
  const report = await pdfsigReport(signed);
  t.is(report.length, 1);
  t.true(report[0].valid, report[0].raw);
  t.is(report[0].signerCommonName, AUTHORITY_NAME);
  t.regex(report[0].raw, /Signature Field Name: AuthoritySeal/);
});

test('the QR code decodes to exactly verifyUrl', async (t) => {
  const { signed } = await docs;
  t.is(await decodeQrFromPdf(signed), certificateView.verifyUrl);
});

test('certificate content as in figure 55 (system fonts hidden)', async (t) => {
  const { signed } = await docs;
  const text = squash(await pdfText(signed));
  for (const s of [
    '二级建造师注册证书',
    '姓名：张三丰',
    '性别：男',
    `注册编号：${certificateView.registrationNo}`,
    `聘用企业：${certificateView.employerName}`,
    '注册专业：建筑工程（有效期至2029年11月20日）',
    '市政公用工程（有效期至2029年11月20日）',
    '注册人员最新信息请扫描二维码查询',
    AUTHORITY_NAME,
    '发证日期：2026年11月21日',
    '签署时间：2026年11月21日17:00:00',
  ]) {
    t.true(text.includes(s), `missing ${s}`);
  }
  const doc = await PDFDocument.load(signed);
  t.is(doc.getPageCount(), 1);
  const { seal } = CERTIFICATE_LAYOUT;
  const rect: [number, number, number, number] = [seal.x, seal.y, seal.x + seal.width, seal.y + seal.height];
  t.true(inkRatio(await renderPagePng(signed), rect, doc.getPage(0).getHeight()) > 0.02);
  t.true(inkRatio(await renderPagePng((await docs).unsigned), rect, doc.getPage(0).getHeight()) < 0.002);
});

test('a non-ASCII verifyUrl also round-trips through the QR code', async (t) => {
  const url = 'https://zhiyetong.example.cn/v?n=沪2312026202600123';
  t.is(await decodeQrFromPdf(await renderCertificatePdf({ ...certificateView, verifyUrl: url })), url);
});

test('invalid dates are rejected', async (t) => {
  await t.throwsAsync(renderCertificatePdf({ ...certificateView, issueDate: '2026/11/21' }), { instanceOf: RangeError });
});
