/**
 * The real-name record (实名信息): name and resident ID number, with gender and birth date derived from the
 * number (GB 11643-1999). The number is stored encrypted with a keyed hash for lookup; one person, one
 * account. Once verified (liveness or in person) or used on a signed application, it can no longer be
 * changed here (seed 000 §3.5: name or ID changes go to the authority).
 */
import { sql } from 'kysely';
import { parseIdNumber, type IdentityView } from '@zhiyetong/shared';
import type { Deps, Actor } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { IdentityRow } from '../db/schema.js';
import { appError } from '../errors.js';
import { audit } from './audit.js';
import { maskIdNumber } from '@zhiyetong/shared';

export async function findIdentity(db: DbOrTx, userId: string): Promise<IdentityRow | undefined> {
  return db.selectFrom('identities').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function presentIdentity(row: IdentityRow, idNumber: string): IdentityView {
  return {
    name: row.name,
    idNumberMasked: maskIdNumber(idNumber),
    gender: row.gender,
    birthDate: row.birth_date,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    verificationMethod: row.verification_method,
  };
}

/** PostgreSQL's unique_violation on identities.id_number_hash (identities_id_number_hash_key). */
function isIdNumberTaken(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && (err.constraint ?? '').includes('id_number_hash');
}

/**
 * Sets the caller's real-name data. Errors: 409 identity_locked (verified, or an application was signed),
 * 409 identity_taken (the number belongs to another account, also when several accounts save it at the
 * same moment: saves of one number are serialised by an advisory lock on its keyed hash, and a unique
 * violation that still slips through is reported the same way).
 */
export async function setIdentity(deps: Pick<Deps, 'db' | 'pii' | 'now'>, actor: Actor, input: { name: string; idNumber: string }): Promise<IdentityView> {
  try {
    return await saveIdentity(deps, actor, input);
  } catch (e) {
    if (isIdNumberTaken(e)) throw appError('identity_taken');
    throw e;
  }
}

async function saveIdentity(deps: Pick<Deps, 'db' | 'pii' | 'now'>, actor: Actor, input: { name: string; idNumber: string }): Promise<IdentityView> {
  const hash = deps.pii.lookupHash(input.idNumber);
  const derived = parseIdNumber(input.idNumber);
  return deps.db.transaction().execute(async (tx) => {
    // one ID number at a time: the second saver waits, then sees the first as the owner
    await sql`select pg_advisory_xact_lock(hashtextextended(${'identity:' + hash.toString('hex')}, 0))`.execute(tx);
    const existing = await tx.selectFrom('identities').selectAll().where('user_id', '=', actor.id).forUpdate().executeTakeFirst();
    if (existing) {
      const unchanged = existing.name === input.name && existing.id_number_hash.equals(hash);
      if (unchanged) return presentIdentity(existing, input.idNumber);
      const signed = await tx
        .selectFrom('applications')
        .select('id')
        .where('applicant_id', '=', actor.id)
        .where('applicant_signed_at', 'is not', null)
        .executeTakeFirst();
      if (existing.verified_at || signed) throw appError('identity_locked');
    }
    const owner = await tx.selectFrom('identities').select('user_id').where('id_number_hash', '=', hash).executeTakeFirst();
    if (owner && owner.user_id !== actor.id) throw appError('identity_taken');
    const values = {
      name: input.name,
      id_number_enc: deps.pii.encrypt(input.idNumber),
      id_number_hash: hash,
      gender: derived.gender,
      birth_date: derived.birthDate,
      updated_at: deps.now(),
    };
    const row = await tx
      .insertInto('identities')
      .values({ user_id: actor.id, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { actor, action: 'identity.updated', objectType: 'user', objectId: actor.id });
    return presentIdentity(row, input.idNumber);
  });
}
