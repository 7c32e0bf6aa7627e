/**
 * The acceptance notice (行政审批受理通知书, seed 000 §3.1.2 step 6: both sides print it once the application is
 * filed; catalogue: "Both sides can open the signed PDF and print the acceptance notice at any time"): one A4
 * page naming the applicant, the employer, the matter and the acceptance number, the date it was accepted and
 * the time limit, with the authority's seal block (signature field slot 'authority', filled by `signPdf`
 * exactly as the certificate's).
 */
import { PDFDocument } from 'pdf-lib';
import { embedCjkFont } from './font.js';
import { chineseDate } from './format.js';
import { A4, BLACK, GREY_TEXT, drawCentered, fitSize, wrapText } from './layout.js';
import { addSignatureField } from './signature-field.js';

export interface AcceptanceNoticeView {
  acceptanceNo: string /*W2026120100001*/;
  /** YYYY-MM-DD, Asia/Shanghai. */
  acceptedOn: string;
  applicantName: string;
  /** Masked (310***********123X): the notice is handed to the employer too. */
  idNumberMasked: string;
  employerName: string;
  matterName: string /*二级建造师初始注册*/;
  /** Who accepted (the province's accepting office) and who signs (the authority). */
  acceptingOffice: string;
  authorityName: string;
  /** The stages still ahead, as the province names them, e.g. 初审、复审、审批. */
  stagesAhead: string[];
  /** The time limit of the remaining stages in working days, if the province sets one. */
  workingDaysLimit: number | null;
  publicNotice: { workingDays: number } | null;
}

/** Where the authority's seal block sits (points). */
export const ACCEPTANCE_NOTICE_SEAL = { x: 330, y: 150, width: 200, height: 66 } as const;

/**
 * Renders the notice, unsigned (the caller signs slot 'authority'). One A4 page, classic xref, CJK subset.
 * @throws RangeError if `acceptedOn` is not YYYY-MM-DD.
 */
export async function renderAcceptanceNotice(v: AcceptanceNoticeView): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`行政审批受理通知书 ${v.acceptanceNo}`);
  doc.setCreator('执业通 ZhiyeTong');
  doc.setProducer('执业通 ZhiyeTong (pdf-lib)');
  const font = await embedCjkFont(doc);
  const page = doc.addPage(A4);
  const [width, height] = A4;
  const left = 72;
  const textWidth = width - 2 * left;

  drawCentered(page, font, v.authorityName, width / 2, height - 96, fitSize(font, v.authorityName, 16, textWidth));
  drawCentered(page, font, '行政审批受理通知书', width / 2, height - 134, 22);
  const no = `受理编号：${v.acceptanceNo}`;
  page.drawText(no, { x: width - left - font.widthOfTextAtSize(no, 11), y: height - 168, size: 11, font, color: BLACK });

  let y = height - 214;
  const line = (text: string, size = 12, indent = 0) => {
    for (const l of wrapText(font, text, size, textWidth - indent)) {
      page.drawText(l, { x: left + indent, y, size, font, color: BLACK });
      y -= size + 10;
    }
  };
  line(`${v.applicantName}（身份证号码：${v.idNumberMasked}）：`);
  y -= 4;
  const ahead = v.stagesAhead.length ? `本机关将依法进行${v.stagesAhead.join('、')}` : '本机关将依法办理';
  const limit = v.workingDaysLimit ? `，自受理之日起 ${v.workingDaysLimit} 个工作日内作出决定` : '';
  const notice = v.publicNotice ? `；审批通过后在执业通公示页面公示 ${v.publicNotice.workingDays} 个工作日，公示期满无异议的核发电子注册证书` : '';
  line(`你（单位）提交的${v.matterName}申请（聘用企业：${v.employerName}），经审查，申请材料齐全、符合法定形式，${v.acceptingOffice}于 ${chineseDate(v.acceptedOn)} 决定予以受理。${ahead}${limit}${notice}。`, 12, 24);
  y -= 8;
  line('办理进度可在执业通“我的申请”中查询，受理编号为查询和咨询的依据，请妥善保存。', 12, 24);

  y -= 18;
  const rows: [string, string][] = [
    ['受理编号', v.acceptanceNo],
    ['申请事项', v.matterName],
    ['申请人', v.applicantName],
    ['聘用企业', v.employerName],
    ['受理机构', v.acceptingOffice],
    ['受理日期', chineseDate(v.acceptedOn)],
  ];
  for (const [k, val] of rows) {
    page.drawText(`${k}：`, { x: left + 24, y, size: 11, font, color: GREY_TEXT });
    page.drawText(val, { x: left + 100, y, size: fitSize(font, val, 11, textWidth - 110), font, color: BLACK });
    y -= 24;
  }

  const seal = ACCEPTANCE_NOTICE_SEAL;
  const centre = seal.x + seal.width / 2;
  drawCentered(page, font, v.authorityName, centre, seal.y - 22, fitSize(font, v.authorityName, 12, seal.width + 40));
  drawCentered(page, font, chineseDate(v.acceptedOn), centre, seal.y - 44, 12);
  addSignatureField(doc, page, 'authority', seal);

  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
