/**
 * The audit log: one append-only row per sensitive action (logins, identity changes, signatures, decisions,
 * downloads). The table refuses UPDATE, DELETE and TRUNCATE (trigger in 0001_init.sql). Details never
 * hold an ID number, a code or a token.
 */
import type { DbOrTx } from '../db/database.js';
import type { Actor } from '../context.js';

export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.refresh_reuse'
  | 'auth.wechat_bound'
  | 'privacy.consented'
  | 'identity.updated'
  | 'identity.document_uploaded'
  | 'identity.face_consented'
  | 'identity.liveness_checked'
  | 'identity.verified_in_person'
  | 'application.created'
  | 'application.saved'
  | 'application.signed'
  | 'application.employer_signed'
  | 'application.release_confirmed'
  | 'application.returned'
  | 'application.filed'
  | 'application.refused'
  | 'application.deleted'
  | 'application.batch_code_sent'
  | 'application.batch_confirmed'
  | 'person.looked_up'
  | 'application.form_downloaded'
  | 'review.decided'
  | 'notice.started'
  | 'notice.objection_lodged'
  | 'notice.objection_resolved'
  | 'notice.closed'
  | 'acceptance_notice.downloaded'
  | 'qualification.imported'
  | 'review.batch_decided'
  | 'staff.invited'
  | 'staff.updated'
  | 'staff.removed'
  | 'enterprise.authority_set'
  | 'authority.created'
  | 'certificate.issued'
  | 'certificate.claimed'
  | 'certificate.downloaded'
  | 'certificate.revoked'
  | 'certificate.share_link_created'
  | 'certificate.share_link_revoked'
  | 'registration.changed'
  | 'registration.imported'
  | 'application.document_uploaded'
  | 'application.documents_purged'
  | 'enterprise.renamed'
  | 'enterprise.bound'
  | 'enterprise.binding_refused'
  | 'enterprise.profile_updated'
  | 'enterprise.operator_invited'
  | 'enterprise.operator_removed'
  | 'enterprise.rename_completed'
  | 'relay.callback_refused'
  | 'relay.callback_applied';

/**
 * Appends one entry. `enterpriseId` files it under the enterprise an operator acted for (issue 10, 0010) as
 * well as under the actor; when not given it is taken from `details.enterpriseId` (a string) or from
 * `objectId` when `objectType` is 'enterprise'.
 */
export async function audit(
  db: DbOrTx,
  entry: { actor: Actor | null; action: AuditAction; objectType?: string; objectId?: string; details?: Record<string, unknown>; enterpriseId?: string | null },
): Promise<void> {
  const fromDetails = typeof entry.details?.enterpriseId === 'string' ? (entry.details.enterpriseId as string) : null;
  const enterpriseId = entry.enterpriseId ?? fromDetails ?? (entry.objectType === 'enterprise' ? (entry.objectId ?? null) : null);
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actor?.id ?? null,
      actor_role: entry.actor?.role ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      ip: entry.actor?.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
      enterprise_id: enterpriseId,
    })
    .execute();
}
