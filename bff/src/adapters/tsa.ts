/**
 * RFC 3161 time-stamping client (issue 12: PAdES B-T). `timestamp(signatureValue)` sends a TimeStampReq
 * (version 1, SHA-256 message imprint of the CMS signature value, a random 64-bit nonce, certReq true) as
 * `application/timestamp-query` over HTTP POST, reads the TimeStampResp and returns its TimeStampToken
 * (a CMS ContentInfo, DER) after checking the status (granted / grantedWithMods), that the token's TSTInfo
 * carries the same imprint and nonce. The token goes into the signer's unsigned attributes as
 * id-aa-signatureTimeStampToken (RFC 3161 appendix A, ETSI EN 319 122-1).
 *
 * Errors: TsaError (network, timeout TSA_TIMEOUT_MS, HTTP status, a refusal or a token that does not match).
 */
import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TimestampAuthority {
  /** The DER TimeStampToken for `signatureValue` (the bytes the imprint is computed over). */
  timestamp(signatureValue: Uint8Array): Promise<Uint8Array>;
}

export class TsaError extends Error {}

const asn1 = forge.asn1;
const OID_SHA256 = forge.pki.oids.sha256;

const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const intBytes = (bytes: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, (bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes).toString('binary'));

/** DER TimeStampReq for a SHA-256 imprint and nonce. */
export function timeStampRequest(imprint: Buffer, nonce: Buffer): Buffer {
  return der(
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SHA256).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, imprint.toString('binary')),
      ]),
      intBytes(nonce),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, String.fromCharCode(0xff)),
    ]),
  );
}

/** The TSTInfo's message imprint and nonce of a DER TimeStampToken (ContentInfo → SignedData → eContent). */
export function tstInfoOf(token: Uint8Array): { imprint: Buffer; nonce: Buffer | null; genTime: string } {
  const ci = asn1.fromDer(forge.util.createBuffer(Buffer.from(token).toString('binary')));
  const signedData = ((ci.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
  const encap = (signedData.value as forge.asn1.Asn1[])[2];
  const eContent = ((encap.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
  const tst = asn1.fromDer(forge.util.createBuffer(eContent.value as string));
  const fields = tst.value as forge.asn1.Asn1[];
  const imprint = Buffer.from(((fields[2].value as forge.asn1.Asn1[])[1].value as string), 'binary');
  const genTime = fields[4].value as string;
  // after genTime: accuracy (SEQUENCE), ordering (BOOLEAN), nonce (INTEGER), tsa [0], extensions [1]
  const nonceField = fields.slice(5).find((f) => f.tagClass === asn1.Class.UNIVERSAL && f.type === asn1.Type.INTEGER);
  const nonce = nonceField ? Buffer.from(nonceField.value as string, 'binary') : null;
  return { imprint, nonce, genTime };
}

const stripZero = (b: Buffer) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);

/** A TSA over HTTP (TSA_URL), with a timeout. */
export function httpTsa(opts: { url: string; timeoutMs: number }): TimestampAuthority {
  return {
    async timestamp(signatureValue) {
      const imprint = createHash('sha256').update(signatureValue).digest();
      const nonce = randomBytes(8);
      let res: Response;
      try {
        res = await fetch(opts.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: new Uint8Array(timeStampRequest(imprint, nonce)), signal: AbortSignal.timeout(opts.timeoutMs) });
      } catch (error) {
        throw new TsaError(`TSA unreachable: ${(error as Error).message}`);
      }
      if (res.status !== 200) throw new TsaError(`TSA answered HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      let token: Buffer;
      try {
        const resp = asn1.fromDer(forge.util.createBuffer(body.toString('binary')));
        const [statusInfo, tokenNode] = resp.value as forge.asn1.Asn1[];
        const status = Buffer.from((statusInfo.value as forge.asn1.Asn1[])[0].value as string, 'binary').readUIntBE(0, 1);
        if ((status !== 0 && status !== 1) || !tokenNode) throw new TsaError(`TSA refused the request (PKIStatus ${status})`);
        token = der(tokenNode);
      } catch (error) {
        if (error instanceof TsaError) throw error;
        throw new TsaError(`TSA answer unreadable: ${(error as Error).message}`);
      }
      const info = tstInfoOf(token);
      if (!info.imprint.equals(imprint)) throw new TsaError('TSA token is for another message imprint');
      if (!info.nonce || !stripZero(info.nonce).equals(stripZero(nonce))) throw new TsaError('TSA token nonce does not match');
      return token;
    },
  };
}
