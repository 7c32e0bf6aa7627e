/**
 * The registration authority's own routes (issue 11): who I am and what I see, the authority tree, staff
 * invited by an administrator, an enterprise's authority, the count per stage, batch decisions and the
 * statistics (JSON and SVG). The queue itself is GET /api/review/applications (routes/review.ts). Shapes:
 * shared/src/authorities.ts; the list with examples: /work/notes/issue11-authority-api.md.
 */
import { REVIEW_STAGES, batchDecisionRequest, reviewQueueQuery, staffInvitationRequest, staffUpdateRequest, statisticsQuery, type BatchDecisionRequest, type ReviewQueueQuery, type StageRole, type StaffInvitationRequest } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { createAuthority, inviteStaff, listAuthorities, listStaff, removeStaff, requireStaff, setEnterpriseAuthority, stagesOf, staffView, updateStaff } from '../domain/authorities.js';
import { decideBatch, reviewStatistics, stageCounts, stageLimit } from '../domain/review-queue.js';
import { statisticsSvg } from '../presenters/statistics-svg.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

export function authorityRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const reviewer = ['reviewer' as const];

  api.get('/api/review/me', { tag: 'review', summary: '本人在注册机构的岗位: staff, authority, jurisdiction, the stages I may decide, the review settings', roles: reviewer, responses: { 200: views.reviewerMeViewSchema, 403: 'staff_required' } }, async (ctx) => {
    const { staff, jurisdiction } = await requireStaff(deps.db, ctx.state.user.id);
    const all = await listAuthorities(deps.db);
    ctx.body = {
      staff: staffView(staff),
      authority: jurisdiction.authority,
      jurisdiction: all.filter((a) => jurisdiction.ids.includes(a.id)),
      stages: stagesOf(staff.stage_roles),
      settings: {
        fourEyes: deps.config.review.fourEyes,
        stageLimits: Object.fromEntries(REVIEW_STAGES.map((st) => [st, stageLimit(deps.config, st)])),
        batchStages: deps.config.review.batchStages,
      },
    };
  });

  api.get('/api/review/authorities', { tag: 'review', summary: '注册机构 tree (root = the province, then its cities)', roles: reviewer, responses: { 200: z.array(views.authorityViewSchema) } }, async (ctx) => {
    ctx.body = await listAuthorities(deps.db);
  });

  api.post(
    '/api/review/authorities',
    { tag: 'review', summary: '新增市级注册机构 (province administrators): {name, regionCode (6 digits, GB/T 2260)}', roles: reviewer, body: z.strictObject({ name: z.string().trim().min(2).max(60), regionCode: z.string().regex(/^\d{6}$/, { error: '行政区划代码为 6 位数字' }) }), responses: { 201: views.authorityViewSchema, 403: 'staff_admin_required', 409: 'authority_exists' } },
    async (ctx) => {
      ctx.status = 201;
      ctx.body = await createAuthority(deps, actorOf(ctx, 'reviewer'), ctx.state.body as { name: string; regionCode: string });
    },
  );

  api.get('/api/review/staff', { tag: 'review', summary: '工作人员 of my authority and those below it (administrators)', roles: reviewer, responses: { 200: z.array(views.staffViewSchema), 403: 'staff_admin_required' } }, async (ctx) => {
    ctx.body = await listStaff(deps.db, ctx.state.user.id);
  });

  api.post(
    '/api/review/staff',
    { tag: 'review', summary: '邀请工作人员 by mobile number with stage roles (accept, review, approve) and the administrator flag', roles: reviewer, body: staffInvitationRequest, responses: { 201: views.staffViewSchema, 403: 'staff_admin_required', 404: 'authority outside the jurisdiction', 409: 'staff_exists' } },
    async (ctx) => {
      ctx.status = 201;
      ctx.body = await inviteStaff(deps, actorOf(ctx, 'reviewer'), ctx.state.body as StaffInvitationRequest);
    },
  );

  api.put(
    '/api/review/staff/:userId',
    { tag: 'review', summary: '修改工作人员岗位: {stageRoles, isAdmin}', roles: reviewer, body: staffUpdateRequest, responses: { 200: views.staffViewSchema, 403: 'staff_admin_required', 404: 'not_found', 409: 'staff_self_change' } },
    async (ctx) => {
      ctx.body = await updateStaff(deps, actorOf(ctx, 'reviewer'), ctx.params.userId, ctx.state.body as { stageRoles: StageRole[]; isAdmin: boolean });
    },
  );

  api.delete('/api/review/staff/:userId', { tag: 'review', summary: '移除工作人员 (their reviewer role goes too; decisions stay on record)', roles: reviewer, responses: { 204: 'removed', 403: 'staff_admin_required', 404: 'not_found', 409: 'staff_self_change' } }, async (ctx) => {
    await removeStaff(deps, actorOf(ctx, 'reviewer'), ctx.params.userId);
    ctx.status = 204;
  });

  api.put(
    '/api/review/enterprises/:id/authority',
    { tag: 'review', summary: '企业所在市的注册机构 (province administrators): {authorityId | null = the province}; later applications go there', roles: reviewer, body: z.strictObject({ authorityId: z.string().uuid({ error: '请选择注册机构' }).nullable() }), responses: { 200: views.enterpriseAuthorityViewSchema, 403: 'staff_admin_required', 404: 'not_found' } },
    async (ctx) => {
      ctx.body = await setEnterpriseAuthority(deps, actorOf(ctx, 'reviewer'), ctx.params.id, (ctx.state.body as { authorityId: string | null }).authorityId);
    },
  );

  api.get('/api/review/stage-counts', { tag: 'review', summary: '各环节待办数: per stage, waiting and overdue, with the queue’s filters (stage ignored)', roles: reviewer, query: reviewQueueQuery, responses: { 200: z.array(views.stageCountSchema), 403: 'staff_required' } }, async (ctx) => {
    ctx.body = await stageCounts(deps, ctx.state.user, ctx.state.query as ReviewQueueQuery);
  });

  api.post(
    '/api/review/decisions/batch',
    { tag: 'review', summary: '批量审核 at a routine stage: {stage, outcome, reason?, ids ≤ 50}; each in its own transaction, audited; a result per id', roles: reviewer, body: batchDecisionRequest, responses: { 200: views.batchDecisionResultSchema, 403: 'staff_required | stage_role_required', 422: 'batch_stage_not_allowed | validation_failed' } },
    async (ctx) => {
      ctx.body = await decideBatch(deps, ctx.state.user, actorOf(ctx, 'reviewer'), ctx.state.body as BatchDecisionRequest);
      kick();
    },
  );

  api.get('/api/review/statistics', { tag: 'review', summary: '办件统计 for Shanghai dates from..to: per matter and stage, median hours per stage, overdue items', roles: reviewer, query: statisticsQuery, responses: { 200: views.reviewStatisticsSchema, 403: 'staff_required', 422: 'validation_failed' } }, async (ctx) => {
    ctx.body = await reviewStatistics(deps, ctx.state.user, ctx.state.query as { from: string; to: string; authorityId?: string });
  });

  api.get(
    '/api/review/statistics.svg',
    { tag: 'review', summary: '办件统计图 (SVG): the same figures as a bar chart, for an <Image> in the miniapp', roles: reviewer, query: statisticsQuery, responses: { 200: 'image/svg+xml', 403: 'staff_required' }, responseHeaders: { 200: { 'Cache-Control': 'private, no-store' } } },
    async (ctx) => {
      const stats = await reviewStatistics(deps, ctx.state.user, ctx.state.query as { from: string; to: string; authorityId?: string });
      ctx.set('Cache-Control', 'private, no-store');
      ctx.type = 'image/svg+xml';
      ctx.body = statisticsSvg(stats);
    },
  );
}
