/**
 * 人员注册信息查询 (seed 003 §3.2.4, issue 10): the acting enterprise's people in the register, for the miniapp's
 * 申报查询 page. Domain in bff/src/domain/enterprise-people.ts.
 */
import * as views from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { listEnterpriseRegistrations } from '../domain/enterprise-people.js';
import { ENTERPRISE_HEADER, operatorEnterpriseId, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { appError } from '../errors.js';

export function enterprisePeopleRoutes(api: ApiRouter, deps: Deps) {
  api.get(
    '/api/enterprise/registrations',
    {
      tag: 'enterprise',
      summary: '本企业人员注册信息 (003 §3.2.4): each registration at the acting enterprise (X-Enterprise-Id) with its specialties, newest certificate version and status, and the matters that changed it; ID numbers masked; at most 500, by name',
      requestHeaders: ENTERPRISE_SELECTOR, roles: ['enterprise_operator'],
      responses: { 200: z.array(views.enterpriseRegistrationViewSchema), 404: 'not_found (no active membership of the enterprise)' },
    },
    async (ctx) => {
      const enterpriseId = await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get(ENTERPRISE_HEADER));
      if (!enterpriseId) throw appError('not_found'); // (operatorEnterpriseId throws 404 itself; its type still allows null)
      ctx.body = await listEnterpriseRegistrations(deps, enterpriseId);
    },
  );
}
