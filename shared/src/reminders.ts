/**
 * Reminders and the to-do list (issue 16): the kinds of reminder the BFF sends through the outbox (SMS, and
 * a WeChat subscription message where the person has one), who gets which, which a person may switch off,
 * and the shapes of GET/PUT /api/me/reminders and GET /api/todos. The when (thresholds in days) is a BFF
 * setting (REMINDER_* in bff/src/config.ts); the scan is bff/src/domain/reminders.ts.
 */
import { z } from 'zod';
import type * as V from './views.js';
import type { Role } from './workflow.js';

export const REMINDER_KINDS = ['validity_ending', 'certificate_unclaimed', 'applicant_signature', 'correction', 'employee_validity_ending', 'employer_signature'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface ReminderKindInfo {
  /** Whose reminder it is: the person (applicant role) or an enterprise operator. */
  role: Role;
  label: string;
  description: string;
  /** false: sent to everyone it concerns and cannot be switched off. */
  optional: boolean;
  /** days_before: before an end date (validity); days_after: after something started waiting. */
  unit: 'days_before' | 'days_after';
}

/**
 * The catalogue. The holder's validity-ending reminder is mandatory: a specialty that lapses stops the
 * holder practising in it (and tenders refuse them) and is only restored by a new application, and it costs
 * at most three messages in a validity period. The operator's copy of it and every other reminder can be
 * switched off.
 */
export const REMINDER_KIND_INFO: Record<ReminderKind, ReminderKindInfo> = {
  validity_ending: { role: 'applicant', label: '注册专业有效期届满提醒', description: '注册专业有效期届满前提醒您申请延续注册', optional: false, unit: 'days_before' },
  certificate_unclaimed: { role: 'applicant', label: '电子证书未领取提醒', description: '电子注册证书发放后未领取时提醒您领取', optional: true, unit: 'days_after' },
  applicant_signature: { role: 'applicant', label: '申请待本人签名提醒', description: '申请表已填写但未签名提交时提醒您签名', optional: true, unit: 'days_after' },
  correction: { role: 'applicant', label: '退回申请待修改提醒', description: '申请被聘用企业退回后未修改时提醒您修改', optional: true, unit: 'days_after' },
  employee_validity_ending: { role: 'enterprise_operator', label: '本企业人员注册有效期届满提醒', description: '本企业注册人员的专业有效期届满前提醒您', optional: true, unit: 'days_before' },
  employer_signature: { role: 'enterprise_operator', label: '申请待企业确认提醒', description: '本企业人员的申请等待企业签名确认时提醒您', optional: true, unit: 'days_after' },
};

export type ReminderSettingView = z.infer<typeof V.reminderSettingViewSchema>;

export const reminderSettingRequest = z.strictObject({ kind: z.enum(REMINDER_KINDS), enabled: z.boolean() });
export type ReminderSettingRequest = z.infer<typeof reminderSettingRequest>;

/**
 * sign/correct/claim: the person; confirm: the operator's 企业确认, or the person's confirmation of a filing
 * their employer made for them (awaiting_applicant, 待个人确认); release: the old employer's 同意转出 of a
 * temporary constructor's transfer (awaiting_release, 待原单位确认, 003 §3.2.3.9); review: a reviewer's stage decision.
 */
export const TODO_KINDS = ['sign', 'correct', 'claim', 'confirm', 'release', 'review'] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

export type TodoItem = z.infer<typeof V.todoItemSchema>;

export type TodoList = z.infer<typeof V.todoListSchema>;
