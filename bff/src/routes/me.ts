/** The caller's profile, real-name data, privacy consent and face-data consent. */
import { identityRequest, privacyConsentRequest, type MeResponse, type Role } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { audit } from '../domain/audit.js';
import { latestConsent } from '../domain/consents.js';
import { findIdentity, presentIdentity, setIdentity } from '../domain/identity.js';
import { latestFaceConsent } from '../domain/real-name.js';
import { maskPhone } from '../pii.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const anyone: Role[] = ['applicant', 'enterprise_operator', 'reviewer'];

export function meRoutes(api: ApiRouter, deps: Deps) {
  api.get('/api/me', { tag: 'me', summary: '我的信息: roles, masked phone, real-name record, enterprise, privacy consent, face-data consent (faceConsent {version, at, current} | null)', roles: anyone, responses: { 200: views.meResponseSchema } }, async (ctx) => {
    const id = ctx.state.user.id;
    const [user, identity, enterprise, consent, faceConsent] = await Promise.all([
      deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      findIdentity(deps.db, id),
      deps.db
        .selectFrom('enterprise_operators as o')
        .innerJoin('enterprises as e', 'e.id', 'o.enterprise_id')
        .select(['e.id', 'e.name', 'e.uscc'])
        .where('o.user_id', '=', id)
        .where('o.removed_at', 'is', null)
        .executeTakeFirst(),
      latestConsent(deps.db, id, 'privacy'),
      latestFaceConsent(deps, id),
    ]);
    const body: MeResponse = {
      id,
      phoneMasked: maskPhone(user.phone),
      roles: user.roles as Role[],
      identity: identity ? presentIdentity(identity, deps.pii.decrypt(identity.id_number_enc)) : null,
      enterprise: enterprise ?? null,
      privacyConsent: consent ? { version: consent.version, at: consent.agreed_at.toISOString() } : null,
      faceConsent,
      wechatBound: Boolean(user.wechat_openid),
    };
    ctx.body = body;
  });

  api.put(
    '/api/me/identity',
    { tag: 'me', summary: '实名信息: name and resident ID number (GB 11643-1999 check digit); gender and birth date derive from it', roles: ['applicant'], body: identityRequest, responses: { 200: views.identityViewSchema, 409: 'identity_locked | identity_taken', 422: 'validation_failed' } },
    async (ctx) => {
      ctx.body = await setIdentity(deps, actorOf(ctx, 'applicant'), ctx.state.body as { name: string; idNumber: string });
    },
  );

  api.post('/api/me/privacy-consents', { tag: 'me', summary: '同意隐私保护指引: stores the version and time', roles: anyone, body: privacyConsentRequest, responses: { 201: views.consentViewSchema } }, async (ctx) => {
    const { version } = ctx.state.body as { version: string };
    await deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('consents').values({ user_id: ctx.state.user.id, kind: 'privacy', version, agreed_at: deps.now() }).execute();
      await audit(tx, { actor: actorOf(ctx, ctx.state.user.roles[0]), action: 'privacy.consented', objectType: 'user', objectId: ctx.state.user.id, details: { version } });
    });
    ctx.status = 201;
    ctx.body = { version, at: deps.now().toISOString() };
  });
}
