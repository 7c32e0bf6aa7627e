/**
 * The holder's photo on the form and the certificate (000 §3.1.1 step 4: "该照片最终显示在电子版证书上"):
 * a JPEG or PNG embedded as it is (pdf-lib embedJpg / embedPng, no re-encoding), scaled to fit a box,
 * centred, keeping its aspect ratio, and turned upright by a JPEG's EXIF orientation (phone cameras store
 * portrait photos sideways with orientation 6 or 8; PDF viewers ignore EXIF). Units: PDF points, origin
 * bottom-left.
 */
import { PDFDocument, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState, type PDFPage } from 'pdf-lib';
import { RULE } from './layout.js';

export interface PhotoInput {
  bytes: Uint8Array;
  type: 'image/jpeg' | 'image/png';
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The EXIF orientation (1-8, TIFF tag 0x0112 in IFD0 of the first APP1 "Exif" segment) of a JPEG; 1 when
 * there is none or it cannot be read. 1 upright, 2 mirrored, 3 rotated 180°, 4 flipped, 5 transposed,
 * 6 to be turned 90° clockwise, 7 transversed, 8 to be turned 90° counter-clockwise (TIFF 6.0 / Exif 2.3).
 */
export function jpegOrientation(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 1;
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image: no more metadata
    const length = b.readUInt16BE(i + 2);
    if (marker === 0xe1 && b.toString('latin1', i + 4, i + 10) === 'Exif\0\0') {
      const tiff = i + 10;
      const end = Math.min(b.length, i + 2 + length);
      if (tiff + 8 > end) return 1;
      const le = b.toString('latin1', tiff, tiff + 2) === 'II';
      const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
      const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
      const ifd = tiff + u32(tiff + 4);
      if (ifd + 2 > end) return 1;
      const count = u16(ifd);
      for (let k = 0; k < count; k++) {
        const entry = ifd + 2 + k * 12;
        if (entry + 12 > end) return 1;
        if (u16(entry) === 0x0112) {
          const value = u16(entry + 8);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    i += 2 + length;
  }
  return 1;
}

/**
 * The transformation matrix [a b c d e f] that draws an image XObject (the unit square, its first row at
 * the top) upright as a `width` × `height` rectangle at (x, y), for EXIF `orientation`.
 */
function orientedMatrix(orientation: number, x: number, y: number, width: number, height: number): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2: return [-width, 0, 0, height, x + width, y];
    case 3: return [-width, 0, 0, -height, x + width, y + height];
    case 4: return [width, 0, 0, -height, x, y + height];
    case 5: return [0, -height, -width, 0, x + width, y + height];
    case 6: return [0, -height, width, 0, x, y + height];
    case 7: return [0, height, width, 0, x, y];
    case 8: return [0, height, -width, 0, x + width, y];
    default: return [width, 0, 0, height, x, y];
  }
}

/**
 * The bytes in an ArrayBuffer of their own: pdf-lib's JPEG embedder reads `bytes.buffer` from offset 0, so a
 * Buffer that is a slice of a larger one (Node's pool for small reads, an upload's chunks) is read from the
 * wrong place ("SOI not found in JPEG").
 */
const ownBytes = (bytes: Uint8Array): Uint8Array => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));

/**
 * Draws a thin frame at `box` and `photo` inside it, `padding` points from the frame, upright (EXIF) and
 * scaled to fit.
 * @throws RangeError when the bytes are not a JPEG/PNG that pdf-lib can read.
 */
export async function drawPhoto(doc: PDFDocument, page: PDFPage, photo: PhotoInput, box: Box, padding = 2): Promise<void> {
  let image;
  try {
    image = photo.type === 'image/png' ? await doc.embedPng(ownBytes(photo.bytes)) : await doc.embedJpg(ownBytes(photo.bytes));
  } catch (e) {
    throw new RangeError(`photo: not a readable ${photo.type} (${(e as Error).message})`);
  }
  const orientation = photo.type === 'image/jpeg' ? jpegOrientation(photo.bytes) : 1;
  const sideways = orientation >= 5;
  const [shownWidth, shownHeight] = sideways ? [image.height, image.width] : [image.width, image.height];
  const scale = Math.min((box.width - 2 * padding) / shownWidth, (box.height - 2 * padding) / shownHeight);
  const width = shownWidth * scale;
  const height = shownHeight * scale;
  const x = box.x + (box.width - width) / 2;
  const y = box.y + (box.height - height) / 2;
  const name = page.node.newXObject('Image', image.ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...orientedMatrix(orientation, x, y, width, height)), drawObject(name), popGraphicsState());
  page.drawRectangle({ ...box, borderColor: RULE, borderWidth: 0.6 });
}

/**
 * Whether pdf-lib can embed `bytes` as a `type` image (what the form and the certificate will do with it).
 * For checking a photo when it is uploaded, so that a file with the right magic bytes but a broken body is
 * refused there rather than failing the signature later.
 */
export async function isEmbeddablePhoto(bytes: Uint8Array, type: string): Promise<boolean> {
  if (type !== 'image/jpeg' && type !== 'image/png') return false;
  try {
    const doc = await PDFDocument.create();
    const image = type === 'image/png' ? await doc.embedPng(ownBytes(bytes)) : await doc.embedJpg(ownBytes(bytes));
    return image.width > 0 && image.height > 0;
  } catch {
    return false;
  }
}
