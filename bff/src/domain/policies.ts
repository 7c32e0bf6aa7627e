/**
 * Who may see and do what with an application, decided in one place. Anything a caller may not see is
 * reported as 404 (not 403), so ids of other people's applications reveal nothing.
 *  - applicant: their own applications;
 *  - enterprise operator: applications naming their enterprise, from the applicant's signature on (the
 *    enterprise's own filings, seed 003 §3.2.3: from their draft on);
 *  - the old employer of a temporary constructor's transfer (003 §3.2.3.9): that transfer only, from the new
 *    employer's signature on, through its own routes (loadReleaseFor); never as `enterprise_operator`;
 *  - reviewer: applications the employer has signed (the authority has them), of their authority or one below it
 *    (authorities.ts: the province sees all).
 */
import type { Role } from '@zhiyetong/shared';
import type { AuthUser } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { reviewerCovers } from './authorities.js';
import { appError, NotFound } from '../errors.js';

/** The request header naming the enterprise an operator acts for (issue 10). */
export const ENTERPRISE_HEADER = 'x-enterprise-id';
/** RouteSpec.requestHeaders of a route that reads ENTERPRISE_HEADER (operatorEnterpriseId): its OpenAPI header parameter. */
export const ENTERPRISE_SELECTOR = { 'X-Enterprise-Id': 'the enterprise to act for (an enterpriseId from GET /api/enterprise/memberships); required when the caller acts for several (else 400 enterprise_choice_required), optional with one' };

/**
 * The enterprise `userId` acts for in this request (issue 10, migration 0010: one person may act for several).
 * `requested` is the X-Enterprise-Id header (`ctx.get('x-enterprise-id')`; '' or undefined = not sent):
 *  - sent: that enterprise, if the person is an active member (legal representative or operator) of it;
 *  - not sent: the person's only active membership.
 * Read from the database on every call (a removed operator loses access at once; nothing is cached in the token).
 * Never returns null (the type keeps older callers' `if (!id)` checks compiling).
 * Errors: 404 not_found (no active membership, not a member of the requested one, or not a uuid);
 * 400 enterprise_choice_required (several memberships and no header).
 */
export async function operatorEnterpriseId(db: DbOrTx, userId: string, requested?: string | null): Promise<string | null> {
  const wanted = requested?.trim();
  if (wanted) {
    if (!UUID.test(wanted)) throw NotFound();
    const row = await activeMemberships(db, userId).where('enterprise_id', '=', wanted).executeTakeFirst();
    if (!row) throw NotFound();
    return row.enterprise_id;
  }
  const rows = await activeMemberships(db, userId).limit(2).execute();
  if (rows.length === 0) throw NotFound();
  if (rows.length > 1) throw appError('enterprise_choice_required');
  return rows[0].enterprise_id;
}

function activeMemberships(db: DbOrTx, userId: string) {
  return db.selectFrom('enterprise_operators').select(['enterprise_id', 'role']).where('user_id', '=', userId).where('removed_at', 'is', null);
}

/** The person's active membership of `enterpriseId` ({role}), or null (never a member, or removed). */
export async function enterpriseMembership(db: DbOrTx, userId: string, enterpriseId: string): Promise<{ role: 'legal_representative' | 'operator' } | null> {
  if (!UUID.test(enterpriseId)) return null;
  const row = await activeMemberships(db, userId).where('enterprise_id', '=', enterpriseId).executeTakeFirst();
  return row ? { role: row.role } : null;
}

/** Whether `user`, acting as `role`, may see `app`. */
export async function canViewApplication(db: DbOrTx, user: AuthUser, role: Role, app: ApplicationRow): Promise<boolean> {
  if (!user.roles.includes(role)) return false;
  switch (role) {
    case 'applicant':
      return app.applicant_id === user.id;
    case 'enterprise_operator':
      if (app.employer_id === null) return false;
      // the person's filing reaches the employer with their signature; the employer's own filing is its own from the draft on (0011)
      if (app.filed_by !== 'employer' && (app.status === 'draft' || app.status === 'returned')) return false;
      // an active membership (any role) of the application's employer (0010): a removed operator sees nothing at once
      return (await enterpriseMembership(db, user.id, app.employer_id)) !== null;
    case 'reviewer':
      // the authority has it from the employer's signature (a temporary constructor's transfer: from its old employer's
      // release, 003 §3.2.3.9); a member of staff sees their jurisdiction's only (issue 11)
      if (app.employer_signed_at === null || (app.releasing_employer_id !== null && app.release_signed_at === null)) return false;
      return reviewerCovers(db, user.id, app.authority_id);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads an application the caller may see in `role` (optionally locking it); 404 otherwise. */
export async function loadApplicationFor(db: DbOrTx, user: AuthUser, role: Role, id: string, opts: { lock?: boolean } = {}): Promise<ApplicationRow> {
  if (!UUID.test(id)) throw NotFound();
  let q = db.selectFrom('applications').selectAll().where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const app = await q.executeTakeFirst();
  if (!app || !(await canViewApplication(db, user, role, app))) throw NotFound();
  return app;
}

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * A temporary constructor's transfer that `user` sees as an operator of its old employer (转出单位, 003 §3.2.3.9:
 * "原单位登录系统在该模块找到相应数据点同意转出"): an active membership of `releasing_employer_id`, and the new employer
 * has signed it (not its draft). 404 for anything else, so the old employer sees only the release it must confirm.
 */
export async function loadReleaseFor(db: DbOrTx, user: AuthUser, id: string, opts: { lock?: boolean } = {}): Promise<ApplicationRow> {
  if (!UUID.test(id) || !user.roles.includes('enterprise_operator')) throw NotFound();
  let q = db.selectFrom('applications').selectAll().where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const app = await q.executeTakeFirst();
  if (!app?.releasing_employer_id || app.employer_signed_at === null) throw NotFound();
  if ((await enterpriseMembership(db, user.id, app.releasing_employer_id)) === null) throw NotFound();
  return app;
}
