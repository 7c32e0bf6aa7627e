/**
 * The registration authority's jurisdictions and staff (issue 11, "Jurisdictions and staff"; migration
 * 0012_authorities.sql). The authorities form a tree: the province's department at the root, its cities
 * below (Hunan's 申报主管部门 is a city, seed 003 §3.2.3). An enterprise belongs to the authority of its city
 * (enterprises.authority_id; null = the root) and an application goes to that authority when the employer
 * confirms it. A member of staff belongs to one authority, sees the work of that authority and of those below
 * it (the province sees all), and decides only at the stages their roles allow (STAGE_ROLE_OF); where the
 * four-eyes setting is on (config.review.fourEyes) nobody approves an application they reviewed.
 */
import { REVIEW_STAGES, STAGE_ROLE_OF, type AuthorityView, type Province, type ReviewStage, type StaffInvitationRequest, type StaffView, type StageRole } from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import { sql } from 'kysely';
import type { Db, DbOrTx, Tx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { maskPhone } from '../pii.js';
import { audit } from './audit.js';
import { routeOf } from './province.js';

/**
 * Each province's authority tree as the seeds name it (the development data, and the root a deployment starts
 * with): Shanghai 上海市住房和城乡建设管理委员会 (000 §1, 004 "上海"), Hunan 湖南省住房和城乡建设厅 with its 申报主管部门
 * 长沙市 and 邵阳市 (003 figures of 申报主管部门), Sichuan 四川省住房和城乡建设厅 (004). Region codes: GB/T 2260.
 * To move into the per-province settings files once they exist.
 */
export const PROVINCE_AUTHORITIES: Record<Province, { name: string; regionCode: string; cities: { name: string; regionCode: string }[] }> = {
  shanghai: { name: '上海市住房和城乡建设管理委员会', regionCode: '310000', cities: [] },
  hunan: {
    name: '湖南省住房和城乡建设厅',
    regionCode: '430000',
    cities: [
      { name: '长沙市住房和城乡建设局', regionCode: '430100' },
      { name: '邵阳市住房和城乡建设局', regionCode: '430500' },
    ],
  },
  sichuan: { name: '四川省住房和城乡建设厅', regionCode: '510000', cities: [] },
};

/**
 * Creates the province's authority tree when there is none (idempotent; concurrent starts settle on the
 * unique root) and makes `adminPhone`, when given, a province administrator with every stage role (the
 * development reviewer). Returns the root's id.
 */
export async function ensureAuthorities(tx: Tx, province: Province, adminPhone?: string): Promise<string> {
  const tree = PROVINCE_AUTHORITIES[province];
  await tx.insertInto('authorities').values({ name: tree.name, region_code: tree.regionCode }).onConflict((oc) => oc.doNothing()).execute();
  const root = await rootAuthority(tx);
  for (const city of tree.cities) {
    await tx.insertInto('authorities').values({ parent_id: root.id, name: city.name, region_code: city.regionCode }).onConflict((oc) => oc.doNothing()).execute();
  }
  if (adminPhone) {
    const user = await tx.selectFrom('users').select('id').where('phone', '=', adminPhone).executeTakeFirst();
    if (user) {
      await tx
        .insertInto('authority_staff')
        .values({ user_id: user.id, authority_id: root.id, stage_roles: ['accept', 'review', 'approve'], is_admin: true })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
    }
  }
  return root.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * At every start: the province's tree (ensureAuthorities) and a place for every reviewer who has none yet — a
 * reviewer of a database from before 0012 (or one given the role by hand) becomes a province administrator with
 * every stage role, as they could do everything before; administrators then narrow it. Someone removed from the
 * staff loses the reviewer role, so is not brought back. Returns how many were given a place.
 */
export async function bootstrapAuthorities(db: Db, province: Province): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rootId = await ensureAuthorities(tx, province);
    const placed = await tx
      .insertInto('authority_staff')
      .columns(['user_id', 'authority_id', 'stage_roles', 'is_admin'])
      .expression((eb) =>
        eb
          .selectFrom('users')
          .select((e) => ['users.id', e.val(rootId).as('authority_id'), sql<string[]>`array['accept', 'review', 'approve']::text[]`.as('stage_roles'), e.val(true).as('is_admin')])
          .where(sql<boolean>`'reviewer' = any(users.roles)`)
          .where((e) => e.not(e.exists(e.selectFrom('authority_staff').select('authority_staff.user_id').whereRef('authority_staff.user_id', '=', 'users.id')))),
      )
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning('user_id')
      .execute();
    return placed.length;
  });
}

async function rootAuthority(db: DbOrTx) {
  return db.selectFrom('authorities').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
}

interface AuthorityRow {
  id: string;
  parent_id: string | null;
  name: string;
  region_code: string;
}

function authorityView(a: AuthorityRow): AuthorityView {
  return { id: a.id, parentId: a.parent_id, name: a.name, regionCode: a.region_code, level: a.parent_id === null ? 'province' : 'city' };
}

/** Every authority (a province has a few dozen): the tree, root first. */
export async function listAuthorities(db: DbOrTx): Promise<AuthorityView[]> {
  const rows = await db.selectFrom('authorities').select(['id', 'parent_id', 'name', 'region_code']).execute();
  return rows.sort((a, b) => Number(a.parent_id !== null) - Number(b.parent_id !== null) || a.region_code.localeCompare(b.region_code)).map(authorityView);
}

/** The member of staff `userId` with their authority, or null (a user with the reviewer role but no place yet). */
export async function staffOf(db: DbOrTx, userId: string) {
  const row = await db
    .selectFrom('authority_staff as s')
    .innerJoin('authorities as a', 'a.id', 's.authority_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.authority_id', 's.stage_roles', 's.is_admin', 's.created_at', 'a.parent_id', 'a.name as authority_name', 'u.phone'])
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
  return row ?? null;
}
export type StaffRow = NonNullable<Awaited<ReturnType<typeof staffOf>>>;

/**
 * What a member of staff sees: `all` for the province (its root), else the ids of their authority and of
 * every authority below it. An application with no authority (before 0012) belongs to the root.
 */
export interface Jurisdiction {
  all: boolean;
  ids: string[];
  authority: AuthorityView;
}

export async function jurisdictionOf(db: DbOrTx, staff: Pick<StaffRow, 'authority_id'>): Promise<Jurisdiction> {
  const rows = await db.selectFrom('authorities').select(['id', 'parent_id', 'name', 'region_code']).execute();
  const own = rows.find((r) => r.id === staff.authority_id)!;
  const ids = [own.id];
  for (let i = 0; i < ids.length; i++) for (const r of rows) if (r.parent_id === ids[i]) ids.push(r.id);
  return { all: own.parent_id === null, ids, authority: authorityView(own) };
}

/** Whether `j` covers an application or enterprise of authority `authorityId` (null = the root). */
export function covers(j: Jurisdiction, authorityId: string | null): boolean {
  return j.all || (authorityId !== null && j.ids.includes(authorityId));
}

/** The staff row and jurisdiction of a reviewer; 403 staff_required when they have no place at an authority. */
export async function requireStaff(db: DbOrTx, userId: string): Promise<{ staff: StaffRow; jurisdiction: Jurisdiction }> {
  const staff = await staffOf(db, userId);
  if (!staff) throw appError('staff_required');
  return { staff, jurisdiction: await jurisdictionOf(db, staff) };
}

/** Whether reviewer `userId` may see an application of authority `authorityId` (policies.canViewApplication). */
export async function reviewerCovers(db: DbOrTx, userId: string, authorityId: string | null): Promise<boolean> {
  const staff = await staffOf(db, userId);
  return staff !== null && covers(await jurisdictionOf(db, staff), authorityId);
}

/** The authority an application of `enterpriseId` goes to: the enterprise's city, or the root. */
export async function authorityForEnterprise(tx: DbOrTx, enterpriseId: string | null): Promise<string | null> {
  const e = enterpriseId ? await tx.selectFrom('enterprises').select('authority_id').where('id', '=', enterpriseId).executeTakeFirst() : undefined;
  if (e?.authority_id) return e.authority_id;
  return (await tx.selectFrom('authorities').select('id').where('parent_id', 'is', null).executeTakeFirst())?.id ?? null;
}

/** The stages a member of staff may decide, from their roles. */
export function stagesOf(roles: readonly string[]): ReviewStage[] {
  return REVIEW_STAGES.filter((s) => roles.includes(STAGE_ROLE_OF[s]));
}

/**
 * Checks, inside the decision's transaction, that `userId` may decide `app` at `stage`: a place at an
 * authority (403 staff_required), the stage's role (403 stage_role_required), and with four-eyes on, at the
 * final stage of the application's route (审批; in Hunan, whose route ends with 复审, that one), no earlier
 * review decision (初审/复审) of theirs on this application (409 four_eyes_conflict). Jurisdiction is checked
 * before, by loadApplicationFor (others' applications answer 404).
 */
export async function assertMayDecide(deps: Pick<Deps, 'config'>, tx: DbOrTx, userId: string, app: ApplicationRow, stage: ReviewStage): Promise<void> {
  const staff = await staffOf(tx, userId);
  if (!staff) throw appError('staff_required');
  if (!staff.stage_roles.includes(STAGE_ROLE_OF[stage])) throw appError('stage_role_required');
  const route = routeOf(deps.config, app.type);
  if (deps.config.review.fourEyes && stage === route[route.length - 1]) {
    const reviewed = await tx
      .selectFrom('review_decisions')
      .select('id')
      .where('application_id', '=', app.id)
      .where('decided_by', '=', userId)
      .where('stage', 'in', (['first_review', 'second_review'] as const).filter((s) => s !== stage))
      .executeTakeFirst();
    if (reviewed) throw appError('four_eyes_conflict');
  }
}

/** Records a decision with its stage's start (the stage began when the application entered it). */
export async function recordDecision(tx: Tx, app: ApplicationRow, stage: ReviewStage, outcome: 'pass' | 'fail', userId: string, at: Date, batchId?: string): Promise<void> {
  await tx
    .insertInto('review_decisions')
    .values({ application_id: app.id, authority_id: app.authority_id, matter: app.type, stage, outcome, decided_by: userId, entered_at: app.stage_entered_at ?? app.updated_at, decided_at: at, batch_id: batchId ?? null })
    .execute();
}

function staffView(s: Pick<StaffRow, 'user_id' | 'authority_id' | 'authority_name' | 'stage_roles' | 'is_admin' | 'created_at' | 'phone'>): StaffView {
  return {
    userId: s.user_id,
    phoneMasked: maskPhone(s.phone),
    authority: { id: s.authority_id, name: s.authority_name },
    stageRoles: s.stage_roles as StageRole[],
    isAdmin: s.is_admin,
    invitedAt: s.created_at.toISOString(),
  };
}

export { staffView };

async function requireAdmin(db: DbOrTx, userId: string) {
  const me = await requireStaff(db, userId);
  if (!me.staff.is_admin) throw appError('staff_admin_required');
  return me;
}

/** The staff of the administrator's jurisdiction (their authority and those below), by authority then date. */
export async function listStaff(db: DbOrTx, userId: string): Promise<StaffView[]> {
  const { jurisdiction } = await requireAdmin(db, userId);
  const rows = await db
    .selectFrom('authority_staff as s')
    .innerJoin('authorities as a', 'a.id', 's.authority_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.authority_id', 's.stage_roles', 's.is_admin', 's.created_at', 'a.name as authority_name', 'u.phone'])
    .where('s.authority_id', 'in', jurisdiction.ids)
    .orderBy('a.region_code')
    .orderBy('s.created_at')
    .execute();
  return rows.map(staffView);
}

/**
 * An administrator invites a member of staff by mobile number to their own authority or, at the province,
 * to one of its cities (`authorityId`). The person logs in with that number as a reviewer (users.roles gets
 * 'reviewer'; a new number becomes a user). Errors: 403 staff_admin_required; 404 not_found for an authority
 * outside the administrator's jurisdiction; 409 staff_exists when the number already has a place.
 */
export async function inviteStaff(deps: Pick<Deps, 'db'>, actor: Actor, input: StaffInvitationRequest): Promise<StaffView> {
  return deps.db.transaction().execute(async (tx) => {
    const { jurisdiction } = await requireAdmin(tx, actor.id);
    const authorityId = input.authorityId ?? jurisdiction.authority.id;
    if (!jurisdiction.ids.includes(authorityId)) throw NotFound();
    await tx.insertInto('users').values({ phone: input.phone, roles: ['reviewer'] }).onConflict((oc) => oc.column('phone').doNothing()).execute();
    const user = await tx.selectFrom('users').select(['id', 'roles']).where('phone', '=', input.phone).forUpdate().executeTakeFirstOrThrow();
    if (await tx.selectFrom('authority_staff').select('user_id').where('user_id', '=', user.id).executeTakeFirst()) throw appError('staff_exists');
    if (!user.roles.includes('reviewer')) await tx.updateTable('users').set({ roles: [...user.roles, 'reviewer'] }).where('id', '=', user.id).execute();
    const stageRoles = [...new Set(input.stageRoles)];
    await tx.insertInto('authority_staff').values({ user_id: user.id, authority_id: authorityId, stage_roles: stageRoles, is_admin: input.isAdmin, invited_by: actor.id }).execute();
    await audit(tx, { actor, action: 'staff.invited', objectType: 'user', objectId: user.id, details: { authorityId, stageRoles, isAdmin: input.isAdmin } });
    return staffView((await staffOf(tx, user.id))!);
  });
}

/** Changes the roles of a member of staff in the administrator's jurisdiction. 409 staff_self_change for one's own administrator flag. */
export async function updateStaff(deps: Pick<Deps, 'db' | 'now'>, actor: Actor, userId: string, input: { stageRoles: StageRole[]; isAdmin: boolean }): Promise<StaffView> {
  return deps.db.transaction().execute(async (tx) => {
    const { jurisdiction } = await requireAdmin(tx, actor.id);
    const target = UUID.test(userId) ? await staffOf(tx, userId) : null;
    if (!target || !jurisdiction.ids.includes(target.authority_id)) throw NotFound();
    if (userId === actor.id && !input.isAdmin) throw appError('staff_self_change');
    const stageRoles = [...new Set(input.stageRoles)];
    await tx.updateTable('authority_staff').set({ stage_roles: stageRoles, is_admin: input.isAdmin, updated_at: deps.now() }).where('user_id', '=', userId).execute();
    await audit(tx, { actor, action: 'staff.updated', objectType: 'user', objectId: userId, details: { stageRoles, isAdmin: input.isAdmin } });
    return staffView((await staffOf(tx, userId))!);
  });
}

/** Removes a member of staff (and their reviewer role); their decisions stay on record. */
export async function removeStaff(deps: Pick<Deps, 'db'>, actor: Actor, userId: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const { jurisdiction } = await requireAdmin(tx, actor.id);
    const target = UUID.test(userId) ? await staffOf(tx, userId) : null;
    if (!target || !jurisdiction.ids.includes(target.authority_id)) throw NotFound();
    if (userId === actor.id) throw appError('staff_self_change');
    await tx.deleteFrom('authority_staff').where('user_id', '=', userId).execute();
    const user = await tx.selectFrom('users').select('roles').where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
    await tx.updateTable('users').set({ roles: user.roles.filter((r) => r !== 'reviewer') }).where('id', '=', userId).execute();
    await audit(tx, { actor, action: 'staff.removed', objectType: 'user', objectId: userId, details: { authorityId: target.authority_id } });
  });
}

/**
 * Puts an enterprise under the authority of its city (null = the province root); later applications of its
 * people go there (those already with an authority stay). Only a province administrator. Errors: 403
 * staff_admin_required; 404 not_found (enterprise or authority).
 */
export async function setEnterpriseAuthority(deps: Pick<Deps, 'db'>, actor: Actor, enterpriseId: string, authorityId: string | null) {
  return deps.db.transaction().execute(async (tx) => {
    if (!UUID.test(enterpriseId)) throw NotFound();
    const { jurisdiction } = await requireAdmin(tx, actor.id);
    if (!jurisdiction.all) throw appError('staff_admin_required');
    if (authorityId !== null && !jurisdiction.ids.includes(authorityId)) throw NotFound();
    const updated = await tx.updateTable('enterprises').set({ authority_id: authorityId }).where('id', '=', enterpriseId).returning(['id', 'name', 'authority_id']).executeTakeFirst();
    if (!updated) throw NotFound();
    await audit(tx, { actor, action: 'enterprise.authority_set', objectType: 'enterprise', objectId: enterpriseId, details: { authorityId } });
    return { id: updated.id, name: updated.name, authorityId: updated.authority_id };
  });
}

/**
 * A province administrator adds an authority below the root (a city or district office, GB/T 2260 code).
 * Errors: 403 staff_admin_required (not a province administrator); 409 authority_exists (code taken).
 */
export async function createAuthority(deps: Pick<Deps, 'db'>, actor: Actor, input: { name: string; regionCode: string }): Promise<AuthorityView> {
  return deps.db.transaction().execute(async (tx) => {
    const { jurisdiction } = await requireAdmin(tx, actor.id);
    if (!jurisdiction.all) throw appError('staff_admin_required');
    const row = await tx
      .insertInto('authorities')
      .values({ parent_id: jurisdiction.authority.id, name: input.name, region_code: input.regionCode })
      .onConflict((oc) => oc.column('region_code').doNothing())
      .returning(['id', 'parent_id', 'name', 'region_code'])
      .executeTakeFirst();
    if (!row) throw appError('authority_exists');
    await audit(tx, { actor, action: 'authority.created', objectType: 'authority', objectId: row.id, details: { name: input.name, regionCode: input.regionCode } });
    return authorityView(row);
  });
}
