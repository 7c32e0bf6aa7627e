/**
 * Issue 12 benchmark: the QR code each encoding of a certificate copy's signed claims gives (a constructor
 * with three specialties, error correction M as the certificate prints it, qrcode's create(), which picks
 * byte/alphanumeric/numeric segments itself), and the time to verify one token on the server against a
 * bare ES256 verify in the same run.
 *
 *   npx tsx scripts/bench-qr.ts [base-url] [iterations]
 *
 * Encodings: compact JWS (JSON claims, base64url); COSE_Sign1/CWT (CBOR) in base64url; COSE + deflate +
 * base45 as EU DCC does (raw, which is not URL-safe: base45 has space, %, +, and percent-encoded); COSE as
 * decimal digits (the one chosen: shared/src/certificate-claims.ts); COSE + deflate as digits.
 */
import { createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import base45 from 'base45';
import { exportJWK, importJWK, jwtVerify, type JWK } from 'jose';
import QRCode from 'qrcode';
import { p256 } from '@noble/curves/nist.js';
import { bytesToDigits, digitsToBytes, parseClaimsToken, verifyClaimsOffline, type CertificateClaims } from '@zhiyetong/shared';
import { certificateTokensFromJwk } from '../bff/src/domain/certificate-tokens.js';

const base = (process.argv[2] ?? 'https://zhiyetong.example.cn').replace(/\/$/, '');
const iterations = Number(process.argv[3] ?? 2000);

const claims: CertificateClaims = {
  registrationNo: '沪232600000001',
  holderName: '欧阳建国',
  profession: 'constructor',
  employerName: '上海建和工程咨询有限公司',
  specialties: [
    { specialty: 'building', validUntil: '2029-11-30' },
    { specialty: 'municipal', validUntil: '2029-11-30' },
    { specialty: 'electromechanical', validUntil: '2028-06-13' },
  ],
  issueDate: '2026-12-01',
  version: 2,
  copy: { validFrom: '2026-12-01', validUntil: '2027-05-29' },
};

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = (await exportJWK(privateKey)) as JWK;
const tokens = await certificateTokensFromJwk(jwk);
const chosen = tokens.signClaims(claims);
const cose = digitsToBytes(chosen)!;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const es256 = (data: Uint8Array) => cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const kid = parseClaimsToken(chosen)!.kid;
const h = b64(Buffer.from(JSON.stringify({ alg: 'ES256', kid })));
const p = b64(Buffer.from(JSON.stringify({ ...claims, copy: undefined, nbf: claims.copy.validFrom, exp: claims.copy.validUntil })));
const jws = `${h}.${p}.${b64(es256(Buffer.from(`${h}.${p}`)))}`;
const z = deflateSync(cose, { level: 9 });

const variants: [string, string][] = [
  ['compact JWS, JSON claims', jws],
  ['COSE/CWT, base64url', b64(cose)],
  ['COSE + deflate + base45 (raw: not URL-safe)', base45.encode(z)],
  ['COSE + deflate + base45, %-encoded', encodeURIComponent(base45.encode(z))],
  ['COSE/CWT as digits (chosen)', chosen],
  ['COSE + deflate as digits', bytesToDigits(z)],
];
console.log(`claims: constructor, 3 specialties; URL ${base}/v/<payload>; CBOR COSE_Sign1 ${cose.length} B, deflated ${z.length} B`);
console.log('| encoding | payload chars | URL chars | QR version | modules | segments |');
console.log('|---|---|---|---|---|---|');
for (const [name, payload] of variants) {
  const url = `${base}/v/${payload}`;
  const q = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const segs = (q.segments as { mode: { id: string } }[]).map((s) => s.mode.id).join('+');
  console.log(`| ${name} | ${payload.length} | ${url.length} | ${q.version} | ${q.modules.size}×${q.modules.size} | ${segs} |`);
}
const legacyLen = `${base}/v/${await tokens.sign({ id: '6f1d2c3b-4a59-4e7f-8a1b-2c3d4e5f6a7b', registrationNo: claims.registrationNo })}`;
const lq = QRCode.create(legacyLen, { errorCorrectionLevel: 'M' });
console.log(`| before: JWS pointer (certificate id only) | ${legacyLen.length - base.length - 3} | ${legacyLen.length} | ${lq.version} | ${lq.modules.size}×${lq.modules.size} | byte |`);

// ---- verification time
const list = tokens.trustList(new Date()).list;
const now = new Date('2027-01-15T00:00:00+08:00');
const msg = Buffer.from('x'.repeat(180));
const sig = es256(msg);
const publicKey = createPublicKey(privateKey);
const pubBytes = Buffer.from(publicKey.export({ format: 'der', type: 'spki' })).subarray(-65);
const legacyToken = await tokens.sign({ id: '6f1d2c3b-4a59-4e7f-8a1b-2c3d4e5f6a7b', registrationNo: claims.registrationNo });
const { d: _d, ...pubJwk } = jwk;
const joseKey = await importJWK(pubJwk, 'ES256');

async function time(name: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - t0) / iterations;
}
const rounds = 3;
const results: Record<string, number[]> = {};
const cases: [string, () => unknown | Promise<unknown>][] = [
  ['bare ES256 verify (node:crypto, OpenSSL)', () => cryptoVerify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)],
  ['bare ES256 verify (@noble/curves, pure JS)', () => p256.verify(sig, msg, pubBytes, { lowS: false })],
  ['claims token offline (phone): verifyClaimsOffline, noble verify', () => { if (verifyClaimsOffline(chosen, list, now).outcome !== 'valid') throw new Error('not valid'); }],
  ['claims token on the server: certificateTokens.verifyClaims (node:crypto verify)', () => { if (tokens.verifyClaims(chosen, now).outcome !== 'valid') throw new Error('not valid'); }],
  ['legacy JWS pointer: jose jwtVerify', () => jwtVerify(legacyToken, joseKey)],
];
for (let r = 0; r < rounds; r++) for (const [name, fn] of cases) (results[name] ??= []).push(await time(name, fn));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(results[cases[0][0]]);
console.log(`\n${iterations} iterations × ${rounds} interleaved rounds, median per token:`);
console.log('| verification | µs per token | × bare ES256 (node:crypto) |');
console.log('|---|---|---|');
for (const [name] of cases) console.log(`| ${name} | ${(median(results[name]) * 1000).toFixed(1)} | ${(median(results[name]) / bare).toFixed(2)} |`);
