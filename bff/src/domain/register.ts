/**
 * The register (注册信息库, ../shared/catalogue.md): one registration per person and profession, its
 * specialties, and the history of every change. It is read as a shared `RegisterState` (the matters'
 * rules and effects are pure functions over it, shared/src/matters.ts) and written only here, by
 * `writeRegister`, inside the transaction of the matter step that completes a matter, together with the
 * registration event, the audit entry and the certificate version.
 */
import { certificateContent, type Profession, type RegisterState, type RegistrationType, type Specialty } from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { DbOrTx, Tx } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { audit } from './audit.js';
import { issueCertificateVersion, voidCertificates, type PreparedCertificate } from './certificates.js';

export interface LoadedRegistration {
  row: RegistrationRow;
  state: RegisterState;
}

/** Builds the shared RegisterState from a registrations row and its specialties. */
export async function registerStateOf(db: DbOrTx, row: RegistrationRow): Promise<RegisterState> {
  const [specialties, employer] = await Promise.all([
    db.selectFrom('registration_specialties').selectAll().where('registration_id', '=', row.id).orderBy('position').orderBy('specialty').execute(),
    row.employer_id ? db.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('id', '=', row.employer_id).executeTakeFirst() : undefined,
  ]);
  return {
    profession: row.profession as Profession,
    registrationNo: row.registration_no,
    status: row.status,
    holderName: row.holder_name,
    employer: employer ? { id: employer.id, name: row.employer_name, uscc: employer.uscc } : null,
    specialties: specialties.map((s) => ({ specialty: s.specialty as Specialty, registeredOn: s.registered_on, validUntil: s.valid_until, status: s.status })),
    lastEmployerChangeOn: row.last_employer_change_on,
    hasElectronicCertificate: row.has_electronic_certificate,
    ...(row.temporary ? { temporary: true } : {}),
  };
}

/**
 * The registration of the person with ID-number hash `idNumberHash` in `profession` (found by ID number, so
 * that a registration loaded from the paper register is found for its holder), or null. `lock` takes a
 * row lock for the rest of the transaction.
 */
export async function findRegistration(db: DbOrTx, idNumberHash: Buffer, profession: Profession, opts: { lock?: boolean } = {}): Promise<LoadedRegistration | null> {
  let q = db.selectFrom('registrations').selectAll().where('holder_id_number_hash', '=', idNumberHash).where('profession', '=', profession);
  if (opts.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? { row, state: await registerStateOf(db, row) } : null;
}

/** The registration with `id`, or null. */
export async function registrationById(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<LoadedRegistration | null> {
  let q = db.selectFrom('registrations').selectAll().where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? { row, state: await registerStateOf(db, row) } : null;
}

/** The person's registration for an applicant user (by their real-name record's ID-number hash). */
export async function registrationOfUser(db: DbOrTx, userId: string, profession: Profession, opts: { lock?: boolean } = {}): Promise<LoadedRegistration | null> {
  const identity = await db.selectFrom('identities').select('id_number_hash').where('user_id', '=', userId).executeTakeFirst();
  return identity ? findRegistration(db, identity.id_number_hash, profession, opts) : null;
}

export interface RegisterChange {
  matter: RegistrationType | 'employer_rename' | 'import';
  applicationId?: string | null;
  batchId?: string | null;
  actor: Actor | null;
  /** For a new registration: whose it is. */
  holder?: { userId: string | null; idNumberEnc: Buffer; idNumberHash: Buffer; gender: 'male' | 'female' };
  source?: 'application' | 'import';
  photo?: { content: Buffer; type: string } | null;
  /** A new signature image for the certificate (001 §4), with the date it was given (签名日期). */
  signature?: { content: Buffer; type: string; date: string } | null;
}

/**
 * Writes `after` as the register's new content for `existing` (or creates the registration when `existing`
 * is null), records the registration event (before → after), the audit entry and, where what the
 * certificate shows changed, the next certificate version (or voids the certificates when the registration
 * ended). Must run inside the transaction of the step that completes the matter; `opts.certificate` is that
 * version's first copy when it was signed before the transaction (used if it matches the row, see
 * issueCertificateVersion). Returns the registration id
 * and the id of the certificate version issued, if any.
 */
export async function writeRegister(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'pii' | 'log' | 'faults'>,
  tx: Tx,
  existing: LoadedRegistration | null,
  after: RegisterState,
  change: RegisterChange,
  opts: { issueCertificate?: boolean; certificate?: PreparedCertificate } = {},
): Promise<{ registrationId: string; certificateId: string | null }> {
  const now = deps.now();
  const values = {
    profession: after.profession,
    registration_no: after.registrationNo,
    holder_name: after.holderName,
    employer_id: after.employer?.id ?? null,
    employer_name: after.employer?.name ?? '',
    status: after.status,
    last_employer_change_on: after.lastEmployerChangeOn,
    has_electronic_certificate: after.hasElectronicCertificate,
    temporary: after.temporary === true,
    updated_at: now,
    ...(change.photo ? { photo_enc: deps.pii.encrypt(change.photo.content.toString('base64')), photo_type: change.photo.type } : {}),
    ...(change.signature ? { signature_enc: deps.pii.encrypt(change.signature.content.toString('base64')), signature_type: change.signature.type, signature_date: change.signature.date } : {}),
  };
  let id: string;
  if (existing) {
    id = existing.row.id;
    await tx.updateTable('registrations').set({ ...values, version: existing.row.version + 1 }).where('id', '=', id).execute();
    await tx.deleteFrom('registration_specialties').where('registration_id', '=', id).execute();
  } else {
    if (!change.holder) throw new Error('writeRegister: a new registration needs its holder');
    const row = await tx
      .insertInto('registrations')
      .values({
        ...values,
        holder_id: change.holder.userId,
        holder_id_number_enc: change.holder.idNumberEnc,
        holder_id_number_hash: change.holder.idNumberHash,
        gender: change.holder.gender,
        source: change.source ?? 'application',
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  }
  if (after.specialties.length)
    await tx
      .insertInto('registration_specialties')
      .values(after.specialties.map((s, i) => ({ registration_id: id, specialty: s.specialty, registered_on: s.registeredOn, valid_until: s.validUntil, status: s.status, position: i })))
      .execute();
  await tx
    .insertInto('registration_events')
    .values({ registration_id: id, matter: change.matter, application_id: change.applicationId ?? null, batch_id: change.batchId ?? null, before: existing ? JSON.stringify(existing.state) : null, after: JSON.stringify(after), at: now })
    .execute();
  await audit(tx, { actor: change.actor, action: 'registration.changed', objectType: 'registration', objectId: id, details: { matter: change.matter, applicationId: change.applicationId ?? null, batchId: change.batchId ?? null, status: after.status } });

  let certificateId: string | null = null;
  if (after.status === 'cancelled') {
    await voidCertificates(deps, tx, id);
  } else if (issuesCertificate(existing, after, opts.issueCertificate)) {
    const row = await tx.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    certificateId = await issueCertificateVersion(deps, tx, row, after, { matter: change.matter, applicationId: change.applicationId ?? null }, opts.certificate);
  }
  return { registrationId: id, certificateId };
}

/**
 * Whether writing `after` over `existing` issues a certificate version (writeRegister): not for a cancelled
 * registration (its certificates are voided), only with an electronic certificate, and then when `issue` says
 * so, else for a new registration or when what the certificate shows changed.
 */
export function issuesCertificate(existing: LoadedRegistration | null, after: RegisterState, issue?: boolean): boolean {
  if (after.status === 'cancelled' || !after.hasElectronicCertificate) return false;
  return issue ?? (!existing || !existing.state.hasElectronicCertificate || certificateContent(existing.state) !== certificateContent(after));
}

/** The registration's history, oldest first: which matter changed it, when, and the register before and after. */
export async function registrationHistory(db: DbOrTx, registrationId: string) {
  const rows = await db.selectFrom('registration_events').selectAll().where('registration_id', '=', registrationId).orderBy('id').execute();
  return rows.map((r) => ({ matter: r.matter, applicationId: r.application_id, batchId: r.batch_id, at: r.at.toISOString(), before: r.before as RegisterState | null, after: r.after as RegisterState }));
}
