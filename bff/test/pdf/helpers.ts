/**
 * Test helpers around Debian poppler-utils (pdfsig, pdftotext, pdftoppm) for the PDF adapter;
 * also used by the lead's integration tests. Every tool runs with system fonts HIDDEN
 * (FONTCONFIG_FILE → an empty fonts.conf), so a rendering only shows glyphs embedded in the PDF.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const run = promisify(execFile);

/** One signature as reported by `pdfsig`. */
export interface PdfsigSignature {
  /** "Signer Certificate Common Name" line. */
  signerCommonName: string;
  /** true iff "Signature Validation: Signature is Valid." (certificate trust is NOT considered). */
  valid: boolean;
  /** The signature's whole block of pdfsig output (includes "Certificate Validation: ..."). */
  raw: string;
}

/** A fresh temp directory (prefix `zyt-<prefix>-`), removed when the test process exits. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `zyt-${prefix}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let fontlessConfig: Promise<string> | undefined;

/** Path of a fonts.conf that lists no font directory (created once per process). */
function emptyFontConfig(): Promise<string> {
  fontlessConfig ??= (async () => {
    const dir = await tempDir('nofonts');
    const file = path.join(dir, 'fonts.conf');
    await writeFile(
      file,
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${dir}/none</dir><cachedir>${dir}/cache</cachedir></fontconfig>\n`,
    );
    return file;
  })();
  return fontlessConfig;
}

/** Writes `pdf` to a temp dir, runs `fn(pathOfPdf, dir)`, then removes the dir. */
async function withTempPdf<T>(pdf: Uint8Array, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function poppler(tool: string, args: string[]): Promise<string> {
  const env = { ...process.env, FONTCONFIG_FILE: await emptyFontConfig() };
  const { stdout } = await run(tool, args, { env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/**
 * Runs `pdfsig` on `pdf` and parses one entry per "Signature #n:" block, in file order.
 * pdfsig exits 0 whatever it finds, so validity comes from the "Signature Validation:" line.
 * Signature fields that are not signed yet ("The signature form field is not signed.") are
 * left out: the result lists actual signatures only.
 * @returns [] for an unsigned PDF.
 */
export async function pdfsigReport(pdf: Uint8Array): Promise<PdfsigSignature[]> {
  const out = await withTempPdf(pdf, (file) => poppler('pdfsig', [file]));
  return out
    .split(/^Signature #\d+:\s*$/m)
    .slice(1)
    .filter((raw) => !/The signature form field is not signed\./.test(raw))
    .map((raw) => ({
      signerCommonName: /Signer Certificate Common Name:\s*(.*)$/m.exec(raw)?.[1]?.trim() ?? '',
      valid: /Signature Validation:\s*Signature is Valid\./.test(raw),
      raw: raw.trim(),
    }));
}

/** Text of the PDF via `pdftotext -layout` (UTF-8), system fonts hidden. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  return withTempPdf(pdf, (file) => poppler('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-']));
}

/** Renders one page (1-based) with `pdftoppm -png -r <dpi>`, system fonts hidden; returns PNG bytes. */
export async function renderPagePng(pdf: Uint8Array, page = 1, dpi = 150): Promise<Buffer> {
  return withTempPdf(pdf, async (file, dir) => {
    const prefix = path.join(dir, 'page');
    await poppler('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, prefix]);
    return readFile(`${prefix}.png`);
  });
}

/**
 * Decodes the QR code on page 1 (pdftoppm -png -r 150 → pngjs → jsQR).
 * @throws if no QR code is found.
 */
export async function decodeQrFromPdf(pdf: Uint8Array): Promise<string> {
  const png = PNG.sync.read(await renderPagePng(pdf, 1, 150));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
  if (!code) throw new Error('decodeQrFromPdf: no QR code found on page 1');
  return code.data;
}

/**
 * Fraction of "ink" (non-white pixels) inside a rectangle given in PDF points (origin
 * bottom-left) of a page rendered at `dpi`, ignoring a 6-pixel margin inside the rectangle (a
 * block frame); used to check that a signature block is filled.
 */
export function inkRatio(pngBytes: Buffer, rectPt: [number, number, number, number], pageHeightPt: number, dpi = 150): number {
  const png = PNG.sync.read(pngBytes);
  const k = dpi / 72;
  const [x1, y1, x2, y2] = rectPt;
  let ink = 0;
  let total = 0;
  for (let y = Math.round((pageHeightPt - y2) * k) + 6; y < Math.round((pageHeightPt - y1) * k) - 6; y++) {
    for (let x = Math.round(x1 * k) + 6; x < Math.round(x2 * k) - 6; x++) {
      const i = (y * png.width + x) * 4;
      total++;
      if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 600) ink++;
    }
  }
  return total === 0 ? 0 : ink / total;
}

/** One image as `pdfimages -list` reports it. */
export interface PdfImage {
  page: number;
  /** gray, rgb, … */
  color: string;
  width: number;
  height: number;
  /** image, smask (a PNG's alpha channel), … */
  kind: string;
  /** jpeg, image (flate), … */
  encoding: string;
}

/** The images in `pdf` (`pdfimages -list`, poppler-utils), in page order. */
export async function pdfImages(pdf: Uint8Array): Promise<PdfImage[]> {
  const out = await withTempPdf(pdf, (file) => poppler('pdfimages', ['-list', file]));
  return out
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 8 && /^\d+$/.test(f[0]))
    .map((f) => ({ page: Number(f[0]), kind: f[2], width: Number(f[3]), height: Number(f[4]), color: f[5], encoding: f[8] }));
}
