/** Types of the npm package subset-font 2.x (it ships none): harfbuzz hb-subset compiled to wasm. */
declare module 'subset-font' {
  interface SubsetFontOptions {
    /** Output format; 'truetype' (sfnt) for a TrueType input. */
    targetFormat?: 'sfnt' | 'woff' | 'woff2' | 'truetype';
    preserveNameIds?: number[];
    variationAxes?: Record<string, number | { min: number; max: number; default?: number }>;
    noLayoutClosure?: boolean;
  }
  /** A font with only the glyphs of the characters in `text` (plus .notdef), with its own cmap, hmtx, etc. */
  export default function subsetFont(font: Buffer, text: string, options?: SubsetFontOptions): Promise<Buffer>;
}
