/**
 * The platform's own certificate authority ("执业通平台测试CA" in development).
 *
 * Every electronic signature on a form or certificate is made with a fresh, short-lived
 * RSA-2048 key and an X.509 v3 certificate (RFC 5280) issued by this CA for exactly one
 * signature; the subject of that certificate identifies the signer (applicant by name,
 * employer by enterprise name + USCC, authority by name). The CA key itself never signs PDFs.
 *
 * Implementation: node-forge builds and encodes certificates and PKCS#7; the RSA work is done
 * natively by Node's crypto (OpenSSL): key generation (`generateKeyPair`, pre-generated in a
 * small pool) and the private-key operations ({@link nativeRsaSigningKey}). forge's pure-JS
 * RSA takes 50–200 ms per 2048-bit signature on a loaded machine; OpenSSL about 1 ms.
 *
 * Chinese distinguished names: attribute values are encoded as UTF8String. node-forge keeps
 * values parsed from DER as raw UTF-8 *bytes* but re-encodes them as if they were text when it
 * serialises a DN again (forge issue #847), which silently corrupts an issuer name copied from
 * a parsed certificate (the issued certificate's issuer, and the PKCS#7 IssuerAndSerialNumber,
 * no longer match the CA subject, and verifiers reject the signature). {@link textAttributes}
 * decodes such values before they are reused; use it whenever a parsed DN is re-encoded.
 */
import { constants, createPrivateKey, generateKeyPair, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

/** Who signs: the identity written into the one-signature certificate. */
export interface SignerSubject {
  kind: 'applicant' | 'employer' | 'authority';
  /** CN: the person's name (applicant) or the organisation's name (employer, authority). */
  commonName: string;
  /** O: organisation name, if any. */
  organization?: string;
  /** 统一社会信用代码 (18 characters), written as organizationIdentifier (OID 2.5.4.97). */
  uscc?: string;
}

/** Key material for one signature (all PEM, PKCS#1 key). */
export interface SignerCredentials {
  certificatePem: string;
  privateKeyPem: string;
  caCertificatePem: string;
}

/**
 * RFC 3161 timestamps on every signature (issue 12), set by the server when TSA_URL is: `required` (the
 * default) makes signing fail closed with 503 timestamp_unavailable when the TSA cannot answer; otherwise
 * the signature is made without one and `onMissing` records it.
 */
export interface SignatureTimestamps {
  authority: import('../adapters/tsa.js').TimestampAuthority;
  required: boolean;
  onMissing?: (error: Error) => void;
}

export interface PlatformCa {
  /** The CA certificate (self-signed, PEM). Include it in signatures so verifiers can build the chain. */
  caCertificatePem: string;
  /** Timestamps for the signatures made with this CA's certificates; absent: none (no TSA configured). */
  timestamps?: SignatureTimestamps;
  /** issues a short-lived (default 10 min) RSA-2048 signing cert + key for one signature */
  issueSignerCredentials(subject: SignerSubject, validMinutes?: number): SignerCredentials;
  /**
   * The CA's key and certificate (PEM), for the PDF worker threads of this process only: each loads the CA
   * once (platformCaFromPem) and issues the one-signature certificates itself (bff/src/pdf/workers.ts). Never
   * log it or send it elsewhere.
   */
  pem(): CaPem;
}

/** A CA's private key (PKCS#1 or PKCS#8) and certificate, PEM. */
export interface CaPem {
  keyPem: string;
  certPem: string;
}

/** Default subject of a CA created on first use (development / test). */
export const DEV_CA_COMMON_NAME = '执业通平台测试CA';

const CA_KEY_FILE = 'ca.key.pem';
const CA_CERT_FILE = 'ca.cert.pem';
/** X.520 organizationIdentifier; forge has no name for it. */
const OID_ORGANIZATION_IDENTIFIER = '2.5.4.97';

const KIND_LABEL: Record<SignerSubject['kind'], string> = {
  applicant: '注册申请人',
  employer: '聘用企业',
  authority: '发证机关',
};

type DnAttribute = forge.pki.CertificateField;

/**
 * Returns a copy of DN attributes whose UTF8String values are decoded from the raw UTF-8 byte
 * strings node-forge keeps after parsing into JavaScript text, so that forge's DN encoder
 * (which UTF-8-encodes UTF8String values) writes them back byte-identical (forge issue #847).
 * Attributes of other string types are copied unchanged.
 *
 * @param attributes e.g. `cert.issuer.attributes` of a certificate parsed from PEM/DER.
 */
export function textAttributes(attributes: DnAttribute[]): DnAttribute[] {
  return attributes.map((attr) => {
    const copy: DnAttribute = { ...attr };
    if (attr.valueTagClass === (forge.asn1.Type.UTF8 as unknown) && typeof attr.value === 'string') {
      copy.value = forge.util.decodeUtf8(attr.value);
    }
    return copy;
  });
}

/**
 * Reads a DN attribute as text (decoding UTF8String), e.g. `dnValue(cert.subject.attributes, 'CN')`.
 * @returns undefined if the attribute is absent.
 */
export function dnValue(attributes: DnAttribute[], shortNameOrType: string): string | undefined {
  const attr = textAttributes(attributes).find(
    (a) => a.shortName === shortNameOrType || a.name === shortNameOrType || a.type === shortNameOrType,
  );
  return typeof attr?.value === 'string' ? attr.value : undefined;
}

function utf8(shortName: string, value: string): DnAttribute {
  return { shortName, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as DnAttribute['valueTagClass'] };
}

/** Positive random 128-bit serial number as hex (RFC 5280 §4.1.2.2: ≤ 20 octets, positive). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

/** What forge calls on a private key to sign: `key.sign(md)` with a finished message digest. */
export interface ForgeSigningKey {
  /** @returns the RSASSA-PKCS1-v1_5 signature of `md`'s digest, as a forge binary string. */
  sign(md: forge.md.MessageDigest): string;
}

/** DigestInfo AlgorithmIdentifier OID per forge digest name (RFC 8017 §9.2). */
const DIGEST_OIDS: Record<string, string> = {
  sha256: forge.pki.oids.sha256,
  sha384: forge.pki.oids.sha384,
  sha512: forge.pki.oids.sha512,
};

/**
 * A drop-in for a forge RSA private key in `cert.sign(key, md)` and PKCS#7 `addSigner({ key })`
 * that performs RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1) with OpenSSL: the DigestInfo
 * (RFC 8017 §9.2 step 2, DER built with forge.asn1) is padded with EMSA-PKCS1-v1_5 block type 1
 * and exponentiated by `crypto.privateEncrypt(RSA_PKCS1_PADDING)`. Output is identical to
 * forge's `privateKey.sign(md)`.
 *
 * @param privateKeyPem RSA private key, PEM (PKCS#1 or PKCS#8).
 * @throws at sign time for digests other than SHA-256/384/512.
 */
export function nativeRsaSigningKey(privateKeyPem: string | KeyObject): ForgeSigningKey {
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  return {
    sign(md: forge.md.MessageDigest): string {
      const oid = DIGEST_OIDS[md.algorithm];
      if (!oid) throw new Error(`nativeRsaSigningKey: unsupported digest ${md.algorithm}`);
      const { asn1 } = forge;
      const digestInfo = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
      ]);
      const der = Buffer.from(asn1.toDer(digestInfo).getBytes(), 'binary');
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, der).toString('binary');
    },
  };
}

/** forge's certificate signing with the native key (forge types expect its own key class). */
function signCertificate(cert: forge.pki.Certificate, key: ForgeSigningKey): void {
  cert.sign(key as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

/** A fresh key pair: PKCS#1 private key PEM and SPKI public key PEM. */
type KeyPairPem = { privateKeyPem: string; publicKeyPem: string };

const RSA_OPTIONS = {
  publicExponent: 0x10001,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
} as const;

/** Native RSA key pair (synchronous). */
function generateRsaKeyPair(bits: number): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, ...RSA_OPTIONS });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Fresh single-use RSA-2048 signer keys, generated ahead of time on libuv's thread pool.
 * RSA key generation takes 50–500 ms (random prime search), which would otherwise dominate the
 * latency of every signature. Each key is handed out once and never kept after that. The pool
 * starts filling on first use; when empty, a key is generated synchronously.
 */
class SignerKeyPool {
  readonly #ready: KeyPairPem[] = [];
  #pending = 0;
  constructor(private readonly target = 3) {}

  take(): KeyPairPem {
    const pair = this.#ready.shift();
    this.#refill();
    return pair ?? generateRsaKeyPair(2048);
  }

  #refill(): void {
    while (this.#ready.length + this.#pending < this.target) {
      this.#pending++;
      generateKeyPair('rsa', { modulusLength: 2048, ...RSA_OPTIONS }, (err, publicKeyPem, privateKeyPem) => {
        this.#pending--;
        if (!err) this.#ready.push({ privateKeyPem, publicKeyPem });
      });
    }
  }
}

/**
 * Creates a new self-signed CA (RSA-2048, SHA-256, 10 years, basicConstraints cA, keyCertSign).
 *
 * @param commonName CA name, UTF-8 (may be Chinese); default {@link DEV_CA_COMMON_NAME}.
 * @returns PEM strings: PKCS#1 private key and X.509 certificate.
 */
export function createPlatformCaPem(commonName: string = DEV_CA_COMMON_NAME, now: Date = new Date()): {
  keyPem: string;
  certPem: string;
} {
  const { privateKeyPem, publicKeyPem } = generateRsaKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600_000);
  const subject = [{ shortName: 'C', value: 'CN' }, utf8('O', '执业通平台'), utf8('CN', commonName)];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(cert, nativeRsaSigningKey(privateKeyPem));
  return { keyPem: privateKeyPem, certPem: forge.pki.certificateToPem(cert) };
}

/**
 * Builds the CA from PEM strings (e.g. from a secret store in production).
 *
 * @param keyPem CA private key, PEM (PKCS#1 "RSA PRIVATE KEY" or unencrypted PKCS#8 "PRIVATE KEY").
 * @param certPem CA certificate, PEM.
 * @throws if either PEM cannot be parsed or the key does not belong to the certificate.
 */
export function platformCaFromPem(keyPem: string, certPem: string): PlatformCa {
  const caKeyObject = createPrivateKey(keyPem);
  const caCert = forge.pki.certificateFromPem(certPem);
  const caPublic = caCert.publicKey as forge.pki.rsa.PublicKey;
  const caModulus = Buffer.from(caKeyObject.export({ format: 'jwk' }).n ?? '', 'base64url').toString('hex');
  if (caKeyObject.asymmetricKeyType !== 'rsa' || new forge.jsbn.BigInteger(caModulus, 16).compareTo(caPublic.n) !== 0) {
    throw new Error('platform CA: private key does not match the CA certificate');
  }
  const caKey = nativeRsaSigningKey(caKeyObject);
  // Issuer of every issued certificate = CA subject, decoded so forge re-encodes it byte-identical.
  const issuer = textAttributes(caCert.subject.attributes);
  const caKeyId = caCert.generateSubjectKeyIdentifier().getBytes();
  const caCertificatePem = forge.pki.certificateToPem(caCert);
  const keys = new SignerKeyPool();

  return {
    caCertificatePem,
    pem: () => ({ keyPem, certPem }),
    issueSignerCredentials(subject: SignerSubject, validMinutes = 10): SignerCredentials {
      if (!subject.commonName.trim()) throw new Error('platform CA: signer commonName is empty');
      if (!(validMinutes > 0)) throw new Error('platform CA: validMinutes must be positive');
      const { privateKeyPem, publicKeyPem } = keys.take();
      const now = Date.now();
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
      cert.serialNumber = randomSerial();
      cert.validity.notBefore = new Date(now - 60_000); // tolerate small clock skew
      cert.validity.notAfter = new Date(now + validMinutes * 60_000);
      const attrs: DnAttribute[] = [{ shortName: 'C', value: 'CN' }];
      if (subject.organization) attrs.push(utf8('O', subject.organization));
      attrs.push(utf8('OU', KIND_LABEL[subject.kind]));
      if (subject.uscc) attrs.push({ type: OID_ORGANIZATION_IDENTIFIER, value: subject.uscc });
      attrs.push(utf8('CN', subject.commonName));
      cert.setSubject(attrs);
      cert.setIssuer(issuer);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId },
      ]);
      signCertificate(cert, caKey);
      return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem, caCertificatePem };
    },
  };
}

/**
 * Loads the CA from `dir` (`ca.key.pem`, `ca.cert.pem`), or creates it there on first use
 * (development and tests; `dir` is created if needed, the key file gets mode 0600).
 * CN {@link DEV_CA_COMMON_NAME}, O 执业通平台, C CN.
 *
 * @throws if only one of the two files exists, or on I/O / parse errors.
 */
export async function loadOrCreatePlatformCa(dir: string): Promise<PlatformCa> {
  const keyPath = path.join(dir, CA_KEY_FILE);
  const certPath = path.join(dir, CA_CERT_FILE);
  const [keyPem, certPem] = await Promise.all([readIfExists(keyPath), readIfExists(certPath)]);
  if (keyPem !== undefined && certPem !== undefined) return platformCaFromPem(keyPem, certPem);
  if (keyPem !== undefined || certPem !== undefined) {
    throw new Error(`platform CA: ${dir} holds only one of ${CA_KEY_FILE}, ${CA_CERT_FILE}`);
  }
  await mkdir(dir, { recursive: true });
  const created = createPlatformCaPem();
  try {
    // 'wx': never overwrite a CA another process created concurrently; use theirs instead.
    await writeFile(keyPath, created.keyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(certPath, created.certPem, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return platformCaFromPem(await readFile(keyPath, 'utf8'), await readFile(certPath, 'utf8'));
  }
  return platformCaFromPem(created.keyPem, created.certPem);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
