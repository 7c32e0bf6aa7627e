/**
 * Routes with their documentation: `api.post(path, spec, ...middleware, handler)` registers the route on
 * @koa/router and records `spec` for the OpenAPI 3.1 document (GET /api/openapi.json). When the spec names
 * `roles`, authentication and the role check are added; with `body`/`query`, validation is added: the chain
 * a route runs is always auth → role → validation → the route's own middleware → handler.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { Role } from '@zhiyetong/shared';
import type { AppState, Deps } from '../context.js';
import { authenticate, body as validateBody, query as validateQuery, role } from './middleware.js';

export interface RouteSpec {
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it; omitted = anyone. */
  roles?: Role[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** Response description per status, e.g. {200: 'ApplicationView'}. */
  responses: Record<number, string>;
  produces?: string;
}

type Method = 'get' | 'post' | 'put' | 'delete';
type Handler = Koa.Middleware<AppState & Record<string, any>>;

export class ApiRouter {
  readonly router = new Router<AppState>();
  readonly specs: { method: Method; path: string; spec: RouteSpec }[] = [];

  constructor(private readonly deps: Pick<Deps, 'config'>) {}

  private add(method: Method, path: string, spec: RouteSpec, handlers: Handler[]) {
    this.specs.push({ method, path, spec });
    const chain: Handler[] = [];
    if (spec.roles) chain.push(authenticate(this.deps), role(...spec.roles));
    if (spec.query) chain.push(validateQuery(spec.query) as Handler);
    if (spec.body) chain.push(validateBody(spec.body) as Handler);
    (this.router[method] as (p: string, ...m: Handler[]) => unknown)(path, ...chain, ...handlers);
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
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, spec } of this.specs) {
      const oaPath = path.replace(/:(\w+)/g, '{$1}');
      const params = [...path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      if (spec.query) {
        const schema = z.toJSONSchema(spec.query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, s] of Object.entries(schema.properties ?? {})) params.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s as never });
      }
      paths[oaPath] ??= {};
      paths[oaPath][method] = {
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        tags: [spec.tag],
        ...(spec.roles ? { security: [{ bearer: [] }], 'x-roles': spec.roles } : {}),
        ...(params.length ? { parameters: params } : {}),
        ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
        responses: Object.fromEntries(
          Object.entries(spec.responses).map(([status, description]) => [
            status,
            Number(status) >= 400
              ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
              : { description, ...(spec.produces ? { content: { [spec.produces]: {} } } : {}) },
          ]),
        ),
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: {
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
