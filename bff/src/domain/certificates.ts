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
  TEMPORARY_REGISTRATION_LABEL,
  certificateSpecialties,
  parseIdNumber,
  type CertificateStatus,
  type CertificateView,
  type Profession,
  type RegisterState,
  type Specialty,
  type VerifyResponse,
  type CertificateClaims,
  isClaimsToken,
} from '@zhiyetong/shared';
import { certificateKey } from './certificate-cache.js';
import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { Actor, Deps } from '../context.js';
import type { Tx } from '../db/database.js';
import type { CertificateRow, RegistrationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { dayjs, shanghaiDate } from '../time.js';
import type { CertificateView as CertificatePdfView } from '../pdf/certificate.js';
import { signingSlots } from '../pdf/signing-slots.js';
import { renderAndSign } from '../pdf/workers.js';
import { audit } from './audit.js';
import { nextCounter } from './counters.js';
import { isUuid } from './policies.js';

type CertDeps = Pick<Deps, 'db' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'certificateCache' | 'log' | 'faults'>;

export function verifyUrl(config: Deps['config'], token: string): string {
  return `${config.publicBaseUrl}/v/${token}`;
}

/** 2026-11-21 → 2026年11月21日 */
function chineseDate(date: string): string {
  const d = dayjs(date);
  return `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/**
 * A copy's period of use (使用有效期, issue 12; MOHURD's practice for the national e-certificates): from
 * `today` for `days` days (default and maximum CERTIFICATE_COPY_DAYS, 180), cut at the earliest
 * valid-until date of the specialties still valid. Errors: 422 copy_period_invalid (days outside 1..max),
 * 409 certificate_expired (no specialty still valid).
 */
export function copyPeriod(deps: Pick<Deps, 'config'>, cert: Pick<CertificateRow, 'specialties'>, today: string, days?: number): { validFrom: string; validUntil: string } {
  const max = deps.config.certificateCopyDays;
  const n = days ?? max;
  if (!Number.isInteger(n) || n < 1 || n > max) throw appError('copy_period_invalid');
  const valid = (cert.specialties as { validUntil: string }[]).map((s) => s.validUntil).filter((d) => d >= today).sort();
  if (!valid.length) throw appError('certificate_expired');
  const end = dayjs(today).add(n - 1, 'day').format('YYYY-MM-DD');
  return { validFrom: today, validUntil: end < valid[0] ? end : valid[0] };
}

/** The claims a copy's QR code carries (no ID number, photo or birth date). */
export function certificateClaims(cert: CertificateContent, copy: { validFrom: string; validUntil: string }): CertificateClaims {
  return {
    registrationNo: cert.registration_no,
    holderName: cert.holder_name,
    profession: cert.profession as Profession,
    employerName: cert.employer_name,
    specialties: (cert.specialties as { specialty: Specialty; validUntil: string }[]).map((s) => ({ specialty: s.specialty, validUntil: s.validUntil })),
    issueDate: cert.issue_date,
    version: cert.version,
    copy,
  };
}

/**
 * What a copy prints from the registration row: the photo, the birth date and signature image where the
 * profession's certificate shows them, and 注册类型 二级注册临时建造师 for a temporary registration (0017, 003
 * §3.2.3.10-11 / §3.2.4.2).
 */
export type CertificateRegistration = Pick<RegistrationRow, 'photo_enc' | 'photo_type'> & Partial<Pick<RegistrationRow, 'signature_enc' | 'signature_type' | 'signature_date' | 'holder_id_number_enc' | 'temporary'>>;
const CERTIFICATE_REGISTRATION_COLUMNS = ['photo_enc', 'photo_type', 'signature_enc', 'signature_type', 'signature_date', 'holder_id_number_enc', 'temporary'] as const;

/** The columns of a certificate version that its PDF and its QR token show (a row, or the draft of one: PreparedCertificate). */
export type CertificateContent = Pick<CertificateRow, 'id' | 'registration_no' | 'profession' | 'holder_name' | 'gender' | 'employer_name' | 'specialties' | 'issue_date' | 'authority_name' | 'version'>;

/** What a copy prints, apart from its QR code: the certificate's fields, the photo, and the birth date and signature image where the profession's certificate shows them (decrypted). */
function certificateView(deps: Pick<Deps, 'pii'>, cert: CertificateContent, registration: CertificateRegistration, copy?: { validFrom: string; validUntil: string }): Omit<CertificatePdfView, 'verifyUrl'> {
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  const rules = PROFESSION_RULES[cert.profession as Profession];
  // what the profession's certificate adds (001 §4: 出生日期, 个人签名 and 签名日期; 002: no 注册专业 line)
  const extra = {
    birthDate: rules.certificate.birthDate && registration.holder_id_number_enc ? parseIdNumber(deps.pii.decrypt(registration.holder_id_number_enc)).birthDate : undefined,
    wholeValidUntil: rules.specialties ? undefined : specialties[0]?.validUntil,
    registrationType: registration.temporary ? TEMPORARY_REGISTRATION_LABEL : undefined,
    signature:
      rules.certificate.signature && registration.signature_enc && registration.signature_type === 'image/png' && registration.signature_date
        ? { image: { bytes: Buffer.from(deps.pii.decrypt(registration.signature_enc), 'base64'), type: 'image/png' as const }, date: registration.signature_date }
        : null,
  };
  const photo = registration.photo_enc && (registration.photo_type === 'image/jpeg' || registration.photo_type === 'image/png')
    ? { bytes: Buffer.from(deps.pii.decrypt(registration.photo_enc), 'base64'), type: registration.photo_type as 'image/jpeg' | 'image/png' }
    : null;
  return {
    title: `${PROFESSION_LABELS[cert.profession as Profession]}注册证书`,
    holderName: cert.holder_name,
    gender: GENDER_LABELS[cert.gender],
    registrationNo: cert.registration_no,
    employerName: cert.employer_name,
    specialties: specialties.map((s) => ({ name: SPECIALTY_LABELS[s.specialty], validUntil: s.validUntil })),
    authorityName: cert.authority_name,
    issueDate: cert.issue_date,
    photo,
    copyPeriod: copy,
    ...extra,
  };
}

/** Renders and signs a copy of `view` with the QR code of `token` (slot 'authority', the authority's one-signature certificate). */
async function signView(deps: Pick<Deps, 'now' | 'config' | 'ca' | 'log' | 'faults'>, cert: CertificateContent, view: Omit<CertificatePdfView, 'verifyUrl'>, token: string): Promise<Uint8Array> {
  return renderAndSign(
    deps,
    { kind: 'certificate', view: { ...view, verifyUrl: verifyUrl(deps.config, token) } },
    { kind: 'authority', commonName: cert.authority_name, organization: cert.authority_name },
    { slot: 'authority', reason: `电子注册证书 ${cert.registration_no}，发证日期 ${chineseDate(cert.issue_date)}`, signedAt: deps.now(), location: cert.authority_name },
  );
}

/** Renders and signs a copy, in a worker when a signing slot is free; the photo is the registration's (registrations.photo_enc, 000 §3.1.1 step 4), when it has one. */
async function renderSigned(deps: CertDeps & Pick<Deps, 'pii'>, cert: CertificateContent, token: string, registration: CertificateRegistration, copy?: { validFrom: string; validUntil: string }): Promise<Uint8Array> {
  const view = certificateView(deps, cert, registration, copy);
  return signingSlots(() => signView(deps, cert, view, token));
}

/**
 * What a version's first copy is made of, apart from the signing time and the token's signature bytes (ES256 is
 * randomised): the printed view (images by their SHA-256) and what its QR token says (the claims, or the id and
 * number of a legacy pointer token). Two equal fingerprints print and verify the same.
 */
function certificateFingerprint(deps: Pick<Deps, 'pii'>, cert: CertificateContent, registration: CertificateRegistration, copy: { validFrom: string; validUntil: string } | null): string {
  const view = certificateView(deps, cert, registration, copy ?? undefined);
  const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const printed = { ...view, photo: view.photo ? { type: view.photo.type, bytes: digest(view.photo.bytes) } : null, signature: view.signature ? { date: view.signature.date, bytes: digest(view.signature.image.bytes) } : null };
  const token = copy ? certificateClaims(cert, copy) : { id: cert.id, registrationNo: cert.registration_no };
  return createHash('sha256').update(JSON.stringify({ printed, token })).digest('base64url');
}

/**
 * How this process made the first copies of the versions it issued: signed before their transaction and used
 * (`prepared`), or signed inside it (`signedInTransaction`: nothing was prepared, or what was prepared did not
 * match the row). Counters for the tests and the bench.
 */
export const firstCopies = { prepared: 0, signedInTransaction: 0 };

/** A certificate version's first copy rendered and signed before the transaction that issues it (prepareCertificate). */
export interface PreparedCertificate {
  /** The id the version is inserted with. */
  id: string;
  fingerprint: string;
  pdf: Uint8Array;
}

/**
 * Renders and signs the first copy of the certificate version `cert` would be (a draft: the id it will be
 * inserted with, the register content, the next version number, today's issue date) with the registration's
 * photo, signature image and ID number `registration`. Reads nothing; CPU-bound (0.1-0.3 s), so the approval
 * makes it before its transaction, in one of the signing slots (signing-slots.ts) and a PDF worker thread, and issueCertificateVersion
 * uses it when the row it inserts has the same fingerprint (else it signs again inside; issue 14).
 */
export async function prepareCertificate(deps: CertDeps & Pick<Deps, 'pii'>, cert: CertificateContent, registration: CertificateRegistration): Promise<PreparedCertificate> {
  const copy = copyPeriodOrNull(deps, cert, cert.issue_date);
  const token = copy ? deps.certificateTokens.signClaims(certificateClaims(cert, copy)) : await deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no });
  const view = certificateView(deps, cert, registration, copy ?? undefined);
  const fingerprint = certificateFingerprint(deps, cert, registration, copy);
  const pdf = await signingSlots(() => signView(deps, cert, view, token));
  return { id: cert.id, fingerprint, pdf };
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
  prepared?: PreparedCertificate,
): Promise<string> {
  const now = deps.now();
  const previous = await tx.selectFrom('certificates').select(['version']).where('registration_id', '=', registration.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
  await tx.updateTable('certificates').set({ status: 'superseded', superseded_at: now }).where('registration_id', '=', registration.id).where('status', '=', 'active').execute();
  const cert = await tx
    .insertInto('certificates')
    .values({
      ...(prepared ? { id: prepared.id } : {}),
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
      temporary: registration.temporary === true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // the stored PDF is the first copy, its period of use from the issue date; each download makes a new copy
  const copy = copyPeriodOrNull(deps, cert, cert.issue_date);
  let pdf: Uint8Array;
  // made before the transaction on what this row holds (the same fingerprint): used as it is
  if (prepared && prepared.id === cert.id && prepared.fingerprint === certificateFingerprint(deps, cert, registration, copy)) {
    pdf = prepared.pdf;
    firstCopies.prepared++;
  } else {
    firstCopies.signedInTransaction++;
    const token = copy ? deps.certificateTokens.signClaims(certificateClaims(cert, copy)) : await deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no });
    pdf = await renderSigned(deps, cert, token, registration, copy ?? undefined);
  }
  await tx.updateTable('certificates').set({ pdf: Buffer.from(pdf) }).where('id', '=', cert.id).execute();
  await audit(tx, { actor: null, action: 'certificate.issued', objectType: 'certificate', objectId: cert.id, details: { registrationNo: cert.registration_no, version: cert.version, matter: source.matter, applicationId: source.applicationId } });
  return cert.id;
}

function copyPeriodOrNull(deps: Pick<Deps, 'config'>, cert: Pick<CertificateRow, 'specialties'>, today: string, days?: number) {
  try {
    return copyPeriod(deps, cert, today, days);
  } catch {
    return null;
  }
}

/** A new registration number: province abbreviation + profession code + two-digit year + 8-digit sequence (沪232600000001). */
export async function newRegistrationNo(deps: Pick<Deps, 'now' | 'config'>, tx: Tx, profession: Profession): Promise<string> {
  return registrationNoOf(deps, profession, await nextCounter(tx, registrationCounter(deps, profession)));
}

/** The counter (counters.ts) registration numbers of `profession` are taken from this year: registration:constructor:26. */
export function registrationCounter(deps: Pick<Deps, 'now'>, profession: Profession): string {
  return `registration:${profession}:${shanghaiDate(deps.now()).slice(2, 4)}`;
}

/** The registration number with sequence `seq` this year (沪232600000001). */
export function registrationNoOf(deps: Pick<Deps, 'now' | 'config'>, profession: Profession, seq: number): string {
  const yy = shanghaiDate(deps.now()).slice(2, 4);
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
    verifyUrl: verifyUrl(deps.config, await viewToken(deps, cert)),
  };
}

/** The QR text shown in the app: a claims token of a default copy from today while it can have one, else the legacy pointer. */
async function viewToken(deps: CertDeps, cert: CertificateRow): Promise<string> {
  const copy = cert.status === 'active' ? copyPeriodOrNull(deps, cert, shanghaiDate(deps.now())) : null;
  return copy ? deps.certificateTokens.signClaims(certificateClaims(cert, copy)) : deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registration_no });
}

export async function listCertificates(deps: CertDeps, holderId: string): Promise<CertificateView[]> {
  const rows = await deps.db.selectFrom('certificates').selectAll().where('holder_id', '=', holderId).orderBy('created_at', 'desc').orderBy('version', 'desc').execute();
  return Promise.all(rows.map((r) => presentCertificate(deps, r)));
}

/** The certificate `id` of holder `holderId` (locked within `tx`); 404 when it is not theirs. */
export async function loadOwnCertificate(deps: CertDeps, holderId: string, id: string, tx?: Tx): Promise<CertificateRow> {
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

/**
 * A copy of the certificate for its holder once claimed (issue 12): rendered and signed now, with its own
 * period of use of `days` days from today (default and maximum CERTIFICATE_COPY_DAYS, cut at the earliest
 * specialty expiry; see {@link copyPeriod}) printed on it and carried in its QR claims. A superseded, void
 * or revoked version is served as stored (its legacy QR verifies as such). Errors: 404; 409
 * certificate_not_claimed, certificate_expired; 422 copy_period_invalid.
 */
export async function certificatePdf(deps: CertDeps & Pick<Deps, 'pii'>, actor: Actor, id: string, days?: number): Promise<{ pdf: Buffer; fileName: string; copy: { validFrom: string; validUntil: string } | null }> {
  const cert = await loadOwnCertificate(deps, actor.id, id);
  if (!cert.claimed_at) throw appError('certificate_not_claimed');
  const fileName = `${PROFESSION_LABELS[cert.profession as Profession]}电子注册证书_${cert.registration_no}.pdf`;
  if (cert.status !== 'active') {
    await audit(deps.db, { actor, action: 'certificate.downloaded', objectType: 'certificate', objectId: cert.id });
    return { pdf: cert.pdf!, fileName, copy: null };
  }
  const { pdf, copy } = await renderCertificateCopy(deps, cert, days);
  await audit(deps.db, { actor, action: 'certificate.downloaded', objectType: 'certificate', objectId: cert.id, details: { copyValidFrom: copy.validFrom, copyValidUntil: copy.validUntil } });
  return { pdf, fileName, copy };
}

/**
 * Renders and signs a new copy of the active certificate `cert` with a period of use of `days` from today
 * (see {@link copyPeriod}; errors as there): the holder's download and a shared link's (share-links.ts).
 */
export async function renderCertificateCopy(deps: CertDeps & Pick<Deps, 'pii'>, cert: CertificateRow, days?: number): Promise<{ pdf: Buffer; copy: { validFrom: string; validUntil: string } }> {
  const copy = copyPeriod(deps, cert, shanghaiDate(deps.now()), days);
  const registration = cert.registration_id
    ? await deps.db.selectFrom('registrations').select([...CERTIFICATE_REGISTRATION_COLUMNS]).where('id', '=', cert.registration_id).executeTakeFirst()
    : undefined;
  const token = deps.certificateTokens.signClaims(certificateClaims(cert, copy));
  const pdf = await renderSigned(deps, cert, token, registration ?? { photo_enc: null, photo_type: null }, copy);
  return { pdf: Buffer.from(pdf), copy };
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
 * The answers of recent QR token checks (certificate id, or null for a forged or altered token), per token
 * key set, at most TOKEN_CACHE_ENTRIES, oldest dropped first. The ES256 verification is the largest CPU cost of a
 * scan (profiled, issue 14) and a pointer token's answer cannot change while the key does not: it carries no
 * expiry. The certificate's status is still read from the database on every scan.
 */
const TOKEN_CACHE_ENTRIES = 10_000;
const tokenChecks = new WeakMap<Deps['certificateTokens'], Map<string, string | null>>();

async function checkTokenCached(tokens: Deps['certificateTokens'], token: string): Promise<string | null> {
  let cache = tokenChecks.get(tokens);
  if (!cache) tokenChecks.set(tokens, (cache = new Map()));
  const hit = cache.get(token);
  if (hit !== undefined) return hit;
  const id = await tokens.verify(token);
  if (cache.size >= TOKEN_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(token, id);
  return id;
}

/** The certificate columns a scan shows, by id (the same statement Kysely built for verifyCertificateToken). */
const VERIFY_SQL = 'select "status", "specialties", "registration_no", "holder_name", "profession", "employer_name", "issue_date", "temporary" from "certificates" where "id" = $1';
export type VerifiedRow = Pick<CertificateRow, 'status' | 'specialties' | 'registration_no' | 'holder_name' | 'profession' | 'employer_name' | 'issue_date' | 'temporary'>;

/** shanghaiDate(now), computed once per Shanghai day (UTC+8 without daylight saving since 1991): dayjs' time zone lookup was 7 % of a scan. */
let shanghaiDay = { day: Number.NaN, date: '' };
function shanghaiToday(now: Date): string {
  const day = Math.floor((now.getTime() + 8 * 3_600_000) / 86_400_000);
  if (day !== shanghaiDay.day) shanghaiDay = { day, date: shanghaiDate(now) };
  return shanghaiDay.date;
}

/**
 * Public verification by QR token: `invalid` for a malformed, altered or foreign token (or an unknown
 * certificate), otherwise the certificate's current status and the details printed on it.
 */
export async function verifyCertificateToken(deps: CertDeps, token: string): Promise<VerifyResponse> {
  if (isClaimsToken(token)) return verifyClaimsTokenOnline(deps, token);
  const id = token.length < 2000 ? await checkTokenCached(deps.certificateTokens, token) : null;
  // only what the answer shows: never the signed PDF (tens of KB) for a scan; compiled once (building the
  // query through Kysely was 5 % of a scan)
  // and from this process's memory when it was scanned lately (certificate-cache.ts: forgotten on any change)
  const load = async () => (await deps.db.executeQuery<VerifiedRow>(CompiledQuery.raw(VERIFY_SQL, [id]))).rows[0];
  const cert = id && isUuid(id) ? await (deps.certificateCache ? deps.certificateCache.get(id, load) : load()) : undefined;
  if (!cert) return { status: 'invalid', certificate: null };
  const status = certificateStatus(cert, shanghaiToday(deps.now()));
  // a replaced or voided version points to nothing personal: only its status (已换发新证书 / 已作废)
  if (status === 'superseded' || status === 'void') return { status, certificate: null };
  return {
    status,
    certificate: verifiedDetails(cert),
  };
}

/** What a verification shows of a certificate that is not superseded or void (no ID number, photo or birth date). */
export function verifiedDetails(cert: VerifiedRow): NonNullable<VerifyResponse['certificate']> {
  const specialties = cert.specialties as { specialty: Specialty; validUntil: string }[];
  return {
    registrationNo: cert.registration_no,
    holderName: cert.holder_name,
    profession: cert.profession as Profession,
    employerName: cert.employer_name,
    specialties: specialties.map((s) => ({ specialty: s.specialty, validUntil: s.validUntil })),
    issueDate: cert.issue_date,
    // from the certificate row (0018), as the certificate prints it: no join on the scan path
    registrationType: cert.temporary ? TEMPORARY_REGISTRATION_LABEL : null,
  };
}

/**
 * Online check of a claims token (issue 12): the signature against this server's trust list (as the
 * offline verifier does), then the live status of the version it names (registration number + version).
 * A bad signature, unknown or retired key, or a version the register does not hold answers `invalid`
 * with `signature` saying why; superseded/void show nothing personal. `copy.inUse` false: the copy's
 * period of use has ended, and `status` still says whether the registration itself is valid.
 */
async function verifyClaimsTokenOnline(deps: CertDeps, token: string): Promise<VerifyResponse> {
  const now = deps.now();
  const checked = deps.certificateTokens.verifyClaims(token, now);
  const signature = { kid: checked.kid, outcome: checked.outcome };
  const claims = checked.claims;
  if (!claims) return { status: 'invalid', certificate: null, copy: null, signature };
  const load = () =>
    deps.db
      .selectFrom('certificates')
      .select(['status', 'specialties', 'registration_no', 'holder_name', 'profession', 'employer_name', 'issue_date', 'temporary'])
      .where('registration_no', '=', claims.registrationNo)
      .where('version', '=', claims.version)
      .executeTakeFirst();
  const key = certificateKey(claims.registrationNo, claims.version);
  const cert = await (deps.certificateCache ? deps.certificateCache.get(key, load) : load());
  if (!cert) return { status: 'invalid', certificate: null, copy: null, signature };
  const status = certificateStatus(cert, shanghaiToday(now));
  const copy = { ...claims.copy, inUse: checked.outcome !== 'copy_expired', version: claims.version };
  if (status === 'superseded' || status === 'void') return { status, certificate: null, copy, signature };
  return {
    status,
    certificate: verifiedDetails(cert),
    copy,
    signature,
  };
}
