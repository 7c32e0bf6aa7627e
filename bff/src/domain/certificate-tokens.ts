/**
 * The QR code's tokens and the authority's keys (issue 12).
 *
 * - **Claims tokens** (new certificates): the certificate's claims and the copy's period of use, signed
 *   as a COSE_Sign1/CWT with the newest unretired key of the key ring and written as digits
 *   (shared/src/certificate-claims.ts); verifiable offline with the trust list alone.
 * - **Legacy pointer tokens** (certificates issued before): a compact JWS (ES256, jose) naming the
 *   certificate id (`sub`) and registration number (`rno`), signed by CERT_TOKEN_PRIVATE_JWK. They keep
 *   verifying online.
 * - **Key ring**: CERT_CLAIM_KEYS in production (JSON [{kid, privateJwk, notBefore, retiredAt?}]), or
 *   DATA_DIR/keys/claim-keys.json in development. Without either, the legacy key is the first ring key.
 *   `rotate()` adds a new key that signs from then on; older keys keep verifying until `retire(kid)`.
 *   In production the ring is read-only here (rotation is a configuration change).
 * - **Trust list**: the ring's public keys with their validity, a compact JWS signed by the trust anchor
 *   (TRUST_LIST_PRIVATE_JWK; production default CERT_TOKEN_PRIVATE_JWK; development
 *   DATA_DIR/keys/trust-anchor.jwk.json), which verifiers pin.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type CryptoKey } from 'jose';
import {
  claimsOutcome,
  claimsSigningInput,
  claimsToken,
  shanghaiToday,
  trustListJws,
  trustListSigningInput,
  verifyClaimsOffline,
  verifyTrustList,
  type CertificateClaims,
  type OfflineVerification,
  type TrustList,
  type TrustListKey,
} from '@zhiyetong/shared';

export interface CertificateTokens {
  /** Legacy pointer token (JWS of the certificate id). Kept for certificates issued before claims tokens. */
  sign(certificate: { id: string; registrationNo: string }): Promise<string>;
  /** The certificate id named by a genuine legacy token, or null when the token is malformed, altered or signed by another key. */
  verify(token: string): Promise<string | null>;
  /** A claims token (digits) for `claims`, signed by the current key. */
  signClaims(claims: CertificateClaims): string;
  /** Verifies a claims token against this server's own trust list at `now` (same logic as offline). */
  verifyClaims(token: string, now: Date): OfflineVerification;
  /** The trust list as a JWS signed by the anchor, and the anchor's public key (kid, JWK). */
  trustList(now: Date): { jws: string; list: TrustList; anchor: { kid: string; publicKey: JWK } };
  /** Development/test: adds a new key that signs from `now` on; returns its kid. Refused in production. */
  rotate(now: Date): Promise<string>;
  /** Development/test: retires `kid` at `now` (it no longer verifies). Refused in production. */
  retire(kid: string, now: Date): void;
}

interface RingKey {
  kid: string;
  privateJwk: JWK;
  notBefore: string;
  retiredAt?: string | null;
}

const ISSUER = 'zhiyetong';

const publicOf = ({ d: _d, ...pub }: JWK): JWK => pub;
const nodeKey = (jwk: JWK): KeyObject => createPrivateKey({ key: jwk as import('node:crypto').JsonWebKeyInput['key'], format: 'jwk' });
const es256 = (key: KeyObject, data: Uint8Array): Uint8Array => new Uint8Array(cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
/** A short key id: the first 8 base64url characters of the RFC 7638 thumbprint (48 bits; kids are compared, not trusted). */
const kidOf = async (jwk: JWK) => (await calculateJwkThumbprint(publicOf(jwk), 'sha256')).slice(0, 8);

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return exportJWK(privateKey);
}

function checkP256(jwk: JWK, name: string): JWK {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error(`${name}: expected a P-256 (ES256) private JWK`);
  return jwk;
}

const publicKeys = new Map<string, KeyObject>();
/** Results of ES256 checks already made, by key, message and signature (a pure function: caching it cannot change an answer); bounded. */
const verified = new Map<string, boolean>();
const VERIFIED_ENTRIES = 10_000;
/** Claims tokens whose time-independent check is kept per token ring (verifyClaims), and the longest kept. */
const CLAIM_CHECK_ENTRIES = 20_000;
const MAX_CACHED_TOKEN = 2_000;
/**
 * ES256 verify by OpenSSL (node:crypto), the public keys and the results cached: the server's verifier for
 * claims tokens. A QR scanned again (a tender season scans the same certificates over and over) costs a map
 * lookup instead of a signature check; whether the key is retired and whether the copy's period has ended
 * are still decided per scan by verifyClaimsOffline.
 */
const nativeVerify = (signature: Uint8Array, message: Uint8Array, jwk: { x: string; y: string }): boolean => {
  const id = `${jwk.x}.${jwk.y}`;
  const memo = `${id}|${Buffer.from(message).toString('base64')}|${Buffer.from(signature).toString('base64')}`;
  const known = verified.get(memo);
  if (known !== undefined) return known;
  let key = publicKeys.get(id);
  if (!key) publicKeys.set(id, (key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' })));
  let ok: boolean;
  try {
    ok = cryptoVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    ok = false;
  }
  if (verified.size >= VERIFIED_ENTRIES) verified.delete(verified.keys().next().value!);
  verified.set(memo, ok);
  return ok;
};

export async function certificateTokensFromJwk(
  privateJwk: JWK,
  opts: { ring?: RingKey[]; anchorJwk?: JWK; issuer?: string; persist?: (ring: RingKey[]) => void; readOnly?: boolean } = {},
): Promise<CertificateTokens> {
  const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const publicKey = (await importJWK(publicOf(privateJwk), 'ES256')) as CryptoKey;
  const ring: RingKey[] = opts.ring?.length ? opts.ring : [{ kid: await kidOf(privateJwk), privateJwk, notBefore: new Date(0).toISOString(), retiredAt: null }];
  const nodeKeys = new Map(ring.map((k) => [k.kid, nodeKey(k.privateJwk)]));
  const anchorJwk = opts.anchorJwk ?? privateJwk;
  const anchorKey = nodeKey(anchorJwk);
  const anchorKid = await kidOf(anchorJwk);

  const listAt = (now: Date): TrustList => ({
    format: 1,
    issuer: opts.issuer ?? ISSUER,
    issuedAt: now.toISOString(),
    keys: ring.map((k): TrustListKey => {
      const pub = publicOf(k.privateJwk);
      return { kid: k.kid, alg: 'ES256', publicKey: { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y! }, notBefore: k.notBefore, retiredAt: k.retiredAt ?? null };
    }),
  });
  const current = (): RingKey => {
    const live = ring.filter((k) => !k.retiredAt);
    if (!live.length) throw new Error('certificate tokens: every claim key is retired');
    return live.reduce((a, b) => (b.notBefore >= a.notBefore ? b : a));
  };
  // the ring's keys without retirement, for the time-independent part of a claims check (verifyClaims); the
  // ring only grows (rotate pushes), so the list is rebuilt when it did
  let pureListSize = -1;
  let pureListValue: TrustList | null = null;
  const pureListOf = (): TrustList => {
    if (pureListSize !== ring.length || !pureListValue) {
      const list = listAt(new Date(0));
      pureListValue = { ...list, keys: list.keys.map((k) => ({ ...k, notBefore: new Date(0).toISOString(), retiredAt: null })) };
      pureListSize = ring.length;
    }
    return pureListValue;
  };
  const claimChecks = new Map<string, { kid: string | null; claims: CertificateClaims | null; outcome: OfflineVerification['outcome'] | null }>();
  const writable = () => {
    if (opts.readOnly) throw new Error('certificate tokens: the key ring comes from CERT_CLAIM_KEYS; rotate it there');
  };

  return {
    sign: (c) => new SignJWT({ rno: c.registrationNo }).setProtectedHeader({ alg: 'ES256' }).setSubject(c.id).setIssuer(ISSUER).setIssuedAt().sign(privateKey),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], issuer: ISSUER });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
    signClaims(claims) {
      const key = current();
      const input = claimsSigningInput(claims, key.kid);
      return claimsToken(input, es256(nodeKeys.get(key.kid)!, input.toBeSigned));
    },
    verifyClaims(token, now) {
      // what does not depend on the time is a pure function of the token and the ring's public keys (parsing the
      // digits, CBOR, the ES256 check): kept per token (profiled, issue 14); the key's retirement and the dates
      // are decided per scan, as verifyClaimsOffline decides them
      let known = claimChecks.get(token);
      if (!known) {
        const pure = verifyClaimsOffline(token, pureListOf(), new Date(0), nativeVerify);
        known = { kid: pure.kid, claims: pure.claims, outcome: pure.claims ? null : pure.outcome };
        // an unknown key may be added to the ring later (rotate): not kept
        if (pure.outcome !== 'unknown_key' && token.length <= MAX_CACHED_TOKEN) {
          if (claimChecks.size >= CLAIM_CHECK_ENTRIES) claimChecks.delete(claimChecks.keys().next().value!);
          claimChecks.set(token, known);
        }
      }
      const trustListIssuedAt = now.toISOString();
      if (!known.claims) return { outcome: known.outcome!, claims: null, kid: known.kid, trustListIssuedAt };
      const key = ring.find((k) => k.kid === known.kid);
      if (!key) return { outcome: 'unknown_key', claims: null, kid: known.kid, trustListIssuedAt };
      if (key.retiredAt && Date.parse(key.retiredAt) <= now.getTime()) return { outcome: 'retired_key', claims: null, kid: known.kid, trustListIssuedAt };
      return { outcome: claimsOutcome(known.claims, shanghaiToday(now)), claims: known.claims, kid: known.kid, trustListIssuedAt };
    },
    trustList(now) {
      const list = listAt(now);
      const input = trustListSigningInput(list, anchorKid);
      const jws = trustListJws(input, es256(anchorKey, new TextEncoder().encode(input)));
      if (!verifyTrustList(jws, publicOf(anchorJwk) as { x: string; y: string })) throw new Error('trust list: self-check failed');
      return { jws, list, anchor: { kid: anchorKid, publicKey: publicOf(anchorJwk) } };
    },
    async rotate(now) {
      writable();
      const jwk = await newKey();
      const kid = await kidOf(jwk);
      ring.push({ kid, privateJwk: jwk, notBefore: now.toISOString(), retiredAt: null });
      nodeKeys.set(kid, nodeKey(jwk));
      opts.persist?.(ring);
      return kid;
    },
    retire(kid, now) {
      writable();
      const key = ring.find((k) => k.kid === kid);
      if (!key) throw new Error(`certificate tokens: no key ${kid}`);
      key.retiredAt = now.toISOString();
      opts.persist?.(ring);
    },
  };
}

function readJwkFile(file: string): Promise<JWK> | JWK {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  return newKey().then((jwk) => {
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
    return jwk;
  });
}

/**
 * Loads the keys: CERT_TOKEN_PRIVATE_JWK (legacy tokens), CERT_CLAIM_KEYS (the ring), TRUST_LIST_PRIVATE_JWK
 * (the anchor), or (not in production) the development keys in `dir`, creating them once.
 */
export async function loadCertificateTokens(opts: { jwkJson?: string; claimKeysJson?: string; trustListJwkJson?: string; issuer?: string; dir: string; production: boolean }): Promise<CertificateTokens> {
  if (opts.jwkJson) {
    const legacy = checkP256(JSON.parse(opts.jwkJson) as JWK, 'CERT_TOKEN_PRIVATE_JWK');
    const ring = opts.claimKeysJson ? (JSON.parse(opts.claimKeysJson) as RingKey[]) : undefined;
    ring?.forEach((k) => checkP256(k.privateJwk, `CERT_CLAIM_KEYS ${k.kid}`));
    const anchorJwk = opts.trustListJwkJson ? checkP256(JSON.parse(opts.trustListJwkJson) as JWK, 'TRUST_LIST_PRIVATE_JWK') : undefined;
    return certificateTokensFromJwk(legacy, { ring, anchorJwk, issuer: opts.issuer, readOnly: opts.production });
  }
  if (opts.production) throw new Error('CERT_TOKEN_PRIVATE_JWK is required when NODE_ENV=production');
  mkdirSync(opts.dir, { recursive: true });
  const legacy = await readJwkFile(path.join(opts.dir, 'cert-token.jwk.json'));
  const anchorJwk = await readJwkFile(path.join(opts.dir, 'trust-anchor.jwk.json'));
  const ringFile = path.join(opts.dir, 'claim-keys.json');
  const ring = existsSync(ringFile) ? (JSON.parse(readFileSync(ringFile, 'utf8')) as RingKey[]) : undefined;
  const persist = (r: RingKey[]) => writeFileSync(ringFile, JSON.stringify(r), { mode: 0o600 });
  const tokens = await certificateTokensFromJwk(legacy, { ring, anchorJwk, issuer: opts.issuer, persist });
  return tokens;
}
