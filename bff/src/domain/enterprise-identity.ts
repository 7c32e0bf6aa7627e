/**
 * Enterprise identity and operators (issue 10; seed 003 §3.2.2): an enterprise joins the platform through
 * its legal representative (法定代表人), who invites and removes operators (经办人) and keeps the enterprise's
 * basic information (企业基本信息, 003 §3.2.2.1). Memberships live in `enterprise_operators` (migration 0010):
 * one row per (enterprise, person), role legal_representative | operator, active while removed_at is null.
 * Every action is audited under the person (actor_id) and the enterprise (audit_log.enterprise_id).
 * Which enterprise a request acts for: policies.ts operatorEnterpriseId (header X-Enterprise-Id).
 */
import type { EnterpriseBindingResult } from '@zhiyetong/shared';
import {
  maskPhone,
  missingProfileFields,
  REQUIRED_PROFILE_FIELDS,
  sameName,
  type EnterpriseMemberView,
  type EnterpriseMembershipView,
  type EnterpriseProfile,
  type EnterpriseProfileView,
  type ErrorCode,
} from '@zhiyetong/shared';
import { sql } from 'kysely';
import { EnterpriseRegistryUnavailable, type EnterpriseRecord } from '../adapters/enterprise-registry.js';
import type { Actor, Deps } from '../context.js';
import type { DbOrTx, Tx } from '../db/database.js';
import { appError, AppError, NotFound } from '../errors.js';
import { audit } from './audit.js';
import { enqueue } from './outbox.js';
import { findIdentity } from './identity.js';
import { enterpriseMembership, isUuid } from './policies.js';

type BindDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'log' | 'enterpriseRegistry'>;

export type BindingResult = EnterpriseBindingResult;

/**
 * Binds the enterprise with unified social credit code `uscc` (already checked: GB 32100 check character,
 * upper case) to the caller, its legal representative. Steps: the caller has a verified real-name record
 * (409 identity_required / identity_unverified); the business registry knows the code (422
 * enterprise_not_in_registry; 503 registry_unavailable on a timeout or error) and says it is active (422
 * enterprise_inactive for 注销/吊销/停业); its legal representative's name (and ID number, when the registry
 * gives one) is the caller's (403 not_legal_representative). Then, in ONE transaction: the enterprises row
 * is created (409 enterprise_name_taken when another code holds the registered name) or claimed; a former
 * legal representative's membership ends; the caller's membership is legal_representative; the caller gains
 * the enterprise_operator role; the audit entry. A refusal writes an `enterprise.binding_refused` audit entry
 * and nothing else.
 */
export async function bindEnterprise(deps: BindDeps, actor: Actor, uscc: string): Promise<BindingResult> {
  const refuse = async (code: ErrorCode, extra: Record<string, unknown> = {}, enterpriseId?: string): Promise<never> => {
    await audit(deps.db, { actor, action: 'enterprise.binding_refused', objectType: 'enterprise_binding', objectId: uscc, enterpriseId, details: { uscc, reason: code, ...extra } });
    throw appError(code);
  };
  const identity = await findIdentity(deps.db, actor.id);
  if (!identity) return refuse('identity_required');
  if (!identity.verified_at) return refuse('identity_unverified');

  let record: EnterpriseRecord | null;
  try {
    record = await deps.enterpriseRegistry.lookup(uscc);
  } catch (e) {
    if (!(e instanceof EnterpriseRegistryUnavailable)) throw e;
    deps.log.warn({ error: e.message }, 'enterprise registry unavailable (binding)');
    return refuse('registry_unavailable');
  }
  if (!record) return refuse('enterprise_not_in_registry');
  if (record.status !== 'active') return refuse('enterprise_inactive', { registryStatus: record.status });
  const idNumber = deps.pii.decrypt(identity.id_number_enc).toUpperCase();
  const nameMatches = sameName(identity.name, record.legalRepresentative);
  const idMatches = !record.legalRepresentativeIdNumber || record.legalRepresentativeIdNumber.toUpperCase() === idNumber;
  if (!nameMatches || !idMatches) return refuse('not_legal_representative', { nameMatches, idNumberChecked: Boolean(record.legalRepresentativeIdNumber) });

  const rec = record;
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const now = deps.now();
      let enterprise = await tx.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('uscc', '=', rec.uscc).forUpdate().executeTakeFirst();
      let outcome: BindingResult['outcome'] = 'claimed';
      if (!enterprise) {
        const taken = await tx.selectFrom('enterprises').select('id').where('name', '=', rec.name).executeTakeFirst();
        if (taken) throw appError('enterprise_name_taken');
        await tx.insertInto('enterprises').values({ name: rec.name, uscc: rec.uscc }).onConflict((oc) => oc.column('uscc').doNothing()).execute();
        enterprise = await tx.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('uscc', '=', rec.uscc).forUpdate().executeTakeFirstOrThrow();
        outcome = 'created';
      }
      const current = await tx
        .selectFrom('enterprise_operators')
        .select(['user_id'])
        .where('enterprise_id', '=', enterprise.id)
        .where('role', '=', 'legal_representative')
        .where('removed_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      let replaced: string | null = null;
      if (current?.user_id === actor.id) outcome = 'already';
      else if (current) {
        // the registry names someone else now (法定代表人变更): the former one's membership ends
        replaced = current.user_id;
        await tx.updateTable('enterprise_operators').set({ removed_at: now, removed_by: actor.id }).where('enterprise_id', '=', enterprise.id).where('user_id', '=', current.user_id).execute();
        await dropOperatorRoleIfNoMemberships(tx, current.user_id);
      }
      if (outcome !== 'already') {
        await tx
          .insertInto('enterprise_operators')
          .values({ enterprise_id: enterprise.id, user_id: actor.id, role: 'legal_representative', invited_at: now, invited_by: actor.id })
          .onConflict((oc) => oc.columns(['enterprise_id', 'user_id']).doUpdateSet({ role: 'legal_representative', invited_at: now, invited_by: actor.id, removed_at: null, removed_by: null }))
          .execute();
      }
      await tx
        .updateTable('enterprises')
        .set({ legal_representative_name: rec.legalRepresentative, registry_status: rec.status, registry_checked_at: now, ...(outcome === 'already' ? {} : { bound_at: now }) })
        .where('id', '=', enterprise.id)
        .execute();
      const roleAdded = await addOperatorRole(tx, actor.id);
      await audit(tx, {
        actor,
        action: 'enterprise.bound',
        objectType: 'enterprise',
        objectId: enterprise.id,
        enterpriseId: enterprise.id,
        details: { uscc: rec.uscc, outcome, ...(replaced ? { formerLegalRepresentativeId: replaced } : {}) },
      });
      const membership = (await listMemberships(tx, actor.id)).find((m) => m.enterpriseId === enterprise.id)!;
      return { membership, outcome, sessionRefreshRequired: roleAdded };
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'enterprise_name_taken') return refuse('enterprise_name_taken');
    throw e;
  }
}

/** Adds enterprise_operator to the person's roles; true when it was not there (their token's roles are stale). */
async function addOperatorRole(tx: Tx, userId: string): Promise<boolean> {
  const r = await tx
    .updateTable('users')
    .set({ roles: sql<string[]>`array_append(roles, 'enterprise_operator')` })
    .where('id', '=', userId)
    .where(sql<boolean>`not ('enterprise_operator' = any(roles))`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A person who acts for no enterprise any more loses the enterprise_operator role (keeping at least applicant). */
async function dropOperatorRoleIfNoMemberships(tx: Tx, userId: string): Promise<void> {
  const any = await tx.selectFrom('enterprise_operators').select('enterprise_id').where('user_id', '=', userId).where('removed_at', 'is', null).limit(1).executeTakeFirst();
  if (any) return;
  await tx
    .updateTable('users')
    .set({ roles: sql<string[]>`case when array_remove(roles, 'enterprise_operator') = '{}' then '{applicant}'::text[] else array_remove(roles, 'enterprise_operator') end` })
    .where('id', '=', userId)
    .execute();
}

/** The enterprises `userId` acts for (active memberships), legal representative ones first, then by name. */
export async function listMemberships(db: DbOrTx, userId: string): Promise<EnterpriseMembershipView[]> {
  const rows = await db
    .selectFrom('enterprise_operators as o')
    .innerJoin('enterprises as e', 'e.id', 'o.enterprise_id')
    .select(['e.id', 'e.name', 'e.uscc', 'e.profile', 'o.role', 'o.invited_at'])
    .where('o.user_id', '=', userId)
    .where('o.removed_at', 'is', null)
    .orderBy(sql`o.role = 'legal_representative'`, 'desc')
    .orderBy('e.name')
    .execute();
  return rows.map((r) => ({ enterpriseId: r.id, name: r.name, uscc: r.uscc, role: r.role, since: r.invited_at.toISOString(), profileComplete: missingProfileFields(r.profile).length === 0 }));
}

/** 403 forbidden unless `userId` is the enterprise's active legal representative (a plain operator is a member, so 403, not 404). */
export async function requireLegalRepresentative(db: DbOrTx, userId: string, enterpriseId: string): Promise<void> {
  const m = await enterpriseMembership(db, userId, enterpriseId);
  if (!m) throw NotFound();
  if (m.role !== 'legal_representative') throw appError('forbidden');
}

/** 企业基本信息 of `enterpriseId` with what is still missing. */
export async function getEnterpriseProfile(db: DbOrTx, enterpriseId: string): Promise<EnterpriseProfileView> {
  const e = await db.selectFrom('enterprises').selectAll().where('id', '=', enterpriseId).executeTakeFirst();
  if (!e) throw NotFound();
  const profile = e.profile as EnterpriseProfile;
  return {
    enterpriseId: e.id,
    name: e.name,
    uscc: e.uscc,
    legalRepresentativeName: e.legal_representative_name,
    profile,
    missing: missingProfileFields(profile).map((field) => ({ field, message: REQUIRED_PROFILE_FIELDS[field] })),
    updatedAt: e.profile_updated_at?.toISOString() ?? null,
  };
}

/**
 * Replaces the basic information (the legal representative only: call requireLegalRepresentative first).
 * Empty (null) fields are not stored. Audited with the names of the fields that changed (not their values).
 */
export async function updateEnterpriseProfile(deps: Pick<Deps, 'db' | 'now'>, actor: Actor, enterpriseId: string, input: EnterpriseProfile): Promise<EnterpriseProfileView> {
  const profile = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined && v !== ''));
  return deps.db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('enterprises').select('profile').where('id', '=', enterpriseId).forUpdate().executeTakeFirst();
    if (!before) throw NotFound();
    const old = before.profile as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(old), ...Object.keys(profile)])].filter((k) => JSON.stringify(old[k]) !== JSON.stringify(profile[k])).sort();
    await tx.updateTable('enterprises').set({ profile: JSON.stringify(profile), profile_updated_at: deps.now(), profile_updated_by: actor.id }).where('id', '=', enterpriseId).execute();
    await audit(tx, { actor, action: 'enterprise.profile_updated', objectType: 'enterprise', objectId: enterpriseId, enterpriseId, details: { changed, missing: missingProfileFields(profile) } });
    return getEnterpriseProfile(tx, enterpriseId);
  });
}

/**
 * The filing gate (003 §3.2.2.1: 企业需要先完善基本信息后才能去申报其他业务): 409
 * enterprise_profile_incomplete with `fields` naming each missing required field, unless the enterprise's
 * basic information is complete. Called before an employer signature code is sent and before the employer
 * signs; employer filings and batch confirmation call it too.
 */
export async function assertEnterpriseProfileComplete(db: DbOrTx, enterpriseId: string): Promise<void> {
  const e = await db.selectFrom('enterprises').select('profile').where('id', '=', enterpriseId).executeTakeFirst();
  if (!e) throw NotFound();
  const missing = missingProfileFields(e.profile);
  if (missing.length) throw appError('enterprise_profile_incomplete', Object.fromEntries(missing.map((f) => [f, REQUIRED_PROFILE_FIELDS[f]])));
}

/** The enterprise's members (legal representative first), phones masked, real names where recorded. */
export async function listMembers(db: DbOrTx, enterpriseId: string): Promise<EnterpriseMemberView[]> {
  const rows = await db
    .selectFrom('enterprise_operators as o')
    .innerJoin('users as u', 'u.id', 'o.user_id')
    .leftJoin('identities as i', 'i.user_id', 'o.user_id')
    .select(['o.user_id', 'o.role', 'o.invited_at', 'u.phone', 'i.name'])
    .where('o.enterprise_id', '=', enterpriseId)
    .where('o.removed_at', 'is', null)
    .orderBy(sql`o.role = 'legal_representative'`, 'desc')
    .orderBy('o.invited_at')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, role: r.role, phoneMasked: maskPhone(r.phone), name: r.name ?? null, invitedAt: r.invited_at.toISOString() }));
}

/**
 * The legal representative invites an operator by mobile number: the person (a new account when the number
 * has none) becomes an active operator of the enterprise at once and gains the enterprise_operator role (it
 * shows after their next login or refresh). A removed operator invited again is re-activated. Either way they get
 * an SMS naming the enterprise (template operator_invited: a Tencent template of its own,
 * TENCENT_SMS_TEMPLATE_ID_OPERATOR_INVITED), queued in the outbox in the same transaction.
 * Errors: 409 operator_already_member.
 */
export async function inviteOperator(deps: Pick<Deps, 'db' | 'now'>, actor: Actor, enterpriseId: string, phone: string): Promise<EnterpriseMemberView> {
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.now();
    await tx.insertInto('users').values({ phone, roles: ['applicant', 'enterprise_operator'] }).onConflict((oc) => oc.column('phone').doNothing()).execute();
    const user = await tx.selectFrom('users').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
    const existing = await tx.selectFrom('enterprise_operators').select(['removed_at']).where('enterprise_id', '=', enterpriseId).where('user_id', '=', user.id).forUpdate().executeTakeFirst();
    if (existing && existing.removed_at === null) throw appError('operator_already_member');
    if (existing) {
      await tx.updateTable('enterprise_operators').set({ role: 'operator', invited_at: now, invited_by: actor.id, removed_at: null, removed_by: null }).where('enterprise_id', '=', enterpriseId).where('user_id', '=', user.id).execute();
    } else {
      await tx.insertInto('enterprise_operators').values({ enterprise_id: enterpriseId, user_id: user.id, role: 'operator', invited_at: now, invited_by: actor.id }).execute();
    }
    await addOperatorRole(tx, user.id);
    // the invited person is told by SMS (template operator_invited, its own Tencent template id), in the same transaction
    const enterprise = await tx.selectFrom('enterprises').select('name').where('id', '=', enterpriseId).executeTakeFirstOrThrow();
    await enqueue(tx, { channel: 'sms', phone, message: { template: 'operator_invited', params: [enterprise.name] } });
    await audit(tx, { actor, action: 'enterprise.operator_invited', objectType: 'user', objectId: user.id, enterpriseId, details: { phoneMasked: maskPhone(phone), reinvited: Boolean(existing) } });
    return (await listMembers(tx, enterpriseId)).find((m) => m.userId === user.id)!;
  });
}

/**
 * The legal representative removes an operator: from this moment every request of that person for this
 * enterprise answers 404 (memberships are read on every request). A person left without any enterprise
 * loses the enterprise_operator role. Errors: 404 not_found (not an active member), 409
 * legal_representative_not_removable.
 */
export async function removeOperator(deps: Pick<Deps, 'db' | 'now'>, actor: Actor, enterpriseId: string, userId: string): Promise<void> {
  if (!isUuid(userId)) throw NotFound();
  await deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('enterprise_operators').select(['role']).where('enterprise_id', '=', enterpriseId).where('user_id', '=', userId).where('removed_at', 'is', null).forUpdate().executeTakeFirst();
    if (!row) throw NotFound();
    if (row.role === 'legal_representative') throw appError('legal_representative_not_removable');
    await tx.updateTable('enterprise_operators').set({ removed_at: deps.now(), removed_by: actor.id }).where('enterprise_id', '=', enterpriseId).where('user_id', '=', userId).execute();
    await dropOperatorRoleIfNoMemberships(tx, userId);
    await audit(tx, { actor, action: 'enterprise.operator_removed', objectType: 'user', objectId: userId, enterpriseId });
  });
}
