/**
 * Issue 12: trusted, timestamped signatures. With TSA_URL pointing at a local RFC 3161 authority
 * (`openssl ts -reply` behind HTTP, bff/test/helpers/tsa-server.ts), the form's two signatures and the
 * certificate's carry a signatureTimeStampToken that `openssl ts -verify` accepts, independently of our
 * code; pdfsig with an NSS database holding the platform root (published at
 * /api/public/pki/platform-ca.pem, added with certutil from libnss3-tools) reports "Certificate is
 * Trusted". An unreachable TSA fails closed (503 timestamp_unavailable) unless untimestamped signing is
 * allowed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import forge from 'node-forge';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { registeredConstructor } from './helpers/flow.js';
import { startLocalTsa, type LocalTsa } from './helpers/tsa-server.js';
import { pdfsigReport } from './pdf/helpers.js';

const run = promisify(execFile);
const OID_TS = '1.2.840.113549.1.9.16.2.14';

let s: TestServer;
let tsa: LocalTsa;
test.before(async () => {
  tsa = await startLocalTsa();
  s = await startTestServer({ TSA_URL: tsa.url, TSA_TIMEOUT_MS: '3000' });
});
test.after.always(async () => {
  await s?.stop();
  await tsa?.stop().catch(() => undefined);
});

/** Each signature of `pdf`: its CMS signature value and its timestamp token (DER), or null without one. */
function signaturesOf(pdf: Buffer): { signatureValue: Buffer; token: Buffer | null }[] {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => {
    const hex = text.slice(Number(m[1]) + Number(m[2]) + 1, Number(m[3]) - 1);
    const cms = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(hex, 'hex').toString('binary')), { parseAllBytes: false } as never);
    const signedData = ((cms.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
    const signerInfo = ((signedData.value as forge.asn1.Asn1[]).at(-1)!.value as forge.asn1.Asn1[])[0];
    const fields = signerInfo.value as forge.asn1.Asn1[];
    const unsigned = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 1);
    const octets = fields.filter((f) => f.tagClass === forge.asn1.Class.UNIVERSAL && f.type === forge.asn1.Type.OCTETSTRING);
    const signatureValue = Buffer.from(octets.at(-1)!.value as string, 'binary');
    let token: Buffer | null = null;
    for (const attr of (unsigned?.value as forge.asn1.Asn1[] | undefined) ?? []) {
      const [oid, set] = attr.value as forge.asn1.Asn1[];
      if (forge.asn1.derToOid(oid.value as string) === OID_TS) token = Buffer.from(forge.asn1.toDer((set.value as forge.asn1.Asn1[])[0]).getBytes(), 'binary');
    }
    return { signatureValue, token };
  });
}

/** `openssl ts -verify` of a token over `data` against the local TSA's root: its stdout. */
async function opensslTsVerify(dir: string, i: number, data: Buffer, token: Buffer): Promise<string> {
  const d = path.join(dir, `sig${i}.bin`);
  const tk = path.join(dir, `tok${i}.der`);
  await writeFile(d, data);
  await writeFile(tk, token);
  const { stdout } = await run('openssl', ['ts', '-verify', '-data', d, '-in', tk, '-token_in', '-CAfile', tsa.caFile, '-untrusted', tsa.tsaCertFile]);
  return stdout;
}

test.serial('every signature is timestamped (openssl ts -verify OK) and trusted by pdfsig with the platform root in an NSS database', async (t) => {
  const holder = await registeredConstructor(s, undefined, '龙建国');
  const form = await holder.c.get(`/api/applications/${holder.id}/form.pdf`);
  t.is(form.status, 200);
  const [cert] = (await holder.c.get('/api/certificates')).body;
  await holder.c.post(`/api/certificates/${cert.id}/claim`);
  const certificate = await holder.c.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.is(certificate.status, 200);

  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-trust-'));
  let i = 0;
  for (const [name, pdf, count] of [['form', form.bytes, 2], ['certificate', certificate.bytes, 1]] as const) {
    const sigs = signaturesOf(pdf);
    t.is(sigs.length, count, name);
    for (const sig of sigs) {
      t.truthy(sig.token, `${name}: a signatureTimeStampToken`);
      t.regex(await opensslTsVerify(dir, i++, sig.signatureValue, sig.token!), /Verification: OK/, name);
    }
  }

  // the platform root, published, into an NSS database
  const pem = await new Client(s.baseUrl).get('/api/public/pki/platform-ca.pem');
  t.is(pem.status, 200);
  t.regex(pem.headers.get('content-type') ?? '', /pem/);
  const caFile = path.join(dir, 'platform-ca.pem');
  await writeFile(caFile, pem.bytes);
  const nss = path.join(dir, 'nss');
  await run('mkdir', ['-p', nss]);
  await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'zhiyetong-platform-root', '-t', 'CT,C,C', '-i', caFile]);
  for (const [name, pdf] of [['form', form.bytes], ['certificate', certificate.bytes]] as const) {
    const file = path.join(dir, `${name}.pdf`);
    await writeFile(file, pdf);
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, file]);
    const blocks = stdout.split(/^Signature #\d+:/m).slice(1);
    t.is(blocks.length, name === 'form' ? 2 : 1);
    for (const b of blocks) {
      t.regex(b, /Signature is Valid\./, name);
      t.regex(b, /Certificate is Trusted\./, name);
    }
  }
  // without the root the same signatures are valid but not trusted
  t.true((await pdfsigReport(certificate.bytes)).every((x) => x.valid && !/Certificate is Trusted/.test(x.raw)));
});

test.serial('an unreachable TSA fails closed with 503 timestamp_unavailable; allowed, the copy is signed without a timestamp', async (t) => {
  const holder = await registeredConstructor(s, undefined, '虎建国');
  const [cert] = (await holder.c.get('/api/certificates')).body;
  await holder.c.post(`/api/certificates/${cert.id}/claim`);
  await tsa.stop();
  const refused = await holder.c.get(`/api/certificates/${cert.id}/certificate.pdf`);
  t.is(refused.status, 503);
  t.is(refused.body.error.code, 'timestamp_unavailable');
  t.regex(refused.body.error.message, /时间戳/);

  // TSA_ALLOW_UNTIMESTAMPED=true: the same object the setting builds (server.ts)
  const missing: string[] = [];
  const ts = s.server.deps.ca.timestamps!;
  s.server.deps.ca.timestamps = { ...ts, required: false, onMissing: (e) => missing.push(e.message) };
  try {
    const signed = await holder.c.get(`/api/certificates/${cert.id}/certificate.pdf`);
    t.is(signed.status, 200);
    t.deepEqual((await pdfsigReport(signed.bytes)).map((x) => x.valid), [true]);
    t.is(signaturesOf(signed.bytes)[0].token, null);
    t.is(missing.length, 1, 'recorded');
    t.regex(missing[0], /unreachable/);
  } finally {
    s.server.deps.ca.timestamps = ts;
  }
});
