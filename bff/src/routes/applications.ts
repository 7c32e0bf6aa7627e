/** The applicant's applications: create, save, sign, read, and the form PDF (also for employer and reviewers). */
import { createApplicationRequest, saveApplicationRequest, signRequest, type Profession, type RegistrationType, type Role } from '@zhiyetong/shared';
import type { AppContext, Deps } from '../context.js';
import { downloadHeaders, type ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { applicationFormPdf, createApplication, saveApplicationForm, sendApplicantSignatureCode, signApplication } from '../domain/applications.js';
import { loadApplicationFor, canViewApplication, isUuid } from '../domain/policies.js';
import { listApplications, presentApplication } from '../presenters/applications.js';
import { AppError, NotFound } from '../errors.js';
import { singleUpload, uploadedFile } from '../http/uploads.js';
import { applicationDocument, DOCUMENT_RULES, isDocumentKind, uploadApplicationDocument } from '../domain/application-documents.js';
import { appError } from '../errors.js';
import type { AuthUser } from '../context.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';
import { z } from 'zod';

/** The first of the caller's roles under which they may see application `id` (a person may hold several); 404 if none. */
async function viewerRole(deps: Deps, user: AuthUser, id: string): Promise<Role> {
  const app = isUuid(id) ? await deps.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (app) for (const r of user.roles) if (await canViewApplication(deps.db, user, r, app)) return r;
  throw NotFound();
}

/** Content-Disposition with a UTF-8 file name (RFC 6266 / RFC 8187). */
export function attachment(ctx: AppContext, fileName: string, inline = false) {
  ctx.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
}

export function applicationRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const sign = rateLimit({ points: 20, durationSeconds: 600, key: (ctx) => ctx.state.user.id });
  // a matter may need seven files (issue 9: the evidence documents), each possibly uploaded again: their own budget
  const uploads = rateLimit({ points: 60, durationSeconds: 600, key: (ctx) => ctx.state.user.id });
  const applicant: Role[] = ['applicant'];

  api.post(
    '/api/applications',
    { tag: 'applications', summary: '新增注册申请: a draft with its acceptance number', roles: applicant, body: createApplicationRequest, responses: { 201: views.applicationViewSchema, 409: 'application_in_progress | identity_required', 422: 'application_type_unsupported' } },
    async (ctx) => {
      const id = await createApplication(deps, actorOf(ctx, 'applicant'), ctx.state.body as { profession: Profession; type: RegistrationType });
      const app = await loadApplicationFor(deps.db, ctx.state.user, 'applicant', id);
      ctx.status = 201;
      ctx.body = await presentApplication(deps, deps.db, app, 'holder');
    },
  );

  api.get('/api/applications', { tag: 'applications', summary: '我的注册申请, newest first', roles: applicant, responses: { 200: z.array(views.applicationListItemSchema) } }, async (ctx) => {
    ctx.body = await listApplications(deps, deps.db, { applicantId: ctx.state.user.id });
  });

  api.get('/api/applications/:id', { tag: 'applications', summary: '申请详情 with status and history', roles: applicant, responses: { 200: views.applicationViewSchema, 404: 'not_found' } }, async (ctx) => {
    const app = await loadApplicationFor(deps.db, ctx.state.user, 'applicant', ctx.params.id);
    ctx.body = await presentApplication(deps, deps.db, app, 'holder');
  });

  api.put(
    '/api/applications/:id',
    {
      tag: 'applications',
      summary: '保存申请表: the whole form with the version last read; voids existing signatures',
      roles: applicant,
      body: saveApplicationRequest,
      responses: { 200: views.applicationViewSchema, 409: 'application_locked | version_conflict', 422: 'validation_failed with fields' },
    },
    async (ctx) => {
      await saveApplicationForm(deps, ctx.state.user, actorOf(ctx, 'applicant'), ctx.params.id, ctx.state.body as { version: number; form: unknown });
      const app = await loadApplicationFor(deps.db, ctx.state.user, 'applicant', ctx.params.id);
      ctx.body = await presentApplication(deps, deps.db, app, 'holder');
    },
  );

  api.post(
    '/api/applications/:id/signatures/sms-code',
    { tag: 'applications', summary: '获取签名验证码: sent to the applicant’s phone; the SMS names the document and acceptance number', roles: applicant, responses: { 200: views.otpSentResponseSchema, 409: 'application_not_signable', 429: 'otp limits' } },
    sign,
    async (ctx) => {
      ctx.body = await sendApplicantSignatureCode(deps, ctx.state.user, ctx.params.id);
      kick();
    },
  );

  api.post(
    '/api/applications/:id/signatures',
    { tag: 'applications', summary: '个人数字签名: signs the form PDF (PKCS#7 detached, platform CA) and sends it to the employer', roles: applicant, body: signRequest, responses: { 200: views.signingResultSchema, 400: 'otp_invalid | otp_expired', 409: 'application_wrong_status' } },
    sign,
    async (ctx) => {
      ctx.body = await signApplication(deps, ctx.state.user, actorOf(ctx, 'applicant'), ctx.params.id, (ctx.state.body as { code: string }).code);
      kick();
    },
  );

  api.get(
    '/api/applications/:id/form.pdf',
    { tag: 'applications', summary: '申请表 PDF with every signature so far (unsigned preview before the applicant signs)', roles: ['applicant', 'enterprise_operator', 'reviewer'], responses: { 200: 'application/pdf', 404: 'not_found' }, responseHeaders: downloadHeaders('inline') },
    async (ctx) => {
      const user = ctx.state.user;
      const id = ctx.params.id;
      const role = await viewerRole(deps, user, id);
      const { pdf, fileName } = await applicationFormPdf(deps, user, role, actorOf(ctx, role), id);
      ctx.type = 'application/pdf';
      attachment(ctx, fileName, true);
      ctx.body = Buffer.from(pdf);
    },
  );

  const multipart = singleUpload('file', Math.max(...Object.values(DOCUMENT_RULES).map((r) => r.maxBytes)));
  // a file over every kind's limit is cut off while it streams: say the limit of the kind asked for
  const upload = async (ctx: AppContext, next: () => Promise<unknown>) => {
    try {
      await multipart(ctx, next);
    } catch (e) {
      const kind = ctx.params.kind;
      if (e instanceof AppError && e.code === 'payload_too_large' && isDocumentKind(kind))
        throw appError('payload_too_large', { [kind]: `文件超过大小限制。${DOCUMENT_RULES[kind].hint}` }, `文件超过大小限制。${DOCUMENT_RULES[kind].hint}`);
      throw e;
    }
  };
  const storeDocument = async (ctx: AppContext) => {
    const kind = ctx.params.kind;
    if (!isDocumentKind(kind)) throw NotFound();
    const file = uploadedFile(ctx);
    if (!file) throw appError('upload_invalid', { file: '请选择要上传的文件' });
    ctx.body = await uploadApplicationDocument(deps, ctx.state.user, actorOf(ctx, 'applicant'), ctx.params.id, kind, file.buffer);
  };
  const documentSpec = {
    tag: 'applications',
    summary: '上传申请材料: kind photo (本人照片, JPEG/PNG ≤ 2 MB, printed on the form and the certificate: 000 §3.1.1 step 4), signature (签名图片, cost engineers: PNG ≤ 200 KB, transparent or white background), evidence (变更证明, PDF/JPEG/PNG ≤ 2 MB) or one of the matter documents of shared DOCUMENT_RULES (qualification_scan and ce_proof PDF only; every PDF parsed, refused when encrypted or with JavaScript); at most 12 MB per application (documents_too_large); multipart field `file`; stored encrypted; replaces an earlier one and voids signatures',
    roles: applicant,
    params: { kind: views.documentKindSchema },
    upload: { file: 'file' },
    responses: { 200: views.uploadedDocumentViewSchema, 404: 'not_found', 409: 'application_locked', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'upload_invalid' },
  };
  api.put('/api/applications/:id/documents/:kind', documentSpec, uploads, upload, storeDocument);
  // wx.uploadFile can only POST
  api.post('/api/applications/:id/documents/:kind', { ...documentSpec, summary: `${documentSpec.summary} (POST for WeChat's uploadFile)` }, uploads, upload, storeDocument);

  api.get(
    '/api/applications/:id/documents/:kind',
    { tag: 'applications', summary: '查看申请材料 (photo | evidence) for the applicant, the employer and the authority', roles: ['applicant', 'enterprise_operator', 'reviewer'], responses: { 200: 'image/jpeg | image/png | application/pdf', 404: 'not_found' }, responseHeaders: { 200: { 'Cache-Control': 'private, no-store' } } },
    async (ctx) => {
      if (!isDocumentKind(ctx.params.kind)) throw NotFound();
      const role = await viewerRole(deps, ctx.state.user, ctx.params.id);
      const doc = await applicationDocument(deps, ctx.state.user, role, ctx.params.id, ctx.params.kind);
      ctx.set('Cache-Control', 'private, no-store');
      ctx.type = doc.contentType;
      ctx.body = doc.bytes;
    },
  );
}
