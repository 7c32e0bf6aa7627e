/**
 * Filings by the employer (企业申报, seed 003 §3.2.3), refusals both ways (003 §3.2.3.7) and batch confirmation
 * (issue 10). Commands in bff/src/domain/employer-filings.ts; statuses in shared/src/workflow.ts FILING_PATHS;
 * the routes for the miniapp are listed in /work/notes/issue10-filings-api.md.
 */
import {
  batchCodeRequest,
  batchSignRequest,
  employerFilingRequest,
  personLookupRequest,
  refusalRequest,
  saveApplicationRequest,
  type BatchItem,
  type Profession,
  type RegistrationType,
} from '@zhiyetong/shared';
import { z } from 'zod';
import type { AppContext, Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { singleUpload, uploadedFile } from '../http/uploads.js';
import { DOCUMENT_RULES, isDocumentKind, uploadApplicationDocument } from '../domain/application-documents.js';
import {
  confirmBatch,
  createEmployerFiling,
  deleteEmployerFiling,
  fileEmployerFiling,
  lookupPerson,
  refuseApplication,
  saveEmployerFiling,
  sendBatchSignatureCode,
} from '../domain/employer-filings.js';
import { ENTERPRISE_HEADER, loadApplicationFor, operatorEnterpriseId, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { listApplications, presentApplication } from '../presenters/applications.js';
import { appError, NotFound } from '../errors.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const filingFilters = z.object({
  status: z.enum(['employer_draft', 'awaiting_applicant', 'awaiting_employer', 'awaiting_release', 'refused', 'all']).default('all'),
});

export function employerFilingRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const operator = ['enterprise_operator' as const];
  const sign = rateLimit({ points: 60, durationSeconds: 600, key: (ctx) => ctx.state.user.id });
  const lookups = rateLimit({ points: 60, durationSeconds: 600, key: (ctx) => ctx.state.user.id });
  const operatorView = async (ctx: AppContext, id: string) => presentApplication(deps, deps.db, await loadApplicationFor(deps.db, ctx.state.user, 'enterprise_operator', id), 'other');

  api.post(
    '/api/enterprise/people/search',
    {
      tag: 'enterprise',
      summary: '选择人员 (003 §3.2.3.1): a verified person by exact name and ID number, their registration, and which matters the enterprise may file for them',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      body: personLookupRequest,
      responses: { 200: views.personLookupViewSchema, 404: 'person_not_found', 409: 'person_unverified' },
    },
    lookups,
    async (ctx) => {
      ctx.body = await lookupPerson(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.state.body as { name: string; idNumber: string; profession: Profession }, ctx.get(ENTERPRISE_HEADER));
    },
  );

  api.post(
    '/api/enterprise/filings',
    {
      tag: 'enterprise',
      summary: '添加申报 (003 §3.2.3): a draft (employer_draft) of initial | add_specialty | renewal | cancellation | change | reregistration | replacement | temporary_transfer | temporary_extension | temporary_cancellation (临时建造师, §3.2.3.8-11) for the verified person with this name and ID number',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      body: employerFilingRequest,
      responses: { 201: views.applicationViewSchema, 404: 'person_not_found', 409: 'person_unverified | not_employer_of_person | temporary_transfer_same_employer | releasing_employer_unknown | application_in_progress | the matter’s refusal (not_temporary_constructor, temporary_constructor_matter …)' },
    },
    lookups,
    async (ctx) => {
      const id = await createEmployerFiling(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.state.body as { profession: Profession; type: RegistrationType; name: string; idNumber: string }, ctx.get(ENTERPRISE_HEADER));
      ctx.status = 201;
      ctx.body = await operatorView(ctx, id);
    },
  );

  api.get(
    '/api/enterprise/filings',
    { tag: 'enterprise', summary: '企业申报列表: the acting enterprise’s own filings, newest first (status filter, default all)', requestHeaders: ENTERPRISE_SELECTOR, roles: operator, query: filingFilters, responses: { 200: z.array(views.applicationListItemSchema) } },
    async (ctx) => {
      const enterpriseId = await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get(ENTERPRISE_HEADER));
      if (!enterpriseId) throw appError('forbidden');
      const { status } = ctx.state.query as z.infer<typeof filingFilters>;
      ctx.body = await listApplications(deps, deps.db, { employerId: enterpriseId, filedBy: 'employer', ...(status === 'all' ? {} : { statuses: [status] }) });
    },
  );

  api.put(
    '/api/enterprise/filings/:id',
    {
      tag: 'enterprise',
      summary: '修改申报: saves the whole form of the enterprise’s draft with the version last read (the form’s employer must be this enterprise)',
      roles: operator,
      body: saveApplicationRequest,
      responses: { 200: views.applicationViewSchema, 404: 'not_found', 409: 'application_locked | version_conflict', 422: 'validation_failed with fields' },
    },
    async (ctx) => {
      await saveEmployerFiling(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, ctx.state.body as { version: number; form: unknown });
      ctx.body = await operatorView(ctx, ctx.params.id);
    },
  );

  api.delete(
    '/api/enterprise/filings/:id',
    { tag: 'enterprise', summary: '删除申报: deletes the enterprise’s draft (not once filed)', roles: operator, responses: { 204: 'deleted', 404: 'not_found', 409: 'application_wrong_status' } },
    async (ctx) => {
      await deleteEmployerFiling(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id);
      ctx.status = 204;
    },
  );

  const upload = singleUpload('file', Math.max(...Object.values(DOCUMENT_RULES).map((r) => r.maxBytes)));
  const storeDocument = async (ctx: AppContext) => {
    const kind = ctx.params.kind;
    if (!isDocumentKind(kind)) throw NotFound();
    const file = uploadedFile(ctx);
    if (!file) throw appError('upload_invalid', { file: '请选择要上传的文件' });
    ctx.body = await uploadApplicationDocument(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, kind, file.buffer, 'enterprise_operator');
  };
  const documentSpec = {
    tag: 'enterprise',
    summary: '上传申报材料 for the enterprise’s draft: photo | evidence (e.g. the new ID card of an ID-number change), multipart field `file`, as for the person’s own',
    roles: operator,
    params: { kind: views.documentKindSchema },
    upload: { file: 'file' },
    responses: { 200: views.uploadedDocumentViewSchema, 404: 'not_found', 409: 'application_locked', 413: 'payload_too_large', 422: 'upload_invalid' },
  };
  api.put('/api/enterprise/filings/:id/documents/:kind', documentSpec, sign, upload, storeDocument);
  api.post('/api/enterprise/filings/:id/documents/:kind', { ...documentSpec, summary: `${documentSpec.summary} (POST for WeChat's uploadFile)` }, sign, upload, storeDocument);

  api.post(
    '/api/enterprise/filings/:id/submissions',
    {
      tag: 'enterprise',
      summary: '上报: files the draft to the person (awaiting_applicant) and notifies them by SMS; then they sign it or refuse it. A matter the person does not sign (临时建造师) goes to awaiting_employer: the enterprise signs it next',
      roles: operator,
      responses: { 200: views.applicationViewSchema, 404: 'not_found', 409: 'application_wrong_status | application_not_signable | photo_required | evidence_required' },
    },
    async (ctx) => {
      await fileEmployerFiling(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id);
      ctx.body = await operatorView(ctx, ctx.params.id);
      kick();
    },
  );

  api.post(
    '/api/enterprise/applications/:id/refusals',
    {
      tag: 'enterprise',
      summary: '企业拒绝确认 (003 §3.2.3.7): refuses a person’s filing awaiting the employer with a reason; the matter ends (refused). To ask for a correction instead, use returns',
      roles: operator,
      body: refusalRequest,
      responses: { 200: views.applicationViewSchema, 404: 'not_found', 409: 'application_wrong_status' },
    },
    async (ctx) => {
      await refuseApplication(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), 'enterprise_operator', ctx.params.id, (ctx.state.body as { reason: string }).reason);
      ctx.body = await operatorView(ctx, ctx.params.id);
      kick();
    },
  );

  api.post(
    '/api/applications/:id/refusals',
    {
      tag: 'applications',
      summary: '个人拒绝确认: refuses the employer’s filing awaiting the person with a reason; the matter ends (refused) and the enterprise is told by SMS',
      roles: ['applicant'],
      body: refusalRequest,
      responses: { 200: views.applicationViewSchema, 404: 'not_found', 409: 'application_wrong_status' },
    },
    async (ctx) => {
      await refuseApplication(deps, ctx.state.user, actorOf(ctx, 'applicant'), 'applicant', ctx.params.id, (ctx.state.body as { reason: string }).reason);
      ctx.body = await presentApplication(deps, deps.db, await loadApplicationFor(deps.db, ctx.state.user, 'applicant', ctx.params.id), 'holder');
      kick();
    },
  );

  api.post(
    '/api/enterprise/batch-signatures/sms-code',
    {
      tag: 'enterprise',
      summary: '批量确认验证码: one code for the listed applications [{id, updatedAt as listed}]; the SMS names how many and which acceptance numbers; counts as one code of the daily ten',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      body: batchCodeRequest,
      responses: { 200: views.batchCodeSentResponseSchema, 404: 'not_found', 409: 'batch_items_changed (fields items.N)', 429: 'otp limits' },
    },
    sign,
    async (ctx) => {
      ctx.body = await sendBatchSignatureCode(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), (ctx.state.body as { items: BatchItem[] }).items, ctx.get(ENTERPRISE_HEADER));
      kick();
    },
  );

  api.post(
    '/api/enterprise/batch-signatures',
    {
      tag: 'enterprise',
      summary: '批量确认: with the code sent for exactly this set, each application gets its own employer signature (one transaction each); ones changed since listed are left out and reported',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      body: batchSignRequest,
      responses: { 200: views.batchConfirmationResultSchema, 400: 'otp_invalid | otp_expired | batch_set_mismatch', 429: 'otp_too_many_attempts' },
    },
    sign,
    async (ctx) => {
      const body = ctx.state.body as { items: BatchItem[]; code: string };
      ctx.body = await confirmBatch(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), body.items, body.code, ctx.get(ENTERPRISE_HEADER));
      kick();
    },
  );
}
