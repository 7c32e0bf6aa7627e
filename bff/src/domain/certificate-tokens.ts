/**
 * The QR code's token: a compact JWS (ES256, jose) whose payload names the certificate (`sub` = its id,
 * `rno` = registration number). The key pair comes from CERT_TOKEN_PRIVATE_JWK in production, or is
 * generated once into DATA_DIR/keys/cert-token.jwk.json in development.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type CryptoKey } from 'jose';

export interface CertificateTokens {
  sign(certificate: { id: string; registrationNo: string }): Promise<string>;
  /** The certificate id named by a genuine token, or null when the token is malformed, altered or signed by another key. */
  verify(token: string): Promise<string | null>;
}

const ISSUER = 'zhiyetong';

export async function certificateTokensFromJwk(privateJwk: JWK): Promise<CertificateTokens> {
  const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const { d: _d, ...publicJwk } = privateJwk;
  const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
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
  };
}

/** Loads CERT_TOKEN_PRIVATE_JWK, or (not in production) the development key in `dir`, creating it once. */
export async function loadCertificateTokens(opts: { jwkJson?: string; dir: string; production: boolean }): Promise<CertificateTokens> {
  if (opts.jwkJson) return certificateTokensFromJwk(JSON.parse(opts.jwkJson) as JWK);
  if (opts.production) throw new Error('CERT_TOKEN_PRIVATE_JWK is required when NODE_ENV=production');
  const file = path.join(opts.dir, 'cert-token.jwk.json');
  if (!existsSync(file)) {
    mkdirSync(opts.dir, { recursive: true });
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  return certificateTokensFromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
