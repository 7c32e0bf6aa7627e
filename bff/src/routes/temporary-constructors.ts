/**
 * The old employer's routes of a temporary constructor's transfer (二级临时建造师变更确认, seed 003 §3.2.3.9): list
 * the transfers it is asked to release, read one, agree with its own SMS code (同意转出) or refuse with a reason.
 * The new employer files, changes and signs the transfer with the employer-filing routes (POST
 * /api/enterprise/filings {type: temporary_transfer | temporary_extension | temporary_cancellation, …}, …/submissions,
 * then /api/enterprise/applications/:id/signatures). Commands: bff/src/domain/temporary-constructors.ts.
 */
import { employerSignRequest, refusalRequest } from '@zhiyetong/shared';
import * as views from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import { downloadHeaders, type ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { confirmRelease, listReleases, loadRelease, refuseRelease, releaseFormPdf, sendReleaseCode } from '../domain/temporary-constructors.js';
import { attachment } from './applications.js';
import { ENTERPRISE_HEADER, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { presentApplication } from '../presenters/applications.js';
import { actorOf } from './auth.js';

const releaseFilters = z.object({ status: z.enum(['awaiting', 'all']).default('awaiting') });

export function temporaryConstructorRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const operator = ['enterprise_operator' as const];
  const sign = rateLimit({ points: 60, durationSeconds: 600, key: (ctx) => ctx.state.user.id });
  const view = async (userId: Parameters<typeof loadRelease>[1], id: string) => presentApplication(deps, deps.db, await loadRelease(deps, userId, id), 'other');

  api.get(
    '/api/enterprise/releases',
    {
      tag: 'enterprise',
      summary: '二级临时建造师变更确认列表 (003 §3.2.3.9): transfers of the acting enterprise’s temporary constructors signed by their new employers (employerName = 转入单位); status awaiting (default: awaiting_release only) | all',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      query: releaseFilters,
      responses: { 200: z.array(views.applicationListItemSchema) },
    },
    async (ctx) => {
      ctx.body = await listReleases(deps, ctx.state.user, ctx.get(ENTERPRISE_HEADER), (ctx.state.query as { status: string }).status === 'awaiting');
    },
  );

  api.get(
    '/api/enterprise/releases/:id',
    { tag: 'enterprise', summary: '一份临时建造师变更 as its old employer sees it (releasingEmployer = this enterprise; ID masked); 404 for anything else', roles: operator, responses: { 200: views.applicationViewSchema, 404: 'not_found' } },
    async (ctx) => {
      ctx.body = await view(ctx.state.user, ctx.params.id);
    },
  );

  api.get(
    '/api/enterprise/releases/:id/form.pdf',
    { tag: 'enterprise', summary: '申请表 PDF of the transfer, signed by the new employer (and by this enterprise once it agreed); 404 for anything else', roles: operator, responses: { 200: 'application/pdf', 404: 'not_found' }, responseHeaders: downloadHeaders('inline') },
    async (ctx) => {
      const { pdf, fileName } = await releaseFormPdf(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id);
      ctx.type = 'application/pdf';
      attachment(ctx, fileName, true);
      ctx.body = Buffer.from(pdf);
    },
  );

  api.post(
    '/api/enterprise/releases/:id/signatures/sms-code',
    { tag: 'enterprise', summary: '同意转出验证码 (to the old employer’s operator’s phone)', roles: operator, responses: { 200: views.otpSentResponseSchema, 404: 'not_found', 409: 'application_wrong_status | enterprise_profile_incomplete', 429: 'otp limits' } },
    sign,
    async (ctx) => {
      ctx.body = await sendReleaseCode(deps, ctx.state.user, ctx.params.id);
      kick();
    },
  );

  api.post(
    '/api/enterprise/releases/:id/signatures',
    {
      tag: 'enterprise',
      summary: '同意转出 (003 §3.2.3.9): the old employer’s signature as an incremental PDF update; the transfer goes to the authority (最后在由省厅进行审核)',
      roles: operator,
      body: employerSignRequest,
      responses: { 200: views.signingResultSchema, 400: 'otp_invalid | otp_expired', 404: 'not_found', 409: 'application_wrong_status | enterprise_profile_incomplete' },
    },
    sign,
    async (ctx) => {
      ctx.body = await confirmRelease(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, (ctx.state.body as { code: string }).code);
      kick();
    },
  );

  api.post(
    '/api/enterprise/releases/:id/refusals',
    {
      tag: 'enterprise',
      summary: '不同意转出: refuses to release the temporary constructor, with a reason; the transfer ends (refused), the new employer and the person are told by SMS',
      roles: operator,
      body: refusalRequest,
      responses: { 200: views.applicationViewSchema, 404: 'not_found', 409: 'application_wrong_status' },
    },
    async (ctx) => {
      await refuseRelease(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, (ctx.state.body as { reason: string }).reason);
      ctx.body = await view(ctx.state.user, ctx.params.id);
      kick();
    },
  );
}
