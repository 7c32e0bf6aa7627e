/**
 * The retention rule of application documents (issue 9; stated in the README, "Professions: cost engineers
 * and architects"): the files of an application (evidence, scans, contracts, the uploaded photo and
 * signature image) are deleted APPLICATION_DOCUMENTS_RETENTION_DAYS after the application reached a final
 * status (completed, approved, not accepted, rejected, refused), and DRAFT_DOCUMENTS_RETENTION_DAYS after the
 * last change of a draft nobody signed. The register keeps its own encrypted copies of the photo and the
 * signature image the certificate prints (registrations.photo_enc / signature_enc), so certificates do not
 * depend on these files. The application, its signed form PDF and its history stay.
 */
import { FINAL_STATUSES } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import { audit } from './audit.js';

/** Three years after the matter ended: one registration period of a constructor, after which renewal brings new proof. */
export const APPLICATION_DOCUMENTS_RETENTION_DAYS = 1095;
/** Drafts never signed: half a year after their last change. */
export const DRAFT_DOCUMENTS_RETENTION_DAYS = 180;

/**
 * Deletes the documents due under the rule at `deps.now()`; returns how many files were deleted. Idempotent
 * (a second run finds nothing due); one audit entry per run that deleted something.
 */
export async function purgeApplicationDocuments(deps: Pick<Deps, 'db' | 'now'>): Promise<number> {
  const now = deps.now().getTime();
  const finalBefore = new Date(now - APPLICATION_DOCUMENTS_RETENTION_DAYS * 86_400_000);
  const draftBefore = new Date(now - DRAFT_DOCUMENTS_RETENTION_DAYS * 86_400_000);
  return deps.db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('application_documents')
      .where('application_id', 'in', (eb) =>
        eb
          .selectFrom('applications')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', 'in', [...FINAL_STATUSES]), w('updated_at', '<', finalBefore)]),
              w.and([w('status', '=', 'draft'), w('applicant_signed_at', 'is', null), w('updated_at', '<', draftBefore)]),
            ]),
          ),
      )
      .returning(['application_id', 'kind'])
      .execute();
    if (deleted.length)
      await audit(tx, { actor: null, action: 'application.documents_purged', objectType: 'application', details: { files: deleted.length, applications: new Set(deleted.map((d) => d.application_id)).size } });
    return deleted.length;
  });
}
