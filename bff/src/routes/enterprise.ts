/** The employer side (seed 000 §3.1.2): the queue awaiting confirmation, read-only detail, counter-sign or return. */
import { employerSignRequest, REGISTRATION_TYPES, returnRequest, checkIdNumber, DATE_PATTERN } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { confirmApplication, returnApplication, sendEmployerSignatureCode } from '../domain/applications.js';
import { loadApplicationFor, operatorEnterpriseId, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { listApplications, presentApplication } from '../presenters/applications.js';
import { appError } from '../errors.js';
import { dayjs, ZONE } from '../time.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const filters = z.object({
  status: z.enum(['awaiting', 'confirmed']).default('awaiting'),
  name: z.string().trim().max(20).optional(),
  idNumber: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .refine((v) => checkIdNumber(v) === null, { error: '请输入完整有效的身份证号码' })
    .optional(),
  type: z.enum(REGISTRATION_TYPES).optional(),
  signedFrom: z.string().regex(DATE_PATTERN, { error: '日期格式应为 YYYY-MM-DD' }).optional(),
  signedTo: z.string().regex(DATE_PATTERN, { error: '日期格式应为 YYYY-MM-DD' }).optional(),
});

export function enterpriseRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const operator = ['enterprise_operator' as const];
  const sign = rateLimit({ points: 60, durationSeconds: 600, key: (ctx) => ctx.state.user.id });

  api.get(
    '/api/enterprise/applications',
    { tag: 'enterprise', summary: '待企业确认 (status=awaiting) / 企业已确认查询 (status=confirmed), filters: name, ID number, type, applicant signing date range (Shanghai dates, inclusive)', requestHeaders: ENTERPRISE_SELECTOR, roles: operator, query: filters, responses: { 200: z.array(views.applicationListItemSchema) } },
    async (ctx) => {
      const f = ctx.state.query as z.infer<typeof filters>;
      const enterpriseId = await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get('x-enterprise-id'));
      if (!enterpriseId) throw appError('forbidden');
      const start = (d: string) => dayjs.tz(`${d} 00:00`, ZONE).toDate();
      ctx.body = await listApplications(deps, deps.db, {
        employerId: enterpriseId,
        ...(f.status === 'awaiting' ? { statuses: ['awaiting_employer'] } : { employerSigned: true }),
        name: f.name || undefined,
        idNumberHash: f.idNumber ? deps.pii.lookupHash(f.idNumber) : undefined,
        type: f.type,
        signedFrom: f.signedFrom ? start(f.signedFrom) : undefined,
        signedTo: f.signedTo ? dayjs(start(f.signedTo)).add(1, 'day').toDate() : undefined,
      });
    },
  );

  api.get('/api/enterprise/applications/:id', { tag: 'enterprise', summary: '申请详情 (read-only; ID number masked)', roles: operator, responses: { 200: views.applicationViewSchema, 404: 'not_found' } }, async (ctx) => {
    const app = await loadApplicationFor(deps.db, ctx.state.user, 'enterprise_operator', ctx.params.id);
    ctx.body = await presentApplication(deps, deps.db, app, 'other');
  });

  api.post(
    '/api/enterprise/applications/:id/signatures/sms-code',
    { tag: 'enterprise', summary: '获取企业签名验证码 (to the operator’s phone)', roles: operator, responses: { 200: views.otpSentResponseSchema, 409: 'application_wrong_status' } },
    sign,
    async (ctx) => {
      ctx.body = await sendEmployerSignatureCode(deps, ctx.state.user, ctx.params.id);
      kick();
    },
  );

  api.post(
    '/api/enterprise/applications/:id/signatures',
    { tag: 'enterprise', summary: '企业签名确认: adds the employer signature as an incremental update and submits to the authority', roles: operator, body: employerSignRequest, responses: { 200: views.signingResultSchema, 409: 'application_wrong_status' } },
    sign,
    async (ctx) => {
      ctx.body = await confirmApplication(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, (ctx.state.body as { code: string }).code);
      kick();
    },
  );

  api.post('/api/enterprise/applications/:id/returns', { tag: 'enterprise', summary: '退回申请人 with a reason', roles: operator, body: returnRequest, responses: { 204: 'returned', 409: 'application_wrong_status' } }, async (ctx) => {
    await returnApplication(deps, ctx.state.user, actorOf(ctx, 'enterprise_operator'), ctx.params.id, (ctx.state.body as { reason: string }).reason);
    ctx.status = 204;
    kick();
  });
}
