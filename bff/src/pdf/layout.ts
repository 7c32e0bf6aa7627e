/**
 * Small text layout helpers shared by the renderers (units: PDF points, 1/72 inch; origin at
 * the bottom-left of the page, as in pdf-lib).
 */
import { PDFFont, PDFPage, rgb } from 'pdf-lib';
import type { Color } from 'pdf-lib';

/** A4 portrait in points (ISO 216: 210 × 297 mm). */
export const A4: [number, number] = [595.28, 841.89];

/** Palette of the rendered documents (RGB). */
export const BLACK: Color = rgb(0, 0, 0);
export const GREY_TEXT: Color = rgb(0.35, 0.35, 0.35);
export const LABEL_FILL: Color = rgb(0.93, 0.94, 0.96);
export const SECTION_FILL: Color = rgb(0.84, 0.87, 0.92);
export const RULE: Color = rgb(0.45, 0.45, 0.5);

/** Font size ≤ `size` at which `text` fits in `maxWidth` points (never below `minSize`). */
export function fitSize(font: PDFFont, text: string, size: number, maxWidth: number, minSize = 5): number {
  const width = font.widthOfTextAtSize(text, size);
  return width <= maxWidth ? size : Math.max(minSize, (size * maxWidth) / width);
}

/**
 * Breaks `text` into lines no wider than `maxWidth` at `size`. Breaks anywhere between CJK
 * characters, keeps runs of Latin letters/digits together when possible, and never starts a
 * line with closing punctuation (simple 禁则 / kinsoku rule).
 */
export function wrapText(font: PDFFont, text: string, size: number, maxWidth: number): string[] {
  const tokens = text.match(/[A-Za-z0-9.\-_/@:]+|\s+|./gsu) ?? [];
  const noLineStart = /^[，。、；：！？）》」』”’%]/u;
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const candidate = line + token;
    if (line === '' || font.widthOfTextAtSize(candidate, size) <= maxWidth || noLineStart.test(token)) {
      line = candidate;
      continue;
    }
    lines.push(line.trimEnd());
    line = token.trimStart();
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

/** Draws `text` centred horizontally on `centerX`, baseline at `y`. */
export function drawCentered(page: PDFPage, font: PDFFont, text: string, centerX: number, y: number, size: number, color: Color = BLACK): void {
  page.drawText(text, { x: centerX - font.widthOfTextAtSize(text, size) / 2, y, size, font, color });
}

/**
 * Baseline y that vertically centres a single line of `size` in a box from `bottom` to
 * `bottom + height` (uses Noto Sans SC's ascent ≈ 0.88 em, descent ≈ 0.12 em).
 */
export function centredBaseline(bottom: number, height: number, size: number): number {
  return bottom + (height - size) / 2 + size * 0.12;
}
