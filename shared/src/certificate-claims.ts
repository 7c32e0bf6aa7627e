/**
 * Signed certificate claims in the QR code, verifiable offline (issue 12).
 *
 * Encoding (chosen by measurement, see scripts/bench-qr.ts and the README's "Certificates you can trust"):
 * a CWT (RFC 8392) signed as a COSE_Sign1 (RFC 9052 §4.2, tag 18, ES256 = alg -7, the key id in the
 * protected header, label 4), CBOR (RFC 8949, cbor-x), written as decimal digits so the QR code's numeric
 * mode carries it (ISO/IEC 18004: 10 bits per 3 digits, ≈ 0.4 % over the binary size) while the text stays
 * a plain URL: `PUBLIC_BASE_URL/v/<digits>`. The digits are the big-endian integer of the bytes prefixed
 * with a 0x01 byte (so leading zero bytes survive).
 *
 * CWT claims: 5 nbf and 4 exp = the copy's period of use (使用有效期; 00:00 Asia/Shanghai of its first day,
 * 00:00 of the day after its last), and the private claim -65537 = [format 1, registration number, holder
 * name, profession index (PROFESSIONS), employer name, [specialty index (SPECIALTIES[profession]),
 * valid-until day, …], issue day, version], days counted from 1970-01-01. No ID number, photo or birth date.
 * The index lists are append-only: a new profession or specialty goes at the end.
 *
 * The trust list (key ids, public keys, validity) is a compact JWS (ES256, RFC 7515) signed by the trust
 * anchor, whose public key a verifier pins. Everything here is pure (no I/O, no Node API): the BFF, its
 * tests and the miniapp's scanner use the same code. Signature checks are @noble/curves' P-256.
 */
import { p256 } from '@noble/curves/nist.js';
import { Decoder, Encoder } from 'cbor-x';
import { PROFESSIONS, REGISTER_SPECIALTIES as SPECIALTIES, type Profession, type Specialty } from './professions.js';

export const CLAIMS_FORMAT = 1;
const CLAIMS_LABEL = -65537;
const COSE_SIGN1_TAG = 18;
const ES256 = -7;

const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const cborDecoder = new Decoder({ useRecords: false, mapsAsObjects: false });

/** What the QR code carries: the certificate version's claims and the copy's period of use. */
export interface CertificateClaims {
  registrationNo: string;
  holderName: string;
  profession: Profession;
  employerName: string;
  specialties: { specialty: Specialty; validUntil: string /* YYYY-MM-DD */ }[];
  issueDate: string;
  version: number;
  /** The copy's period of use (使用有效期), both days included, dates in Asia/Shanghai. */
  copy: { validFrom: string; validUntil: string };
}

/** One authority key of the trust list. `retiredAt` set: the key no longer verifies anything. */
export interface TrustListKey {
  kid: string;
  alg: 'ES256';
  /** Public JWK (EC P-256: kty, crv, x, y). */
  publicKey: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  /** ISO instant from which it signs. */
  notBefore: string;
  /** ISO instant it was retired, or null while it verifies. */
  retiredAt: string | null;
}

/** The trust list's content (the payload of its JWS). */
export interface TrustList {
  format: 1;
  issuer: string;
  /** When it was made (ISO instant): shown to people as the date of the trust list used offline. */
  issuedAt: string;
  keys: TrustListKey[];
}

/**
 * Offline verdict: `valid` (genuine, copy in its period of use, a specialty still valid), `copy_expired`
 * (genuine, the copy's period has ended or not begun), `registration_expired` (genuine, every specialty
 * past its date), `retired_key` / `unknown_key` (the key id is retired or not in the trust list), `invalid`
 * (a bad signature: altered or forged), `malformed` (not our QR code). Offline it cannot know whether a
 * newer version superseded this one or the registration was cancelled: that takes the online status.
 */
export type OfflineOutcome = 'valid' | 'copy_expired' | 'registration_expired' | 'retired_key' | 'unknown_key' | 'invalid' | 'malformed';

export interface OfflineVerification {
  outcome: OfflineOutcome;
  /** The claims, when the signature is genuine (valid, copy_expired, registration_expired). */
  claims: CertificateClaims | null;
  kid: string | null;
  /** issuedAt of the trust list used. */
  trustListIssuedAt: string;
}

// ---------------------------------------------------------------- bytes, digits, base64url

/** Bytes → decimal digits (the integer of 0x01 ‖ bytes). */
export function bytesToDigits(bytes: Uint8Array): string {
  let hex = '01';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`).toString(10);
}

/** Decimal digits → bytes; null when the text is not such a number. */
export function digitsToBytes(digits: string): Uint8Array | null {
  if (!/^[1-9]\d{0,1999}$/.test(digits)) return null;
  let hex = BigInt(digits).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (!hex.startsWith('01')) return null;
  const out = new Uint8Array(hex.length / 2 - 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function base64urlDecode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let j = 0; j < chars; j++) out += B64[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

// WeChat's older base libraries have no TextEncoder/TextDecoder: the URI functions do UTF-8 everywhere.
const utf8 = (s: string): Uint8Array =>
  typeof TextEncoder !== 'undefined' ? new TextEncoder().encode(s) : Uint8Array.from(unescape(encodeURIComponent(s)), (c) => c.charCodeAt(0));
const fromUtf8 = (b: Uint8Array): string =>
  typeof TextDecoder !== 'undefined' ? new TextDecoder().decode(b) : decodeURIComponent(escape(String.fromCharCode(...b)));

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** 00:00 Asia/Shanghai of `date`, seconds since the epoch (CWT NumericDate). */
const shanghaiMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`) / 1000;
const shanghaiDay = (seconds: number) => new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 10);

/** Today in Asia/Shanghai (YYYY-MM-DD) at `now`. */
export function shanghaiToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- COSE_Sign1 / CWT

/** The CWT payload bytes of `claims`. */
export function encodeClaims(claims: CertificateClaims): Uint8Array {
  const professionIndex = PROFESSIONS.indexOf(claims.profession);
  const list = SPECIALTIES[claims.profession as keyof typeof SPECIALTIES] as readonly string[] | undefined;
  if (professionIndex < 0 || !list) throw new RangeError(`encodeClaims: unknown profession ${claims.profession}`);
  const specialties = claims.specialties.flatMap((s) => {
    const i = list.indexOf(s.specialty);
    if (i < 0) throw new RangeError(`encodeClaims: unknown specialty ${s.specialty}`);
    return [i, dayNumber(s.validUntil)];
  });
  const body = [CLAIMS_FORMAT, claims.registrationNo, claims.holderName, professionIndex, claims.employerName, specialties, dayNumber(claims.issueDate), claims.version];
  const map = new Map<number, unknown>([
    [5, shanghaiMidnight(claims.copy.validFrom)],
    [4, shanghaiMidnight(dayString(dayNumber(claims.copy.validUntil) + 1))],
    [CLAIMS_LABEL, body],
  ]);
  return cbor.encode(map);
}

/** The claims of CWT payload bytes; throws on anything else. */
export function decodeClaims(payload: Uint8Array): CertificateClaims {
  const map = cborDecoder.decode(payload) as Map<number, unknown>;
  if (!(map instanceof Map)) throw new Error('claims: not a map');
  const body = map.get(CLAIMS_LABEL) as unknown[];
  const nbf = map.get(5);
  const exp = map.get(4);
  if (!Array.isArray(body) || body[0] !== CLAIMS_FORMAT || typeof nbf !== 'number' || typeof exp !== 'number') throw new Error('claims: unknown format');
  const [, registrationNo, holderName, professionIndex, employerName, sp, issueDay, version] = body as [number, string, string, number, string, number[], number, number];
  const profession = PROFESSIONS[professionIndex];
  const list = SPECIALTIES[profession as keyof typeof SPECIALTIES] as readonly Specialty[] | undefined;
  if (!profession || !list || !Array.isArray(sp) || typeof registrationNo !== 'string' || typeof holderName !== 'string' || typeof employerName !== 'string') throw new Error('claims: bad body');
  const specialties: CertificateClaims['specialties'] = [];
  for (let i = 0; i + 1 < sp.length; i += 2) {
    const specialty = list[sp[i]];
    if (!specialty) throw new Error('claims: unknown specialty');
    specialties.push({ specialty, validUntil: dayString(sp[i + 1]) });
  }
  return {
    registrationNo,
    holderName,
    profession,
    employerName,
    specialties,
    issueDate: dayString(issueDay),
    version,
    copy: { validFrom: shanghaiDay(nbf), validUntil: dayString(dayNumber(shanghaiDay(exp)) - 1) },
  };
}

const protectedHeader = (kid: string) => cbor.encode(new Map<number, unknown>([[1, ES256], [4, utf8(kid)]]));
const sigStructure = (prot: Uint8Array, payload: Uint8Array) => cbor.encode(['Signature1', prot, new Uint8Array(0), payload]);

/**
 * What to sign for `claims` under key `kid`: `toBeSigned` (the COSE Sig_structure) goes to an ES256
 * signer (SHA-256, the signature as r ‖ s, 64 bytes); {@link claimsToken} then assembles the QR text.
 */
export function claimsSigningInput(claims: CertificateClaims, kid: string): { protectedHeader: Uint8Array; payload: Uint8Array; toBeSigned: Uint8Array } {
  const prot = protectedHeader(kid);
  const payload = encodeClaims(claims);
  return { protectedHeader: prot, payload, toBeSigned: sigStructure(prot, payload) };
}

/** The token (decimal digits) of a signed COSE_Sign1. */
export function claimsToken(input: { protectedHeader: Uint8Array; payload: Uint8Array }, signature: Uint8Array): string {
  if (signature.length !== 64) throw new RangeError('claimsToken: expected a 64-byte ES256 signature (r ‖ s)');
  return bytesToDigits(cbor.encode([input.protectedHeader, new Map(), input.payload, signature]));
}

/** True when `token` looks like a claims token (digits), not a legacy JWS pointer. */
export function isClaimsToken(token: string): boolean {
  return /^[1-9]\d{20,1999}$/.test(token);
}

/** The parts of a claims token, or null when it is not one. Does NOT check the signature. */
export function parseClaimsToken(token: string): { kid: string; protectedHeader: Uint8Array; payload: Uint8Array; signature: Uint8Array } | null {
  const bytes = digitsToBytes(token);
  if (!bytes) return null;
  try {
    let msg = cborDecoder.decode(bytes) as unknown;
    if (msg && typeof msg === 'object' && 'tag' in msg && (msg as { tag: number }).tag === COSE_SIGN1_TAG) msg = (msg as unknown as { value: unknown }).value;
    if (!Array.isArray(msg) || msg.length !== 4) return null;
    const [prot, , payload, signature] = msg as [Uint8Array, unknown, Uint8Array, Uint8Array];
    if (!(prot instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) return null;
    const header = cborDecoder.decode(prot) as Map<number, unknown>;
    if (!(header instanceof Map) || header.get(1) !== ES256) return null;
    const kid = header.get(4);
    if (!(kid instanceof Uint8Array)) return null;
    return { kid: fromUtf8(kid), protectedHeader: prot, payload, signature };
  } catch {
    return null;
  }
}

function publicKeyBytes(jwk: { x: string; y: string }): Uint8Array | null {
  const x = base64urlDecode(jwk.x);
  const y = base64urlDecode(jwk.y);
  if (!x || !y || x.length !== 32 || y.length !== 32) return null;
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(x, 1);
  out.set(y, 33);
  return out;
}

/** ES256 check of `signature` (r ‖ s) over `message` with a public JWK. High-S signatures are accepted (Node's signer makes them). */
export function es256Verify(signature: Uint8Array, message: Uint8Array, jwk: { x: string; y: string }): boolean {
  const key = publicKeyBytes(jwk);
  if (!key || signature.length !== 64) return false;
  try {
    return p256.verify(signature, message, key, { lowS: false });
  } catch {
    return false;
  }
}

/** An ES256 check (signature r ‖ s, message, public JWK); the server passes Node's native one, about 15 × faster. */
export type Es256Verifier = (signature: Uint8Array, message: Uint8Array, jwk: { x: string; y: string }) => boolean;

/**
 * Verifies a claims token against a trust list (already checked with {@link verifyTrustList}) at `now`,
 * with nothing else: no network. See {@link OfflineOutcome}.
 */
export function verifyClaimsOffline(token: string, trustList: TrustList, now: Date, verifier: Es256Verifier = es256Verify): OfflineVerification {
  const base = { trustListIssuedAt: trustList.issuedAt };
  const parsed = parseClaimsToken(token);
  if (!parsed) return { outcome: 'malformed', claims: null, kid: null, ...base };
  const key = trustList.keys.find((k) => k.kid === parsed.kid);
  if (!key) return { outcome: 'unknown_key', claims: null, kid: parsed.kid, ...base };
  if (key.retiredAt && Date.parse(key.retiredAt) <= now.getTime()) return { outcome: 'retired_key', claims: null, kid: parsed.kid, ...base };
  if (!verifier(parsed.signature, sigStructure(parsed.protectedHeader, parsed.payload), key.publicKey)) return { outcome: 'invalid', claims: null, kid: parsed.kid, ...base };
  let claims: CertificateClaims;
  try {
    claims = decodeClaims(parsed.payload);
  } catch {
    return { outcome: 'malformed', claims: null, kid: parsed.kid, ...base };
  }
  return { outcome: claimsOutcome(claims, shanghaiToday(now)), claims, kid: parsed.kid, ...base };
}

/**
 * The outcome of genuine claims on Shanghai date `today` (YYYY-MM-DD): copy_expired outside the copy's period
 * of use, else valid while a specialty is, else registration_expired (the date part of verifyClaimsOffline).
 */
export function claimsOutcome(claims: CertificateClaims, today: string): 'valid' | 'copy_expired' | 'registration_expired' {
  // a phone clock a day behind the server's (a copy downloaded just after midnight) is not "not begun"
  return dayNumber(today) < dayNumber(claims.copy.validFrom) - 1 || today > claims.copy.validUntil
    ? 'copy_expired'
    : claims.specialties.some((s) => s.validUntil >= today)
      ? 'valid'
      : 'registration_expired';
}

// ---------------------------------------------------------------- trust list (compact JWS)

/** The signing input and header of a trust list JWS; the signer returns r ‖ s over `signingInput`. */
export function trustListSigningInput(list: TrustList, anchorKid: string): string {
  const header = base64urlEncode(utf8(JSON.stringify({ alg: 'ES256', typ: 'zyt-trust-list+jws', kid: anchorKid })));
  return `${header}.${base64urlEncode(utf8(JSON.stringify(list)))}`;
}

/** Joins a signing input and its 64-byte signature into the compact JWS. */
export function trustListJws(signingInput: string, signature: Uint8Array): string {
  return `${signingInput}.${base64urlEncode(signature)}`;
}

/**
 * The trust list in `jws` if the anchor's public key signed it, else null (altered, another signer, not a
 * trust list). The anchor key is pinned by the verifier (built into the app or configured), never taken
 * from the list itself.
 */
export function verifyTrustList(jws: string, anchor: { x: string; y: string }): TrustList | null {
  const parts = jws.split('.');
  if (parts.length !== 3) return null;
  const sig = base64urlDecode(parts[2]);
  const body = base64urlDecode(parts[1]);
  if (!sig || !body || !es256Verify(sig, utf8(`${parts[0]}.${parts[1]}`), anchor)) return null;
  try {
    const header = JSON.parse(fromUtf8(base64urlDecode(parts[0]) ?? new Uint8Array())) as { alg?: string; typ?: string };
    const list = JSON.parse(fromUtf8(body)) as TrustList;
    if (header.alg !== 'ES256' || header.typ !== 'zyt-trust-list+jws' || list.format !== 1 || !Array.isArray(list.keys)) return null;
    return list;
  } catch {
    return null;
  }
}
