/**
 * What an uploaded application file must be beyond its magic bytes (shared DOCUMENT_RULES):
 * - a PDF must parse as one (pdf-lib), have at least one page, not be encrypted (/Encrypt in the trailer)
 *   and carry no JavaScript (/JS or /JavaScript keys, /S /JavaScript actions, a JavaScript name tree) —
 *   a reviewer opens these files, and 002 asks for plain PDF scans ≤ 2 MB;
 * - the signature image (001 注册证书个人签名) must be a PNG within the kind's pixel bounds, on a
 *   transparent or white background (its border), with some dark ink on it.
 * Each check returns null when the file is acceptable, else the Chinese reason to show.
 */
import { PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import type { DocumentRule } from '@zhiyetong/shared';

const JS_KEYS = new Set(['JS', 'JavaScript']);

/** Whether `dict` (or a dict it holds directly) is a JavaScript action or names JavaScript. */
function hasJavaScript(dict: PDFDict): boolean {
  for (const [key, value] of dict.entries()) {
    const name = key.decodeText();
    if (JS_KEYS.has(name)) return true;
    if (name === 'S' && value instanceof PDFName && JS_KEYS.has(value.decodeText())) return true;
  }
  return false;
}

/**
 * Checks `bytes` is a PDF a reviewer may open safely. Returns null, or: 不是有效的 PDF 文件 (does not parse,
 * e.g. a JPEG named .pdf), 加密 (password-protected or encrypted), 含有 JavaScript (scripts or script actions).
 */
export async function pdfProblem(bytes: Buffer): Promise<string | null> {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return '文件不是有效的 PDF 文件（请勿仅修改文件扩展名），请上传 PDF 格式的扫描件';
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
  } catch {
    return '文件不是有效的 PDF 文件或已损坏，请重新扫描后上传';
  }
  try {
    return scriptOrEncryption(doc);
  } catch {
    return '文件不是有效的 PDF 文件或已损坏，请重新扫描后上传';
  }
}

function scriptOrEncryption(doc: PDFDocument): string | null {
  if (doc.isEncrypted || doc.context.trailerInfo.Encrypt) return 'PDF 文件已加密或设有密码，注册机构无法查看，请上传未加密的 PDF 文件';
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    const dict = obj instanceof PDFDict ? obj : obj instanceof PDFStream || obj instanceof PDFRawStream ? obj.dict : null;
    if (dict && hasJavaScript(dict)) return 'PDF 文件含有 JavaScript 脚本，出于安全原因不能上传，请上传仅含扫描内容的 PDF 文件';
  }
  // direct (not indirect) objects in the catalog: /OpenAction << /S /JavaScript … >>, /Names << /JavaScript … >>
  const catalog = doc.catalog;
  const stack: PDFDict[] = [catalog];
  const seen = new Set<PDFDict>();
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    if (hasJavaScript(d)) return 'PDF 文件含有 JavaScript 脚本，出于安全原因不能上传，请上传仅含扫描内容的 PDF 文件';
    for (const [, v] of d.entries()) if (v instanceof PDFDict) stack.push(v);
  }
  try {
    if (doc.getPageCount() < 1) return 'PDF 文件没有页面，请重新扫描后上传';
  } catch {
    return '文件不是有效的 PDF 文件或已损坏，请重新扫描后上传';
  }
  return null;
}

/**
 * Checks a signature image: a PNG within `rule.pixels`, its border (the outer 3 pixels) at least 95 %
 * transparent (alpha < 32) or white (each channel ≥ 230), and at least 0.2 % of its pixels dark ink
 * (opaque, luminance < 160). Returns null or the reason.
 */
export function signatureProblem(bytes: Buffer, rule: DocumentRule): string | null {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch {
    return '签名图片无法读取，请上传 PNG 格式的签名图片';
  }
  const { width, height, data } = png;
  const p = rule.pixels!;
  if (width < p.minWidth || width > p.maxWidth || height < p.minHeight || height > p.maxHeight)
    return `签名图片尺寸为 ${width}×${height} 像素，应为宽 ${p.minWidth}-${p.maxWidth}、高 ${p.minHeight}-${p.maxHeight} 像素`;
  const blank = (i: number) => data[i + 3] < 32 || (data[i] >= 230 && data[i + 1] >= 230 && data[i + 2] >= 230);
  let border = 0;
  let clean = 0;
  let ink = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (x < 3 || y < 3 || x >= width - 3 || y >= height - 3) {
        border++;
        if (blank(i)) clean++;
      }
      if (data[i + 3] >= 128 && 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] < 160) ink++;
    }
  }
  if (clean < border * 0.95) return '签名图片背景应为透明或白色，请在白纸上签名后拍摄并裁剪，或在屏幕上手写签名';
  if (ink < width * height * 0.002) return '签名图片中没有可辨认的签名笔迹，请重新签名';
  return null;
}
