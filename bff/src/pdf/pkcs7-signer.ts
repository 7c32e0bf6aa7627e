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
import { appError } from '../errors.js';
import { nativeRsaSigningKey, textAttributes } from './ca.js';
import type { ForgeSigningKey, SignatureTimestamps, SignerCredentials } from './ca.js';

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A). */
const OID_SIGNATURE_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';

/** Signs with one set of single-use credentials; pass an instance to `SignPdf.sign`. */
export class ForgePkcs7DetachedSigner extends Signer {
  readonly #certificate: forge.pki.Certificate;
  readonly #caCertificate: forge.pki.Certificate;
  readonly #key: ForgeSigningKey;
  readonly #timestamps: SignatureTimestamps | undefined;

  /**
   * @param credentials one-signature credentials from `PlatformCa.issueSignerCredentials`.
   * @param timestamps when given, an RFC 3161 token over the signature value is added as the unsigned
   *   attribute id-aa-signatureTimeStampToken (PAdES B-T); see {@link SignatureTimestamps}.
   */
  constructor(credentials: SignerCredentials, timestamps?: SignatureTimestamps) {
    super();
    this.#timestamps = timestamps;
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
    const asn = p7.toAsn1();
    if (this.#timestamps) await this.#addTimestamp(asn, (p7 as unknown as { signers: { signature: string }[] }).signers[0].signature);
    return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
  }

  /**
   * Appends [1] unsignedAttrs { signatureTimeStampToken } to the SignerInfo, the token over the signature
   * value. Errors: 503 timestamp_unavailable when the TSA fails and timestamps are required.
   */
  async #addTimestamp(contentInfo: forge.asn1.Asn1, signatureValue: string): Promise<void> {
    const { asn1 } = forge;
    let token: Uint8Array;
    try {
      token = await this.#timestamps!.authority.timestamp(Buffer.from(signatureValue, 'binary'));
    } catch (error) {
      if (this.#timestamps!.required) throw appError('timestamp_unavailable');
      this.#timestamps!.onMissing?.(error as Error);
      return;
    }
    const signedData = ((contentInfo.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
    const signerInfos = (signedData.value as forge.asn1.Asn1[]).at(-1)!;
    const signerInfo = (signerInfos.value as forge.asn1.Asn1[])[0];
    const tokenAsn = asn1.fromDer(forge.util.createBuffer(Buffer.from(token).toString('binary')));
    (signerInfo.value as forge.asn1.Asn1[]).push(
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SIGNATURE_TIMESTAMP).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [tokenAsn]),
        ]),
      ]),
    );
  }
}
