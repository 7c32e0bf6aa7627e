/**
 * Test helpers for cost engineers and architects (issue 9): a verified applicant in any profession, drawn
 * photo and signature images, PDFs (a real one, an encrypted one, one with JavaScript, an oversized one, JPEG
 * bytes named .pdf), uploading every document an application says it needs, and a whole registration.
 */
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { login, ENTERPRISE, type Client, type TestServer } from './server.js';
import { freshPhone, makeIdNumber } from './data.js';
import { completeApplication, verifyInPerson } from './flow.js';

let seq = 500;

/** A logged-in applicant with verified real-name data, born on `birth` (YYYYMMDD). */
export async function verifiedApplicant(s: TestServer, name: string, birth = '19850612') {
  const phone = freshPhone();
  const c = await login(s, phone);
  const idNumber = makeIdNumber(birth, String(++seq).padStart(3, '0'));
  const identity = await c.put('/api/me/identity', { name, idNumber });
  if (identity.status !== 200) throw new Error(`identity ${JSON.stringify(identity.body)}`);
  await verifyInPerson(s, idNumber);
  return { c, phone, idNumber };
}

/** A passport-style photo: a solid blue 240 × 320 PNG with a darker head shape (non-white everywhere). */
export function photoPng(): Buffer {
  const png = new PNG({ width: 240, height: 320 });
  for (let y = 0; y < 320; y++)
    for (let x = 0; x < 240; x++) {
      const i = (y * 240 + x) * 4;
      const head = (x - 120) ** 2 / 60 ** 2 + (y - 130) ** 2 / 80 ** 2 < 1;
      png.data[i] = head ? 200 : 40;
      png.data[i + 1] = head ? 150 : 90;
      png.data[i + 2] = head ? 120 : 200;
      png.data[i + 3] = 255;
    }
  return PNG.sync.write(png);
}

/** A signature image: black strokes on a transparent (or, with `background`, coloured) 400 × 120 PNG. */
export function signaturePng(background: [number, number, number, number] = [0, 0, 0, 0], width = 400, height = 120): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // a few slanted strokes and a baseline, away from the border
      const stroke = x > 20 && x < width - 20 && y > 15 && y < height - 15 && (Math.abs(((x * 0.6 + y) % 60) - 30) < 4 || Math.abs(y - height * 0.7) < 3);
      const [r, g, b, a] = stroke ? [10, 10, 10, 255] : background;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  return PNG.sync.write(png);
}

/** A small real PDF (one page with a line of text). */
export async function realPdf(text = 'scan'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  page.drawText(text, { x: 20, y: 100, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** A PDF whose trailer names a standard security handler (/Encrypt): what a password-protected scan looks like to a parser. */
export async function encryptedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]);
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, P: -44, O: PDFString.of('x'.repeat(32)), U: PDFString.of('y'.repeat(32)) });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF that runs JavaScript when opened (/OpenAction << /S /JavaScript /JS … >>). */
export async function javascriptPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]);
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("x")') }));
  return Buffer.from(await doc.save());
}

/** 3 MB that start like a PDF. */
export function oversizedPdf(): Buffer {
  const b = Buffer.alloc(3 * 1024 * 1024, 0x20);
  b.write('%PDF-1.4\n');
  return b;
}

/** JPEG bytes (SOI, APP0 JFIF header …), to be uploaded under a .pdf name. */
export function jpegBytes(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(2000, 0x11), Buffer.from([0xff, 0xd9])]);
}

/** Uploads `bytes` as document `kind` of application `id` (multipart field `file`, file name `name`). */
export async function upload(s: TestServer, c: Client, id: string, kind: string, bytes: Buffer, name = `${kind}.pdf`, type = 'application/pdf') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${s.baseUrl}/api/applications/${id}/documents/${kind}`, { method: 'PUT', headers: { authorization: `Bearer ${c.token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

/** Uploads every document the application lists as missing (photo and signature as drawn PNGs, the rest as real PDFs); returns the kinds uploaded. */
export async function uploadMissingDocuments(s: TestServer, c: Client, id: string, opts: { optional?: boolean } = {}): Promise<string[]> {
  const app = (await c.get(`/api/applications/${id}`)).body;
  const done: string[] = [];
  for (const d of app.requiredDocuments as { kind: string; required: boolean; state: string }[]) {
    if (d.state !== 'missing' || (!d.required && !opts.optional && d.kind !== 'photo')) continue;
    const res =
      d.kind === 'photo' ? await upload(s, c, id, 'photo', photoPng(), 'photo.png', 'image/png')
      : d.kind === 'signature' ? await upload(s, c, id, 'signature', signaturePng(), 'signature.png', 'image/png')
      : await upload(s, c, id, d.kind, await realPdf(d.kind));
    if (res.status !== 200) throw new Error(`upload ${d.kind} ${res.status} ${JSON.stringify(res.body)}`);
    done.push(d.kind);
  }
  return done;
}

/** Creates and saves a matter for `profession`; returns the created and saved responses. */
export async function fileProfessionMatter(c: Client, profession: string, type: string, form: unknown) {
  const created = await c.post('/api/applications', { profession, type });
  if (created.status !== 201) return { created, saved: null as any };
  const saved = await c.put(`/api/applications/${created.body.id}`, { version: created.body.version, form });
  return { created, saved };
}

export const EMPLOYER = { name: ENTERPRISE.name, uscc: ENTERPRISE.uscc, phone: '021-55501234' };

/** A registered professional: files `form` as an initial registration of `profession`, uploads what it needs and walks it through. */
export async function registeredProfessional(s: TestServer, profession: string, form: unknown, name: string, birth?: string) {
  const a = await verifiedApplicant(s, name, birth);
  const { created, saved } = await fileProfessionMatter(a.c, profession, 'initial', form);
  if (saved?.status !== 200) throw new Error(`initial ${created.status} ${JSON.stringify(saved?.body ?? created.body)}`);
  await uploadMissingDocuments(s, a.c, created.body.id);
  await completeApplication(s, a.c, a.phone, created.body.id);
  const registration = (await a.c.get('/api/registrations')).body.find((r: { profession: string }) => r.profession === profession);
  return { ...a, id: created.body.id as string, registration };
}
