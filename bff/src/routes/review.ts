/** The registration authority: queue per stage, detail, decisions, and certificate revocation. */
import { REVIEW_STAGES, reviewDecisionRequest, type ReviewOutcome, type ReviewStage } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { decideReview } from '../domain/applications.js';
import { revokeCertificate } from '../domain/certificates.js';
import { loadApplicationFor } from '../domain/policies.js';
import { listApplications, presentApplication } from '../presenters/applications.js';
import { actorOf } from './auth.js';
import { reviewQueueQuery, type ReviewQueueQuery } from '@zhiyetong/shared';
import { reviewQueue } from '../domain/review-queue.js';
import * as views from '@zhiyetong/shared';

export function reviewRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const reviewer = ['reviewer' as const];

  api.get(
    '/api/review/applications',
    {
      tag: 'review',
      summary: '审核队列 of one stage in my jurisdiction (issue 11): filters matter, profession, specialty, authorityId, from/to (submitted), minWaitingHours, overdue; sort waiting | updated',
      roles: reviewer,
      query: reviewQueueQuery,
      responses: { 200: z.array(views.reviewQueueItemSchema), 403: 'staff_required', 404: 'authorityId outside the jurisdiction' },
    },
    async (ctx) => {
      ctx.body = await reviewQueue(deps, ctx.state.user, ctx.state.query as ReviewQueueQuery);
    },
  );

  api.get('/api/review/applications/:id', { tag: 'review', summary: '申请详情 (ID number masked)', roles: reviewer, responses: { 200: views.applicationViewSchema, 404: 'not_found' } }, async (ctx) => {
    const app = await loadApplicationFor(deps.db, ctx.state.user, 'reviewer', ctx.params.id);
    ctx.body = await presentApplication(deps, deps.db, app, 'other');
  });

  api.post(
    '/api/review/applications/:id/decisions',
    { tag: 'review', summary: '审核决定: pass moves to the next stage (approval issues the certificate); fail needs a reason', roles: reviewer, body: reviewDecisionRequest, responses: { 200: views.reviewDecisionResultSchema, 409: 'review_stage_mismatch', 422: 'validation_failed' } },
    async (ctx) => {
      ctx.body = await decideReview(deps, ctx.state.user, actorOf(ctx, 'reviewer'), ctx.params.id, ctx.state.body as { stage: ReviewStage; outcome: ReviewOutcome; reason?: string });
      kick();
    },
  );

  api.post(
    '/api/review/certificates/:id/revocations',
    { tag: 'review', summary: '注销证书: its QR code then verifies as revoked', roles: reviewer, body: z.strictObject({ reason: z.string().trim().min(2).max(500) }), responses: { 204: 'revoked', 404: 'not_found', 409: 'certificate_revoked' } },
    async (ctx) => {
      await revokeCertificate(deps, actorOf(ctx, 'reviewer'), ctx.params.id, (ctx.state.body as { reason: string }).reason);
      ctx.status = 204;
    },
  );
}
