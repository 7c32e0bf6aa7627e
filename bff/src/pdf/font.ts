/**
 * CJK font for every PDF the BFF renders (application form, certificate, signature appearances).
 *
 * Font: **Noto Sans SC Regular, TrueType outlines** (SIL OFL 1.1), shipped by the npm package
 * `@expo-google-fonts/noto-sans-sc` so no OS font package is needed at runtime.
 *
 * Why TrueType: @pdf-lib/fontkit 1.1.1 produces blank text when it subsets CFF/OTF fonts.
 *
 * Why a patch: fontkit's `TTFSubset` writes the subset `loca` table in the *short* format
 * (offset / 2) whenever the subset `glyf` table is below 128 KiB, but copies every glyph with
 * its original byte length. Noto Sans SC (from Google Fonts) contains glyphs of odd length, so
 * the halved offsets of all following glyphs are off by one byte and viewers draw garbage or
 * nothing. {@link patchFontkitSubsetPadding} pads each glyph copied into a subset to an even
 * length (zero bytes after a glyph are ignored by the TrueType rasteriser; the OpenType spec
 * recommends glyph offsets be aligned anyway). It is applied once, on the fontkit module
 * instance that is registered with pdf-lib.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

const require = createRequire(import.meta.url);

/** Absolute path of the Noto Sans SC Regular TrueType file inside node_modules. */
export const CJK_FONT_PATH: string = path.join(
  path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json')),
  '400Regular',
  'NotoSansSC_400Regular.ttf',
);

let fontBytes: Promise<Uint8Array> | undefined;
let fontBytesResolved: Uint8Array | undefined;
let parsedFont: ReturnType<Fontkit['create']> | undefined;
let patched = false;

/**
 * The fontkit instance registered with pdf-lib: fontkit itself, except that the CJK font's
 * bytes are parsed only once per process (pdf-lib calls `fontkit.create` on every `embedFont`,
 * 15-100 ms for this 10 MB font). Reusing the parsed font is safe: each embedding creates its
 * own subset object; the font only caches glyphs and layout tables.
 */
const cachingFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    if (parsedFont && postscriptName === undefined && fontBytesResolved === buffer) return parsedFont;
    return fontkit.create(buffer as Buffer, postscriptName) as unknown as ReturnType<Fontkit['create']>;
  },
};

/**
 * Pads every glyph that fontkit copies into a TrueType subset to an even byte length, so that
 * the short-format `loca` table (offsets stored / 2, OpenType spec "loca" table) stays exact.
 * Idempotent. Patches the prototype of fontkit's internal `TTFSubset` class, reached through
 * a subset instance of `font` (fontkit does not export the class).
 *
 * @param font any TrueType font opened by the same fontkit module instance.
 */
function patchFontkitSubsetPadding(font: { createSubset(): object }): void {
  if (patched) return;
  const proto = Object.getPrototypeOf(font.createSubset()) as {
    _addGlyph(this: SubsetInternals, gid: number): number;
    __zytEvenPadding?: true;
  };
  if (typeof proto._addGlyph !== 'function') {
    throw new Error('font: unexpected @pdf-lib/fontkit version (TTFSubset._addGlyph not found)');
  }
  if (!proto.__zytEvenPadding) {
    const original = proto._addGlyph;
    proto._addGlyph = function addGlyphPadded(this: SubsetInternals, gid: number): number {
      const index = original.call(this, gid);
      if (this.offset % 2 === 1) {
        const last = this.glyf[this.glyf.length - 1];
        // fontkit's bundle ships its own Buffer polyfill and its encoder only accepts that
        // class: build the padded copy with the constructor of the glyph buffer itself.
        const BufferClass = last.constructor as unknown as BufferLike;
        this.glyf[this.glyf.length - 1] = BufferClass.concat([last, BufferClass.alloc(1)]);
        this.offset += 1;
      }
      return index;
    };
    proto.__zytEvenPadding = true;
  }
  patched = true;
}

interface BufferLike {
  concat(list: Uint8Array[]): Uint8Array;
  alloc(size: number): Uint8Array;
}

interface SubsetInternals {
  glyf: Uint8Array[];
  offset: number;
}

/**
 * Returns the bytes of the CJK TrueType font (≈10 MB, read from disk and parsed once, cached for
 * the life of the process). Also makes sure fontkit's subsetter is patched (see module doc).
 *
 * @throws if the font file is missing (npm package `@expo-google-fonts/noto-sans-sc` not installed).
 */
export function loadCjkFontBytes(): Promise<Uint8Array> {
  fontBytes ??= readFile(CJK_FONT_PATH).then((buf) => {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const font = fontkit.create(buf);
    patchFontkitSubsetPadding(font as unknown as { createSubset(): object });
    parsedFont = font as unknown as ReturnType<Fontkit['create']>;
    fontBytesResolved = bytes;
    return bytes;
  });
  fontBytes.catch(() => {
    fontBytes = undefined; // allow a retry after a transient failure
  });
  return fontBytes;
}

/**
 * Embeds the CJK font into `doc` as a subset (only the glyphs actually drawn end up in the
 * file: a one-page form is a few tens of KB). Registers the (patched, caching) fontkit on the
 * document; `doc.registerFontkit` must not be called with another instance afterwards.
 * The font is a Type0/CIDFontType2 font with Identity-H encoding and a ToUnicode CMap,
 * so text extraction (copy/paste, pdftotext) yields the original Unicode.
 *
 * @returns the pdf-lib font; measure with `font.widthOfTextAtSize(text, sizePt)` (PDF points).
 */
export async function embedCjkFont(doc: PDFDocument): Promise<PDFFont> {
  const bytes = await loadCjkFontBytes();
  doc.registerFontkit(cachingFontkit);
  return doc.embedFont(bytes, { subset: true });
}
