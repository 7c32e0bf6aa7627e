/**
 * HTTP plumbing shared by every route: the error envelope, the JSON body parser with limits, validation of
 * bodies and queries with zod, authentication (Bearer JWT), role checks, and rate limits. A route reads as
 * its chain: `router.post(path, rateLimit(...), auth, role('applicant'), body(schema), handler)`.
 */
import { bodyParser } from '@koa/bodyparser';
import jwt from 'jsonwebtoken';
import type Koa from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { ERRORS, type Role } from '@zhiyetong/shared';
import { AppError, appError } from '../errors.js';
import type { AppContext, AppState, Deps } from '../context.js';
import { isDatabaseUnavailable } from '../db/database.js';

/** Seconds a client is asked to wait (Retry-After) while the database is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

/** What a 415 says: an upload route refusing JSON asks for a file, anything else for JSON or a file. */
const UPLOAD_EXPECTED = '请以 multipart/form-data 格式上传文件';
const JSON_OR_UPLOAD_EXPECTED = '请以 JSON 格式提交，上传文件请使用 multipart/form-data';

/**
 * Converts thrown errors to `{error: {code, message, fields?}}`; a lost or refused database connection
 * becomes 503 `service_unavailable` with Retry-After; unexpected ones are logged and become 500 `internal`.
 * A method no route implements (TRACE, QUERY …: 501 `not_implemented`) or not allowed on the path (405
 * `method_not_allowed`, with Allow) gets the envelope too, as does a 415: to a JSON request it can only mean
 * that the route takes a file upload, and says so. An AppError carrying `retryAfter` (seconds, set by the
 * command, e.g. otp_resend_too_soon) is sent with Retry-After.
 */
export function errorEnvelope(deps: Pick<Deps, 'log'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw appError('not_found');
        if (ctx.status === 405) throw appError('method_not_allowed');
        if (ctx.status === 501) throw appError('not_implemented');
      }
    } catch (e) {
      let err: AppError;
      if (e instanceof AppError) err = e;
      else {
        const status = (e as { status?: number }).status;
        if (status === 413) err = appError('payload_too_large');
        else if (status === 415) err = appError('unsupported_media_type');
        else if (status === 400) err = appError('bad_request');
        else if (isDatabaseUnavailable(e)) {
          deps.log.warn({ error: String(e), path: ctx.path, method: ctx.method }, 'database unavailable');
          ctx.set('Retry-After', String(DB_RETRY_AFTER_SECONDS));
          err = appError('service_unavailable');
        } else {
          deps.log.error({ err: e, path: ctx.path, method: ctx.method }, 'unhandled error');
          err = appError('internal');
        }
      }
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      if (retryAfter) ctx.set('Retry-After', String(retryAfter));
      let message = err.message;
      if (err.code === 'unsupported_media_type' && message === ERRORS.unsupported_media_type.message)
        message = ctx.is('application/json') ? UPLOAD_EXPECTED : JSON_OR_UPLOAD_EXPECTED;
      ctx.status = err.status;
      ctx.body = { error: { code: err.code, message, ...(err.fields ? { fields: err.fields } : {}) } };
    }
  };
}

/**
 * Node's HTTP parser refuses some requests before Koa sees them (a request line or headers over its 16 KB
 * limit, a malformed request); by default it answers with a bare status line. This answers them with the
 * error envelope instead: 431 `headers_too_large`, else 400 `bad_request`. Attach to the server's
 * 'clientError' event.
 */
export function clientErrorEnvelope(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (!socket.writable || (err as { code?: string }).code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const code = err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request';
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Control characters no text input may hold: C0 except tab, line feed and carriage return; DEL; C1.
 * PostgreSQL refuses U+0000 in text and jsonb (a 500 before), and none of them belongs in a name, a reason or
 * a search term.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_MESSAGE = '不能包含控制字符';

/**
 * The paths (`form.employer.name`, `specialties.0.issueDate`) of every string, and every object key, in
 * `value` that holds a control character; `prefix` is prepended.
 */
export function controlCharacterFields(value: unknown, prefix: (string | number)[] = []): Record<string, string> {
  const fields: Record<string, string> = {};
  const walk = (v: unknown, at: (string | number)[], depth: number) => {
    if (typeof v === 'string') {
      if (CONTROL.test(v)) fields[at.join('.') || '_'] ??= CONTROL_MESSAGE;
    } else if (Array.isArray(v)) {
      if (depth < 64) v.forEach((x, i) => walk(x, [...at, i], depth + 1));
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (CONTROL.test(k)) fields[[...at, k.replace(new RegExp(CONTROL.source, 'g'), '?')].join('.')] ??= CONTROL_MESSAGE;
        else if (depth < 64) walk(x, [...at, k], depth + 1);
      }
    }
  };
  walk(value, prefix, 0);
  return fields;
}

/**
 * Refuses control characters in every text input of every route, once, before any route's own validation:
 * the query string, the JSON body and the path. 422 `validation_failed` naming each field (query parameters
 * by their name, body fields by their path); a path holding one is 404 (no such resource).
 */
function refuseControlCharacters(ctx: Koa.ParameterizedContext<AppState>): void {
  let decodedPath = ctx.path;
  try {
    decodedPath = decodeURIComponent(ctx.path);
  } catch {
    // koa-router and the routes treat an undecodable path as not found
  }
  if (CONTROL.test(decodedPath)) throw appError('not_found');
  const fields = { ...controlCharacterFields({ ...ctx.query }), ...controlCharacterFields((ctx.request as unknown as { body?: unknown }).body) };
  if (Object.keys(fields).length) throw appError('validation_failed', fields);
}

/**
 * JSON bodies, at most 64 KB; malformed JSON is `invalid_json`. Multipart bodies pass through untouched for
 * the upload routes, which parse them with their own limits; a body of any other type is 415. Then control
 * characters anywhere in the query or the JSON body are refused (422, see refuseControlCharacters).
 */
export function jsonBody(): Koa.Middleware<AppState> {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: '64kb',
    onError(error) {
      const status = (error as { status?: number }).status;
      throw status === 413 ? appError('payload_too_large') : appError('invalid_json');
    },
  });
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || Boolean(ctx.get('transfer-encoding'));
    if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && hasBody && !ctx.is('application/json', 'multipart/form-data')) {
      throw appError('unsupported_media_type');
    }
    return parse(ctx as never, async () => {
      refuseControlCharacters(ctx);
      await next();
    });
  };
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= '不支持的字段';
      continue;
    }
    fields[issue.path.join('.') || '_'] ??= issue.message;
  }
  return fields;
}

/** Validates the JSON body against `schema`; 422 `validation_failed` with per-field messages otherwise. */
export function body<S extends z.ZodType>(schema: S): Koa.Middleware<AppState & { body: z.infer<S> }> {
  return async (ctx, next) => {
    const raw = (ctx.request as unknown as { body?: unknown }).body;
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) throw appError('validation_failed', fieldErrors(parsed.error));
    ctx.state.body = parsed.data;
    await next();
  };
}

/** Validates the query string against `schema` (values are strings). */
export function query<S extends z.ZodType>(schema: S): Koa.Middleware<AppState & { query: z.infer<S> }> {
  return async (ctx, next) => {
    const parsed = schema.safeParse({ ...ctx.query });
    if (!parsed.success) throw appError('validation_failed', fieldErrors(parsed.error));
    ctx.state.query = parsed.data;
    await next();
  };
}

export interface AccessClaims {
  sub: string;
  roles: Role[];
  sid: string;
}

/** Requires `Authorization: Bearer <access token>` (HS256, 15 min); sets ctx.state.user. */
export function authenticate(deps: Pick<Deps, 'config'>): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw appError('unauthenticated');
    try {
      const claims = jwt.verify(match[1], deps.config.secrets.jwt, { algorithms: ['HS256'], audience: 'zhiyetong-api' }) as AccessClaims & jwt.JwtPayload;
      ctx.state.user = { id: claims.sub, roles: claims.roles, sid: claims.sid };
    } catch (e) {
      throw appError(e instanceof jwt.TokenExpiredError ? 'token_expired' : 'unauthenticated');
    }
    await next();
  };
}

/** Requires one of `roles`; 403 `forbidden` otherwise. Use after `authenticate`. */
export function role(...roles: Role[]): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    if (!ctx.state.user?.roles.some((r) => roles.includes(r))) throw appError('forbidden');
    await next();
  };
}

/**
 * A fixed-window rate limit (rate-limiter-flexible, in memory: one BFF instance per deployment unit; use its
 * Postgres store when scaling out). `key` picks what is counted: the client IP by default.
 */
export function rateLimit(opts: { points: number; durationSeconds: number; key?: (ctx: AppContext) => string }): Koa.Middleware<AppState> {
  const limiter = new RateLimiterMemory({ points: opts.points, duration: opts.durationSeconds });
  return async (ctx, next) => {
    const key = opts.key ? opts.key(ctx as AppContext) : ctx.ip;
    try {
      await limiter.consume(key);
    } catch (e) {
      if (e instanceof Error) throw e;
      const retry = Math.ceil(((e as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000);
      ctx.set('Retry-After', String(retry));
      throw appError('rate_limited');
    }
    await next();
  };
}
