/** Reminders the person can see and switch off, and the to-do list of every role (issue 16). */
import { reminderSettingRequest, type ReminderSettingRequest, type Role } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { reminderSettings, setReminder } from '../domain/reminders.js';
import { listTodos } from '../domain/todos.js';
import * as views from '@zhiyetong/shared';
import { z } from 'zod';

const anyone: Role[] = ['applicant', 'enterprise_operator', 'reviewer'];

export function reminderRoutes(api: ApiRouter, deps: Deps) {
  api.get(
    '/api/me/reminders',
    { tag: 'me', summary: '提醒设置: the reminders of my roles [{kind, label, description, optional, enabled, thresholds (days), unit days_before|days_after}] (shared/src/reminders.ts)', roles: anyone, responses: { 200: z.array(views.reminderSettingViewSchema) } },
    async (ctx) => {
      ctx.body = await reminderSettings(deps, ctx.state.user);
    },
  );

  api.put(
    '/api/me/reminders',
    { tag: 'me', summary: '开启或关闭一项提醒 {kind, enabled}; the holder’s validity-ending reminder is mandatory. Returns the settings', roles: anyone, body: reminderSettingRequest, responses: { 200: z.array(views.reminderSettingViewSchema), 404: 'not_found (not a reminder of your roles)', 409: 'reminder_mandatory', 422: 'validation_failed' } },
    async (ctx) => {
      ctx.body = await setReminder(deps, ctx.state.user, ctx.state.body as ReminderSettingRequest);
    },
  );

  api.get(
    '/api/todos',
    { tag: 'me', summary: '待办: {count, items: [{kind sign|correct|claim|confirm|review, role, title, applicationId?, certificateId?, acceptanceNo?, stage?, since}]} in every role I hold, oldest first', roles: anyone, responses: { 200: views.todoListSchema } },
    async (ctx) => {
      ctx.body = await listTodos(deps, ctx.state.user);
    },
  );
}
