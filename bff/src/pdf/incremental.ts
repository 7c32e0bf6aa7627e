/**
 * Incremental update writer (ISO 32000-1 §7.5.6): appends changed and new objects of a document
 * loaded with pdf-lib, followed by a cross-reference section holding only those objects and a
 * trailer whose /Prev points at the previous cross-reference section. Bytes already in the file
 * are never touched, so signatures made on them stay valid.
 *
 * pdf-lib serialises the objects (`copyBytesInto`); this module only lays out offsets, the xref
 * table and the trailer. Requires a classic xref table in the original (save pdf-lib output with
 * `useObjectStreams: false`), since the new section is a classic table too.
 */
import { PDFDocument, PDFObject, PDFRef } from 'pdf-lib';

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/**
 * Byte offset of the last cross-reference section (the number after the last `startxref`).
 * @throws if the file has no `startxref`.
 */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 1024))).toString('latin1');
  const matches = [...tail.matchAll(/startxref\s+(\d+)/g)];
  const last = matches[matches.length - 1];
  if (!last) throw new Error('incremental update: no startxref in the original PDF');
  return Number(last[1]);
}

/**
 * Appends an incremental update to `original`.
 *
 * @param original the exact bytes `doc` was loaded from.
 * @param doc the loaded document, after modifications (call `await doc.flush()` first so fonts are embedded).
 * @param refs the objects to write: every new object and every modified existing one.
 * @returns original bytes + update (new file ends with `%%EOF\n`).
 */
export function appendIncrementalUpdate(original: Uint8Array, doc: PDFDocument, refs: PDFRef[]): Uint8Array {
  const { context } = doc;
  const prev = lastStartXref(original);
  const sorted = [...new Map(refs.map((r) => [r.objectNumber, r])).values()].sort((a, b) => a.objectNumber - b.objectNumber);

  const chunks: Uint8Array[] = [original, latin1('\n')];
  let offset = original.length + 1;
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const ref of sorted) {
    const object = context.lookup(ref) as PDFObject | undefined;
    if (!object) throw new Error(`incremental update: object ${ref.toString()} not found`);
    const head = latin1(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    const body = new Uint8Array(object.sizeInBytes());
    object.copyBytesInto(body, 0);
    const tail = latin1('\nendobj\n');
    offsets.set(ref.objectNumber, { offset, gen: ref.generationNumber });
    chunks.push(head, body, tail);
    offset += head.length + body.length + tail.length;
  }

  // Cross-reference section: one subsection per run of consecutive object numbers.
  const xrefOffset = offset;
  let xref = 'xref\n';
  const numbers = [...offsets.keys()];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    xref += `${numbers[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const e = offsets.get(numbers[k])!;
      xref += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n`;
    }
    i = j + 1;
  }

  const { Root, Info, ID } = context.trailerInfo;
  if (!Root) throw new Error('incremental update: the document has no /Root');
  const size = Math.max(context.largestObjectNumber, ...numbers) + 1;
  let trailer = `trailer\n<<\n/Size ${size}\n/Root ${Root.toString()}\n`;
  if (Info) trailer += `/Info ${Info.toString()}\n`;
  if (ID) trailer += `/ID ${ID.toString()}\n`;
  trailer += `/Prev ${prev}\n>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  chunks.push(latin1(xref + trailer));
  return Buffer.concat(chunks);
}
