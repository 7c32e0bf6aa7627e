/**
 * Signature fields (ISO 32000-1 §12.7.4.5) that the renderers place on a page at render time
 * and that {@link ../sign.ts signPdf} fills later. Each field is a merged field/widget
 * dictionary (`/FT /Sig`, `/Subtype /Widget`) named after its slot, listed in the AcroForm
 * (`/SigFlags 3`: SignaturesExist | AppendOnly) and in the page's `/Annots`.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFPage, PDFRef, PDFString } from 'pdf-lib';

/** Which visible signature block a signature fills. */
/** 'releasing_employer': the old employer agreeing to release a temporary constructor (003 §3.2.3.9 变更确认). */
export type SignatureSlot = 'applicant' | 'employer' | 'releasing_employer' | 'authority';

/** Partial field name (`/T`) of each slot's field. */
export const SIGNATURE_FIELD_NAMES: Readonly<Record<SignatureSlot, string>> = {
  applicant: 'ApplicantSignature',
  employer: 'EmployerSeal',
  releasing_employer: 'ReleasingEmployerSeal',
  authority: 'AuthoritySeal',
};

/** A rectangle in PDF user space (points, origin bottom-left). */
export interface Box { x: number; y: number; width: number; height: number }

/**
 * Adds the empty signature field of `slot` to `page` at `box` (points). Unsigned fields have no
 * appearance; the page content draws the label (签字： / 盖章：) beside it.
 *
 * @returns the indirect reference of the field/widget dictionary.
 */
export function addSignatureField(doc: PDFDocument, page: PDFPage, slot: SignatureSlot, box: Box): PDFRef {
  const { context } = doc;
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(SIGNATURE_FIELD_NAMES[slot]),
    Rect: [box.x, box.y, box.x + box.width, box.y + box.height],
    F: 4, // Print
    P: page.ref,
  });
  const ref = context.register(widget);
  page.node.addAnnot(ref);
  const acroForm = doc.catalog.getOrCreateAcroForm();
  acroForm.addField(ref);
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  return ref;
}

/** A signature field found in a loaded document. */
export interface FoundSignatureField {
  ref: PDFRef;
  dict: PDFDict;
  /** Widget rectangle [x1, y1, x2, y2] in points. */
  rect: [number, number, number, number];
}

/**
 * Finds the signature field of `slot` among the AcroForm's top-level fields.
 * @throws if the document has no such field (it was not rendered by this module).
 */
export function findSignatureField(doc: PDFDocument, slot: SignatureSlot): FoundSignatureField {
  const name = SIGNATURE_FIELD_NAMES[slot];
  const fields = doc.catalog.getAcroForm()?.dict.lookup(PDFName.of('Fields'));
  if (fields instanceof PDFArray) {
    for (let i = 0; i < fields.size(); i++) {
      const ref = fields.get(i);
      const dict = doc.context.lookup(ref);
      if (!(ref instanceof PDFRef) || !(dict instanceof PDFDict)) continue;
      const t = dict.lookup(PDFName.of('T'));
      if ((t instanceof PDFString || t instanceof PDFHexString) && t.decodeText() === name) {
        const rect = dict.lookup(PDFName.of('Rect'), PDFArray).asRectangle();
        return { ref, dict, rect: [rect.x, rect.y, rect.x + rect.width, rect.y + rect.height] };
      }
    }
  }
  throw new Error(`signPdf: the document has no signature field for slot "${slot}" (${name})`);
}
