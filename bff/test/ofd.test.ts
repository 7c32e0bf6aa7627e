/**
 * The OFD certificate (GB/T 33190-2016, issue 9), checked with tools nobody here wrote:
 * - libxml2's `xmllint --schema` validates each XML part against the standard's XSDs (bff/test/ofd-xsd,
 *   Annex A of GB/T 33190-2016; see its NOTICE.md), and `xmllint --xpath` reads the references out of them;
 * - fontkit opens the embedded font file and finds a glyph for every character of every TextCode;
 * - jsQR decodes the embedded QR PNG, and the BFF's public verify API answers it;
 * - ofd.js 0.2.6 (npm, DLTech21's pure-JS OFD renderer) parses the package and draws it in Debian's
 *   headless Chromium; the text drawn (SVG <text>) must hold the certificate's fields, the two images must
 *   be drawn, and Chromium must accept the embedded font (FontFace.load runs its OTS sanitiser).
 * Screenshots: test-results/screenshots/ofd-certificate.png (downloaded), ofd-certificate-cost-engineer.png.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import test from 'ava';
import { unzipSync } from 'fflate';
import jsQR from 'jsqr';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { renderCertificateOfd } from '../src/ofd/certificate-ofd.js';
import { applicantWithDraft, completeApplication, uploadDocument } from './helpers/flow.js';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone } from './helpers/data.js';
import { certificateView } from './pdf/fixtures.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const XSD = path.join(import.meta.dirname, 'ofd-xsd');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(root, 'test-results/screenshots');

/** Which schema validates which part (Res.xsd for both resource files). */
const SCHEMAS: Record<string, string> = {
  'OFD.xml': 'OFD.xsd',
  'Doc_0/Document.xml': 'Document.xsd',
  'Doc_0/PublicRes.xml': 'Res.xsd',
  'Doc_0/DocumentRes.xml': 'Res.xsd',
  'Doc_0/Pages/Page_0/Content.xml': 'Page.xsd',
};

// a real photo from the shared face data (read, never copied into the repository); a drawn PNG without it
const PHOTO = new URL('../../../shared/data/faces/photos/stock/person-tasia.jpg', import.meta.url);
async function photo(): Promise<{ bytes: Buffer; type: string }> {
  if (existsSync(PHOTO)) return { bytes: await readFile(PHOTO), type: 'image/jpeg' };
  const png = new PNG({ width: 240, height: 320 });
  png.data.fill(200);
  return { bytes: PNG.sync.write(png), type: 'image/png' };
}

/** A drawn signature: a black wave on white, 300 × 100 (the signature kind's PNG). */
function signaturePng(): Buffer {
  const sig = new PNG({ width: 300, height: 100 });
  sig.data.fill(255);
  for (let x = 20; x < 280; x++) for (let dy = -3; dy <= 3; dy++) sig.data.writeUInt32BE(0x000000ff, ((50 + dy + Math.round(20 * Math.sin(x / 15))) * 300 + x) * 4);
  return PNG.sync.write(sig);
}
const costEngineerView = (signature: Buffer) => ({
  ...certificateView,
  title: '二级造价工程师注册证书',
  specialties: [{ name: '土木建筑工程', validUntil: '2030-11-20' }],
  birthDate: '1985-07-09',
  signature: { image: { bytes: signature, type: 'image/png' as const }, date: '2026-11-02' },
});

let s: TestServer;
let dir: string;
test.before(async () => {
  s = await startTestServer();
  dir = await mkdtemp(path.join(tmpdir(), 'zyt-ofd-'));
});
test.after.always(async () => {
  await s?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Unpacks `ofd` into a fresh folder; returns the folder and the entries. */
async function unpack(ofd: Uint8Array, name: string) {
  const files = unzipSync(ofd);
  const out = path.join(dir, name);
  for (const [entry, bytes] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(out, entry)), { recursive: true });
    await writeFile(path.join(out, entry), bytes);
  }
  return { out, files };
}

/** xmllint --schema on each XML part; returns the parts that validated. */
async function validateParts(out: string): Promise<string[]> {
  const ok: string[] = [];
  for (const [part, xsd] of Object.entries(SCHEMAS)) {
    const { stderr } = await run('xmllint', ['--noout', '--schema', path.join(XSD, xsd), path.join(out, part)]);
    if (stderr.includes(`${path.join(out, part)} validates`)) ok.push(part);
  }
  return ok;
}

/** Values of an XPath over a part (namespace-agnostic with local-name()), one per line as xmllint prints them. */
async function xpath(out: string, part: string, expr: string): Promise<string[]> {
  const { stdout } = await run('xmllint', ['--xpath', expr, path.join(out, part)]);
  return stdout.split('\n').map((l) => l.trim().replace(/^\w+="(.*)"$/, '$1')).filter(Boolean);
}
const el = (name: string) => `//*[local-name()='${name}']`;

/** The QR PNG decoded (a white quiet zone added around it first: the page keeps one, the PNG has none). */
function decodeQrPng(bytes: Uint8Array): string | null {
  const qr = PNG.sync.read(Buffer.from(bytes));
  const pad = 32;
  const framed = new PNG({ width: qr.width + 2 * pad, height: qr.height + 2 * pad });
  framed.data.fill(255);
  PNG.bitblt(qr, framed, 0, 0, qr.width, qr.height, pad, pad);
  return jsQR(new Uint8ClampedArray(framed.data), framed.width, framed.height)?.data ?? null;
}

/** The references of a package: each check is on what the XML says, read with xmllint, against the ZIP's entries. */
async function checkReferences(t: import('ava').ExecutionContext, out: string, files: Record<string, Uint8Array>) {
  // fonts: every TextObject's Font is a Font of PublicRes whose FontFile is in Doc_0/Res and has each character
  const fontIds = await xpath(out, 'Doc_0/PublicRes.xml', `${el('Font')}/@ID`);
  const fontFiles = await xpath(out, 'Doc_0/PublicRes.xml', `${el('FontFile')}/text()`);
  t.is(fontIds.length, 1);
  const usedFonts = new Set(await xpath(out, 'Doc_0/Pages/Page_0/Content.xml', `${el('TextObject')}/@Font`));
  t.deepEqual([...usedFonts], fontIds);
  const fontBytes = files[`Doc_0/Res/${fontFiles[0]}`];
  t.truthy(fontBytes, `font file ${fontFiles[0]} is in the package`);
  t.true(fontBytes.length < 100_000, `a subset, not the 10 MB font (${fontBytes.length} bytes)`);
  const font = fontkit.create(fontBytes);
  const texts = await xpath(out, 'Doc_0/Pages/Page_0/Content.xml', `${el('TextCode')}/text()`);
  const missing = [...new Set(texts.join(''))].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!) || font.glyphForCodePoint(ch.codePointAt(0)!).id === 0);
  t.deepEqual(missing, [], 'the embedded font maps every character drawn (its own cmap)');

  // images: every ImageObject's ResourceID is a MultiMedia whose MediaFile is in Doc_0/Res
  const mediaIds = await xpath(out, 'Doc_0/DocumentRes.xml', `${el('MultiMedia')}/@ID`);
  const mediaFiles = await xpath(out, 'Doc_0/DocumentRes.xml', `${el('MediaFile')}/text()`);
  const used = await xpath(out, 'Doc_0/Pages/Page_0/Content.xml', `${el('ImageObject')}/@ResourceID`);
  t.deepEqual([...used].sort(), [...mediaIds].sort(), 'each image resource is drawn once');
  for (const file of mediaFiles) t.truthy(files[`Doc_0/Res/${file}`], `${file} is in the package`);
  // IDs unique in the document and MaxUnitID the largest (GB/T 33190 §7.5)
  const ids = [
    ...(await xpath(out, 'Doc_0/Pages/Page_0/Content.xml', '//@ID')),
    ...(await xpath(out, 'Doc_0/Document.xml', `${el('Page')}/@ID`)),
    ...fontIds,
    ...mediaIds,
  ].map(Number);
  t.is(new Set(ids).size, ids.length, 'IDs are unique');
  t.is(Number((await xpath(out, 'Doc_0/Document.xml', `${el('MaxUnitID')}/text()`))[0]), Math.max(...ids));
  return { texts, mediaFiles, fontFile: fontFiles[0] };
}

let served: { ofd: Buffer; name: string; registrationNo: string; employer: string } | undefined;

test.serial('GET certificate.ofd: the claimed certificate as OFD, every XML part valid against the GB/T 33190 schemas, font and images embedded and referenced', async (t) => {
  const name = '欧阳晓岚';
  const a = await applicantWithDraft(s, undefined, name);
  const p = await photo();
  t.is((await uploadDocument(s, a.c, a.id, 'photo', p.bytes, p.type)).status, 200);
  await completeApplication(s, a.c, a.phone, a.id);
  const [cert] = (await a.c.get('/api/certificates')).body;

  t.is((await a.c.get(`/api/certificates/${cert.id}/certificate.ofd`)).body.error?.code, 'certificate_not_claimed');
  t.is((await a.c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
  const other = await login(s, freshPhone());
  t.is((await other.get(`/api/certificates/${cert.id}/certificate.ofd`)).status, 404, "another person's certificate answers 404");
  t.is((await new Client(s.baseUrl).get(`/api/certificates/${cert.id}/certificate.ofd`)).status, 401);
  t.is((await a.c.get(`/api/certificates/${cert.id}/certificate.ofd?days=0`)).status, 422, 'a period of use outside 1..max is refused as for the PDF');

  const res = await a.c.get(`/api/certificates/${cert.id}/certificate.ofd?days=30`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/ofd');
  t.regex(decodeURIComponent(res.headers.get('content-disposition') ?? ''), new RegExp(`${cert.registrationNo}\\.ofd`));
  t.truthy(res.headers.get('x-copy-valid-until'));
  t.is(Buffer.from(res.bytes.subarray(0, 4)).toString('latin1'), 'PK\x03\x04', 'a ZIP package');
  t.log(`OFD: ${res.bytes.length} bytes`);

  const { out, files } = await unpack(res.bytes, 'http');
  t.deepEqual(Object.keys(SCHEMAS).filter((part) => !files[part]), [], 'every part is in the package');
  t.deepEqual(await validateParts(out), Object.keys(SCHEMAS), 'xmllint: every XML part validates');

  const { texts, mediaFiles } = await checkReferences(t, out, files);
  const all = texts.join('\n');
  for (const expected of [name, cert.registrationNo, cert.employerName, '中华人民共和国', '二级建造师注册证书', '注册人员最新信息请扫描二维码查询', '发证日期：', cert.authorityName]) {
    t.true(all.includes(expected), `the page says ${expected}`);
  }
  for (const sp of cert.specialties) t.true(texts.some((x) => x.startsWith(`${sp.label}（有效期至`)), `the specialty ${sp.label} with its valid-until date`);
  t.true(all.includes('本件使用有效期：'));

  // the photo is the uploaded file, embedded as it is; the QR decodes to a verification URL that verifies
  t.deepEqual(mediaFiles.sort(), [p.type === 'image/jpeg' ? 'photo.jpg' : 'photo.png', 'qr.png']);
  t.true(Buffer.from(files[`Doc_0/Res/${p.type === 'image/jpeg' ? 'photo.jpg' : 'photo.png'}`]).equals(p.bytes));
  const url = decodeQrPng(files['Doc_0/Res/qr.png']);
  t.truthy(url?.includes('/v/'), `QR: ${url}`);
  const verified = await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(url!.split('/v/')[1])}`);
  t.like(verified.body, { status: 'valid', certificate: { registrationNo: cert.registrationNo, holderName: name } });
  t.like(verified.body.copy, { validUntil: res.headers.get('x-copy-valid-until') });
  served = { ofd: res.bytes, name, registrationNo: cert.registrationNo, employer: cert.employerName };
});

test('an architect (registration held as a whole) and a cost engineer with birth date and signature image: valid parts, no 注册专业 line, the signature embedded', async (t) => {
  const signature = signaturePng();
  const architect = await renderCertificateOfd({ ...certificateView, title: '二级注册建筑师注册证书', specialties: [], wholeValidUntil: '2030-11-20', birthDate: '1985-07-09', signature: null });
  const costEngineer = await renderCertificateOfd(costEngineerView(signature));
  for (const [label, ofd] of [['architect', architect], ['cost-engineer', costEngineer]] as const) {
    const { out, files } = await unpack(ofd, label);
    t.deepEqual(await validateParts(out), Object.keys(SCHEMAS), `${label}: every XML part validates`);
    const { texts, mediaFiles } = await checkReferences(t, out, files);
    t.true(texts.includes('1985年7月9日'), `${label}: birth date`);
    if (label === 'architect') {
      t.false(texts.includes('注册专业：'), 'no 注册专业 line without specialties');
      t.true(texts.includes('有效期至：') && texts.includes('2030年11月20日'), 'the whole registration valid until');
      t.deepEqual(mediaFiles, ['qr.png']);
    } else {
      t.true(texts.includes('注册专业：'));
      t.deepEqual(mediaFiles.sort(), ['qr.png', 'signature.png']);
      t.true(Buffer.from(files['Doc_0/Res/signature.png']).equals(signature));
      t.true(texts.includes('个人签名：') && texts.includes('签名日期：2026年11月2日'));
    }
  }
});

test.serial('ofd.js draws the OFD in Chromium: the fields in the drawn text, the photo, QR and signature drawn, the embedded font accepted', async (t) => {
  if (!served) return t.fail('the download test did not run');
  if (!existsSync(CHROMIUM)) return t.fail(`${CHROMIUM} is missing (apt-get install chromium)`);
  const ofdJs = path.join(root, 'node_modules/ofd.js/lib/ofd.umd.min.js');
  const packages: Record<string, Uint8Array> = { '/certificate.ofd': served.ofd, '/cost-engineer.ofd': await renderCertificateOfd(costEngineerView(signaturePng())) };
  const fonts = Object.fromEntries(Object.entries(packages).map(([url, ofd]) => [`${url}.ttf`, unzipSync(ofd)['Doc_0/Res/NotoSansSC-Regular-subset.ttf']]));
  const page = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#ddd">
<script src="/ofd.js"></script><script>
/** Draws one package with ofd.js; its embedded font registered under the FontName the OFD gives it (ofd.js draws with CSS font-family); clear() takes both away before the next. */
async function draw(url) {
  const container = document.createElement('div');
  container.dataset.ofd = url;
  document.body.appendChild(container);
  const face = new FontFace('Noto Sans SC', await (await fetch(url + '.ttf')).arrayBuffer());
  let fontStatus;
  try { document.fonts.add(await face.load()); fontStatus = 'loaded'; } catch (e) { fontStatus = 'error: ' + e; }
  const buf = await (await fetch(url)).arrayBuffer();
  const docs = await new Promise((resolve, reject) => ofd.parseOfdDocument({ ofd: buf, success: resolve, fail: reject }));
  for (const div of ofd.renderOfd(800, docs[0])) container.appendChild(div);
  await document.fonts.ready;
  const texts = [...container.querySelectorAll('svg')].map((svg) => [...svg.querySelectorAll('text')].map((x) => x.textContent).join(''));
  const images = [...container.querySelectorAll('svg image')].map((img) => ({ href: (img.getAttribute('xlink:href') || '').slice(0, 22), box: img.getBoundingClientRect().width }));
  window.clear = () => { document.fonts.delete(face); container.remove(); };
  return { fontStatus, texts, images };
}
</script>`;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (url === '/ofd.js') return readFile(ofdJs).then((b) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(b));
    if (packages[url]) return res.writeHead(200, { 'content-type': 'application/ofd' }).end(packages[url]);
    if (fonts[url]) return res.writeHead(200, { 'content-type': 'font/ttf' }).end(fonts[url]);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const tab = await browser.newPage({ viewport: { width: 800, height: 1140 } });
    const requests: string[] = [];
    tab.on('request', (r) => requests.push(r.url()));
    await tab.goto(`http://127.0.0.1:${port}/`);
    type Drawn = { fontStatus: string; texts: string[]; images: { href: string; box: number }[] };
    const expected: Record<string, { texts: string[]; images: number }> = {
      '/certificate.ofd': { texts: [served.name, served.registrationNo, served.employer, '二级建造师注册证书', '注册人员最新信息请扫描二维码查询'], images: 2 /* photo, QR */ },
      '/cost-engineer.ofd': { texts: [certificateView.holderName, certificateView.registrationNo, '二级造价工程师注册证书', '1985年7月9日', '个人签名：', '签名日期：2026年11月2日', '土木建筑工程（有效期至2030年11月20日）'], images: 2 /* signature, QR */ },
    };
    for (const [url, want] of Object.entries(expected)) {
      const drawn = await tab.evaluate((u) => (window as unknown as { draw(u: string): Promise<Drawn> }).draw(u), url);
      t.is(drawn.fontStatus, 'loaded', `${url}: Chromium accepts the embedded subset font`);
      for (const text of want.texts) t.true(drawn.texts.some((x) => x.includes(text)), `${url} drawn: ${text}`);
      t.is(drawn.images.length, want.images, `${url}: images drawn`);
      for (const img of drawn.images) {
        t.true(img.href.startsWith('data:image/'), 'drawn from the embedded file');
        t.true(img.box > 50, `drawn at a visible size (${img.box} px)`);
      }
      await mkdir(SHOTS, { recursive: true });
      await tab.locator(`[data-ofd="${url}"] > div`).first().screenshot({ path: path.join(SHOTS, url === '/certificate.ofd' ? 'ofd-certificate.png' : 'ofd-certificate-cost-engineer.png') });
      await tab.evaluate(() => (window as unknown as { clear(): void }).clear());
    }
    t.deepEqual(requests.filter((u) => !u.startsWith(`http://127.0.0.1:${port}/`) && !u.startsWith('data:')), [], 'nothing fetched from elsewhere');
  } finally {
    await browser.close();
    server.close();
  }
});
