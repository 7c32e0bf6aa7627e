/**
 * The holder's photo on the form and the certificate (000 §3.1.1 step 4: "该照片最终显示在电子版证书上"):
 * a JPEG or PNG embedded as it is (pdf-lib embedJpg / embedPng) and scaled to fit a box, centred,
 * keeping its aspect ratio. Units: PDF points, origin bottom-left.
 */
import type { PDFDocument, PDFPage } from 'pdf-lib';
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
 * Draws a thin frame at `box` and `photo` inside it, `padding` points from the frame, scaled to fit.
 * @throws RangeError when the bytes are not a JPEG/PNG that pdf-lib can read.
 */
export async function drawPhoto(doc: PDFDocument, page: PDFPage, photo: PhotoInput, box: Box, padding = 2): Promise<void> {
  let image;
  try {
    image = photo.type === 'image/png' ? await doc.embedPng(photo.bytes) : await doc.embedJpg(photo.bytes);
  } catch (e) {
    throw new RangeError(`photo: not a readable ${photo.type} (${(e as Error).message})`);
  }
  const fit = image.scaleToFit(box.width - 2 * padding, box.height - 2 * padding);
  page.drawImage(image, { x: box.x + (box.width - fit.width) / 2, y: box.y + (box.height - fit.height) / 2, width: fit.width, height: fit.height });
  page.drawRectangle({ ...box, borderColor: RULE, borderWidth: 0.6 });
}
