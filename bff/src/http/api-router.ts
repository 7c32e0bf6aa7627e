/**
 * Routes with their documentation: `api.post(path, spec, ...middleware, handler)` registers the route on
 * @koa/router and records `spec` for the OpenAPI 3.1 document (GET /api/openapi.json). When the spec names
 * `roles`, authentication and the role check are added; with `body`/`query`, validation is added: the chain
 * a route runs is always auth → role → validation → the route's own middleware → handler.
 *
 * The document is generated from the zod schemas with zod 4's own JSON Schema generator (z.toJSONSchema over
 * a registry, so named schemas — `.meta({id})`, e.g. ApplicationView in shared/src — become
 * components/schemas and are referenced with $ref). Every operation gets: its request body (JSON, or
 * multipart/form-data with the file as binary for `upload` routes), query and path parameters, a schema or
 * content type per success status, the error envelope for its error statuses, and 401/403 when it needs a
 * role. Headers: the request headers a route reads (`requestHeaders`, e.g. X-Enterprise-Id) as header
 * parameters; response headers per status (`responseHeaders`, e.g. Content-Disposition on a download); and,
 * from the router itself, 503 service_unavailable with Retry-After on every operation (any request may meet a
 * database outage, middleware.ts errorEnvelope), 429 rate_limited with Retry-After on every route with a
 * rateLimit() middleware, and Retry-After on every declared 429 and 503. A body's Content-Type is its media
 * type under `content` (OpenAPI ignores a Content-Type header definition).
 *
 * With RESPONSE_VALIDATION=on (the test servers) every JSON 2xx body is checked against its schema, and every
 * answer, error or not, against the headers its spec documents: a client-facing response header
 * (CHECKED_RESPONSE_HEADERS) sent on a status that does not document it, or a request header the route read
 * (ctx.get) that is neither documented nor a standard one, is a contract violation.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { Role } from '@zhiyetong/shared';
import type { AppState, Deps } from '../context.js';
import { AppError, appError } from '../errors.js';
import { isDatabaseUnavailable } from '../db/database.js';
import { authenticate, body as validateBody, query as validateQuery, RATE_LIMITED, role } from './middleware.js';

/**
 * What a status answers. A success (2xx but 204): the zod schema of its JSON body, or the media type of a
 * body that is not JSON ('application/pdf', 'text/html', 'image/jpeg | image/png' for one of several). A 204:
 * a description. An error status: a description (its codes); the document gives it the error envelope.
 */
export type ResponseSpec = z.ZodType | string;

export interface RouteSpec {
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it; omitted = anyone. */
  roles?: Role[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** Path parameter schemas by name; a name not given is a string (ids: a UUID). */
  params?: Record<string, z.ZodType>;
  /** A multipart/form-data body: the file's field name (if any) and text fields (name → description). */
  upload?: { file?: string; fields?: Record<string, string>; description?: string };
  /** Per status, e.g. {200: ApplicationView, 404: 'not_found'}; see ResponseSpec. */
  responses: Record<number, ResponseSpec>;
  /** Request headers the route reads besides the standard ones (name → description); documented as optional header parameters. */
  requestHeaders?: Record<string, string>;
  /** Response headers per status (status → name → description), e.g. {200: {'Content-Disposition': …}}; Retry-After on 429/503 is added by the router. */
  responseHeaders?: Record<number, Record<string, string>>;
}

/**
 * Response headers a client acts on: the contract check (RESPONSE_VALIDATION=on) refuses an answer that
 * sends one of them on a status whose spec does not document it. The security headers every answer carries
 * (X-Content-Type-Options, Referrer-Policy; CSP and X-Frame-Options on pages) are the app's, not a route's.
 */
export const CHECKED_RESPONSE_HEADERS = ['retry-after', 'content-disposition', 'x-copy-valid-until', 'cache-control', 'location'];

/** Request headers any route may read without documenting them (HTTP's own; Authorization is the bearer security scheme). */
const STANDARD_REQUEST_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'transfer-encoding', 'accept', 'accept-language', 'user-agent', 'host', 'connection']);

/** responseHeaders of a download: its Content-Disposition (routes/applications.ts attachment()), and `more` (e.g. X-Copy-Valid-Until). */
export function downloadHeaders(disposition: 'attachment' | 'inline', more: Record<string, string> = {}): Record<number, Record<string, string>> {
  return { 200: { 'Content-Disposition': `${disposition}; filename="<ASCII file name>"; filename*=UTF-8''<file name> (RFC 6266, RFC 8187)${disposition === 'inline' ? ': shown, not saved' : ': saved as a file'}`, ...more } };
}

/** The X-Copy-Valid-Until header of a certificate copy. */
export const COPY_VALID_UNTIL = { 'X-Copy-Valid-Until': "the copy's period of use ends (ISO 8601), as printed beside its QR code" };

/** Retry-After, as documented on 429 and 503. */
const RETRY_AFTER = { 'Retry-After': 'seconds to wait before trying again' };

type Method = 'get' | 'post' | 'put' | 'delete';
type Handler = Koa.Middleware<AppState & Record<string, any>>;

/** A media type, or several separated by ` | `. */
const MEDIA_TYPE = /^[a-z]+\/[\w.+-]+( \| [a-z]+\/[\w.+-]+)*$/;

/** Path parameters whose values are database ids. */
const ID_PARAMS = new Set(['id', 'userId', 'linkId']);

export function isSchema(r: ResponseSpec | undefined): r is z.ZodType {
  return typeof r === 'object' && r !== null && '_zod' in r;
}

/** A body that breaks its route's response schema (RESPONSE_VALIDATION=on). */
export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  issues: string[];
}

export class ApiRouter {
  readonly router = new Router<AppState>();
  readonly specs: { method: Method; path: string; spec: RouteSpec; rateLimits: { points: number; durationSeconds: number; by: string }[] }[] = [];
  /** Every contract violation seen (RESPONSE_VALIDATION=on); the test servers fail when it is not empty. */
  readonly contractViolations: ContractViolation[] = [];

  constructor(private readonly deps: Pick<Deps, 'config'> & Partial<Pick<Deps, 'log'>>) {}

  private add(method: Method, path: string, spec: RouteSpec, handlers: Handler[]) {
    const rateLimits = handlers.map((h) => (h as unknown as Record<symbol, { points: number; durationSeconds: number; by: string } | undefined>)[RATE_LIMITED]).filter((r) => r !== undefined);
    this.specs.push({ method, path, spec, rateLimits });
    const chain: Handler[] = [];
    if (this.deps.config.responseValidation) chain.push(this.contract(method, path, spec));
    if (spec.roles) chain.push(authenticate(this.deps), role(...spec.roles));
    if (spec.query) chain.push(validateQuery(spec.query) as Handler);
    if (spec.body) chain.push(validateBody(spec.body) as Handler);
    (this.router[method] as (p: string, ...m: Handler[]) => unknown)(path, ...chain, ...handlers);
  }

  /**
   * The contract check: after the route, a JSON 2xx body (as it goes on the wire) must parse with the
   * schema its spec gives that status; a 2xx status the spec does not declare, or a JSON body where the
   * spec declares another media type, is a violation too. So is a CHECKED_RESPONSE_HEADERS header the spec
   * does not document for the status it is sent on (documentedResponseHeaders; on a status that is not
   * 2xx only Retry-After is judged: a Cache-Control set before a 404 is harmless), or a request header the route
   * read with ctx.get that is neither standard nor in `requestHeaders`. A violation is logged and recorded;
   * on a 2xx it is answered 500 `response_contract_violation` with the failing paths in `fields`, an error
   * goes out as it was: either way the test that caused it fails (the test servers check the record).
   */
  private contract(method: Method, path: string, spec: RouteSpec): Handler {
    const documented = (status: number) => new Set(Object.keys(this.documentedResponseHeaders(method, path, spec)[status] ?? {}).map((h) => h.toLowerCase()));
    const readable = new Set([...STANDARD_REQUEST_HEADERS, ...Object.keys(spec.requestHeaders ?? {}).map((h) => h.toLowerCase())]);
    const headerIssues = (status: number, sent: string[], read: Set<string>) => {
      const ok = documented(status);
      return [
        ...sent.filter((h) => !ok.has(h)).map((h) => `response header ${h} sent on ${status} is not documented: add it to the route's responseHeaders[${status}]`),
        ...[...read].filter((h) => !readable.has(h)).map((h) => `request header ${h} is read but not documented: add it to the route's requestHeaders`),
      ];
    };
    return async (ctx, next) => {
      const read = new Set<string>();
      const get = ctx.get.bind(ctx);
      ctx.get = (field: string) => (read.add(field.toLowerCase()), get(field));
      try {
        await next();
      } catch (e) {
        // the error envelope (outside the router) answers it: the status it will have, the headers it will carry
        const status = e instanceof AppError ? e.status : isDatabaseUnavailable(e) ? 503 : ((e as { status?: number }).status ?? 500);
        const retryAfter = Boolean(ctx.response.get('retry-after')) || Boolean((e as { retryAfter?: number }).retryAfter) || status === 503;
        const issues = headerIssues(status, retryAfter ? ['retry-after'] : [], read);
        if (issues.length) this.violation(method, path, status, issues);
        throw e;
      }
      const status = ctx.status;
      const success = status >= 200 && status < 300;
      const issues = headerIssues(status, (success ? CHECKED_RESPONSE_HEADERS : ['retry-after']).filter((h) => Boolean(ctx.response.get(h))), read);
      if (status >= 200 && status < 300 && status !== 204) {
        const declared = spec.responses[status];
        const body = ctx.body;
        const json = body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body !== 'string' && typeof (body as { pipe?: unknown }).pipe !== 'function';
        if (declared === undefined) issues.push(`status ${status} is not declared in the route's responses`);
        else if (isSchema(declared)) {
          if (!json) issues.push(`declared a JSON schema, answered ${ctx.response.type || typeof body}`);
          else {
            const parsed = declared.safeParse(JSON.parse(JSON.stringify(body)));
            if (!parsed.success) issues.push(...parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
          }
        } else if (json)
          issues.push(MEDIA_TYPE.test(declared) ? `declared ${declared}, answered JSON` : `responses[${status}] is '${declared}', a description: give it the body's zod schema (shared/src/views.ts)`);
      }
      if (!issues.length) return;
      this.violation(method, path, status, issues);
      if (status < 200 || status >= 300) return;
      const err = appError('response_contract_violation', Object.fromEntries(issues.slice(0, 20).map((m, i) => [String(i), m])));
      ctx.status = err.status;
      ctx.type = 'application/json';
      ctx.body = { error: { code: err.code, message: `${err.message}：${method.toUpperCase()} ${path} ${status}`, fields: err.fields } };
    };
  }

  private violation(method: Method, path: string, status: number, issues: string[]) {
    const violation = { method: method.toUpperCase(), path, status, issues };
    this.contractViolations.push(violation);
    this.deps.log?.error(violation, 'response contract violation');
  }

  /**
   * The response headers the document gives each status of a route (status → header name → description):
   * its `responseHeaders`, Retry-After on 503 (every operation: a database outage) and on 429 (when
   * declared, or when the route has a rateLimit() middleware).
   */
  documentedResponseHeaders(method: Method, path: string, spec: RouteSpec): Record<number, Record<string, string>> {
    const entry = this.specs.find((e) => e.method === method && e.path === path && e.spec === spec);
    const out: Record<number, Record<string, string>> = {};
    for (const [status, headers] of Object.entries(spec.responseHeaders ?? {})) out[Number(status)] = { ...headers };
    out[503] = { ...out[503], ...RETRY_AFTER };
    if (spec.responses[429] !== undefined || entry?.rateLimits.length) out[429] = { ...out[429], ...RETRY_AFTER };
    return out;
  }

  get(path: string, spec: RouteSpec, ...h: Handler[]) {
    this.add('get', path, spec, h);
  }
  post(path: string, spec: RouteSpec, ...h: Handler[]) {
    this.add('post', path, spec, h);
  }
  put(path: string, spec: RouteSpec, ...h: Handler[]) {
    this.add('put', path, spec, h);
  }
  delete(path: string, spec: RouteSpec, ...h: Handler[]) {
    this.add('delete', path, spec, h);
  }

  /** The OpenAPI 3.1 document for every registered route. */
  openapi(info: { title: string; version: string; description: string }): Record<string, unknown> {
    // every response schema goes into one registry: named ones (.meta({id})) under their id, an operation's
    // own under a temporary id that is inlined below; one conversion then gives components with $refs
    const registry = z.registry<{ id: string }>();
    const named = new Map<z.ZodType, string>();
    const inline = new Map<z.ZodType, string>();
    const nameOf = (s: z.ZodType) => (z.globalRegistry.get(s) as { id?: string } | undefined)?.id;
    // every schema named in zod's global registry (shared/src's views) is a component
    for (const [id, schema] of (z.globalRegistry as unknown as { _idmap: Map<string, z.ZodType> })._idmap) {
      named.set(schema, id);
      registry.add(schema, { id });
    }
    for (const { spec } of this.specs)
      for (const r of Object.values(spec.responses))
        if (isSchema(r)) {
          if (!named.has(r) && !inline.has(r)) {
            const id = `__op${inline.size}`;
            inline.set(r, id);
            registry.add(r, { id });
          }
        }
    const ref = (id: string) => `#/components/schemas/${id}`;
    const { schemas: generated } = z.toJSONSchema(registry, { uri: ref, unrepresentable: 'any', io: 'output' }) as { schemas: Record<string, Record<string, unknown>> };
    if (generated.__shared) throw new Error('a response schema refers to a named schema outside the registry');
    const strip = (s: Record<string, unknown>) => {
      const { $schema: _, $id: __, id: ___, ...rest } = s;
      return rest;
    };
    const responseSchema = (s: z.ZodType) => (named.has(s) ? { $ref: ref(named.get(s)!) } : strip(generated[inline.get(s)!]));
    const requestSchema = (s: z.ZodType) => strip(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: ref('Error') } } } });

    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, spec, rateLimits: limits } of this.specs) {
      const oaPath = path.replace(/:(\w+)/g, '{$1}');
      const params: Record<string, unknown>[] = [...path.matchAll(/:(\w+)/g)].map((m) => {
        const given = spec.params?.[m[1]];
        const schema = given ? requestSchema(given) : ID_PARAMS.has(m[1]) ? { type: 'string', format: 'uuid' } : { type: 'string', minLength: 1 };
        return { name: m[1], in: 'path', required: true, schema };
      });
      if (spec.query) {
        const schema = requestSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, s] of Object.entries(schema.properties ?? {})) params.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
      }
      for (const [name, description] of Object.entries(spec.requestHeaders ?? {})) params.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
      let requestBody: Record<string, unknown> | undefined;
      if (spec.upload)
        requestBody = {
          required: true,
          ...(spec.upload.description ? { description: spec.upload.description } : {}),
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                ...(spec.upload.file ? { required: [spec.upload.file] } : {}),
                properties: {
                  ...(spec.upload.file ? { [spec.upload.file]: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' } } : {}),
                  ...Object.fromEntries(Object.entries(spec.upload.fields ?? {}).map(([k, d]) => [k, { type: 'string', description: d }])),
                },
              },
            },
          },
        };
      else if (spec.body) requestBody = { required: true, content: { 'application/json': { schema: requestSchema(spec.body) } } };
      const responses: Record<string, unknown> = {};
      for (const [status, r] of Object.entries(spec.responses)) {
        const code = Number(status);
        if (code >= 400) responses[status] = typeof r === 'string' && MEDIA_TYPE.test(r) ? { description: r, content: { [r]: { schema: { type: 'string' } } } } : errorResponse(typeof r === 'string' ? r : 'error');
        else if (isSchema(r)) responses[status] = { description: nameOf(r) ?? 'OK', content: { 'application/json': { schema: responseSchema(r) } } };
        else if (code !== 204 && MEDIA_TYPE.test(r)) responses[status] = { description: r, content: Object.fromEntries(r.split(' | ').map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
        // a success with neither schema nor media type: documented without content (the completeness test names it)
        else responses[status] = { description: r, ...(code === 204 ? {} : { 'x-missing-response-schema': true }) };
      }
      if (spec.roles) {
        responses['401'] ??= errorResponse('unauthenticated | token_expired: no valid access token');
        responses['403'] ??= errorResponse(`forbidden: the caller does not hold the role (${spec.roles.join(', ')})`);
      }
      if (limits.length) responses['429'] ??= errorResponse(`rate_limited: ${limits.map((l) => `${l.points} per ${l.by} per ${l.durationSeconds} s`).join(', ')}`);
      responses['503'] ??= errorResponse('service_unavailable: the database is unreachable (any operation)');
      for (const [status, headers] of Object.entries(this.documentedResponseHeaders(method, path, spec))) {
        const r = responses[status] as Record<string, unknown> | undefined;
        if (!r) throw new Error(`${method.toUpperCase()} ${path}: responseHeaders[${status}] for a status its responses do not declare`);
        r.headers = Object.fromEntries(
          Object.entries(headers).map(([name, description]) => [name, { description, schema: name === 'Retry-After' ? { type: 'integer', minimum: 1 } : { type: 'string' } }]),
        );
      }
      paths[oaPath] ??= {};
      paths[oaPath][method] = {
        operationId: `${method}${oaPath.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        tags: [spec.tag],
        ...(spec.roles ? { security: [{ bearer: [] }], 'x-roles': spec.roles } : {}),
        ...(params.length ? { parameters: params } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
      };
    }
    const components: Record<string, unknown> = Object.fromEntries([...named.values()].sort().map((id) => [id, strip(generated[id])]));
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: {
          ...components,
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } },
              },
            },
          },
        },
      },
    };
  }
}
