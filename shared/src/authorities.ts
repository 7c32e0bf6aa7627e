/**
 * The registration authority's side (issue 11, "Jurisdictions and staff", the reviewer's queue, statistics):
 * stage roles, and the shapes of the authority routes (bff/src/routes/authorities.ts; the route list and
 * examples are in /work/notes/issue11-authority-api.md).
 */
import { z } from 'zod';
import type { ApplicationListItem } from './api.js';
import { REVIEW_STAGES, type ApplicationStatus, type ReviewStage } from './workflow.js';
import type { Profession, RegistrationType, Specialty } from './professions.js';

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
export interface AuthorityView {
  id: string;
  parentId: string | null;
  name: string;
  regionCode: string;
  /** 'province' for the root, 'city' below it. */
  level: 'province' | 'city';
}

/** A member of an authority's staff. Phone masked except to themselves. */
export interface StaffView {
  userId: string;
  phoneMasked: string;
  authority: { id: string; name: string };
  stageRoles: StageRole[];
  isAdmin: boolean;
  invitedAt: string;
}

/** GET /api/review/me: who the signed-in reviewer is at the authority. */
export interface ReviewerMeView {
  staff: StaffView;
  authority: AuthorityView;
  /** The authorities whose work this reviewer sees: theirs and those below it. */
  jurisdiction: AuthorityView[];
  /** The stages this reviewer may decide. */
  stages: ReviewStage[];
  settings: ReviewSettingsView;
}

export interface ReviewSettingsView {
  /** Whether one person may not both review (初审/复审) and approve (审批) one application. */
  fourEyes: boolean;
  /** Time limit per stage from entering it: calendar hours, or working days on the province's calendar (one of the two is set). */
  stageLimits: Record<ReviewStage, { hours: number | null; workingDays: number | null }>;
  /** Stages that accept batch decisions. */
  batchStages: ReviewStage[];
}

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
export interface ReviewQueueItem extends ApplicationListItem {
  specialties: Specialty[];
  authority: { id: string | null; name: string };
  submittedAt: string | null;
  /** When it entered its current stage; waitingHours is from then to now (server clock). */
  stageEnteredAt: string;
  waitingHours: number;
  /** The stage's limit: hours, or working days (the other null). */
  limitHours: number | null;
  limitWorkingDays: number | null;
  /** When it is overdue from: stageEnteredAt + hours, or the start of the day after the last working day. */
  deadline: string;
  overdue: boolean;
}

/** GET /api/review/stage-counts: per stage, how many wait (with the queue's filters except stage) and how many are overdue. */
export interface StageCount {
  stage: ReviewStage;
  label: string;
  count: number;
  overdue: number;
  limitHours: number | null;
  limitWorkingDays: number | null;
}

export const batchDecisionRequest = z.strictObject({
  stage: z.enum(REVIEW_STAGES),
  outcome: z.enum(['pass', 'fail']),
  reason: z.string().trim().min(2).max(500).optional(),
  ids: z.array(z.string().max(64)).min(1, { error: '请选择申请' }).max(50, { error: '一次最多处理 50 件申请' }),
}).refine((b) => b.outcome === 'pass' || b.reason, { error: '请填写不通过的原因', path: ['reason'] });
export type BatchDecisionRequest = z.infer<typeof batchDecisionRequest>;

export interface BatchDecisionItem {
  id: string;
  ok: boolean;
  status?: ApplicationStatus;
  statusLabel?: string;
  error?: { code: string; message: string };
}

export interface BatchDecisionResult {
  batchId: string;
  decided: number;
  refused: number;
  results: BatchDecisionItem[];
}

export const statisticsQuery = z.object({
  from: ymd,
  to: ymd,
  authorityId: z.string().uuid({ error: '请选择注册机构' }).optional(),
});

/** GET /api/review/statistics: the jurisdiction's work for Shanghai dates from..to (both included). */
export interface ReviewStatistics {
  from: string;
  to: string;
  authority: { id: string | null; name: string };
  /** Per matter: submitted to the authority in the range, and where those applications stand now. */
  matters: {
    profession: Profession;
    type: RegistrationType;
    label: string;
    submitted: number;
    byStatus: Partial<Record<ApplicationStatus, number>>;
  }[];
  /** Per stage: decisions taken in the range (passed, failed), the median hours from entering the stage to its decision, and what waits now. */
  stages: {
    stage: ReviewStage;
    label: string;
    passed: number;
    failed: number;
    medianHours: number | null;
    waiting: number;
    overdue: number;
    limitHours: number | null;
    limitWorkingDays: number | null;
  }[];
  /** Applications waiting now beyond their stage's limit, longest first (at most 100). */
  overdue: { id: string; acceptanceNo: string | null; stage: ReviewStage; waitingHours: number; limitHours: number | null; limitWorkingDays: number | null; authorityName: string }[];
}
