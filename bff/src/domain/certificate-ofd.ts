/**
 * The certificate as OFD (GB/T 33190-2016; 001 §4: MOHURD asks cost engineers' e-certificates in OFD),
 * offered beside the signed PDF for every profession. Same rules as the PDF download
 * ({@link certificatePdf}): the holder's own certificate (others' answer 404), claimed first; an active
 * version is a new copy with its own period of use (?days=) printed and carried in its QR's signed claims;
 * a superseded, void or revoked version is drawn with its legacy pointer QR (it verifies as such) and no
 * period. The OFD itself is not signed (no GB/T 38540 seal): its authenticity is the QR's signed claims.
 */
import { GENDER_LABELS, PROFESSION_LABELS, PROFESSION_RULES, SPECIALTY_LABELS, TEMPORARY_REGISTRATION_LABEL, parseIdNumber, type Profession, type Specialty } from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { CertificateRow, RegistrationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { renderCertificateOfd, type CertificateOfdView } from '../ofd/certificate-ofd.js';
import { shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { certificateClaims, copyPeriod, verifyUrl } from './certificates.js';
import { isUuid } from './policies.js';

type OfdDeps = Pick<Deps, 'db' | 'now' | 'config' | 'certificateTokens' | 'pii'>;

/** The registration's columns the certificate prints (the signature's, migration 0009, may not be typed yet). */
type PrintedRegistration = Pick<RegistrationRow, 'photo_enc' | 'photo_type' | 'holder_id_number_enc'> & {
  /** 注册类型 二级注册临时建造师 (0017): printed as the PDF prints it. */
  temporary?: boolean;
  signature_enc?: Buffer | null;
  signature_type?: string | null;
  signature_date?: string | Date | null;
};

/**
 * What the profession's certificate prints besides seed 000's fields (PROFESSION_RULES[p], issue 9: 001 §4
 * 出生日期, 个人签名 and 签名日期; 002 registration held as a whole, no 注册专业 line). Read loosely, so that a
 * profession without these rules prints seed 000's fields only.
 */
function printed(profession: Profession): { birthDate: boolean; signature: boolean; whole: boolean } {
  const rules = PROFESSION_RULES[profession] as { specialties?: boolean; certificate?: { birthDate?: boolean; signature?: boolean } };
  return { birthDate: !!rules.certificate?.birthDate, signature: !!rules.certificate?.signature, whole: rules.specialties === false };
}

const isoDate = (d: string | Date | null | undefined): string | null =>
  typeof d === 'string' ? d.slice(0, 10) : d instanceof Date ? shanghaiDate(d) : null;

/**
 * The view of `cert` the OFD draws, built as the PDF's (renderSigned in ./certificates.ts): the fields, the
 * registration's photo, and where the profession prints them the birth date (from the registration's ID
 * number), the valid-until date of a registration held as a whole, the signature image with its date.
 */
async function ofdView(deps: OfdDeps, cert: CertificateRow, token: string, copy: { validFrom: string; validUntil: string } | null): Promise<CertificateOfdView> {
  const profession = cert.profession as Profession;
  const registration = (cert.registration_id
    ? await deps.db.selectFrom('registrations').selectAll().where('id', '=', cert.registration_id).executeTakeFirst()
    : undefined) as PrintedRegistration | undefined;
  const image = (enc: Buffer | null | undefined, type: string | null | undefined) =>
    enc && (type === 'image/jpeg' || type === 'image/png') ? { bytes: Buffer.from(deps.pii.decrypt(enc), 'base64'), type: type as 'image/jpeg' | 'image/png' } : null;
  const shows = printed(profession);
  const signatureImage = shows.signature && registration?.signature_type === 'image/png' ? image(registration.signature_enc, registration.signature_type) : null;
  const signatureDate = isoDate(registration?.signature_date);
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  return {
    title: `${PROFESSION_LABELS[profession]}注册证书`,
    holderName: cert.holder_name,
    gender: GENDER_LABELS[cert.gender],
    birthDate: shows.birthDate && registration ? parseIdNumber(deps.pii.decrypt(registration.holder_id_number_enc)).birthDate : null,
    registrationNo: cert.registration_no,
    registrationType: registration?.temporary ? TEMPORARY_REGISTRATION_LABEL : null,
    employerName: cert.employer_name,
    specialties: shows.whole ? [] : specialties.map((s) => ({ name: SPECIALTY_LABELS[s.specialty], validUntil: s.validUntil })),
    wholeValidUntil: shows.whole ? (specialties[0]?.validUntil ?? null) : null,
    authorityName: cert.authority_name,
    issueDate: cert.issue_date,
    verifyUrl: verifyUrl(deps.config, token),
    photo: registration ? image(registration.photo_enc, registration.photo_type) : null,
    signature: signatureImage && signatureDate ? { image: signatureImage, date: signatureDate } : null,
    ...(copy ? { copyPeriod: copy } : {}),
  };
}

/**
 * 下载电子证书 (OFD): the holder's certificate `id` as an OFD package (bytes, application/ofd), file name
 * `<profession>电子注册证书_<registrationNo>.ofd`. An active version: a new copy from today for `days` days
 * (default and maximum CERTIFICATE_COPY_DAYS, cut at the earliest specialty expiry), as for the PDF.
 * Audited as certificate.downloaded with format 'ofd'.
 * Errors: 404 (not the caller's, or not a UUID); 409 certificate_not_claimed, certificate_expired;
 * 422 copy_period_invalid.
 */
export async function certificateOfd(deps: OfdDeps, actor: Actor, id: string, days?: number): Promise<{ ofd: Buffer; fileName: string; copy: { validFrom: string; validUntil: string } | null }> {
  if (!isUuid(id)) throw NotFound();
  const cert = await deps.db.selectFrom('certificates').selectAll().where('id', '=', id).where('holder_id', '=', actor.id).executeTakeFirst();
  if (!cert) throw NotFound();
  if (!cert.claimed_at) throw appError('certificate_not_claimed');
  const fileName = `${PROFESSION_LABELS[cert.profession as Profession]}电子注册证书_${cert.registration_no}.ofd`;
  const copy = cert.status === 'active' ? copyPeriod(deps, cert, shanghaiDate(deps.now()), days) : null;
  const token = copy ? deps.certificateTokens.signClaims(certificateClaims(cert, copy)) : await deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no });
  const ofd = await renderCertificateOfd(await ofdView(deps, cert, token, copy));
  await audit(deps.db, {
    actor,
    action: 'certificate.downloaded',
    objectType: 'certificate',
    objectId: cert.id,
    details: { format: 'ofd', ...(copy ? { copyValidFrom: copy.validFrom, copyValidUntil: copy.validUntil } : {}) },
  });
  return { ofd: Buffer.from(ofd), fileName, copy };
}
