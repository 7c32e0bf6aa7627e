/**
 * Enterprise identity and operators (issue 10; seed 003 §3.2.2): binding an enterprise by its legal
 * representative, the person's memberships, the enterprise's basic information, its operators.
 *
 * Who may call: every route takes a logged-in person in the applicant or enterprise_operator role and then
 * decides by MEMBERSHIP, read from the database on each request (so a just-bound legal representative needs
 * no new token, and a removed operator gets 404 at once). The enterprise a request acts for is the
 * X-Enterprise-Id header, or the person's only enterprise (policies.ts operatorEnterpriseId: 404 not_found
 * when the person does not act for it, 400 enterprise_choice_required when they act for several and sent no
 * header). Profile changes and operator management are for the legal representative (a plain operator: 403).
 */
import { enterpriseBindingRequest, enterpriseProfileSchema, operatorInviteRequest, type EnterpriseProfile, type Role } from '@zhiyetong/shared';
import type { AppContext, Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { bindEnterprise, getEnterpriseProfile, inviteOperator, listMembers, listMemberships, removeOperator, requireLegalRepresentative, updateEnterpriseProfile } from '../domain/enterprise-identity.js';
import { ENTERPRISE_HEADER, operatorEnterpriseId, ENTERPRISE_SELECTOR } from '../domain/policies.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';
import { z } from 'zod';

const people: Role[] = ['applicant', 'enterprise_operator'];
const ACTING = 'Acts for the enterprise in header X-Enterprise-Id (or the caller’s only one).';

/** The enterprise this request acts for (see the module docstring). */
async function acting(deps: Deps, ctx: AppContext): Promise<string> {
  return (await operatorEnterpriseId(deps.db, ctx.state.user.id, ctx.get(ENTERPRISE_HEADER)))!;
}

function actor(ctx: AppContext) {
  return actorOf(ctx, ctx.state.user.roles.includes('enterprise_operator') ? 'enterprise_operator' : 'applicant');
}

export function enterpriseIdentityRoutes(api: ApiRouter, deps: Deps, kick: () => void = () => {}) {
  // each binding asks the business registry (a paid, rate-limited service in production)
  const perPerson = rateLimit({ points: 20, durationSeconds: 600, key: (ctx) => ctx.state.user.id });

  api.post(
    '/api/enterprise/bindings',
    {
      tag: 'enterprise',
      summary: '法定代表人绑定企业 (003 §3.2.2): a real-name-verified person enters the unified social credit code; the business registry must name them as the active enterprise’s legal representative',
      description:
        'Body {uscc} (GB 32100 check character verified). 201 {membership, outcome: created|claimed, sessionRefreshRequired} when the enterprise is bound (created, or an existing row claimed, replacing a former legal representative); 200 with outcome already when it was theirs. sessionRefreshRequired: the enterprise_operator role was added, refresh the session (POST /api/auth/refresh) before using the operator routes that check the token’s role. Nothing is bound on any refusal (one transaction); every refusal is audited.',
      roles: people,
      body: enterpriseBindingRequest,
      responses: {
        200: views.enterpriseBindingResultSchema,
        201: views.enterpriseBindingResultSchema,
        403: 'not_legal_representative',
        409: 'identity_required | identity_unverified | enterprise_name_taken',
        422: 'validation_failed (uscc format or check character) | enterprise_not_in_registry | enterprise_inactive (注销/吊销/停业)',
        429: 'rate_limited (20 per person per 10 minutes)',
        503: 'registry_unavailable (timeout or registry error; try again)',
      },
    },
    perPerson,
    async (ctx) => {
      const result = await bindEnterprise(deps, actor(ctx), (ctx.state.body as { uscc: string }).uscc);
      ctx.status = result.outcome === 'already' ? 200 : 201;
      ctx.body = result;
    },
  );

  api.get(
    '/api/enterprise/memberships',
    { tag: 'enterprise', summary: '我代办的企业: the enterprises the caller acts for, [{enterpriseId, name, uscc, role: legal_representative|operator, since, profileComplete}] (empty when none); send one enterpriseId as X-Enterprise-Id', roles: people, responses: { 200: z.array(views.enterpriseMembershipViewSchema) } },
    async (ctx) => {
      ctx.body = await listMemberships(deps.db, ctx.state.user.id);
    },
  );

  api.get(
    '/api/enterprise/profile',
    { tag: 'enterprise', summary: `企业基本信息 (003 §3.2.2.1) with the required fields still missing (missing: [{field, message}]; any missing one blocks filings and counter-signatures). Members only. ${ACTING}`, requestHeaders: ENTERPRISE_SELECTOR, roles: people, responses: { 200: views.enterpriseProfileViewSchema, 400: 'enterprise_choice_required', 404: 'not_found (not a member)' } },
    async (ctx) => {
      ctx.body = await getEnterpriseProfile(deps.db, await acting(deps, ctx));
    },
  );

  api.put(
    '/api/enterprise/profile',
    {
      tag: 'enterprise',
      summary: `完善企业基本信息: replaces the basic information (every field optional when saving; registeredCapital in 万元; dates YYYY-MM-DD). Legal representative only. ${ACTING}`,
      requestHeaders: ENTERPRISE_SELECTOR, roles: people,
      body: enterpriseProfileSchema,
      responses: { 200: views.enterpriseProfileViewSchema, 400: 'enterprise_choice_required', 403: 'forbidden (an operator)', 404: 'not_found (not a member)', 422: 'validation_failed' },
    },
    async (ctx) => {
      const enterpriseId = await acting(deps, ctx);
      await requireLegalRepresentative(deps.db, ctx.state.user.id, enterpriseId);
      ctx.body = await updateEnterpriseProfile(deps, actor(ctx), enterpriseId, ctx.state.body as EnterpriseProfile);
    },
  );

  api.get(
    '/api/enterprise/operators',
    { tag: 'enterprise', summary: `经办人管理: the enterprise’s legal representative and operators, [{userId, role, phoneMasked, name, invitedAt}]. Legal representative only. ${ACTING}`, requestHeaders: ENTERPRISE_SELECTOR, roles: people, responses: { 200: z.array(views.enterpriseMemberViewSchema), 400: 'enterprise_choice_required', 403: 'forbidden (an operator)', 404: 'not_found (not a member)' } },
    async (ctx) => {
      const enterpriseId = await acting(deps, ctx);
      await requireLegalRepresentative(deps.db, ctx.state.user.id, enterpriseId);
      ctx.body = await listMembers(deps.db, enterpriseId);
    },
  );

  api.post(
    '/api/enterprise/operators',
    {
      tag: 'enterprise',
      summary: `邀请经办人 by mobile number: the person (a new account if the number has none) acts for the enterprise at once and is told by SMS (template operator_invited); they log in with that number. Legal representative only. ${ACTING}`,
      requestHeaders: ENTERPRISE_SELECTOR, roles: people,
      body: operatorInviteRequest,
      responses: { 201: views.enterpriseMemberViewSchema, 400: 'enterprise_choice_required', 403: 'forbidden (an operator)', 404: 'not_found (not a member)', 409: 'operator_already_member', 422: 'validation_failed' },
    },
    async (ctx) => {
      const enterpriseId = await acting(deps, ctx);
      await requireLegalRepresentative(deps.db, ctx.state.user.id, enterpriseId);
      ctx.status = 201;
      ctx.body = await inviteOperator(deps, actor(ctx), enterpriseId, (ctx.state.body as { phone: string }).phone);
      kick();
    },
  );

  api.delete(
    '/api/enterprise/operators/:userId',
    {
      tag: 'enterprise',
      summary: `移除经办人: from now on every request of that person for this enterprise answers 404. Legal representative only. ${ACTING}`,
      requestHeaders: ENTERPRISE_SELECTOR, roles: people,
      responses: { 204: 'removed', 400: 'enterprise_choice_required', 403: 'forbidden (an operator)', 404: 'not_found (not a member, or no such operator)', 409: 'legal_representative_not_removable' },
    },
    async (ctx) => {
      const enterpriseId = await acting(deps, ctx);
      await requireLegalRepresentative(deps.db, ctx.state.user.id, enterpriseId);
      await removeOperator(deps, actor(ctx), enterpriseId, ctx.params.userId);
      ctx.status = 204;
    },
  );
}
