/**
 * The electronic registration certificate (电子注册证书), laid out after figure 55 of the
 * Shanghai operating manual: 姓名, 性别, 注册编号, 聘用企业, 注册专业 (each with
 * （有效期至YYYY年M月D日）), a QR code of the verification URL with the line
 * "注册人员最新信息请扫描二维码查询", the issuing authority and 发证日期.
 * The authority's seal block is a signature field (slot 'authority') filled by `signPdf`.
 */
import { PDFDocument, PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { embedCjkFont } from './font.js';
import { chineseDate } from './format.js';
import { A4, BLACK, drawCentered, fitSize } from './layout.js';
import { drawPhoto, type PhotoInput } from './photo.js';
import { addSignatureField } from './signature-field.js';

export interface CertificateView {
  title: string /*二级建造师注册证书*/;
  holderName: string;
  gender: string;
  registrationNo: string;
  employerName: string;
  specialties: { name: string; validUntil: string /*YYYY-MM-DD*/ }[];
  authorityName: string /*上海市住房和城乡建设管理委员会*/;
  issueDate: string;
  verifyUrl: string /* text of the QR code */;
  /**
   * The holder's photo (000 §3.1.1 step 4), printed in a one-inch box (一寸, 25 × 35 mm) at the top right of
   * the details, as Chongqing and the Grade I national certificates print it; absent or null: no box.
   */
  photo?: PhotoInput | null;
  /**
   * This copy's period of use (使用有效期, issue 12), both days included, printed under the QR code's
   * caption as 本件使用有效期：YYYY年M月D日至YYYY年M月D日; absent: not printed.
   */
  copyPeriod?: { validFrom: string; validUntil: string };
  /**
   * 注册类型, printed after 注册编号 when set: 二级注册临时建造师 for a temporary constructor's registration (003
   * §3.2.3.10-11 forms' 注册类型, §3.2.4.2); absent for a regular registration (the title names it).
   */
  registrationType?: string;
  /** 出生日期 (YYYY-MM-DD), printed after 性别 (001 §4 cost engineers; architects too); absent: no line. */
  birthDate?: string;
  /**
   * A registration held as a whole (architects, 002): its valid-until date, printed as 有效期至： instead of
   * the 注册专业 lines (`specialties` is then ignored; no 专业 line at all).
   */
  wholeValidUntil?: string;
  /**
   * The holder's signature image (001 §4: 个人签名) with the date it was given (签名日期), printed in
   * {@link CERTIFICATE_LAYOUT}.signature; absent or null: no signature block.
   */
  signature?: { image: PhotoInput; date: string /*YYYY-MM-DD*/ } | null;
}

/** Position of the QR code and of the authority's seal block on the page (points). */
export const CERTIFICATE_LAYOUT = {
  qr: { x: 80, y: 150, size: 120 },
  seal: { x: 320, y: 196, width: 200, height: 66 },
  /** One inch (一寸): 25 × 35 mm; its right edge on the details' right margin, its top just above the first line. */
  photo: { x: A4[0] - 80 - 70.87, y: A4[1] - 234 - 99.21, width: 70.87, height: 99.21 },
  /** The holder's signature image (001 §4 个人签名), above the QR code on the left; 签名日期 under it. */
  signature: { x: 160, y: 300, width: 140, height: 52 },
} as const;

const FRAME = rgb(0.62, 0.46, 0.16); // certificate gold
const TITLE = rgb(0.55, 0.08, 0.08);

/**
 * Draws `text` as a QR code (ISO/IEC 18004, error correction level M, byte mode UTF-8) with its
 * lower-left corner at (x, y) and side `size` points, as vector rectangles (one per horizontal
 * run of dark modules). The caller keeps a 4-module quiet zone around it free.
 */
function drawQrCode(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const m = size / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) { col++; continue; }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      // Overlap by a hair so anti-aliasing leaves no seams between rows.
      page.drawRectangle({ x: x + start * m, y: y + size - (row + 1) * m - 0.05, width: (col - start) * m, height: m + 0.1, color: BLACK });
    }
  }
}

/**
 * The electronic registration certificate as the Shanghai manual's figure 55 shows it:
 * 姓名, 性别, 注册编号, 聘用企业, 注册专业 each with （有效期至YYYY年M月D日）, a QR code of
 * `verifyUrl` with the line "注册人员最新信息请扫描二维码查询", the authority, 发证日期.
 * Unsigned; the caller signs it with slot 'authority'.
 *
 * Output: one A4 portrait page, PDF with classic xref table, CJK font subset embedded,
 * signature field `AuthoritySeal` at {@link CERTIFICATE_LAYOUT}.seal. ≈ 20 KB (≈ 44 KB signed), plus the
 * photo's own size when there is one (embedded as it is, in the box {@link CERTIFICATE_LAYOUT}.photo).
 *
 * @throws RangeError if `issueDate` or a `validUntil` is not YYYY-MM-DD, or `photo` is not a readable JPEG/PNG.
 */
export async function renderCertificatePdf(view: CertificateView): Promise<Uint8Array> {
  const issued = chineseDate(view.issueDate);
  const specialtyLines = view.specialties.map((s) => `${s.name}（有效期至${chineseDate(s.validUntil)}）`);

  const doc = await PDFDocument.create();
  doc.setTitle(`${view.title} ${view.registrationNo}`);
  doc.setCreator('执业通 ZhiyeTong');
  doc.setProducer('执业通 ZhiyeTong (pdf-lib)');
  const font = await embedCjkFont(doc);
  const page = doc.addPage(A4);
  const [width, height] = A4;

  // Double frame.
  page.drawRectangle({ x: 28, y: 28, width: width - 56, height: height - 56, borderColor: FRAME, borderWidth: 3 });
  page.drawRectangle({ x: 36, y: 36, width: width - 72, height: height - 72, borderColor: FRAME, borderWidth: 0.8 });

  drawCentered(page, font, '中华人民共和国', width / 2, height - 120, 16, TITLE);
  drawCentered(page, font, view.title, width / 2, height - 165, 28, TITLE);

  // Fields: label column right-aligned at labelRight, values after it.
  const labelRight = 190;
  const valueX = 200;
  const valueWidth = width - 80 - valueX;
  const size = 14;
  let y = height - 250;
  const box = CERTIFICATE_LAYOUT.photo;
  // beside the photo a line is narrower; one that does not fit there moves below the photo
  const besidePhoto = () => !!view.photo && y + size > box.y - 2;
  const field = (label: string, values: string[]): void => {
    values.forEach((value, i) => {
      if (besidePhoto() && font.widthOfTextAtSize(value, size) > box.x - 12 - valueX) y = Math.min(y, box.y - 4 - size);
      const width = besidePhoto() ? box.x - 12 - valueX : valueWidth;
      if (i === 0) page.drawText(label, { x: labelRight - font.widthOfTextAtSize(label, size), y, size, font, color: BLACK });
      page.drawText(value, { x: valueX, y, size: fitSize(font, value, size, width), font, color: BLACK });
      y -= 30;
    });
    if (values.length === 0) {
      page.drawText(label, { x: labelRight - font.widthOfTextAtSize(label, size), y, size, font, color: BLACK });
      y -= 30;
    }
  };
  field('姓名：', [view.holderName]);
  field('性别：', [view.gender]);
  if (view.birthDate) field('出生日期：', [chineseDate(view.birthDate)]);
  field('注册编号：', [view.registrationNo]);
  if (view.registrationType) field('注册类型：', [view.registrationType]);
  field('聘用企业：', [view.employerName]);
  if (view.wholeValidUntil) field('有效期至：', [chineseDate(view.wholeValidUntil)]);
  else field('注册专业：', specialtyLines);
  if (view.photo) await drawPhoto(doc, page, view.photo, box);
  if (view.signature) {
    const sig = CERTIFICATE_LAYOUT.signature;
    page.drawText('个人签名：', { x: sig.x - 4 - font.widthOfTextAtSize('个人签名：', 12), y: sig.y + sig.height / 2 - 4, size: 12, font, color: BLACK });
    await drawPhoto(doc, page, view.signature.image, sig, 3);
    const dated = `签名日期：${chineseDate(view.signature.date)}`;
    page.drawText(dated, { x: sig.x - 4 - font.widthOfTextAtSize('个人签名：', 12), y: sig.y - 18, size: 11, font, color: BLACK });
  }

  // QR code with its caption.
  const { qr, seal } = CERTIFICATE_LAYOUT;
  drawQrCode(page, view.verifyUrl, qr.x, qr.y, qr.size);
  const caption = '注册人员最新信息请扫描二维码查询';
  drawCentered(page, font, caption, qr.x + qr.size / 2, qr.y - 22, 9);
  if (view.copyPeriod) {
    const period = `本件使用有效期：${chineseDate(view.copyPeriod.validFrom)}至${chineseDate(view.copyPeriod.validUntil)}`;
    page.drawText(period, { x: qr.x - 20, y: qr.y - 40, size: fitSize(font, period, 9, 250), font, color: BLACK });
  }

  // Authority, seal block (signature field) and issue date.
  const centre = seal.x + seal.width / 2;
  const authoritySize = fitSize(font, view.authorityName, 13, seal.width + 40);
  drawCentered(page, font, view.authorityName, centre, seal.y - 24, authoritySize);
  drawCentered(page, font, `发证日期：${issued}`, centre, seal.y - 50, 12);
  addSignatureField(doc, page, 'authority', seal);

  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
