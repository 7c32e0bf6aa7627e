import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import forge from 'node-forge';
import { renderCertificatePdf } from '../../src/pdf/certificate.js';
import { DEV_CA_COMMON_NAME, createPlatformCaPem, dnValue, loadOrCreatePlatformCa, nativeRsaSigningKey, platformCaFromPem } from '../../src/pdf/ca.js';
import { signPdf } from '../../src/pdf/sign.js';
import { APPLICANT_NAME, EMPLOYER_NAME, EMPLOYER_USCC, authoritySigner, certificateView, employerSigner } from './fixtures.js';
import { pdfsigReport, tempDir } from './helpers.js';

const der = (asn1: forge.asn1.Asn1): string => forge.asn1.toDer(asn1).getBytes();
/** The raw DER of a certificate's subject or issuer Name, straight from the certificate bytes. */
function rawName(certPem: string, which: 'issuer' | 'subject'): string {
  const tbs = (forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem)).value[0] as forge.asn1.Asn1).value as forge.asn1.Asn1[];
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, ...
  return der(tbs[which === 'issuer' ? 3 : 5]);
}

test('loadOrCreatePlatformCa creates a CA with a Chinese name on first use and reloads the same one', async (t) => {
  const dir = path.join(await tempDir('ca'), 'nested');
  const first = await loadOrCreatePlatformCa(dir);
  const second = await loadOrCreatePlatformCa(dir);
  t.is(second.caCertificatePem, first.caCertificatePem);
  t.is((await readFile(path.join(dir, 'ca.cert.pem'), 'utf8')).trim(), first.caCertificatePem.trim());
  t.is((await stat(path.join(dir, 'ca.key.pem'))).mode & 0o777, 0o600);

  const caCert = forge.pki.certificateFromPem(first.caCertificatePem);
  t.is(dnValue(caCert.subject.attributes, 'CN'), DEV_CA_COMMON_NAME);
  t.is(DEV_CA_COMMON_NAME, '执业通平台测试CA');
  // Encoded as UTF8String (tag 12), not as a mangled PrintableString.
  t.true(rawName(first.caCertificatePem, 'subject').includes(`\x0c${String.fromCharCode(Buffer.byteLength(DEV_CA_COMMON_NAME))}${forge.util.encodeUtf8(DEV_CA_COMMON_NAME)}`));
});

test('issued signer certificates: issuer byte-identical to the Chinese CA subject, chain verifies, 10 minutes', async (t) => {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const creds = ca.issueSignerCredentials(employerSigner);
  t.is(creds.caCertificatePem, ca.caCertificatePem);
  t.is(rawName(creds.certificatePem, 'issuer'), rawName(ca.caCertificatePem, 'subject'));

  const caCert = forge.pki.certificateFromPem(ca.caCertificatePem);
  const cert = forge.pki.certificateFromPem(creds.certificatePem);
  t.true(caCert.verify(cert));
  t.is(dnValue(cert.subject.attributes, 'CN'), EMPLOYER_NAME);
  t.is(dnValue(cert.subject.attributes, 'O'), EMPLOYER_NAME);
  t.is(dnValue(cert.subject.attributes, '2.5.4.97'), EMPLOYER_USCC);
  const minutes = (cert.validity.notAfter.getTime() - Date.now()) / 60_000;
  t.true(minutes > 9 && minutes <= 10, String(minutes));
  // The key belongs to the certificate.
  const key = forge.pki.privateKeyFromPem(creds.privateKeyPem) as forge.pki.rsa.PrivateKey;
  t.is((cert.publicKey as forge.pki.rsa.PublicKey).n.toString(16), key.n.toString(16));
  t.is(key.n.bitLength(), 2048);
  // Fresh key per signature.
  const other = ca.issueSignerCredentials(employerSigner);
  t.not(other.privateKeyPem, creds.privateKeyPem);
  t.not(forge.pki.certificateFromPem(other.certificatePem).serialNumber, cert.serialNumber);
});

test('forge issue 847 is real: re-encoding a parsed Chinese DN naively corrupts it (our path does not)', (t) => {
  const { certPem } = createPlatformCaPem();
  const caCert = forge.pki.certificateFromPem(certPem);
  const naive = der(forge.pki.distinguishedNameToAsn1(caCert.subject));
  t.not(naive, rawName(certPem, 'subject'));
});

test('signatures under a CA with another Chinese name verify in pdfsig', async (t) => {
  const { keyPem, certPem } = createPlatformCaPem('上海市住房和城乡建设管理委员会电子认证测试中心');
  const ca = platformCaFromPem(keyPem, certPem);
  const signed = await signPdf(await renderCertificatePdf(certificateView), authoritySigner, {
    ca, slot: 'authority', reason: '颁发电子注册证书', signedAt: new Date('2026-11-21T09:00:00Z'),
  });
  const [report] = await pdfsigReport(signed);
  t.true(report.valid, report.raw);
  t.is(report.signerCommonName, authoritySigner.commonName);
  t.not(APPLICANT_NAME, report.signerCommonName);
});

test('platformCaFromPem rejects a key that does not belong to the certificate', (t) => {
  const a = createPlatformCaPem();
  const b = createPlatformCaPem();
  t.throws(() => platformCaFromPem(a.keyPem, b.certPem), { message: /does not match/ });
});

test('nativeRsaSigningKey produces exactly forge\'s RSASSA-PKCS1-v1_5 signature', (t) => {
  const { keyPem } = createPlatformCaPem();
  const md = forge.md.sha256.create();
  md.update('执业通', 'utf8');
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  t.is(nativeRsaSigningKey(keyPem).sign(md), forgeKey.sign(md));
});
