/** Login and sessions: SMS code, WeChat code, refresh, logout. */
import { phoneSchema, refreshRequest, sessionRequest, smsCodeRequest, wechatLoginRequest } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Actor, AppContext, Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { loginWithCode, loginWithWechat, logout, refreshSession, sendLoginCode } from '../domain/sessions.js';
import * as views from '@zhiyetong/shared';

export function actorOf(ctx: AppContext, role: Actor['role']): Actor {
  return { id: ctx.state.user.id, role, ip: ctx.ip };
}

export function authRoutes(api: ApiRouter, deps: Deps, kick: () => void) {
  const perIp = rateLimit({ points: deps.config.authRateLimitPer10Min, durationSeconds: 600 });

  api.post(
    '/api/auth/sms-codes',
    { tag: 'auth', summary: '发送登录验证码 (6 digits, valid 300 s, resend after 60 s, 10 per phone per day)', body: smsCodeRequest, responses: { 200: views.otpSentResponseSchema, 422: 'bad phone', 429: 'otp_resend_too_soon | otp_daily_limit | rate_limited' } },
    perIp,
    async (ctx) => {
      ctx.body = await sendLoginCode(deps, (ctx.state.body as { phone: string }).phone);
      kick();
    },
  );

  api.post(
    '/api/auth/sessions',
    {
      tag: 'auth',
      summary: '验证码登录: a new user becomes an applicant; with wechatCode also binds the WeChat openid',
      body: sessionRequest.extend({ wechatCode: z.string().min(1).max(200).optional() }),
      responses: { 200: views.sessionResponseSchema, 400: 'otp_invalid | otp_expired', 429: 'otp_too_many_attempts' },
    },
    perIp,
    async (ctx) => {
      const b = ctx.state.body as { phone: string; code: string; wechatCode?: string };
      ctx.body = await loginWithCode(deps, { ...b, ip: ctx.ip });
    },
  );

  api.post(
    '/api/auth/wechat',
    { tag: 'auth', summary: '微信登录: wx.login code → jscode2session; 409 wechat_not_bound until an SMS login binds the openid', body: wechatLoginRequest, responses: { 200: views.sessionResponseSchema, 409: 'wechat_not_bound', 503: 'wechat_unavailable' } },
    perIp,
    async (ctx) => {
      ctx.body = await loginWithWechat(deps, { code: (ctx.state.body as { code: string }).code, ip: ctx.ip });
    },
  );

  api.post('/api/auth/refresh', { tag: 'auth', summary: '刷新登录: rotates the refresh token; reuse revokes the session', body: refreshRequest, responses: { 200: views.sessionResponseSchema, 401: 'refresh_invalid' } }, perIp, async (ctx) => {
    ctx.body = await refreshSession(deps, (ctx.state.body as { refreshToken: string }).refreshToken, ctx.ip);
  });

  api.delete('/api/auth/sessions/current', { tag: 'auth', summary: '退出登录: revokes this session’s refresh tokens', roles: ['applicant', 'enterprise_operator', 'reviewer'], responses: { 204: 'logged out' } }, async (ctx) => {
    const u = ctx.state.user;
    await logout(deps.db, { id: u.id, role: u.roles[0], sid: u.sid, ip: ctx.ip }, deps.now());
    ctx.status = 204;
  });
}

export { phoneSchema };
