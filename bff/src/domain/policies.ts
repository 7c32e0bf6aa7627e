/**
 * Who may see and do what with an application, decided in one place. Anything a caller may not see is
 * reported as 404 (not 403), so ids of other people's applications reveal nothing.
 *  - applicant: their own applications;
 *  - enterprise operator: applications naming their enterprise, from the applicant's signature on;
 *  - reviewer: applications the employer has signed (the authority has them).
 */
import type { Role } from '@zhiyetong/shared';
import type { AuthUser } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { NotFound } from '../errors.js';

export async function operatorEnterpriseId(db: DbOrTx, userId: string): Promise<string | null> {
  const row = await db.selectFrom('enterprise_operators').select('enterprise_id').where('user_id', '=', userId).executeTakeFirst();
  return row?.enterprise_id ?? null;
}

/** Whether `user`, acting as `role`, may see `app`. */
export async function canViewApplication(db: DbOrTx, user: AuthUser, role: Role, app: ApplicationRow): Promise<boolean> {
  if (!user.roles.includes(role)) return false;
  switch (role) {
    case 'applicant':
      return app.applicant_id === user.id;
    case 'enterprise_operator':
      return app.employer_id !== null && app.status !== 'draft' && app.status !== 'returned' && app.employer_id === (await operatorEnterpriseId(db, user.id));
    case 'reviewer':
      return app.employer_signed_at !== null;
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
