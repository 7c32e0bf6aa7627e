/**
 * Which documents an application needs now and which are uploaded (shared documentRequirements over the
 * saved form and the matter's definition): shown in ApplicationView.requiredDocuments, and checked before the
 * applicant signs, which files the application (issue 9: filing is refused while a required one is missing).
 */
import { MATTERS, documentFacts, documentRequirements, type DocumentRequirement, type Profession, type RegistrationType } from '@zhiyetong/shared';
import type { DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { appError } from '../errors.js';
import { dateAtShanghaiNoon, shanghaiDate } from '../time.js';

/** Every document of `app` with its state; lateness is judged on the date the form was last saved (as the form's check did). */
export async function applicationDocumentRequirements(db: DbOrTx, app: Pick<ApplicationRow, 'id' | 'profession' | 'type' | 'form' | 'updated_at'>): Promise<DocumentRequirement[]> {
  const uploaded = (await db.selectFrom('application_documents').select('kind').where('application_id', '=', app.id).execute()).map((d) => d.kind);
  const type = app.type as RegistrationType;
  const def = MATTERS[type];
  const facts = documentFacts(app.profession as Profession, app.form, dateAtShanghaiNoon(shanghaiDate(app.updated_at)));
  return documentRequirements(app.profession as Profession, type, facts, uploaded, { photoRequired: def.photoRequired, evidenceRequired: def.evidenceRequired });
}

/**
 * Refuses to file while a required document is missing: 409 photo_required / evidence_required /
 * signature_image_required for those kinds (their own messages), else documents_required with a message per
 * missing kind (`fields[kind]`, e.g. `{"qualification_scan": "外省市签发的资格证书须上传扫描件：…"}`).
 */
export async function assertDocumentsComplete(db: DbOrTx, app: Pick<ApplicationRow, 'id' | 'profession' | 'type' | 'form' | 'updated_at'>): Promise<void> {
  const missing = (await applicationDocumentRequirements(db, app)).filter((d) => d.required && d.state === 'missing');
  if (!missing.length) return;
  if (missing.some((d) => d.kind === 'photo')) throw appError('photo_required');
  if (missing.some((d) => d.kind === 'evidence')) throw appError('evidence_required');
  if (missing.length === 1 && missing[0].kind === 'signature') throw appError('signature_image_required', { signature: missing[0].hint });
  const fields = Object.fromEntries(missing.map((d) => [d.kind, `请上传${d.label}。${d.hint}`]));
  throw appError('documents_required', fields, `请先上传：${missing.map((d) => d.label).join('、')}`);
}
