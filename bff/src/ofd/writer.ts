/**
 * A small OFD writer (GB/T 33190-2016 电子文件存储与交换格式 版式文档): one document of one page, with
 * text, paths and images, enough for our certificate layout. Not a general OFD library.
 *
 * Package (a ZIP, §7.2 "OFD 文件结构"), every XML part in the namespace http://www.ofdspec.org/2016 with the
 * `ofd:` prefix that readers in the field expect:
 *
 *   OFD.xml                           entry (OFD.xsd): DocInfo, DocRoot → Doc_0/Document.xml
 *   Doc_0/Document.xml                document (Document.xsd): MaxUnitID, PageArea, PublicRes, DocumentRes, Pages
 *   Doc_0/PublicRes.xml               resources (Res.xsd, BaseLoc Res): the fonts
 *   Doc_0/DocumentRes.xml             resources (Res.xsd, BaseLoc Res): the images (MultiMedia Type="Image")
 *   Doc_0/Pages/Page_0/Content.xml    the page (Page.xsd): one Body layer of TextObject, PathObject, ImageObject
 *   Doc_0/Res/…                       the font files (TrueType) and the images (JPEG/PNG) as they are
 *
 * Units: millimetres, origin at the top-left of the page, y downwards (§7.4 坐标系统). Each graphic unit has
 * a Boundary (x y w h on the page); its own coordinates (TextCode X/Y, path data) are relative to the
 * Boundary's top-left corner. Colours are RGB 0-255 ("r g b") in the default colour space. Every object and
 * resource gets a document-wide unique ID (ST_ID, unsigned int); MaxUnitID is the largest.
 *
 * XML is built with xmlbuilder2 (escaping, well-formedness); the ZIP with fflate (deflate; fonts and images
 * stored compressed too). No signature (Signatures.xml) is written: see the README, OFD certificate.
 */
import { randomUUID } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

export const OFD_NS = 'http://www.ofdspec.org/2016';

export type Rgb = readonly [number, number, number];

/** A box on the page in mm: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface OfdFont {
  /** FontName (and FamilyName) as readers look it up, e.g. "Noto Sans SC". */
  name: string;
  /** The font file embedded under Doc_0/Res/ (TrueType/OpenType bytes). */
  file: Uint8Array;
  fileName: string;
}

export interface OfdImage {
  key: string;
  /** JPEG or PNG bytes, embedded as they are. */
  bytes: Uint8Array;
  format: 'JPEG' | 'PNG';
  fileName: string;
}

/** One line of text: `glyphAdvances[i]` is the advance (mm) from character i to i + 1 (DeltaX). */
export interface OfdText {
  kind: 'text';
  boundary: Box;
  /** Index into {@link OfdDocument.fonts}. */
  font: number;
  size: number /* mm */;
  color: Rgb;
  text: string;
  /** Baseline start relative to the boundary's top-left (mm). */
  x: number;
  y: number;
  deltaX: number[];
}

export interface OfdPath {
  kind: 'path';
  boundary: Box;
  /** AbbreviatedData (§9.3.3): M, L, B, Q, A, C operators, coordinates relative to the boundary. */
  data: string;
  stroke?: { color: Rgb; width: number /* mm */ };
  fill?: Rgb;
}

export interface OfdImageObject {
  kind: 'image';
  boundary: Box;
  /** {@link OfdImage.key} of the image drawn. */
  image: string;
  /**
   * CTM (a b c d e f) mapping the image's unit square into the boundary's space; absent: the unit square is
   * scaled to the whole boundary ("w 0 0 h 0 0").
   */
  ctm?: [number, number, number, number, number, number];
}

export type OfdObject = OfdText | OfdPath | OfdImageObject;

export interface OfdDocument {
  info: {
    title: string;
    author: string;
    subject?: string;
    /** YYYY-MM-DD */
    creationDate: string;
    creator: string;
    creatorVersion?: string;
    customData?: Record<string, string>;
  };
  /** The page's PhysicalBox size in mm (A4: 210 × 297). */
  page: { width: number; height: number };
  fonts: OfdFont[];
  images: OfdImage[];
  objects: OfdObject[];
}

/** Numbers as OFD writes them: at most 3 decimals (1 µm), no exponent, no "-0". */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`ofd: not a finite number: ${n}`);
  const r = Math.round(n * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}
const arr = (ns: readonly number[]) => ns.map(num).join(' ');
const box = (b: Box) => arr([b.x, b.y, b.w, b.h]);

const XML_DECL = { version: '1.0', encoding: 'UTF-8' } as const;
const part = (root: string, attrs: Record<string, string> = {}) => create(XML_DECL).ele(OFD_NS, `ofd:${root}`, attrs);
const text = (parent: XMLBuilder, name: string, value: string) => parent.ele(OFD_NS, `ofd:${name}`).txt(value).up();
const bytesOf = (doc: XMLBuilder) => new TextEncoder().encode(doc.end({ prettyPrint: false }));

/** The XML parts and files of `doc` by their path in the package (for {@link writeOfd} and for tests). */
export function ofdParts(doc: OfdDocument): Record<string, Uint8Array> {
  let nextId = 1;
  const id = () => nextId++;
  const fontIds = doc.fonts.map(() => id());
  const imageIds = new Map(doc.images.map((img) => [img.key, id()] as const));
  const pageId = id();
  const layerId = id();

  // Doc_0/PublicRes.xml: fonts
  const publicRes = part('Res', { BaseLoc: 'Res' });
  if (doc.fonts.length) {
    const fonts = publicRes.ele(OFD_NS, 'ofd:Fonts');
    doc.fonts.forEach((f, i) => {
      const font = fonts.ele(OFD_NS, 'ofd:Font', { ID: String(fontIds[i]), FontName: f.name, FamilyName: f.name });
      text(font, 'FontFile', f.fileName);
    });
  }

  // Doc_0/DocumentRes.xml: images
  const documentRes = part('Res', { BaseLoc: 'Res' });
  if (doc.images.length) {
    const medias = documentRes.ele(OFD_NS, 'ofd:MultiMedias');
    for (const img of doc.images) {
      const media = medias.ele(OFD_NS, 'ofd:MultiMedia', { ID: String(imageIds.get(img.key)), Type: 'Image', Format: img.format });
      text(media, 'MediaFile', img.fileName);
    }
  }

  // Doc_0/Pages/Page_0/Content.xml
  const page = part('Page');
  page.ele(OFD_NS, 'ofd:Area').ele(OFD_NS, 'ofd:PhysicalBox').txt(box({ x: 0, y: 0, w: doc.page.width, h: doc.page.height }));
  const layer = page.ele(OFD_NS, 'ofd:Content').ele(OFD_NS, 'ofd:Layer', { ID: String(layerId), Type: 'Body' });
  for (const o of doc.objects) {
    if (o.kind === 'text') {
      if (o.text.length === 0) continue;
      if (o.deltaX.length !== [...o.text].length - 1) throw new RangeError(`ofd: text "${o.text}" needs ${[...o.text].length - 1} DeltaX values`);
      const t = layer.ele(OFD_NS, 'ofd:TextObject', { ID: String(id()), Boundary: box(o.boundary), Font: String(fontIds[o.font]), Size: num(o.size) });
      t.ele(OFD_NS, 'ofd:FillColor', { Value: arr(o.color) });
      const code = t.ele(OFD_NS, 'ofd:TextCode', { X: num(o.x), Y: num(o.y), ...(o.deltaX.length ? { DeltaX: arr(o.deltaX) } : {}) });
      code.txt(o.text);
    } else if (o.kind === 'path') {
      const p = layer.ele(OFD_NS, 'ofd:PathObject', {
        ID: String(id()),
        Boundary: box(o.boundary),
        ...(o.stroke ? { LineWidth: num(o.stroke.width) } : {}),
        Stroke: String(!!o.stroke),
        Fill: String(!!o.fill),
      });
      // Page.xsd CT_Path: StrokeColor, then FillColor, then AbbreviatedData
      if (o.stroke) p.ele(OFD_NS, 'ofd:StrokeColor', { Value: arr(o.stroke.color) });
      if (o.fill) p.ele(OFD_NS, 'ofd:FillColor', { Value: arr(o.fill) });
      text(p, 'AbbreviatedData', o.data);
    } else {
      const resourceId = imageIds.get(o.image);
      if (resourceId === undefined) throw new RangeError(`ofd: image ${o.image} is not among the document's images`);
      const ctm = o.ctm ?? [o.boundary.w, 0, 0, o.boundary.h, 0, 0];
      layer.ele(OFD_NS, 'ofd:ImageObject', { ID: String(id()), Boundary: box(o.boundary), CTM: arr(ctm), ResourceID: String(resourceId) });
    }
  }

  // Doc_0/Document.xml
  const document = part('Document');
  const common = document.ele(OFD_NS, 'ofd:CommonData');
  text(common, 'MaxUnitID', String(nextId - 1));
  common.ele(OFD_NS, 'ofd:PageArea').ele(OFD_NS, 'ofd:PhysicalBox').txt(box({ x: 0, y: 0, w: doc.page.width, h: doc.page.height }));
  text(common, 'PublicRes', 'PublicRes.xml');
  text(common, 'DocumentRes', 'DocumentRes.xml');
  document.ele(OFD_NS, 'ofd:Pages').ele(OFD_NS, 'ofd:Page', { ID: String(pageId), BaseLoc: 'Pages/Page_0/Content.xml' });

  // OFD.xml
  const ofd = part('OFD', { Version: '1.0', DocType: 'OFD' });
  const body = ofd.ele(OFD_NS, 'ofd:DocBody');
  const info = body.ele(OFD_NS, 'ofd:DocInfo');
  // CT_DocInfo's order: DocID, Title, Author, Subject, Abstract, CreationDate, ModDate, DocUsage, Cover, Keywords, Creator, CreatorVersion, CustomDatas
  text(info, 'DocID', randomUUID().replace(/-/g, ''));
  text(info, 'Title', doc.info.title);
  text(info, 'Author', doc.info.author);
  if (doc.info.subject) text(info, 'Subject', doc.info.subject);
  text(info, 'CreationDate', doc.info.creationDate);
  text(info, 'DocUsage', 'Normal');
  text(info, 'Creator', doc.info.creator);
  if (doc.info.creatorVersion) text(info, 'CreatorVersion', doc.info.creatorVersion);
  const custom = Object.entries(doc.info.customData ?? {});
  if (custom.length) {
    const datas = info.ele(OFD_NS, 'ofd:CustomDatas');
    for (const [name, value] of custom) datas.ele(OFD_NS, 'ofd:CustomData', { Name: name }).txt(value);
  }
  text(body, 'DocRoot', 'Doc_0/Document.xml');

  const files: Record<string, Uint8Array> = {
    'OFD.xml': bytesOf(ofd),
    'Doc_0/Document.xml': bytesOf(document),
    'Doc_0/PublicRes.xml': bytesOf(publicRes),
    'Doc_0/DocumentRes.xml': bytesOf(documentRes),
    'Doc_0/Pages/Page_0/Content.xml': bytesOf(page),
  };
  for (const f of doc.fonts) files[`Doc_0/Res/${f.fileName}`] = f.file;
  for (const img of doc.images) files[`Doc_0/Res/${img.fileName}`] = img.bytes;
  return files;
}

/**
 * The OFD package of `doc` (ZIP bytes). Deterministic apart from DocID (a random UUID, 32 hex digits as
 * GB/T 33190 §7.5 asks) and the ZIP entries' modification time (now).
 * @throws RangeError on a non-finite coordinate, a text whose DeltaX count does not match, or an image object
 * naming an image the document does not have.
 */
export function writeOfd(doc: OfdDocument): Uint8Array {
  const parts = ofdParts(doc);
  const zippable: Zippable = {};
  for (const [name, bytes] of Object.entries(parts)) zippable[name] = [bytes, { level: 6 }];
  return zipSync(zippable);
}
