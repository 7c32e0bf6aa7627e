/**
 * The electronic registration certificate as OFD (GB/T 33190-2016), beside the PDF: the same page as
 * {@link renderCertificatePdf} (figure 55 of the Shanghai manual, bff/src/pdf/certificate.ts) at the same
 * positions, converted from PDF points (origin bottom-left) to OFD millimetres (origin top-left):
 * 中华人民共和国, the title, 姓名, 性别, (出生日期), 注册编号, 聘用企业, 注册专业 each with
 * （有效期至YYYY年M月D日） (architects: 有效期至： instead, no 注册专业 line), the photo in its one-inch box,
 * the signature image above the QR code when there is one, the QR code of the verification URL with its caption and
 * the copy's period of use, the issuing authority and 发证日期.
 *
 * Fonts: Noto Sans SC (the PDFs' font, bff/src/pdf/font.ts) subset to the characters on the page by
 * harfbuzz's hb-subset (npm subset-font), a TrueType with its own cmap, so a reader maps the Unicode text of
 * each TextCode to glyphs in the embedded file (fontkit's subsetter, used for the PDFs, writes no cmap: PDF
 * addresses glyphs by CID, OFD by character). Widths (DeltaX, centring) come from the subset's hmtx.
 * Images: the photo (JPEG/PNG as uploaded), the QR code (PNG, ECC level M, drawn by npm qrcode), the
 * signature image (PNG) — all embedded as files under Doc_0/Res and referenced by MultiMedia resources.
 * Unsigned: the authority's seal block of the PDF is left blank (no GB/T 38540 seal; see the README).
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import subsetFont from 'subset-font';
import { CERTIFICATE_LAYOUT, type CertificateView } from '../pdf/certificate.js';
import { loadCjkFontBytes } from '../pdf/font.js';
import { chineseDate } from '../pdf/format.js';
import { A4 } from '../pdf/layout.js';
import { jpegOrientation, type PhotoInput } from '../pdf/photo.js';
import { writeOfd, type OfdImage, type OfdObject, type Rgb } from './writer.js';

/**
 * What the OFD certificate shows: the PDF's {@link CertificateView}, with what cost engineers' and
 * architects' certificates add (issue 9, seeds 001 §4 and 002), in the same shape as the PDF's view so one
 * view serves both: 出生日期 (YYYY-MM-DD) after 性别; for a registration held as a whole (architects) its
 * valid-until date as 有效期至： instead of the 注册专业 lines; the signature image (PNG) with 签名日期.
 * Each printed only when present.
 */
export type CertificateOfdView = Omit<CertificateView, 'birthDate' | 'wholeValidUntil' | 'signature' | 'registrationType'> & {
  birthDate?: string | null;
  /** 注册类型 after 注册编号 (二级注册临时建造师, as the PDF); absent or null: no line. */
  registrationType?: string | null;
  wholeValidUntil?: string | null;
  signature?: { image: PhotoInput; date: string } | null;
};

export const OFD_FONT_NAME = 'Noto Sans SC';
export const OFD_FONT_FILE = 'NotoSansSC-Regular-subset.ttf';

const PT = 25.4 / 72; // mm per point
const [PAGE_W, PAGE_H] = A4;
const mmX = (xPt: number) => xPt * PT;
const mmY = (yPt: number) => (PAGE_H - yPt) * PT; // PDF y (from the bottom) → OFD y (from the top)

const FRAME: Rgb = [158, 117, 41]; // the PDF's rgb(0.62, 0.46, 0.16)
const TITLE: Rgb = [140, 20, 20]; // rgb(0.55, 0.08, 0.08)
const BLACK: Rgb = [0, 0, 0];
const RULE: Rgb = [115, 115, 128]; // rgb(0.45, 0.45, 0.5)

/** The signature image's box (points): where the PDF draws it (CERTIFICATE_LAYOUT.signature), above the QR code on the left. */
const SIGNATURE_BOX = { x: 160, y: 300, width: 140, height: 52 };

interface Measured {
  /** Advance of each character in points at `sizePt`. */
  advances(text: string, sizePt: number): number[];
  width(text: string, sizePt: number): number;
}

/** Pixel size of a JPEG/PNG (read by pdf-lib, as the PDF embeds it). @throws RangeError when unreadable. */
async function imageSize(image: PhotoInput): Promise<{ width: number; height: number }> {
  try {
    const doc = await PDFDocument.create();
    const bytes = new Uint8Array(image.bytes); // pdf-lib reads from the buffer's start
    const embedded = image.type === 'image/png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
    return { width: embedded.width, height: embedded.height };
  } catch (e) {
    throw new RangeError(`image: not a readable ${image.type} (${(e as Error).message})`);
  }
}

/**
 * The OFD certificate (ZIP bytes, application/ofd). One A4 page; ≈ 18.5 KB plus the photo's and the
 * signature's own size (subset font ≈ 20 KB, QR PNG ≈ 2.5 KB; 0.12-0.45 s on this machine, mostly hb-subset
 * over the 10 MB font). Same fields and positions as the PDF.
 *
 * @throws RangeError if `issueDate`, a `validUntil`, `birthDate` or a copy date is not YYYY-MM-DD, or the
 * photo or signature is not a readable JPEG/PNG.
 */
export async function renderCertificateOfd(view: CertificateOfdView): Promise<Uint8Array> {
  const { qr, seal, photo: photoBox } = CERTIFICATE_LAYOUT;
  const issued = `发证日期：${chineseDate(view.issueDate)}`;
  const specialtyLines = view.specialties.map((s) => `${s.name}（有效期至${chineseDate(s.validUntil)}）`);
  const caption = '注册人员最新信息请扫描二维码查询';
  const period = view.copyPeriod ? `本件使用有效期：${chineseDate(view.copyPeriod.validFrom)}至${chineseDate(view.copyPeriod.validUntil)}` : null;
  const signatureDate = view.signature ? `签名日期：${chineseDate(view.signature.date)}` : null;
  const fields: [string, string[]][] = [
    ['姓名：', [view.holderName]],
    ['性别：', [view.gender]],
    ...(view.birthDate ? [['出生日期：', [chineseDate(view.birthDate)]] as [string, string[]]] : []),
    ['注册编号：', [view.registrationNo]],
    ...(view.registrationType ? [['注册类型：', [view.registrationType]] as [string, string[]]] : []),
    ['聘用企业：', [view.employerName]],
    ...(view.wholeValidUntil
      ? [['有效期至：', [chineseDate(view.wholeValidUntil)]] as [string, string[]]]
      : specialtyLines.length
        ? [['注册专业：', specialtyLines] as [string, string[]]]
        : []),
  ];
  const strings = ['中华人民共和国', view.title, caption, view.authorityName, issued, period ?? '', ...(signatureDate ? ['个人签名：', signatureDate] : []), ...fields.flat(2)];

  // the font: Noto Sans SC subset to the characters on the page, measured from the subset itself
  const full = await loadCjkFontBytes();
  const subset = new Uint8Array(await subsetFont(Buffer.from(full.buffer, full.byteOffset, full.byteLength), [...new Set(strings.join(''))].join(''), { targetFormat: 'truetype', noLayoutClosure: true }));
  const font = fontkit.create(subset);
  const m: Measured = {
    advances: (text, sizePt) => [...text].map((ch) => (font.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth / font.unitsPerEm) * sizePt),
    width: (text, sizePt) => m.advances(text, sizePt).reduce((a, b) => a + b, 0),
  };
  const fit = (text: string, sizePt: number, maxWidthPt: number, minSize = 5) => {
    const w = m.width(text, sizePt);
    return w <= maxWidthPt ? sizePt : Math.max(minSize, (sizePt * maxWidthPt) / w);
  };

  const objects: OfdObject[] = [];
  const images: OfdImage[] = [];
  /** Text with its baseline starting at (xPt, yPt) in PDF coordinates, as page.drawText. */
  const drawText = (text: string, xPt: number, yPt: number, sizePt: number, color: Rgb = BLACK) => {
    if (!text) return;
    const size = sizePt * PT;
    const advances = m.advances(text, sizePt).map((a) => a * PT);
    const width = advances.reduce((a, b) => a + b, 0);
    objects.push({
      kind: 'text',
      boundary: { x: mmX(xPt), y: mmY(yPt) - size, w: width, h: size * 1.25 },
      font: 0,
      size,
      color,
      text,
      x: 0,
      y: size,
      deltaX: advances.slice(0, -1),
    });
  };
  const drawCentered = (text: string, centreXPt: number, yPt: number, sizePt: number, color: Rgb = BLACK) =>
    drawText(text, centreXPt - m.width(text, sizePt) / 2, yPt, sizePt, color);
  /** A rectangle's outline, (xPt, yPt) its lower-left corner as page.drawRectangle. */
  const drawFrame = (xPt: number, yPt: number, wPt: number, hPt: number, color: Rgb, widthPt: number) => {
    const w = wPt * PT;
    const h = hPt * PT;
    const lw = widthPt * PT;
    // the boundary leaves half the line width around the rectangle so the stroke is not clipped
    objects.push({
      kind: 'path',
      boundary: { x: mmX(xPt) - lw / 2, y: mmY(yPt + hPt) - lw / 2, w: w + lw, h: h + lw },
      data: ['M', lw / 2, lw / 2, 'L', w + lw / 2, lw / 2, 'L', w + lw / 2, h + lw / 2, 'L', lw / 2, h + lw / 2, 'C'].map((v) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v)).join(' '),
      stroke: { color, width: lw },
    });
  };
  /** An image scaled to fit `box` (points) less `padding`, centred, upright by its EXIF orientation. */
  const drawImage = async (key: string, image: PhotoInput, box: { x: number; y: number; width: number; height: number }, padding: number) => {
    const { width: pw, height: ph } = await imageSize(image);
    const orientation = image.type === 'image/jpeg' ? jpegOrientation(image.bytes) : 1;
    const [shownW, shownH] = orientation >= 5 ? [ph, pw] : [pw, ph];
    const scale = Math.min((box.width - 2 * padding) / shownW, (box.height - 2 * padding) / shownH);
    const W = shownW * scale * PT;
    const H = shownH * scale * PT;
    const x = mmX(box.x) + (box.width * PT - W) / 2;
    const y = mmY(box.y + box.height) + (box.height * PT - H) / 2;
    // CTM: the image's unit square (y downwards, as OFD) onto the W × H boundary, turned as EXIF says
    const ctm: Record<number, [number, number, number, number, number, number]> = {
      1: [W, 0, 0, H, 0, 0],
      2: [-W, 0, 0, H, W, 0],
      3: [-W, 0, 0, -H, W, H],
      4: [W, 0, 0, -H, 0, H],
      5: [0, H, W, 0, 0, 0],
      6: [0, H, -W, 0, W, 0],
      7: [0, -H, -W, 0, W, H],
      8: [0, -H, W, 0, 0, H],
    };
    const format = image.type === 'image/png' ? 'PNG' : 'JPEG';
    images.push({ key, bytes: image.bytes, format, fileName: `${key}.${format === 'PNG' ? 'png' : 'jpg'}` });
    objects.push({ kind: 'image', boundary: { x, y, w: W, h: H }, image: key, ctm: ctm[orientation] ?? ctm[1] });
  };

  // Double frame.
  drawFrame(28, 28, PAGE_W - 56, PAGE_H - 56, FRAME, 3);
  drawFrame(36, 36, PAGE_W - 72, PAGE_H - 72, FRAME, 0.8);
  drawCentered('中华人民共和国', PAGE_W / 2, PAGE_H - 120, 16, TITLE);
  drawCentered(view.title, PAGE_W / 2, PAGE_H - 165, 28, TITLE);

  // Fields: label column right-aligned at labelRight, values after it; narrower beside the photo.
  const labelRight = 190;
  const valueX = 200;
  const valueWidth = PAGE_W - 80 - valueX;
  const size = 14;
  const sideBottom = photoBox.y;
  let y = PAGE_H - 250;
  const beside = () => !!view.photo && y + size > sideBottom - 2;
  for (const [label, values] of fields) {
    values.forEach((value, i) => {
      if (beside() && m.width(value, size) > photoBox.x - 12 - valueX) y = Math.min(y, sideBottom - 4 - size);
      const width = beside() ? photoBox.x - 12 - valueX : valueWidth;
      if (i === 0) drawText(label, labelRight - m.width(label, size), y, size);
      drawText(value, valueX, y, fit(value, size, width));
      y -= 30;
    });
  }
  if (view.photo) {
    await drawImage('photo', view.photo, photoBox, 2);
    drawFrame(photoBox.x, photoBox.y, photoBox.width, photoBox.height, RULE, 0.6);
  }
  if (view.signature) {
    // as the PDF: 个人签名： left of the image, 签名日期 under the label
    const labelX = SIGNATURE_BOX.x - 4 - m.width('个人签名：', 12);
    drawText('个人签名：', labelX, SIGNATURE_BOX.y + SIGNATURE_BOX.height / 2 - 4, 12);
    await drawImage('signature', view.signature.image, SIGNATURE_BOX, 3);
    drawText(signatureDate!, labelX, SIGNATURE_BOX.y - 18, 11);
  }

  // QR code (PNG, no quiet zone drawn: the page around it is blank) with its caption and the copy's period.
  const qrPng = await QRCode.toBuffer(view.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 0, scale: 8 });
  images.push({ key: 'qr', bytes: new Uint8Array(qrPng), format: 'PNG', fileName: 'qr.png' });
  objects.push({ kind: 'image', boundary: { x: mmX(qr.x), y: mmY(qr.y + qr.size), w: qr.size * PT, h: qr.size * PT }, image: 'qr' });
  drawCentered(caption, qr.x + qr.size / 2, qr.y - 22, 9);
  if (period) drawText(period, qr.x - 20, qr.y - 40, fit(period, 9, 250));

  // Authority and issue date under the (here blank) seal block.
  const centre = seal.x + seal.width / 2;
  drawCentered(view.authorityName, centre, seal.y - 24, fit(view.authorityName, 13, seal.width + 40));
  drawCentered(issued, centre, seal.y - 50, 12);

  return writeOfd({
    info: {
      title: `${view.title} ${view.registrationNo}`,
      author: view.authorityName,
      subject: '电子注册证书',
      creationDate: view.copyPeriod?.validFrom ?? view.issueDate,
      creator: '执业通 ZhiyeTong',
      creatorVersion: '1.0',
      customData: { RegistrationNo: view.registrationNo, VerifyUrl: view.verifyUrl },
    },
    page: { width: 210, height: 297 }, // A4 (ISO 216); the PDF's 595.28 × 841.89 pt
    fonts: [{ name: OFD_FONT_NAME, file: subset, fileName: OFD_FONT_FILE }],
    images,
    objects,
  });
}
