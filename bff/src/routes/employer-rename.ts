/**
 * 企业名称变更 (seed 000 §6, figures 61-62): the enterprise operator renames their own enterprise after the
 * business registry confirms the new name, and follows the batch that renames every registration.
 */
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { listEmployerRenames, requestEmployerRename } from '../domain/employer-rename.js';
import { ENTERPRISE_HEADER, operatorEnterpriseId, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { appError } from '../errors.js';
import { rateLimit } from '../http/middleware.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const renameRequest = z.strictObject({
  newName: z.string({ error: '请填写变更后的企业名称' }).trim().min(2, { error: '请填写营业执照上的企业全称' }).max(100, { error: '企业名称不超过 100 个字' }),
});

export function employerRenameRoutes(api: ApiRouter, deps: Deps) {
  const operator = ['enterprise_operator' as const];
  // each request asks the business registry (a paid, rate-limited service in production)
  const perOperator = rateLimit({ points: 30, durationSeconds: 600, key: (ctx) => ctx.state.user.id });

  api.post(
    '/api/enterprise/renames',
    {
      tag: 'enterprise',
      summary: '注册企业名称批量变更 (000 §6): the operator’s enterprise takes the name the business registry holds for its USCC; every registration with it shows the new name, each holder gets a new certificate version to claim and an SMS',
      description:
        'Body {newName}. 202 EmployerRenameBatchView (status running) when a batch starts or a running one with this name is resumed (a retry never starts a second batch); 200 when that name was already applied by a completed batch. The batch runs in the background: follow it with GET /api/enterprise/renames.',
      requestHeaders: ENTERPRISE_SELECTOR, roles: operator,
      body: renameRequest,
      responses: { 200: views.employerRenameBatchViewSchema, 202: views.employerRenameBatchViewSchema, 403: 'forbidden', 409: 'rename_in_progress | enterprise_name_taken', 422: 'registry_mismatch | enterprise_inactive | validation_failed', 429: 'rate_limited (30 per operator per 10 minutes)', 503: 'registry_unavailable' },
    },
    perOperator,
    async (ctx) => {
      const enterpriseId = await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get(ENTERPRISE_HEADER));
      if (!enterpriseId) throw appError('forbidden');
      const { newName } = ctx.state.body as z.infer<typeof renameRequest>;
      const { batch } = await requestEmployerRename(deps, actorOf(ctx, 'enterprise_operator'), enterpriseId, newName);
      ctx.status = batch.status === 'running' ? 202 : 200;
      ctx.body = batch;
    },
  );

  api.get(
    '/api/enterprise/renames',
    { tag: 'enterprise', summary: '企业名称变更记录 (000 figure 61): the enterprise’s batches, newest first, with 受理编号, 原/变更后注册单位名称, 变更时间, 状态 and counts', requestHeaders: ENTERPRISE_SELECTOR, roles: operator, responses: { 200: z.array(views.employerRenameBatchViewSchema), 403: 'forbidden' } },
    async (ctx) => {
      const enterpriseId = await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get(ENTERPRISE_HEADER));
      if (!enterpriseId) throw appError('forbidden');
      ctx.body = await listEmployerRenames(deps, enterpriseId);
    },
  );
}
