/**
 * A @signpdf `Signer` producing a CMS/PKCS#7 SignedData, detached (RFC 2315 / RFC 5652), as
 * required by the PDF SubFilter `adbe.pkcs7.detached` (ISO 32000-1 §12.8.3.3):
 * SHA-256 digest, RSA (PKCS#1 v1.5) signature over the authenticated attributes
 * contentType (id-data), messageDigest and signingTime; the signer certificate and the
 * platform CA certificate are included in the `certificates` bag.
 *
 * Unlike @signpdf's stock P12Signer this signer is created per signature from PEM credentials,
 * and it re-encodes the issuer name correctly when it is Chinese (forge issue #847, see ca.ts).
 */
import { Signer } from '@signpdf/utils';
import forge from 'node-forge';
import { nativeRsaSigningKey, textAttributes } from './ca.js';
import type { ForgeSigningKey, SignerCredentials } from './ca.js';

/** Signs with one set of single-use credentials; pass an instance to `SignPdf.sign`. */
export class ForgePkcs7DetachedSigner extends Signer {
  readonly #certificate: forge.pki.Certificate;
  readonly #caCertificate: forge.pki.Certificate;
  readonly #key: ForgeSigningKey;

  /** @param credentials one-signature credentials from `PlatformCa.issueSignerCredentials`. */
  constructor(credentials: SignerCredentials) {
    super();
    this.#certificate = forge.pki.certificateFromPem(credentials.certificatePem);
    this.#caCertificate = forge.pki.certificateFromPem(credentials.caCertificatePem);
    this.#key = nativeRsaSigningKey(credentials.privateKeyPem); // RSA done by OpenSSL
  }

  /**
   * @param pdfBuffer the bytes covered by /ByteRange (the file without the /Contents hex string).
   * @param signingTime value of the signingTime attribute (default: now).
   * @returns DER-encoded ContentInfo(SignedData) without encapsulated content.
   */
  override async sign(pdfBuffer: Buffer, signingTime: Date = new Date()): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    // A ByteBuffer (not a string: forge would UTF-8-encode a string before digesting it).
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    p7.addCertificate(this.#certificate);
    p7.addCertificate(this.#caCertificate);
    p7.addSigner({
      key: this.#key,
      // IssuerAndSerialNumber with the issuer decoded to text so forge re-encodes it byte-identical.
      issuer: textAttributes(this.#certificate.issuer.attributes),
      serialNumber: this.#certificate.serialNumber,
      digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        { type: forge.pki.oids.messageDigest },
        { type: forge.pki.oids.signingTime, value: signingTime as unknown as string },
      ],
    } as unknown as Parameters<typeof p7.addSigner>[0]);
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
