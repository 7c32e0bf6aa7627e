/**
 * Files uploaded with an application: the photo printed on the form and the certificate (000 §3.1.1 step 4:
 * 该照片最终显示在电子版证书上; §5) and the evidence of a change of name, ID number or employer (004).
 * Stored AES-256-GCM encrypted like the ID card photos; uploading again replaces the file and, like saving,
 * voids the signatures (the signed form shows the photo).
 */
import type { Actor, AuthUser, Deps } from '../context.js';
import { FILING_PATHS, type ApplicationStatus } from '@zhiyetong/shared';
import type { Role } from '@zhiyetong/shared';
import { APPLICATION_DOCUMENTS_MAX_BYTES, DOCUMENT_RULES, isDocumentKind, type DocumentKind } from '@zhiyetong/shared';
import { sql } from 'kysely';
import { pdfProblem, signatureProblem } from './document-checks.js';
import { appError, NotFound } from '../errors.js';
import type { SniffedType } from '../http/uploads.js';
import { sniffType } from '../http/uploads.js';
import { isEmbeddablePhoto } from '../pdf/photo.js';
import { audit } from './audit.js';
import { loadApplicationFor } from './policies.js';

/**
 * The kinds and what each accepts are shared data (shared/src/documents.ts DOCUMENT_RULES: photo, signature,
 * evidence, qualification_certificate, qualification_scan, diploma, work_proof, employment_contract,
 * ce_proof, contract_ended; per-file limits, PDF-only kinds, the signature image's pixel bounds).
 */
export type ApplicationDocumentKind = DocumentKind;
export { DOCUMENT_RULES, isDocumentKind };

/**
 * Stores `file` as the application's `kind` document, replacing an earlier one; voids the signatures of a
 * signed form. Errors: 404 (not the caller's application); 409 application_locked once the authority has it;
 * 413 payload_too_large; 422 upload_invalid (wrong type, checked by magic bytes; a photo that cannot be embedded in a PDF).
 */
export async function uploadApplicationDocument(deps: Pick<Deps, 'db' | 'pii' | 'now'>, user: AuthUser, actor: Actor, id: string, kind: ApplicationDocumentKind, file: Buffer, role: 'applicant' | 'enterprise_operator' = 'applicant') {
  const rules = DOCUMENT_RULES[kind];
  const type = sniffType(file);
  if (!type || !(rules.types as readonly SniffedType[]).includes(type)) {
    // a PDF-only kind (002 scans) says what is wrong: the bytes are not a PDF, whatever the file is named
    const pdfOnly = rules.types.length === 1 && rules.types[0] === 'application/pdf';
    const message = pdfOnly ? `文件不是有效的 PDF 文件（${type === 'image/jpeg' ? '实际为 JPG 图片' : type === 'image/png' ? '实际为 PNG 图片' : '无法识别'}，请勿仅修改文件扩展名）。${rules.hint}` : rules.hint;
    throw appError('upload_invalid', { [kind]: message }, pdfOnly ? message : undefined);
  }
  if (file.length > rules.maxBytes) throw appError('payload_too_large', { [kind]: `文件大小为 ${(file.length / 1024 / 1024).toFixed(1)} MB，超过限制。${rules.hint}` });
  // a PDF is parsed, not trusted by its first bytes: refused when broken, encrypted or carrying JavaScript
  const problem = type === 'application/pdf' && kind !== 'evidence' ? await pdfProblem(file) : kind === 'signature' ? signatureProblem(file, rules) : null;
  if (problem) throw appError('upload_invalid', { [kind]: problem }, problem);
  // the photo is embedded in the form and the certificate PDFs: a broken image is refused here, not at signing
  if (kind === 'photo' && !(await isEmbeddablePhoto(file, type))) throw appError('upload_invalid', { [kind]: rules.hint });
  return deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, role, id, { lock: true });
    // only the filer uploads (the person their own filing, the enterprise its own: 003 §3.2.3), while it may be changed
    if (app.filed_by !== (role === 'applicant' ? 'applicant' : 'employer')) throw appError(role === 'applicant' ? 'application_filed_by_employer' : 'application_wrong_status');
    if (!FILING_PATHS[app.filed_by].editable.includes(app.status as ApplicationStatus)) throw appError('application_locked');
    const now = deps.now();
    // all files of one application together stay within APPLICATION_DOCUMENTS_MAX_BYTES
    const others = await tx
      .selectFrom('application_documents')
      .select(sql<string>`coalesce(sum(coalesce(byte_size, octet_length(content_enc) * 3 / 4)), 0)`.as('bytes'))
      .where('application_id', '=', app.id)
      .where('kind', '!=', kind)
      .executeTakeFirst();
    if (Number(others?.bytes ?? 0) + file.length > APPLICATION_DOCUMENTS_MAX_BYTES)
      throw appError('documents_too_large', { [kind]: `本申请的材料合计不能超过 ${APPLICATION_DOCUMENTS_MAX_BYTES / 1024 / 1024} MB，请压缩后上传` });
    const values = { content_enc: deps.pii.encrypt(file.toString('base64')), content_type: type, uploaded_at: now, byte_size: file.length };
    await tx
      .insertInto('application_documents')
      .values({ application_id: app.id, kind, ...values })
      .onConflict((oc) => oc.columns(['application_id', 'kind']).doUpdateSet(values))
      .execute();
    const hadSignature = app.applicant_signed_at !== null;
    if (hadSignature || app.status === 'awaiting_employer')
      await tx
        .updateTable('applications')
        .set({ status: 'draft', form_pdf: null, form_pdf_name: null, applicant_signed_at: null, employer_signed_at: null, employer_signer_id: null, version: app.version + 1, updated_at: now })
        .where('id', '=', app.id)
        .execute();
    if (hadSignature) await tx.insertInto('application_events').values({ application_id: app.id, event: 'signatures_voided', actor_id: actor.id, actor_role: actor.role }).execute();
    await audit(tx, { actor, action: 'application.document_uploaded', objectType: 'application', objectId: app.id, details: { kind, bytes: file.length, contentType: type, signaturesVoided: hadSignature } });
    return { kind, contentType: type, uploadedAt: now.toISOString() };
  });
}

/** The decrypted document for anyone who may see the application in `role` (applicant, employer, reviewer). Errors: 404. */
export async function applicationDocument(deps: Pick<Deps, 'db' | 'pii'>, user: AuthUser, role: Role, id: string, kind: ApplicationDocumentKind): Promise<{ bytes: Buffer; contentType: string }> {
  const app = await loadApplicationFor(deps.db, user, role, id);
  const row = await deps.db.selectFrom('application_documents').select(['content_enc', 'content_type']).where('application_id', '=', app.id).where('kind', '=', kind).executeTakeFirst();
  if (!row) throw NotFound();
  return { bytes: Buffer.from(deps.pii.decrypt(row.content_enc), 'base64'), contentType: row.content_type };
}
