/**
 * The holder's photo on the form and the certificate (000 §3.1.1 step 4): embedded (pdfimages lists it),
 * inside its box (ink there, nothing outside the layout changed: still one page, QR code and signatures
 * intact), JPEG and PNG.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { renderApplicationForm } from '../../src/pdf/application-form.js';
import { loadOrCreatePlatformCa } from '../../src/pdf/ca.js';
import { CERTIFICATE_LAYOUT, renderCertificatePdf } from '../../src/pdf/certificate.js';
import { isEmbeddablePhoto, jpegOrientation } from '../../src/pdf/photo.js';
import { signPdf } from '../../src/pdf/sign.js';
import { applicantSigner, authoritySigner, certificateView, formView } from './fixtures.js';
import { decodeQrFromPdf, inkRatio, pdfImages, pdfText, pdfsigReport, renderPagePng, tempDir } from './helpers.js';

// a real photo from the shared face data (read, never copied), else the JPEG test is skipped
const JPEG_PATH = new URL('../../../../shared/data/faces/photos/stock/person-celeste.jpg', import.meta.url);
// 1024 × 1832, portrait as stored
const TALL_JPEG_PATH = new URL('../../../../shared/data/faces/photos/stock/person-linda.jpg', import.meta.url);

/** `jpeg` with an EXIF APP1 segment (IFD0 holding only Orientation = `orientation`) inserted after SOI. */
function withOrientation(jpeg: Uint8Array, orientation: number, littleEndian = false): Buffer {
  const tiff = Buffer.alloc(26);
  if (littleEndian) {
    tiff.write('II', 0, 'latin1');
    tiff.writeUInt16LE(42, 2);
    tiff.writeUInt32LE(8, 4);
    tiff.writeUInt16LE(1, 8);
    tiff.writeUInt16LE(0x0112, 10);
    tiff.writeUInt16LE(3, 12);
    tiff.writeUInt32LE(1, 14);
    tiff.writeUInt16LE(orientation, 18);
  } else {
    tiff.write('MM', 0, 'latin1');
    tiff.writeUInt16BE(42, 2);
    tiff.writeUInt32BE(8, 4);
    tiff.writeUInt16BE(1, 8);
    tiff.writeUInt16BE(0x0112, 10);
    tiff.writeUInt16BE(3, 12);
    tiff.writeUInt32BE(1, 14);
    tiff.writeUInt16BE(orientation, 18);
  }
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(2 + 6 + tiff.length, 2);
  const b = Buffer.from(jpeg);
  return Buffer.concat([b.subarray(0, 2), header, Buffer.from('Exif\0\0', 'latin1'), tiff, b.subarray(2)]);
}

/** A 300 × 400 PNG: a dark figure on a light background, drawn here. */
function pngPhoto(): Uint8Array {
  const png = new PNG({ width: 300, height: 400 });
  for (let y = 0; y < 400; y++)
    for (let x = 0; x < 300; x++) {
      const i = (y * 300 + x) * 4;
      const inFigure = (x - 150) ** 2 / 80 ** 2 + (y - 150) ** 2 / 100 ** 2 < 1 || (y > 260 && Math.abs(x - 150) < 130);
      png.data[i] = png.data[i + 1] = inFigure ? 40 : 225;
      png.data[i + 2] = inFigure ? 60 : 240;
      png.data[i + 3] = 255;
    }
  return PNG.sync.write(png);
}

const squash = (s: string) => s.replace(/\s+/g, '');

test('certificate with a PNG photo: one image in the one-inch box, QR code and signature intact', async (t) => {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const plain = await renderCertificatePdf(certificateView);
  const withPhoto = await renderCertificatePdf({ ...certificateView, photo: { bytes: pngPhoto(), type: 'image/png' } });
  const signed = await signPdf(withPhoto, authoritySigner, { ca, slot: 'authority', reason: '颁发电子注册证书', signedAt: new Date('2026-11-21T09:00:00Z') });
  t.log(`certificate: ${plain.length} B without a photo, ${withPhoto.length} B with a 300×400 PNG, ${signed.length} B signed`);

  t.deepEqual((await pdfImages(plain)).length, 0);
  const images = await pdfImages(signed);
  t.is(images.length, 1, JSON.stringify(images));
  t.like(images[0], { page: 1, kind: 'image', width: 300, height: 400 });
  t.deepEqual((await pdfsigReport(signed)).map((s) => s.valid), [true]);
  t.is(await decodeQrFromPdf(signed), certificateView.verifyUrl);

  const doc = await PDFDocument.load(signed);
  t.is(doc.getPageCount(), 1);
  const h = doc.getPage(0).getHeight();
  const { photo } = CERTIFICATE_LAYOUT;
  const rect: [number, number, number, number] = [photo.x, photo.y, photo.x + photo.width, photo.y + photo.height];
  t.true(inkRatio(await renderPagePng(signed), rect, h) > 0.2, 'the photo is drawn in its box');
  t.true(inkRatio(await renderPagePng(plain), rect, h) < 0.002, 'no box without a photo');
  const text = squash(await pdfText(signed));
  for (const s of ['姓名：张三丰', `注册编号：${certificateView.registrationNo}`, `聘用企业：${certificateView.employerName}`, '市政公用工程（有效期至2029年11月20日）']) t.true(text.includes(s), s);
});

test('certificate: a long employer name moves below the photo rather than under it', async (t) => {
  const employerName = '上海市浦东新区某某某某建设工程集团股份有限公司第二分公司';
  const pdf = await renderCertificatePdf({ ...certificateView, employerName, photo: { bytes: pngPhoto(), type: 'image/png' } });
  t.true(squash(await pdfText(pdf)).includes(`聘用企业：${employerName}`));
});

test('application form with a photo: passport-photo box beside the applicant, still one page', async (t) => {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const withPhoto = await renderApplicationForm({ ...formView, photo: { bytes: pngPhoto(), type: 'image/png' } });
  const signed = await signPdf(withPhoto, applicantSigner, { ca, slot: 'applicant', reason: '申请人确认申请表内容', signedAt: new Date('2026-11-21T07:40:00Z') });
  t.log(`form: ${withPhoto.length} B with a 300×400 PNG`);
  t.is((await PDFDocument.load(withPhoto)).getPageCount(), 1);
  const images = await pdfImages(signed);
  t.is(images.length, 1);
  t.like(images[0], { page: 1, width: 300, height: 400 });
  t.deepEqual((await pdfsigReport(signed)).map((s) => s.valid), [true]);
  const text = squash(await pdfText(withPhoto));
  for (const s of ['姓名', formView.applicant.name, '出生日期', formView.applicant.birthDate, '身份证件号码', formView.applicant.idNumberMasked, '手机号码', formView.applicant.phone]) t.true(text.includes(s), s);
});

test('a real JPEG photo on the certificate is embedded as JPEG (DCT), as uploaded', async (t) => {
  if (!existsSync(JPEG_PATH)) return t.pass('../shared/data/faces absent: skipped');
  const bytes = await readFile(JPEG_PATH);
  const pdf = await renderCertificatePdf({ ...certificateView, photo: { bytes, type: 'image/jpeg' } });
  t.log(`certificate with a ${bytes.length} B JPEG: ${pdf.length} B`);
  const images = await pdfImages(pdf);
  t.is(images.length, 1);
  t.is(images[0].encoding, 'jpeg');
  t.true(pdf.length > bytes.length && pdf.length < bytes.length + 60_000);
});

test('bytes that are not an image are refused with a RangeError', async (t) => {
  await t.throwsAsync(renderCertificatePdf({ ...certificateView, photo: { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0, 1, 2]), type: 'image/jpeg' } }), { instanceOf: RangeError });
  await t.throwsAsync(renderApplicationForm({ ...formView, photo: { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), type: 'image/png' } }), { instanceOf: RangeError });
});

test('EXIF orientation is read from big- and little-endian TIFF headers; none means upright', (t) => {
  const soiOnly = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
  t.is(jpegOrientation(soiOnly), 1);
  t.is(jpegOrientation(withOrientation(soiOnly, 6)), 6);
  t.is(jpegOrientation(withOrientation(soiOnly, 8, true)), 8);
  t.is(jpegOrientation(withOrientation(soiOnly, 9)), 1, 'out of range');
  t.is(jpegOrientation(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x04, 0x45])), 1, 'a truncated segment');
  t.is(jpegOrientation(pngPhoto()), 1);
});

test('a portrait JPEG tagged to be turned 90° (EXIF 6) is drawn landscape, as a phone shows it', async (t) => {
  if (!existsSync(TALL_JPEG_PATH)) return t.pass('../shared/data/faces absent: skipped');
  const tall = await readFile(TALL_JPEG_PATH);
  const { photo } = CERTIFICATE_LAYOUT;
  // a strip across the top of the box, inside its frame and padding: covered by a portrait photo only
  const strip: [number, number, number, number] = [photo.x + 20, photo.y + photo.height - 18, photo.x + photo.width - 20, photo.y + photo.height - 4];
  const ink = async (bytes: Buffer) => {
    const pdf = await renderCertificatePdf({ ...certificateView, photo: { bytes, type: 'image/jpeg' } });
    return inkRatio(await renderPagePng(pdf, 1, 150), strip, (await PDFDocument.load(pdf)).getPage(0).getHeight(), 150);
  };
  const upright = await ink(tall);
  t.true(upright > 0.1, `portrait fills the box's height (${upright})`);
  for (const o of [5, 6, 7, 8]) {
    const turned = await ink(withOrientation(tall, o));
    t.true(turned < 0.01, `orientation ${o} shown landscape leaves the top of the box white (${turned})`);
  }
  for (const o of [2, 3, 4]) t.true((await ink(withOrientation(tall, o))) > 0.1, `orientation ${o} stays portrait`);
});

test('isEmbeddablePhoto: real JPEG and PNG yes; right magic bytes with a broken body no', async (t) => {
  t.true(await isEmbeddablePhoto(pngPhoto(), 'image/png'));
  if (existsSync(JPEG_PATH)) t.true(await isEmbeddablePhoto(await readFile(JPEG_PATH), 'image/jpeg'));
  t.false(await isEmbeddablePhoto(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]), 'image/jpeg'));
  t.false(await isEmbeddablePhoto(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image/png'));
  t.false(await isEmbeddablePhoto(pngPhoto(), 'application/pdf'));
});
