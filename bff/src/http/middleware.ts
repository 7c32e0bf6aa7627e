/**
 * HTTP plumbing shared by every route: the error envelope, the JSON body parser with limits, validation of
 * bodies and queries with zod, authentication (Bearer JWT), role checks, and rate limits. A route reads as
 * its chain: `router.post(path, rateLimit(...), auth, role('applicant'), body(schema), handler)`.
 */
import { bodyParser } from '@koa/bodyparser';
import jwt from 'jsonwebtoken';
import type Koa from 'koa';
import { CompiledQuery } from 'kysely';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
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
 * How long (ms) a process may admit requests of one key on its own count before writing them to
 * PostgreSQL, while the key is below half its limit (see SharedLimiter).
 */
export const RATE_LIMIT_SYNC_MS = 100;

/** The pg-style client rate-limiter-flexible's PostgreSQL store calls, over Kysely (so the pool and its error handling are the app's). */
type StoreClient = { query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }> };

/**
 * The rate-limit counters of one database (table `rate_limits`, migration 0008), shared by every BFF process
 * on it. createApp attaches one to the app (`app.context.rateLimits`); rateLimit() finds it on the context.
 */
export class RateLimitStore {
  readonly client: StoreClient;
  private readonly limiters = new Map<string, SharedLimiter>();
  constructor(db: import('../db/database.js').Db) {
    this.client = {
      async query(q) {
        const r = await db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
        return { rows: r.rows, rowCount: r.rows.length };
      },
    };
  }
  limiter(prefix: string, points: number, durationSeconds: number): SharedLimiter {
    let l = this.limiters.get(prefix);
    if (!l) this.limiters.set(prefix, (l = new SharedLimiter(this.client, prefix, points, durationSeconds)));
    return l;
  }
}

/**
 * A fixed window of `points` per `durationSeconds` per key, counted in PostgreSQL so it holds across
 * processes. Every request of a key waits for its count from PostgreSQL (one UPSERT), except in a burst:
 * for RATE_LIMIT_SYNC_MS after a count, while the key has used less than half its points, the process
 * admits further requests on its own count and writes them in one UPSERT when that time is up; a key that
 * has used all its points by the last count is refused without asking again until its window ends. With
 * two processes the limit is exact (each admits on its own at most half); with N processes a burst landing
 * on all of them within one sync interval can pass up to N/2 times the points. Retry-After is the window's
 * remaining time.
 */
class SharedLimiter {
  private readonly pg: RateLimiterPostgres;
  private readonly keys = new Map<string, { known: number; pending: number; syncedAt: number; expireAt: number; timer: NodeJS.Timeout | null }>();
  constructor(
    client: StoreClient,
    prefix: string,
    private readonly points: number,
    durationSeconds: number,
  ) {
    this.pg = new RateLimiterPostgres({ storeClient: client, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, keyPrefix: prefix, points, duration: durationSeconds, clearExpiredByTimeout: true });
  }

  /** 0 when the request is admitted, else the ms until the key's window ends. Throws when the database fails. */
  async consume(key: string): Promise<number> {
    const now = Date.now();
    const s = this.keys.get(key);
    if (s && now < s.expireAt) {
      if (s.known >= this.points) return s.expireAt - now;
      if (now - s.syncedAt < RATE_LIMIT_SYNC_MS && 2 * (s.known + s.pending + 1) <= this.points) {
        s.pending++;
        s.timer ??= setTimeout(() => void this.sync(key, 0).catch(() => undefined), RATE_LIMIT_SYNC_MS - (now - s.syncedAt));
        return 0;
      }
    }
    return this.sync(key, 1);
  }

  /** Adds `own` (this request) and the key's pending admissions to its count in PostgreSQL; returns as consume. */
  private async sync(key: string, own: number): Promise<number> {
    const s = this.keys.get(key);
    const pending = s?.pending ?? 0;
    if (s) {
      s.pending = 0;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    }
    if (own + pending === 0) return 0;
    let res: RateLimiterRes;
    try {
      res = await this.pg.consume(key, own + pending);
    } catch (e) {
      if (e instanceof Error) throw e;
      res = e as RateLimiterRes;
    }
    const now = Date.now();
    if (this.keys.size > 10_000) for (const [k, v] of this.keys) if (v.expireAt <= now && !v.timer) this.keys.delete(k);
    const state = this.keys.get(key) ?? { known: 0, pending: 0, syncedAt: 0, expireAt: 0, timer: null };
    state.known = res.consumedPoints;
    state.syncedAt = now;
    state.expireAt = now + Math.max(res.msBeforeNext, 0);
    this.keys.set(key, state);
    return own && res.consumedPoints > this.points ? Math.max(res.msBeforeNext, 1) : 0;
  }
}

/** Where rateLimit() was called ('routes/auth.ts:14'): with points and duration, the limiter's name in the shared table, the same in every process running this code. */
function callSite(): string {
  const line = new Error().stack?.split('\n')[3] ?? '';
  const m = /([^/\s()]+\/[^/\s()]+?):(\d+):\d+\)?\s*$/.exec(line);
  return m ? `${m[1]}:${m[2]}` : 'unknown';
}

/**
 * A fixed-window rate limit: `points` requests per `durationSeconds` per `key` (the client IP by default);
 * over it, 429 `rate_limited` with Retry-After (seconds). Counted in PostgreSQL (RateLimitStore, the app's
 * `rateLimits`), so it holds across every BFF process on the database; an app without a store (none today)
 * counts in memory. A database failure while counting is 503 `service_unavailable`, like any other.
 */
export function rateLimit(opts: { points: number; durationSeconds: number; key?: (ctx: AppContext) => string }): Koa.Middleware<AppState> {
  const prefix = `rl:${callSite()}:${opts.points}/${opts.durationSeconds}`;
  let memory: RateLimiterMemory | null = null;
  const limit: Koa.Middleware<AppState> = async (ctx, next) => {
    const key = opts.key ? opts.key(ctx as AppContext) : ctx.ip;
    const store = (ctx as unknown as { rateLimits?: RateLimitStore }).rateLimits;
    let waitMs: number;
    if (store) waitMs = await store.limiter(prefix, opts.points, opts.durationSeconds).consume(key);
    else {
      memory ??= new RateLimiterMemory({ points: opts.points, duration: opts.durationSeconds });
      waitMs = await memory.consume(key).then(
        () => 0,
        (e) => {
          if (e instanceof Error) throw e;
          return Math.max((e as RateLimiterRes).msBeforeNext ?? 1000, 1);
        },
      );
    }
    if (waitMs > 0) {
      ctx.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      throw appError('rate_limited');
    }
    await next();
  };
  // the OpenAPI document gives a route with this middleware its 429 rate_limited with Retry-After (api-router.ts)
  return Object.assign(limit, { [RATE_LIMITED]: { points: opts.points, durationSeconds: opts.durationSeconds, by: opts.key ? 'caller' : 'client IP' } });
}

/** Marks a rateLimit() middleware (its points and window) so ApiRouter documents the route's 429. */
export const RATE_LIMITED = Symbol.for('zhiyetong.rateLimit');
