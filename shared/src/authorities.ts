/**
 * The registration authority's side (issue 11, "Jurisdictions and staff", the reviewer's queue, statistics):
 * stage roles, and the shapes of the authority routes (bff/src/routes/authorities.ts; the route list and
 * examples are in /work/notes/issue11-authority-api.md).
 */
import { z } from 'zod';
import type * as V from './views.js';
import { REVIEW_STAGES, type ReviewStage } from './workflow.js';

/** What a member of staff may decide: accept (受理), review (初审 and 复审), approve (审批). */
export const STAGE_ROLES = ['accept', 'review', 'approve'] as const;
export type StageRole = (typeof STAGE_ROLES)[number];

export const STAGE_ROLE_LABELS: Record<StageRole, string> = { accept: '受理', review: '审核（初审、复审）', approve: '审批' };

/** The role a decision at each review stage needs. */
export const STAGE_ROLE_OF: Record<ReviewStage, StageRole> = {
  acceptance: 'accept',
  first_review: 'review',
  second_review: 'review',
  approval: 'approve',
};

/** An authority of the tree: the province's department at the root (parentId null), its cities below. */
export type AuthorityView = z.infer<typeof V.authorityViewSchema>;

/** A member of an authority's staff. Phone masked except to themselves. */
export type StaffView = z.infer<typeof V.staffViewSchema>;

/** GET /api/review/me: who the signed-in reviewer is at the authority. */
export type ReviewerMeView = z.infer<typeof V.reviewerMeViewSchema>;

export type ReviewSettingsView = z.infer<typeof V.reviewSettingsViewSchema>;

export const staffInvitationRequest = z.strictObject({
  phone: z.string({ error: '请输入手机号码' }).trim().regex(/^1[3-9]\d{9}$/, { error: '请输入 11 位手机号码' }),
  stageRoles: z.array(z.enum(STAGE_ROLES)).max(3).default([]),
  isAdmin: z.boolean().default(false),
  /** Default: the inviting administrator's own authority; a province administrator may name a city. */
  authorityId: z.string().uuid({ error: '请选择注册机构' }).optional(),
});
export type StaffInvitationRequest = z.infer<typeof staffInvitationRequest>;

export const staffUpdateRequest = z.strictObject({
  stageRoles: z.array(z.enum(STAGE_ROLES)).max(3),
  isAdmin: z.boolean(),
});

const ymd = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期格式应为 YYYY-MM-DD' })
  .refine((v) => Number(v.slice(0, 4)) >= 1900 && Number(v.slice(0, 4)) <= 2999 && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), { error: '日期无效' });

/** GET /api/review/applications query: every filter optional; stage defaults to acceptance (受理). */
export const reviewQueueQuery = z.object({
  stage: z.enum(REVIEW_STAGES).default('acceptance'),
  matter: z.string().max(40).optional(),
  profession: z.string().max(40).optional(),
  specialty: z.string().max(40).optional(),
  authorityId: z.string().uuid({ error: '请选择注册机构' }).optional(),
  /** Submitted to the authority (employer's confirmation) on or after this Shanghai date. */
  from: ymd.optional(),
  /** … and on or before this Shanghai date. */
  to: ymd.optional(),
  /** Waiting in the stage at least this many hours. */
  minWaitingHours: z.coerce.number().min(0).max(100_000).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** waiting: longest waiting first; updated (default): most recently changed first. */
  sort: z.enum(['waiting', 'updated']).default('updated'),
});
export type ReviewQueueQuery = z.infer<typeof reviewQueueQuery>;

/** One application in the reviewer's queue: the list item plus where and how long it waits. */
export type ReviewQueueItem = z.infer<typeof V.reviewQueueItemSchema>;

/** GET /api/review/stage-counts: per stage, how many wait (with the queue's filters except stage) and how many are overdue. */
export type StageCount = z.infer<typeof V.stageCountSchema>;

export const batchDecisionRequest = z.strictObject({
  stage: z.enum(REVIEW_STAGES),
  outcome: z.enum(['pass', 'fail']),
  reason: z.string().trim().min(2).max(500).optional(),
  ids: z.array(z.string().max(64)).min(1, { error: '请选择申请' }).max(50, { error: '一次最多处理 50 件申请' }),
}).refine((b) => b.outcome === 'pass' || b.reason, { error: '请填写不通过的原因', path: ['reason'] });
export type BatchDecisionRequest = z.infer<typeof batchDecisionRequest>;

export type BatchDecisionItem = z.infer<typeof V.batchDecisionItemSchema>;

export type BatchDecisionResult = z.infer<typeof V.batchDecisionResultSchema>;

export const statisticsQuery = z.object({
  from: ymd,
  to: ymd,
  authorityId: z.string().uuid({ error: '请选择注册机构' }).optional(),
});

/** GET /api/review/statistics: the jurisdiction's work for Shanghai dates from..to (both included). */
export type ReviewStatistics = z.infer<typeof V.reviewStatisticsSchema>;
