/**
 * Visible PDF signatures, one per call, each as an incremental update.
 *
 * Standards: ISO 32000-1 §12.8 (digital signatures; SubFilter `adbe.pkcs7.detached`, SHA-256,
 * /ByteRange covering the whole file except the /Contents hex string), §7.5.6 (incremental
 * updates), §12.5.5 (appearance streams of the signature widget).
 *
 * One call appends, after the bytes it received:
 *  - the signature dictionary (/Type /Sig) with a 8192-byte /Contents placeholder,
 *  - the widget's new normal appearance (a form XObject that shows the signer and the time),
 *  - a fresh subset of the CJK font holding just the glyphs of that appearance,
 *  - the slot's field/widget dictionary again, now with /V and /AP,
 * then @signpdf/signpdf fills /ByteRange and /Contents with the PKCS#7 signature
 * ({@link ForgePkcs7DetachedSigner}). Earlier bytes are untouched, so earlier signatures stay valid.
 */
import { SignPdf } from '@signpdf/signpdf';
import {
  PDFDocument,
  PDFFont,
  PDFHexString,
  PDFName,
  PDFOperator,
  PDFRef,
  PDFString,
  drawRectangle,
  drawText,
  degrees,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from 'pdf-lib';
import type { Color } from 'pdf-lib';
import type { PlatformCa, SignatureTimestamps, SignerCredentials, SignerSubject } from './ca.js';
import { embedCjkFont } from './font.js';
import { formatShanghaiDateTime, pdfDateString } from './format.js';
import { appendIncrementalUpdate } from './incremental.js';
import { ForgePkcs7DetachedSigner } from './pkcs7-signer.js';
import { findSignatureField } from './signature-field.js';
import type { SignatureSlot } from './signature-field.js';

export type { SignatureSlot } from './signature-field.js';

/** Bytes reserved for the DER signature (/Contents holds twice as many hex digits). A signature is ≈3 KB. */
export const SIGNATURE_PLACEHOLDER_BYTES = 8192;

/** What a signature says, apart from the key material (the options of {@link signPdf} without the CA). */
export interface SignatureSpec {
  /** Which pre-rendered signature block to fill. */
  slot: SignatureSlot;
  /** /Reason of the signature dictionary, e.g. 申请人确认申请表内容. */
  reason: string;
  /** Signing time: /M, the CMS signingTime attribute and the time shown in the block. */
  signedAt: Date;
  /** /Location, e.g. 上海. */
  location?: string;
}

/** Options of {@link signPdf}. */
export interface SignPdfOptions extends SignatureSpec {
  /** Issues the one-signature certificate. */
  ca: PlatformCa;
}

/** Options of {@link signPdfWith}: the key material already issued, and the timestamps to add (if any). */
export interface SignPdfWithOptions extends SignatureSpec {
  /** One-signature credentials from `PlatformCa.issueSignerCredentials` (PEM strings: structured-clonable). */
  credentials: SignerCredentials;
  timestamps?: SignatureTimestamps;
}

/**
 * Adds one PKCS#7 detached signature (adbe.pkcs7.detached, SHA-256) as an INCREMENTAL update so
 * earlier signatures stay valid. `slot` chooses which visible block is filled: after signing, the
 * block visibly shows the signer (name; for employer the enterprise name and USCC) and the
 * signing time (Asia/Shanghai, e.g. 2026年11月21日 15:36:00).
 *
 * @param pdf a PDF produced by renderApplicationForm / renderCertificatePdf (possibly already
 *   signed in another slot); it must contain the slot's signature field and a classic xref table.
 * @param signer identity written into the certificate (CN = `commonName`); the certificate is
 *   issued by `opts.ca` at call time, valid 10 minutes, so `signedAt` should be about now.
 * @returns the signed PDF (input bytes + ≈ 21–26 KB: 16 KB of /Contents hex, appearance, font subset).
 * @throws if the slot's field is missing or already signed, or the signature does not fit the placeholder.
 */
export async function signPdf(
  pdf: Uint8Array,
  signer: SignerSubject,
  opts: SignPdfOptions,
): Promise<Uint8Array> {
  const { ca, ...spec } = opts;
  return signPdfWith(pdf, signer, { ...spec, credentials: ca.issueSignerCredentials(signer), timestamps: ca.timestamps });
}

/**
 * {@link signPdf} with credentials issued beforehand: the CPU part of a signature (layout, font subset,
 * serialisation, CMS, SHA-256, RSA), as the PDF worker threads run it (bff/src/pdf/worker.ts); the only I/O is
 * the timestamp, through `opts.timestamps`. Same result and errors as signPdf.
 */
export async function signPdfWith(
  pdf: Uint8Array,
  signer: SignerSubject,
  opts: SignPdfWithOptions,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const { context } = doc;
  const largestBefore = context.largestObjectNumber;
  const field = findSignatureField(doc, opts.slot);
  if (field.dict.has(PDFName.of('V'))) {
    throw new Error(`signPdf: slot "${opts.slot}" is already signed`);
  }

  // Appearance of the filled block.
  const font = await embedCjkFont(doc);
  const [x1, y1, x2, y2] = field.rect;
  const width = x2 - x1;
  const height = y2 - y1;
  const appearance = context.formXObject(
    appearanceOperators(font, appearanceLines(signer, opts.slot, opts.signedAt), width, height, opts.slot),
    { BBox: [0, 0, width, height], Resources: { Font: { F1: font.ref } } },
  );
  const appearanceRef = context.register(appearance);

  // Signature dictionary with the placeholders @signpdf/signpdf looks for.
  const placeholder = PDFName.of('**********');
  const sigDict = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'adbe.pkcs7.detached',
    ByteRange: [0, placeholder, placeholder, placeholder],
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_PLACEHOLDER_BYTES * 2)),
    Reason: PDFHexString.fromText(opts.reason),
    M: PDFString.of(pdfDateString(opts.signedAt)),
    Name: PDFHexString.fromText(signer.commonName),
    ...(opts.location ? { Location: PDFHexString.fromText(opts.location) } : {}),
  });
  const sigRef = context.register(sigDict);

  field.dict.set(PDFName.of('V'), sigRef);
  field.dict.set(PDFName.of('AP'), context.obj({ N: appearanceRef }));
  await doc.flush(); // embeds the font subset (objects allocated above largestBefore)

  const changed: PDFRef[] = [field.ref];
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber > largestBefore) changed.push(ref);
  }
  const withPlaceholder = appendIncrementalUpdate(pdf, doc, changed);

  const signed = await new SignPdf().sign(
    Buffer.from(withPlaceholder.buffer, withPlaceholder.byteOffset, withPlaceholder.byteLength),
    new ForgePkcs7DetachedSigner(opts.credentials, opts.timestamps),
    opts.signedAt,
  );
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}

/** One line of the block: text and its nominal size (shrunk to fit the width if needed). */
interface AppearanceLine { text: string; size: number }

/** The text of a filled block, top to bottom. */
export function appearanceLines(signer: SignerSubject, slot: SignatureSlot, signedAt: Date): AppearanceLine[] {
  const time = { text: `签署时间：${formatShanghaiDateTime(signedAt)}`, size: 7.5 };
  switch (slot) {
    case 'applicant':
      return [{ text: signer.commonName, size: 15 }, { text: '（电子签名）', size: 7.5 }, time];
    case 'employer':
    case 'releasing_employer':
      return [
        { text: signer.commonName, size: 10.5 },
        { text: `统一社会信用代码：${signer.uscc ?? '—'}`, size: 7.5 },
        { text: '（电子印章）', size: 7.5 },
        time,
      ];
    case 'authority':
      return [{ text: signer.commonName, size: 10.5 }, { text: '（电子印章）', size: 7.5 }, time];
  }
}

const INK: Record<SignatureSlot, Color> = {
  applicant: rgb(0.05, 0.15, 0.45), // blue-black ink
  employer: rgb(0.8, 0.05, 0.05), // seal red
  releasing_employer: rgb(0.8, 0.05, 0.05),
  authority: rgb(0.8, 0.05, 0.05),
};

/**
 * Content stream operators of the appearance: a thin frame and the centred lines, each shrunk
 * to the block width. Coordinates in points inside the form's BBox [0 0 width height].
 */
function appearanceOperators(
  font: PDFFont,
  lines: AppearanceLine[],
  width: number,
  height: number,
  slot: SignatureSlot,
): PDFOperator[] {
  const color = INK[slot];
  const padding = 3;
  const fitted = lines.map((l) => {
    const natural = font.widthOfTextAtSize(l.text, l.size);
    const size = natural > width - 2 * padding ? (l.size * (width - 2 * padding)) / natural : l.size;
    return { text: l.text, size, width: font.widthOfTextAtSize(l.text, size) };
  });
  const gap = 2;
  const total = fitted.reduce((s, l) => s + l.size, 0) + gap * (fitted.length - 1);
  let baseline = (height + total) / 2;
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    ...drawRectangle({
      x: 0.5, y: 0.5, width: width - 1, height: height - 1, borderWidth: 1,
      color: undefined, borderColor: color,
      rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0),
    }),
  ];
  for (const line of fitted) {
    baseline -= line.size * 0.88; // approximate ascent of Noto Sans SC
    ops.push(
      ...drawText(font.encodeText(line.text), {
        color, font: 'F1', size: line.size,
        x: (width - line.width) / 2, y: baseline,
        rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0),
      }),
    );
    baseline -= line.size * 0.12 + gap;
  }
  ops.push(popGraphicsState());
  return ops;
}
