/**
 * The Koa application: error envelope, request log, JSON body parser, every API route, the OpenAPI
 * document, and the miniapp's H5 build served from the same port (SPA fallback for its routes).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import serve from 'koa-static';
import { sql } from 'kysely';
import { livenessQueue } from './domain/real-name.js';
import { livenessQueueState } from './liveness/jobs.js';
import { ERRORS } from '@zhiyetong/shared';
import type { AppState, Deps } from './context.js';
import { ApiRouter } from './http/api-router.js';
import { clientErrorEnvelope, errorEnvelope, jsonBody, RateLimitStore } from './http/middleware.js';
import { scrub } from './logger.js';
import { applicationRoutes } from './routes/applications.js';
import { authRoutes } from './routes/auth.js';
import { certificateRoutes } from './routes/certificates.js';
import { enterpriseLookupRoutes } from './routes/enterprises.js';
import { relayRoutes } from './routes/relay.js';
import { shareLinkRoutes } from './routes/share-links.js';
import { enterpriseRoutes } from './routes/enterprise.js';
import { meRoutes } from './routes/me.js';
import { reviewRoutes } from './routes/review.js';
import { authorityRoutes } from './routes/authorities.js';
import { identityRoutes } from './routes/identity.js';
import { registrationRoutes } from './routes/registrations.js';
import { employerRenameRoutes } from './routes/employer-rename.js';
import { registerImportRoutes } from './routes/register-import.js';
import { noticeRoutes } from './routes/notices.js';
import { employerFilingRoutes } from './routes/employer-filings.js';
import { temporaryConstructorRoutes } from './routes/temporary-constructors.js';
import { reminderRoutes } from './routes/reminders.js';
import { enterpriseIdentityRoutes } from './routes/enterprise-identity.js';
import * as views from '@zhiyetong/shared';
import { enterprisePeopleRoutes } from './routes/enterprise-people.js';

/** The public verification route (its answered scans are logged at debug). */
const VERIFY_PATH = '/api/public/certificates/verify';

export function createApp(deps: Deps, opts: { kickOutbox: () => void }): { app: Koa<AppState>; api: ApiRouter } {
  // ctx.ip: with TRUST_PROXY_HOPS = N > 0, the N-th X-Forwarded-For address from the right (what our own
  // proxies appended); with 0 the socket's peer. Never the leftmost entry, which any client can write.
  const hops = deps.config.trustProxyHops;
  const app = new Koa<AppState>({ proxy: hops > 0, maxIpsCount: hops });
  const api = new ApiRouter(deps);

  // rate limits are counted in this database, shared by every BFF process on it (issue 14)
  (app.context as { rateLimits?: RateLimitStore }).rateLimits = new RateLimitStore(deps.db);

  /**
   * For a load balancer: 200 `{status: 'ok', database: {ms}, outbox: {due, oldestDueSeconds}, liveness:
   * {analysis, waiting, active}, process: {pid, uptimeSeconds}}` when the database answers (ms: its round
   * trip; outbox: messages due and not yet delivered, and how long the oldest has waited: a growing backlog
   * means delivery is stuck; liveness: analyses waiting and running, this process's with LIVENESS_ANALYSIS=local,
   * the shared pg-boss queue's with queue: waiting jobs growing means too few workers), else 503.
   */
  api.get('/healthz', { tag: 'ops', summary: '200 with database, outbox and liveness analysis queue state when the database answers, else 503', responses: { 200: views.healthSchema, 503: 'unavailable' } }, async (ctx) => {
    try {
      const started = performance.now();
      const { rows } = await sql<{ due: string; oldest: Date | null }>`select count(*) as due, min(next_attempt_at) as oldest from outbox where sent_at is null and failed_at is null and next_attempt_at <= now()`.execute(deps.db);
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const oldest = rows[0]?.oldest;
      const analysis = deps.config.liveness.analysis;
      const local = livenessQueue(deps).stats;
      const liveness = analysis === 'queue' ? { analysis, ...(await livenessQueueState(deps.db)) } : { analysis, waiting: local.waiting, active: local.running };
      ctx.body = {
        status: 'ok',
        database: { ms },
        outbox: { due: Number(rows[0]?.due ?? 0), oldestDueSeconds: oldest ? Math.max(0, Math.round((Date.now() - new Date(oldest).getTime()) / 1000)) : 0 },
        liveness,
        process: { pid: process.pid, uptimeSeconds: Math.round(process.uptime()) },
      };
    } catch {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: { code: 'service_unavailable', message: ERRORS.service_unavailable.message } };
    }
  });
  authRoutes(api, deps, opts.kickOutbox);
  meRoutes(api, deps);
  identityRoutes(api, deps);
  enterpriseLookupRoutes(api, deps);
  applicationRoutes(api, deps, opts.kickOutbox);
  enterpriseRoutes(api, deps, opts.kickOutbox);
  reviewRoutes(api, deps, opts.kickOutbox);
  authorityRoutes(api, deps, opts.kickOutbox);
  certificateRoutes(api, deps);
  registrationRoutes(api, deps);
  employerRenameRoutes(api, deps);
  registerImportRoutes(api, deps);
  noticeRoutes(api, deps);
  employerFilingRoutes(api, deps, opts.kickOutbox);
  temporaryConstructorRoutes(api, deps, opts.kickOutbox);
  reminderRoutes(api, deps);
  enterpriseIdentityRoutes(api, deps, opts.kickOutbox);
  enterprisePeopleRoutes(api, deps);
  relayRoutes(api, deps);
  shareLinkRoutes(api, deps);
  const openapi = api.openapi({
    title: '执业通 ZhiyeTong API',
    version: '0.1.0',
    description: 'Mobile registration for Grade II licensed construction professionals. Errors: {error: {code, message, fields?}}.',
  });
  api.get('/api/openapi.json', { tag: 'ops', summary: 'This OpenAPI 3.1 document', responses: { 200: views.openApiDocumentSchema } }, async (ctx) => {
    ctx.body = openapi;
  });

  app.use(async (ctx, next) => {
    const started = performance.now();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
    // an answered QR scan is logged at debug: scans are the busiest public read (a tender season's bursts), and a
    // line each (pino's serialisation and its pipe writes) showed in the scan's profile (issue 14); refused or failed scans stay at info
    if (ctx.path !== '/healthz')
      deps.log[ctx.path === VERIFY_PATH && ctx.status < 400 ? 'debug' : 'info']({ method: ctx.method, path: scrub(ctx.path.startsWith('/v/') ? '/v/…' : ctx.path), status: ctx.status, ms: Math.round(performance.now() - started), user: ctx.state.user?.id }, 'request');
  });
  app.use(errorEnvelope(deps));
  // the public verification page: nothing but its own inline style and data: images, never inside a frame
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/v/')) {
      ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      ctx.set('X-Frame-Options', 'DENY');
    }
    await next();
  });
  // read-your-writes for the certificate cache: a scan right after a revocation (or any change) answered here
  // must not come from memory (certificate-cache.ts, fence)
  app.use(async (ctx, next) => {
    await next();
    if (deps.certificateCache && ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.status < 400) await deps.certificateCache.fence();
  });
  app.use(jsonBody());
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());

  const h5 = deps.config.h5Dir;
  if (existsSync(path.join(h5, 'index.html'))) {
    app.use(serve(h5, { maxage: 3600_000, index: 'index.html' }));
    // SPA fallback: any other GET for a page gets the H5 shell
    app.use(async (ctx, next) => {
      if (ctx.method === 'GET' && !ctx.path.startsWith('/api/') && ctx.accepts('html') === 'html' && ctx.body === undefined) {
        ctx.path = '/index.html';
        await serve(h5, { maxage: 0 })(ctx, next);
        return;
      }
      await next();
    });
  }
  // requests Node's HTTP parser refuses before Koa (a URL over 16 KB …) get the error envelope too
  const listen = app.listen.bind(app) as (...args: unknown[]) => import('node:http').Server;
  app.listen = ((...args: unknown[]) => listen(...args).on('clientError', clientErrorEnvelope)) as typeof app.listen;
  return { app, api };
}
