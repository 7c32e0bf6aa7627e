/**
 * Electronic registration certificates (seed 000 §4, figure 55). Issued when the approval stage passes:
 * registration number = province abbreviation + profession code + two-digit year + 8-digit sequence
 * (e.g. 沪232600000001: same shape as 沪231161800057), each specialty valid for the profession's validity
 * (three years for constructors) from the issue date. The PDF shows what figure 55 shows, carries a QR
 * code of PUBLIC_BASE_URL/v/<token> and is signed by the authority's certificate. The holder claims it
 * (confirms the details) before downloading; anyone can verify it by the token.
 */
import {
  PROFESSION_LABELS,
  PROFESSION_RULES,
  SPECIALTY_LABELS,
  GENDER_LABELS,
  certificateSpecialties,
  type CertificateStatus,
  type CertificateView,
  type Profession,
  type RegisterState,
  type Specialty,
  type VerifyResponse,
} from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { Tx } from '../db/database.js';
import type { CertificateRow, RegistrationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { dayjs, shanghaiDate } from '../time.js';
import { renderCertificatePdf } from '../pdf/certificate.js';
import { signPdf } from '../pdf/sign.js';
import { audit } from './audit.js';
import { nextCounter } from './counters.js';
import { isUuid } from './policies.js';

type CertDeps = Pick<Deps, 'db' | 'now' | 'config' | 'ca' | 'certificateTokens'>;

export function verifyUrl(config: Deps['config'], token: string): string {
  return `${config.publicBaseUrl}/v/${token}`;
}

/** 2026-11-21 → 2026年11月21日 */
function chineseDate(date: string): string {
  const d = dayjs(date);
  return `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** Renders and signs a version; the photo is the registration's (registrations.photo_enc, 000 §3.1.1 step 4), when it has one. */
async function renderSigned(deps: CertDeps & Pick<Deps, 'pii'>, cert: CertificateRow, token: string, registration: Pick<RegistrationRow, 'photo_enc' | 'photo_type'>): Promise<Uint8Array> {
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  const photo = registration.photo_enc && (registration.photo_type === 'image/jpeg' || registration.photo_type === 'image/png')
    ? { bytes: Buffer.from(deps.pii.decrypt(registration.photo_enc), 'base64'), type: registration.photo_type as 'image/jpeg' | 'image/png' }
    : null;
  const pdf = await renderCertificatePdf({
    title: `${PROFESSION_LABELS[cert.profession as Profession]}注册证书`,
    holderName: cert.holder_name,
    gender: GENDER_LABELS[cert.gender],
    registrationNo: cert.registration_no,
    employerName: cert.employer_name,
    specialties: specialties.map((s) => ({ name: SPECIALTY_LABELS[s.specialty], validUntil: s.validUntil })),
    authorityName: cert.authority_name,
    issueDate: cert.issue_date,
    verifyUrl: verifyUrl(deps.config, token),
    photo,
  });
  return signPdf(pdf, { kind: 'authority', commonName: cert.authority_name, organization: cert.authority_name }, { ca: deps.ca, slot: 'authority', reason: `电子注册证书 ${cert.registration_no}，发证日期 ${chineseDate(cert.issue_date)}`, signedAt: deps.now(), location: cert.authority_name });
}

/**
 * Issues the next certificate version of a registration (1, 2, …) from its register content, inside the
 * transaction of the matter step that changed the register: registration number = province abbreviation +
 * profession code + two-digit year + 8-digit sequence for a new registration (the register holds it), the
 * specialties with their valid-until dates, signed by the authority, QR token PUBLIC_BASE_URL/v/<token>.
 * The previous active version becomes `superseded` (its QR then answers 已换发新证书). Returns the new id.
 */
export async function issueCertificateVersion(
  deps: CertDeps & Pick<Deps, 'pii'>,
  tx: Tx,
  registration: RegistrationRow,
  state: RegisterState,
  source: { matter: string; applicationId: string | null },
): Promise<string> {
  const now = deps.now();
  const previous = await tx.selectFrom('certificates').select(['version']).where('registration_id', '=', registration.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
  await tx.updateTable('certificates').set({ status: 'superseded', superseded_at: now }).where('registration_id', '=', registration.id).where('status', '=', 'active').execute();
  const cert = await tx
    .insertInto('certificates')
    .values({
      registration_no: state.registrationNo,
      registration_id: registration.id,
      version: (previous?.version ?? 0) + 1,
      matter: source.matter,
      application_id: source.applicationId,
      holder_id: registration.holder_id!,
      profession: state.profession,
      holder_name: state.holderName,
      gender: registration.gender,
      employer_id: state.employer?.id ?? null,
      employer_name: state.employer?.name ?? '',
      specialties: JSON.stringify(certificateSpecialties(state)),
      issue_date: shanghaiDate(now),
      authority_name: deps.config.authorityName,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const token = await deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no });
  const pdf = await renderSigned(deps, cert, token, registration);
  await tx.updateTable('certificates').set({ pdf: Buffer.from(pdf) }).where('id', '=', cert.id).execute();
  await audit(tx, { actor: null, action: 'certificate.issued', objectType: 'certificate', objectId: cert.id, details: { registrationNo: cert.registration_no, version: cert.version, matter: source.matter, applicationId: source.applicationId } });
  return cert.id;
}

/** A new registration number: province abbreviation + profession code + two-digit year + 8-digit sequence (沪232600000001). */
export async function newRegistrationNo(deps: Pick<Deps, 'now' | 'config'>, tx: Tx, profession: Profession): Promise<string> {
  const yy = shanghaiDate(deps.now()).slice(2, 4);
  const seq = await nextCounter(tx, `registration:${profession}:${yy}`);
  return `${deps.config.provinceAbbr}${PROFESSION_RULES[profession].registrationNoCode}${yy}${String(seq).padStart(8, '0')}`;
}

/** The whole registration was cancelled: its certificates (active and superseded) verify as `void` (000 §3.4.1 note). */
export async function voidCertificates(deps: Pick<Deps, 'now'>, tx: Tx, registrationId: string): Promise<void> {
  await tx.updateTable('certificates').set({ status: 'void', superseded_at: deps.now() }).where('registration_id', '=', registrationId).where('status', 'in', ['active', 'superseded']).execute();
}

/** valid, expired (every specialty past its valid-until date), superseded (a newer version exists), void (the registration was cancelled) or revoked. */
export function certificateStatus(cert: Pick<CertificateRow, 'status' | 'specialties'>, today: string): CertificateStatus {
  if (cert.status === 'revoked') return 'revoked';
  if (cert.status === 'superseded') return 'superseded';
  if (cert.status === 'void') return 'void';
  const specialties = cert.specialties as { validUntil: string }[];
  return specialties.some((s) => s.validUntil >= today) ? 'valid' : 'expired';
}

export async function presentCertificate(deps: CertDeps, cert: CertificateRow): Promise<CertificateView> {
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  return {
    id: cert.id,
    registrationNo: cert.registration_no,
    profession: cert.profession as Profession,
    holderName: cert.holder_name,
    gender: cert.gender,
    employerName: cert.employer_name,
    specialties: specialties.map((s) => ({ specialty: s.specialty, label: SPECIALTY_LABELS[s.specialty], validUntil: s.validUntil })),
    issueDate: cert.issue_date,
    authorityName: cert.authority_name,
    status: certificateStatus(cert, shanghaiDate(deps.now())),
    version: cert.version,
    matter: cert.matter,
    claimedAt: cert.claimed_at?.toISOString() ?? null,
    verifyUrl: verifyUrl(deps.config, await deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no })),
  };
}

export async function listCertificates(deps: CertDeps, holderId: string): Promise<CertificateView[]> {
  const rows = await deps.db.selectFrom('certificates').selectAll().where('holder_id', '=', holderId).orderBy('created_at', 'desc').orderBy('version', 'desc').execute();
  return Promise.all(rows.map((r) => presentCertificate(deps, r)));
}

async function loadOwnCertificate(deps: CertDeps, holderId: string, id: string, tx?: Tx): Promise<CertificateRow> {
  if (!isUuid(id)) throw NotFound();
  let q = (tx ?? deps.db).selectFrom('certificates').selectAll().where('id', '=', id).where('holder_id', '=', holderId);
  if (tx) q = q.forUpdate();
  const cert = await q.executeTakeFirst();
  if (!cert) throw NotFound();
  return cert;
}

/** 领证: the holder confirms the details (seed 000 §4 step 2). Errors: 409 certificate_already_claimed, certificate_revoked. */
export async function claimCertificate(deps: CertDeps, actor: Actor, id: string): Promise<CertificateView> {
  return deps.db.transaction().execute(async (tx) => {
    const cert = await loadOwnCertificate(deps, actor.id, id, tx);
    if (cert.status === 'revoked' || cert.status === 'void') throw appError('certificate_revoked');
    if (cert.status === 'superseded') throw appError('certificate_superseded');
    if (cert.claimed_at) throw appError('certificate_already_claimed');
    const claimed = await tx.updateTable('certificates').set({ claimed_at: deps.now() }).where('id', '=', cert.id).returningAll().executeTakeFirstOrThrow();
    await audit(tx, { actor, action: 'certificate.claimed', objectType: 'certificate', objectId: cert.id });
    return presentCertificate(deps, claimed);
  });
}

/** The signed certificate PDF, for its holder once claimed. Errors: 404; 409 certificate_not_claimed. */
export async function certificatePdf(deps: CertDeps, actor: Actor, id: string): Promise<{ pdf: Buffer; fileName: string }> {
  const cert = await loadOwnCertificate(deps, actor.id, id);
  if (!cert.claimed_at) throw appError('certificate_not_claimed');
  await audit(deps.db, { actor, action: 'certificate.downloaded', objectType: 'certificate', objectId: cert.id });
  return { pdf: cert.pdf!, fileName: `${PROFESSION_LABELS[cert.profession as Profession]}电子注册证书_${cert.registration_no}.pdf` };
}

/** Revokes a certificate (cancellation, or an authority's correction); its QR code then verifies as revoked. */
export async function revokeCertificate(deps: CertDeps, actor: Actor, id: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!isUuid(id)) throw NotFound();
    const cert = await tx.selectFrom('certificates').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!cert) throw NotFound();
    if (cert.status === 'revoked') throw appError('certificate_revoked');
    await tx.updateTable('certificates').set({ status: 'revoked', revoked_at: deps.now() }).where('id', '=', id).execute();
    await audit(tx, { actor, action: 'certificate.revoked', objectType: 'certificate', objectId: id, details: { reason } });
  });
}

/**
 * Public verification by QR token: `invalid` for a malformed, altered or foreign token (or an unknown
 * certificate), otherwise the certificate's current status and the details printed on it.
 */
export async function verifyCertificateToken(deps: CertDeps, token: string): Promise<VerifyResponse> {
  const id = token.length < 2000 ? await deps.certificateTokens.verify(token) : null;
  // only what the answer shows: never the signed PDF (tens of KB) for a scan
  const cert =
    id && isUuid(id)
      ? await deps.db
          .selectFrom('certificates')
          .select(['status', 'specialties', 'registration_no', 'holder_name', 'profession', 'employer_name', 'issue_date'])
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined;
  if (!cert) return { status: 'invalid', certificate: null };
  const status = certificateStatus(cert, shanghaiDate(deps.now()));
  // a replaced or voided version points to nothing personal: only its status (已换发新证书 / 已作废)
  if (status === 'superseded' || status === 'void') return { status, certificate: null };
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  return {
    status,
    certificate: {
      registrationNo: cert.registration_no,
      holderName: cert.holder_name,
      profession: cert.profession as Profession,
      employerName: cert.employer_name,
      specialties: specialties.map((s) => ({ specialty: s.specialty, validUntil: s.validUntil })),
      issueDate: cert.issue_date,
    },
  };
}
