/**
 * The registration application form (申请表) as a PDF: A4 portrait, normally one page, tables of
 * applicant / employer / specialties / continuing education, the applicant's declaration with an
 * empty signature block (签字：) and the employer's opinion with an empty seal block (盖章：).
 * The blocks are signature fields (see signature-field.ts) filled later by `signPdf`.
 */
import { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import type { Color } from 'pdf-lib';
import { embedCjkFont } from './font.js';
import { formatShanghaiDateTime } from './format.js';
import {
  A4, BLACK, GREY_TEXT, LABEL_FILL, RULE, SECTION_FILL,
  centredBaseline, drawCentered, fitSize, wrapText,
} from './layout.js';
import { drawPhoto, type PhotoInput } from './photo.js';
import { addSignatureField } from './signature-field.js';
import type { FormSection } from '@zhiyetong/shared';

export interface ApplicationFormView {
  acceptanceNo: string;            // e.g. W2026112100001
  title: string;                   // e.g. 二级建造师初始注册申请表
  generatedAt: Date;               // 表格生成时间, print in Asia/Shanghai time as 2026年11月21日 15:36:00
  applicant: { name: string; gender: string /*男|女*/; birthDate: string /*YYYY-MM-DD*/; idNumberMasked: string; phone: string };
  /** null for a matter the holder alone signs (paper exchange): no employer section and no seal block. */
  employer: { name: string; uscc: string; phone: string } | null;
  /** 现注册证书状态 (000 figure 50), e.g. 注册号：沪23… 已注册专业：建筑工程(有效期至2027-06-13); null for an initial registration. */
  currentRegistration: string | null;
  /** The matter's 申请事项 tables (shared MATTERS[type].describe). */
  sections: FormSection[];
  applicantDeclaration: string[];  // the seed's declaration sentences, already filled with names
  employerOpinion: string | null;  // the employer opinion sentence, already filled; null without an employer
  /** The old employer's release (原聘用企业意见, 003 §3.2.3.9: 同意转出), already filled; absent unless the matter needs it. */
  releaseOpinion?: string | null;
  /**
   * The photo uploaded with the application (000 §3.1.1 step 4), printed in a passport-photo box (一寸,
   * 25 × 35 mm) beside the applicant's details; absent or null: the applicant section has no photo box.
   */
  photo?: PhotoInput | null;
  /**
   * The signature image uploaded with the application (001 §3.1: 注册证书个人签名样式, cost engineers), printed
   * in its own section before the declaration; absent or null: no such section.
   */
  signatureImage?: PhotoInput | null;
}

/** The photo box beside the applicant's details: a fraction of the content width, and its height (four rows). */
export const FORM_PHOTO_BOX = { widthFraction: 0.17, rows: 4 } as const;

/** Size of the signature blocks on the form, in points. */
export const FORM_SIGNATURE_BLOCK = { width: 210, height: 56 } as const;

const MARGIN_X = 50;
const MARGIN_TOP = 48;
const MARGIN_BOTTOM = 40;
const CONTENT_WIDTH = A4[0] - 2 * MARGIN_X;
const ROW = 22;
const CELL_SIZE = 9.5;

interface Cell { text: string; width: number; label?: boolean; align?: 'left' | 'center' }

/** Page-flowing drawing cursor (moves downwards; adds an A4 page when the next item does not fit). */
class Flow {
  page: PDFPage;
  y: number;
  constructor(private readonly doc: PDFDocument, readonly font: PDFFont) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN_TOP;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN_BOTTOM) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN_TOP;
    }
  }

  /** One table row of cells whose widths are fractions of `span` × the content width (sum 1). */
  row(cells: Cell[], height = ROW, fill?: Color, span = 1): void {
    this.ensure(height);
    const bottom = this.y - height;
    let x = MARGIN_X;
    for (const cell of cells) {
      const w = cell.width * CONTENT_WIDTH * span;
      this.page.drawRectangle({
        x, y: bottom, width: w, height,
        color: fill ?? (cell.label ? LABEL_FILL : undefined),
        borderColor: RULE, borderWidth: 0.6,
      });
      const size = fitSize(this.font, cell.text, CELL_SIZE, w - 8);
      const textWidth = this.font.widthOfTextAtSize(cell.text, size);
      const tx = cell.align === 'center' || cell.label ? x + (w - textWidth) / 2 : x + 5;
      this.page.drawText(cell.text, { x: tx, y: centredBaseline(bottom, height, size), size, font: this.font, color: BLACK });
      x += w;
    }
    this.y = bottom;
  }

  section(title: string): void {
    this.gap(6);
    this.row([{ text: title, width: 1, align: 'left' }], ROW - 2, SECTION_FILL);
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** Wrapped paragraph inside a bordered box spanning the content width. */
  paragraphs(texts: string[], size = 9.5, leading = 15): void {
    const lines = texts.flatMap((t) => wrapText(this.font, t, size, CONTENT_WIDTH - 14));
    const height = lines.length * leading + 10;
    this.ensure(height);
    const bottom = this.y - height;
    this.page.drawRectangle({ x: MARGIN_X, y: bottom, width: CONTENT_WIDTH, height, borderColor: RULE, borderWidth: 0.6 });
    let baseline = this.y - 5 - leading + (leading - size) / 2 + size * 0.12;
    for (const line of lines) {
      this.page.drawText(line, { x: MARGIN_X + 7, y: baseline, size, font: this.font, color: BLACK });
      baseline -= leading;
    }
    this.y = bottom;
  }

  /**
   * A right-aligned "label + empty block" line; returns the block's box for the signature field.
   */
  signatureLine(label: string): { page: PDFPage; box: { x: number; y: number; width: number; height: number } } {
    const { width, height } = FORM_SIGNATURE_BLOCK;
    this.ensure(height + 8);
    const bottom = this.y - height - 6;
    const boxX = MARGIN_X + CONTENT_WIDTH - width;
    const size = 11;
    this.page.drawText(label, {
      x: boxX - this.font.widthOfTextAtSize(label, size) - 4,
      y: centredBaseline(bottom, height, size), size, font: this.font, color: BLACK,
    });
    this.y = bottom - 2;
    return { page: this.page, box: { x: boxX, y: bottom, width, height } };
  }
}

/**
 * Renders the form (A4, one page normally) with an empty signature block for the applicant
 * (签字：) and for the employer (盖章：).
 *
 * Output: PDF 1.7 with classic xref table (no object streams, as required by the incremental
 * signing in sign.ts), the CJK font subset embedded, signature fields `ApplicantSignature` and
 * `EmployerSeal`. ≈ 40 KB (≈ 85 KB with both signatures), plus the photo's own size (embedded as it is). Dates: `generatedAt` printed in Asia/Shanghai time; other dates
 * are printed as given (YYYY-MM-DD).
 *
 * @throws RangeError if `generatedAt` is an invalid Date, or `photo` is not a readable JPEG/PNG.
 */
export async function renderApplicationForm(view: ApplicationFormView): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${view.title} ${view.acceptanceNo}`);
  doc.setCreator('执业通 ZhiyeTong');
  doc.setProducer('执业通 ZhiyeTong (pdf-lib)');
  doc.setCreationDate(view.generatedAt);
  doc.setModificationDate(view.generatedAt);
  const font = await embedCjkFont(doc);
  const flow = new Flow(doc, font);

  // Title and header line.
  drawCentered(flow.page, font, view.title, A4[0] / 2, flow.y - 20, 19);
  flow.gap(38);
  const headerSize = 9;
  flow.page.drawText(`受理编号：${view.acceptanceNo}`, { x: MARGIN_X, y: flow.y - 10, size: headerSize, font, color: GREY_TEXT });
  const generated = `表格生成时间：${formatShanghaiDateTime(view.generatedAt)}`;
  flow.page.drawText(generated, {
    x: MARGIN_X + CONTENT_WIDTH - font.widthOfTextAtSize(generated, headerSize), y: flow.y - 10,
    size: headerSize, font, color: GREY_TEXT,
  });
  flow.gap(14);

  const a = view.applicant;
  flow.section('一、申请人基本信息');
  if (view.photo) {
    // four rows of details on the left, the passport-photo box spanning them on the right
    const span = 1 - FORM_PHOTO_BOX.widthFraction;
    flow.ensure(FORM_PHOTO_BOX.rows * ROW);
    const top = flow.y;
    const label = 0.24;
    flow.row([{ text: '姓名', width: label, label: true }, { text: a.name, width: 0.3 }, { text: '性别', width: 0.16, label: true }, { text: a.gender, width: 0.3, align: 'center' }], ROW, undefined, span);
    flow.row([{ text: '出生日期', width: label, label: true }, { text: a.birthDate, width: 1 - label }], ROW, undefined, span);
    flow.row([{ text: '身份证件号码', width: label, label: true }, { text: a.idNumberMasked, width: 1 - label }], ROW, undefined, span);
    flow.row([{ text: '手机号码', width: label, label: true }, { text: a.phone, width: 1 - label }], ROW, undefined, span);
    await drawPhoto(doc, flow.page, view.photo, { x: MARGIN_X + span * CONTENT_WIDTH, y: flow.y, width: FORM_PHOTO_BOX.widthFraction * CONTENT_WIDTH, height: top - flow.y }, 3);
  } else {
    flow.row([
      { text: '姓名', width: 0.13, label: true }, { text: a.name, width: 0.2 },
      { text: '性别', width: 0.1, label: true }, { text: a.gender, width: 0.12, align: 'center' },
      { text: '出生日期', width: 0.15, label: true }, { text: a.birthDate, width: 0.3 },
    ]);
    flow.row([
      { text: '身份证件号码', width: 0.13, label: true }, { text: a.idNumberMasked, width: 0.42 },
      { text: '手机号码', width: 0.15, label: true }, { text: a.phone, width: 0.3 },
    ]);
  }

  const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  let n = 1;
  const next = (title: string) => flow.section(`${numerals[n++]}、${title}`);
  const e = view.employer;
  if (e) {
    next('聘用企业信息');
    flow.row([{ text: '企业名称', width: 0.2, label: true }, { text: e.name, width: 0.8 }]);
    flow.row([
      { text: '统一社会信用代码', width: 0.2, label: true }, { text: e.uscc, width: 0.35 },
      { text: '联系电话', width: 0.15, label: true }, { text: e.phone, width: 0.3 },
    ]);
  }
  if (view.currentRegistration) {
    next('现注册证书状态');
    flow.paragraphs([view.currentRegistration]);
  }
  for (const section of view.sections) {
    next(section.title);
    flow.row(section.columns.map((text, i) => ({ text, width: section.widths[i], label: true })));
    if (section.rows.length === 0) flow.row([{ text: section.empty ?? '无', width: 1, align: 'center' }]);
    for (const row of section.rows) flow.row(row.map((text, i) => ({ text, width: section.widths[i], align: i === 0 || row.length > 2 ? 'center' : 'left' })));
  }

  if (view.signatureImage) {
    next('注册证书个人签名样式');
    const height = 60;
    flow.ensure(height);
    const top = flow.y;
    flow.page.drawRectangle({ x: MARGIN_X, y: top - height, width: CONTENT_WIDTH, height, borderColor: RULE, borderWidth: 0.6 });
    await drawPhoto(doc, flow.page, view.signatureImage, { x: MARGIN_X + (CONTENT_WIDTH - 180) / 2, y: top - height + 4, width: 180, height: height - 8 }, 2);
    flow.y = top - height;
  }

  // a matter the person does not sign (temporary constructors, 003 §3.2.3.8-11) has no 申请人声明 block
  if (view.applicantDeclaration.length) {
    next('申请人声明');
    flow.paragraphs(view.applicantDeclaration);
    const applicantBlock = flow.signatureLine('签字：');
    addSignatureField(doc, applicantBlock.page, 'applicant', applicantBlock.box);
  }

  if (view.employerOpinion !== null) {
    next('聘用企业意见');
    flow.paragraphs([view.employerOpinion]);
    const employerBlock = flow.signatureLine('盖章：');
    addSignatureField(doc, employerBlock.page, 'employer', employerBlock.box);
  }

  if (view.releaseOpinion) {
    next('原聘用企业意见');
    flow.paragraphs([view.releaseOpinion]);
    const releaseBlock = flow.signatureLine('盖章：');
    addSignatureField(doc, releaseBlock.page, 'releasing_employer', releaseBlock.box);
  }

  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
