/** 验证企业名称: exact full-name lookup of an employer. */
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import * as views from '@zhiyetong/shared';

export function enterpriseLookupRoutes(api: ApiRouter, deps: Deps) {
  api.get(
    '/api/enterprises',
    { tag: 'enterprises', summary: '验证企业名称: exact full name → [{id, name, uscc}] (empty when no enterprise has that name)', roles: ['applicant', 'enterprise_operator', 'reviewer'], query: z.object({ name: z.string({ error: '请填写企业全称' }).trim().min(2, { error: '请填写企业全称' }).max(100) }), responses: { 200: z.array(views.enterpriseViewSchema) } },
    async (ctx) => {
      const { name } = ctx.state.query as { name: string };
      ctx.body = await deps.db.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('name', '=', name).execute();
    },
  );
}
