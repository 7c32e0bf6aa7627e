/**
 * Sessions: an access token (JWT HS256, 15 minutes, claims sub, roles, sid) and an opaque refresh token
 * (30 days, stored hashed) that rotates on every use. Presenting a refresh token that was already rotated
 * means it leaked: the whole family (every token of that login) is revoked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role, SessionResponse } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import type { Db, DbOrTx } from '../db/database.js';
import { appError } from '../errors.js';
import { keyedHash } from '../pii.js';
import { maskPhone } from '../pii.js';
import { audit } from './audit.js';
import { consumeOtp, issueOtp } from './otp.js';
import { WechatError } from '../adapters/wechat.js';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;

type SessionDeps = Pick<Deps, 'db' | 'config' | 'now' | 'wechat'>;

/** Sends a login code to `phone` (any phone: an unknown one becomes an applicant on first login). */
export async function sendLoginCode(deps: SessionDeps, phone: string) {
  const sent = await issueOtp(deps, { phone, purpose: 'login', objectId: '' }, (code) => ({ template: 'login_code', params: [code] }));
  return { phoneMasked: maskPhone(phone), ...sent };
}

async function findOrCreateUser(db: DbOrTx, phone: string): Promise<{ id: string; roles: Role[] }> {
  const inserted = await db
    .insertInto('users')
    .values({ phone, roles: ['applicant'] })
    .onConflict((oc) => oc.column('phone').doNothing())
    .returning(['id', 'roles'])
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, roles: inserted.roles as Role[] };
  const user = await db.selectFrom('users').select(['id', 'roles']).where('phone', '=', phone).executeTakeFirstOrThrow();
  return { id: user.id, roles: user.roles as Role[] };
}

async function issueTokens(deps: SessionDeps, db: DbOrTx, user: { id: string; roles: Role[] }, familyId: string = randomUUID()): Promise<SessionResponse> {
  const refreshToken = randomBytes(32).toString('base64url');
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: user.id,
      family_id: familyId,
      token_hash: keyedHash(Buffer.from(deps.config.secrets.jwt), refreshToken),
      expires_at: new Date(deps.now().getTime() + REFRESH_TOKEN_DAYS * 86400_000),
    })
    .execute();
  const accessToken = jwt.sign({ roles: user.roles, sid: familyId }, deps.config.secrets.jwt, {
    algorithm: 'HS256',
    subject: user.id,
    audience: 'zhiyetong-api',
    expiresIn: ACCESS_TOKEN_SECONDS,
  });
  return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_SECONDS, user: { id: user.id, roles: user.roles } };
}

/**
 * Logs in with phone + login code; with `wechatCode` (from wx.login) also binds that WeChat openid to the
 * phone's account. Errors: the otp_* codes; wechat_code_invalid.
 */
export async function loginWithCode(deps: SessionDeps, input: { phone: string; code: string; wechatCode?: string; ip?: string }): Promise<SessionResponse> {
  await consumeOtp(deps, { phone: input.phone, purpose: 'login', objectId: '' }, input.code);
  const openid = input.wechatCode ? await resolveOpenid(deps, input.wechatCode) : null;
  return deps.db.transaction().execute(async (tx) => {
    const user = await findOrCreateUser(tx, input.phone);
    if (openid) {
      await tx.updateTable('users').set({ wechat_openid: null }).where('wechat_openid', '=', openid).where('id', '!=', user.id).execute();
      await tx.updateTable('users').set({ wechat_openid: openid }).where('id', '=', user.id).execute();
      await audit(tx, { actor: { id: user.id, role: user.roles[0], ip: input.ip }, action: 'auth.wechat_bound', objectType: 'user', objectId: user.id });
    }
    await audit(tx, { actor: { id: user.id, role: user.roles[0], ip: input.ip }, action: 'auth.login', objectType: 'user', objectId: user.id, details: { method: 'sms' } });
    return issueTokens(deps, tx, user);
  });
}

async function resolveOpenid(deps: SessionDeps, code: string): Promise<string> {
  if (!deps.wechat) throw appError('wechat_unavailable');
  try {
    return (await deps.wechat.code2Session(code)).openid;
  } catch (e) {
    if (e instanceof WechatError && e.errcode > 0) throw appError('wechat_code_invalid');
    throw appError('wechat_unavailable');
  }
}

/** Logs in with a wx.login code (auth.code2Session). Error 409 wechat_not_bound until the openid is bound by an SMS login. */
export async function loginWithWechat(deps: SessionDeps, input: { code: string; ip?: string }): Promise<SessionResponse> {
  const openid = await resolveOpenid(deps, input.code);
  return deps.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'roles']).where('wechat_openid', '=', openid).executeTakeFirst();
    if (!user) throw appError('wechat_not_bound');
    const roles = user.roles as Role[];
    await audit(tx, { actor: { id: user.id, role: roles[0], ip: input.ip }, action: 'auth.login', objectType: 'user', objectId: user.id, details: { method: 'wechat' } });
    return issueTokens(deps, tx, { id: user.id, roles });
  });
}

/** Exchanges a refresh token for a new pair. Error 401 refresh_invalid (unknown, expired, revoked or reused). */
export async function refreshSession(deps: SessionDeps, refreshToken: string, ip?: string): Promise<SessionResponse> {
  const hash = keyedHash(Buffer.from(deps.config.secrets.jwt), refreshToken);
  const result = await deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).forUpdate().executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= deps.now()) return null;
    if (row.rotated_at) {
      await tx.updateTable('refresh_tokens').set({ revoked_at: deps.now() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
      await audit(tx, { actor: { id: row.user_id, role: 'applicant', ip }, action: 'auth.refresh_reuse', objectType: 'user', objectId: row.user_id });
      return 'reused' as const;
    }
    await tx.updateTable('refresh_tokens').set({ rotated_at: deps.now() }).where('id', '=', row.id).execute();
    const user = await tx.selectFrom('users').select(['id', 'roles']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
    return issueTokens(deps, tx, { id: user.id, roles: user.roles as Role[] }, row.family_id);
  });
  if (!result || result === 'reused') throw appError('refresh_invalid');
  return result;
}

/** Ends the session the access token belongs to: every refresh token of its family is revoked. */
export async function logout(db: Db, user: { id: string; role: Role; sid: string; ip?: string }, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('refresh_tokens').set({ revoked_at: now }).where('family_id', '=', user.sid).where('user_id', '=', user.id).where('revoked_at', 'is', null).execute();
    await audit(tx, { actor: { id: user.id, role: user.role, ip: user.ip }, action: 'auth.logout', objectType: 'user', objectId: user.id });
  });
}
