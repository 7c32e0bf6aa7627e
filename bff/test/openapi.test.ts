/**
 * The OpenAPI document (GET /api/openapi.json, generated from the routes' zod schemas by ApiRouter) is
 * complete (issue 15 item 11): every operation documents its success body (a JSON schema, or the media type
 * of a PDF/HTML/image/… body), every authenticated one 401 and 403 with the error envelope, every upload
 * route a multipart/form-data body with the file as binary, every path parameter a schema; $refs resolve.
 * Methods no route implements (TRACE, QUERY, PATCH …) answer the JSON error envelope with a stable code.
 * Headers: Retry-After on every 429 and 503, Content-Disposition on every file download, the request headers
 * routes read (X-Enterprise-Id, X-Liveness-Nonce, the relay's signature) as header parameters; the contract
 * check refuses a client-facing response header a route sends without documenting it, and a request header
 * it reads without documenting it.
 *
 * The contract check itself (every JSON 2xx body against its route's schema) runs in every test file: the
 * test servers turn RESPONSE_VALIDATION on (helpers/server.ts), and a violation fails the file.
 */
import { request, type Server } from 'node:http';
import test from 'ava';
import Ajv from 'ajv';
import Koa from 'koa';
import { z } from 'zod';
import { ApiRouter, downloadHeaders } from '../src/http/api-router.js';
import { rateLimit } from '../src/http/middleware.js';
import { appError } from '../src/errors.js';
import type { Deps } from '../src/context.js';
import { applicationViewSchema } from '@zhiyetong/shared';
import { applicantWithDraft, operatorClient, reviewerClient } from './helpers/flow.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';

type Op = {
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  operationId?: string;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { type?: string; format?: string }>; required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { schema?: { type?: string } }>; 'x-missing-response-schema'?: boolean }>;
  security?: unknown[];
  'x-roles'?: string[];
};
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

let s: TestServer;
let doc: Doc;
test.before(async () => {
  s = await startTestServer();
  doc = (await new Client(s.baseUrl).get('/api/openapi.json')).body as Doc;
});
test.after.always(async () => {
  await s?.stop();
});

const operations = (d: Doc) => Object.entries(d.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op, name: `${method.toUpperCase()} ${path}` })));

/** What test (a) reports: each success status of `doc` without a JSON schema or a media type, with what to add. */
function missingSuccessSchemas(d: Doc): string[] {
  const missing: string[] = [];
  for (const { name, op } of operations(d)) {
    const successes = Object.entries(op.responses).filter(([status]) => Number(status) >= 200 && Number(status) < 300);
    if (!successes.length) missing.push(`${name}: no 2xx response at all: add one to its RouteSpec.responses`);
    for (const [status, r] of successes) {
      if (status === '204') continue;
      const content = Object.entries(r.content ?? {});
      if (!content.length || r['x-missing-response-schema'] || content.some(([type, c]) => type === 'application/json' && !c.schema))
        missing.push(
          `${name} ${status}: give RouteSpec.responses[${status}] the response's zod schema (a view schema from shared/src/views.ts, e.g. views.applicationViewSchema or z.array(views.…); add one there, with .meta({id}), for a new shape), or its media type such as 'application/pdf' for a body that is not JSON`,
        );
    }
  }
  return missing;
}

test('every operation documents its success: a JSON schema or the media type of its body', (t) => {
  const missing = missingSuccessSchemas(doc);
  t.deepEqual(missing, [], missing.join('\n'));
  const n = operations(doc).length;
  t.log(`${n} operations, ${Object.keys(doc.components.schemas).length} component schemas`);
  t.true(n >= 90, `${n} operations`);
});

test('a route added with a description instead of a response schema is named, with what to add', (t) => {
  const api = new ApiRouter({ config: { responseValidation: false } } as unknown as Pick<Deps, 'config'>);
  api.get('/api/things', { tag: 't', summary: 'a new route from another branch', roles: ['applicant'], responses: { 200: 'ThingView[]' } }, () => undefined);
  api.get('/api/things/:id/file.pdf', { tag: 't', summary: 'a PDF', responses: { 200: 'application/pdf' } }, () => undefined);
  api.delete('/api/things/:id', { tag: 't', summary: 'no body', roles: ['applicant'], responses: { 204: 'deleted' } }, () => undefined);
  const missing = missingSuccessSchemas(api.openapi({ title: 't', version: '0', description: '' }) as unknown as Doc);
  t.is(missing.length, 1, missing.join('\n'));
  t.regex(missing[0], /^GET \/api\/things 200: give RouteSpec\.responses\[200\] the response's zod schema/);
});

test('every authenticated operation documents 401 and 403 with the error envelope, and every path parameter has a schema', (t) => {
  const problems: string[] = [];
  let authenticated = 0;
  for (const { name, op, path } of operations(doc)) {
    for (const p of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
      if (!op.parameters?.some((x) => x.in === 'path' && x.name === p && x.schema && Object.keys(x.schema).length)) problems.push(`${name}: path parameter ${p} without a schema`);
    if (!op['x-roles']) continue;
    authenticated++;
    if (!op.security?.length) problems.push(`${name}: no security requirement`);
    for (const status of ['401', '403'])
      if ((op.responses[status]?.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref !== '#/components/schemas/Error') problems.push(`${name}: ${status} without the error envelope`);
  }
  t.deepEqual(problems, [], problems.join('\n'));
  t.log(`${authenticated} authenticated operations`);
  t.true(authenticated >= 70);
});

test('every upload route has a multipart/form-data body with the file as binary, found by asking each route', async (t) => {
  // an upload route refuses a JSON body with 415 (asking for multipart/form-data); ask every operation that
  // takes no JSON body, with a token of its role, so a new upload route without `upload` in its spec is found
  const { c: applicant } = await applicantWithDraft(s);
  const tokens: Record<string, string | undefined> = { applicant: applicant.token, enterprise_operator: (await operatorClient(s)).token, reviewer: (await reviewerClient(s)).token };
  const problems: string[] = [];
  const uploads: string[] = [];
  for (const { method, path, op, name } of operations(doc)) {
    if (!['post', 'put'].includes(method)) continue;
    const multipart = op.requestBody?.content['multipart/form-data']?.schema;
    if (op.requestBody?.content['application/json']) continue;
    const url = path.replace(/\{(\w+)\}/g, (_, p: string) => (p === 'kind' ? 'photo' : '00000000-0000-4000-8000-000000000000'));
    const c = new Client(s.baseUrl, op['x-roles'] ? tokens[op['x-roles'][0]] : undefined);
    const r = await c.req(method.toUpperCase(), url, {});
    const isUpload = r.status === 415 || Boolean(multipart);
    if (!isUpload) continue;
    uploads.push(name);
    if (!multipart) problems.push(`${name}: answers 415 to JSON but documents no multipart body: add upload: {file: '<field>'} to its RouteSpec`);
    else {
      const files = Object.entries(multipart.properties ?? {}).filter(([, p]) => p.format === 'binary');
      if (path.startsWith('/api/') && (!files.length || !files.every(([f]) => multipart.required?.includes(f)))) problems.push(`${name}: multipart body without a required binary file field`);
    }
  }
  t.deepEqual(problems, [], problems.join('\n'));
  t.log(`upload operations: ${uploads.length} (${uploads.join(', ')})`);
  t.true(uploads.length >= 10);
});

test('every $ref resolves, and the component schemas compile in a JSON Schema validator (ajv) and accept what the BFF answers', async (t) => {
  const text = JSON.stringify(doc);
  const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
  const unresolved = [...refs].filter((r) => !(r in doc.components.schemas));
  t.deepEqual(unresolved, []);
  t.false(text.includes('__shared') || text.includes('__op'), 'no generator-internal ids left');
  // the document's own schema, compiled by a JSON Schema validator, accepts a real ApplicationView
  // (ajv 6, installed: draft-07, which covers every keyword the generator writes for these schemas)
  const ajv = new Ajv({ allErrors: true, unknownFormats: 'ignore' });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const validate = ajv.compile({ $ref: 'doc#/components/schemas/ApplicationView' });
  const { c, id } = await applicantWithDraft(s);
  const view = (await c.get(`/api/applications/${id}`)).body;
  t.true(applicationViewSchema.safeParse(view).success);
  t.true(validate(view), JSON.stringify(validate.errors));
  t.false(validate({ ...view, idNumber: 'leak' }), 'an unknown field is refused (strict objects)');
});

/** A raw request, since fetch refuses TRACE and does not know QUERY. */
function raw(method: string, path: string, body?: string): Promise<{ status: number; type: string; body: string }> {
  const url = new URL(s.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('TRACE, QUERY and PATCH answer the JSON error envelope with a stable code', async (t) => {
  for (const [method, body] of [['TRACE', undefined], ['QUERY', '{"a":1}'], ['PATCH', '{}']] as const)
    for (const path of ['/api/me', '/api/applications', '/healthz', '/api/nothing']) {
      const r = await raw(method, path, body);
      t.regex(r.type, /application\/json/, `${method} ${path}`);
      const e = JSON.parse(r.body).error;
      t.is(e.code, r.status === 405 ? 'method_not_allowed' : r.status === 404 ? 'not_found' : 'not_implemented', `${method} ${path} ${r.status}`);
      t.regex(e.message, /[\u4e00-\u9fa5]/);
    }
  t.is((await raw('TRACE', '/api/me')).status, 501);
  t.is((await raw('QUERY', '/api/me', '{}')).status, 501);
});

test('the contract check: a JSON 2xx body that breaks its schema answers 500 response_contract_violation and is recorded', async (t) => {
  const api = new ApiRouter({ config: { responseValidation: true } } as unknown as Pick<Deps, 'config'>);
  const view = z.strictObject({ a: z.number() });
  const spec = { tag: 't', summary: 't', responses: { 200: view } };
  api.get('/ok', spec, (ctx) => void (ctx.body = { a: 1 }));
  api.get('/extra-field', spec, (ctx) => void (ctx.body = { a: 1, idNumber: '110105197909235170' }));
  api.get('/wrong-type', spec, (ctx) => void (ctx.body = { a: '1' }));
  api.get('/undeclared-status', spec, (ctx) => void ((ctx.status = 201), (ctx.body = { a: 1 })));
  api.get('/json-for-pdf', { ...spec, responses: { 200: 'application/pdf' } }, (ctx) => void (ctx.body = { a: 1 }));
  api.get('/described', { ...spec, responses: { 200: 'ThingView' } }, (ctx) => void (ctx.body = { a: 1 }));
  api.get('/pdf', { ...spec, responses: { 200: 'application/pdf' } }, (ctx) => void ((ctx.type = 'application/pdf'), (ctx.body = Buffer.from('%PDF-'))));
  const app = new Koa();
  app.use(api.router.routes());
  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  try {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const get = async (p: string) => {
      const r = await fetch(base + p);
      return { status: r.status, text: await r.text() };
    };
    t.is((await get('/ok')).status, 200);
    t.is((await get('/pdf')).status, 200);
    for (const p of ['/extra-field', '/wrong-type', '/undeclared-status', '/json-for-pdf', '/described']) {
      const r = await get(p);
      t.is(r.status, 500, p);
      t.is(JSON.parse(r.text).error.code, 'response_contract_violation', p);
    }
    t.false((await get('/extra-field')).text.includes('110105197909235170'), 'the refused body is not sent');
    t.deepEqual(
      api.contractViolations.map((v) => v.path),
      ['/extra-field', '/wrong-type', '/undeclared-status', '/json-for-pdf', '/described', '/extra-field'],
    );
    t.regex(api.contractViolations[0].issues[0], /idNumber/);
    t.regex(api.contractViolations[4].issues[0], /'ThingView', a description: give it the body's zod schema/);
  } finally {
    server.close();
  }
});

/** What the header test reports for `d`: a 429/503 without Retry-After, a file download without Content-Disposition. */
function missingHeaders(d: Doc): string[] {
  const FILES = new Set(['application/pdf', 'application/ofd', 'application/x-pem-file']);
  const missing: string[] = [];
  for (const { name, op } of operations(d)) {
    if (!op.responses['503']) missing.push(`${name}: no 503 (every operation may meet a database outage)`);
    for (const status of ['429', '503'])
      if (op.responses[status] && op.responses[status].headers?.['Retry-After']?.schema?.type !== 'integer') missing.push(`${name} ${status}: no Retry-After header`);
    for (const [status, r] of Object.entries(op.responses)) {
      const types = Object.keys(r.content ?? {});
      if (Number(status) < 300 && types.length && types.every((ct) => FILES.has(ct)) && !r.headers?.['Content-Disposition'])
        missing.push(`${name} ${status}: a file download without a Content-Disposition header: add responseHeaders: downloadHeaders('attachment' | 'inline') to its RouteSpec`);
    }
  }
  return missing;
}

test('response headers are documented: Retry-After on every 429 and 503, Content-Disposition on every file download; request headers as parameters', (t) => {
  const missing = missingHeaders(doc);
  t.deepEqual(missing, [], missing.join('\n'));
  const ops = operations(doc);
  const withHeader = (h: string) => ops.filter(({ op }) => op.parameters?.some((p) => p.in === 'header' && p.name === h)).map((o) => o.name);
  const enterprise = withHeader('X-Enterprise-Id');
  t.true(enterprise.includes('GET /api/enterprise/applications') && enterprise.includes('POST /api/enterprise/batch-signatures'), enterprise.join(', '));
  t.deepEqual(withHeader('X-Liveness-Nonce'), ['POST /api/identity/liveness-sessions/{id}/video']);
  t.deepEqual(withHeader('X-Relay-Signature').length, 1);
  const cert = doc.paths['/api/certificates/{id}/certificate.pdf'].get.responses['200'].headers ?? {};
  t.truthy(cert['Content-Disposition'] && cert['X-Copy-Valid-Until']);
  t.truthy(doc.paths['/api/auth/sms-codes'].post.responses['429'].headers?.['Retry-After']);
  const downloads = ops.filter(({ op }) => op.responses['200']?.headers?.['Content-Disposition']).length;
  t.log(`${enterprise.length} operations take X-Enterprise-Id, ${downloads} document Content-Disposition, ${ops.filter(({ op }) => op.responses['429']).length} a 429 with Retry-After`);

  // the check itself finds a route that leaves them out
  const api = new ApiRouter({ config: { responseValidation: false } } as unknown as Pick<Deps, 'config'>);
  api.get('/x.pdf', { tag: 't', summary: 'a PDF without its header', responses: { 200: 'application/pdf' } }, () => undefined);
  api.get('/y.pdf', { tag: 't', summary: 'a PDF with it', responses: { 200: 'application/pdf' }, responseHeaders: downloadHeaders('attachment') }, () => undefined);
  api.post('/limited', { tag: 't', summary: 'rate limited', responses: { 204: 'ok' } }, rateLimit({ points: 1, durationSeconds: 60 }), () => undefined);
  const small = api.openapi({ title: 't', version: '0', description: '' }) as unknown as Doc;
  t.deepEqual(missingHeaders(small), ['GET /x.pdf 200: a file download without a Content-Disposition header: add responseHeaders: downloadHeaders(\'attachment\' | \'inline\') to its RouteSpec']);
  t.truthy(small.paths['/limited'].post.responses['429'].headers?.['Retry-After'], 'a rateLimit() middleware gives the route its 429 with Retry-After');
});

test('the BFF sends what the document says: Retry-After on a 429, Content-Disposition on a PDF (checked on every answer of every test by the contract check)', async (t) => {
  const phone = `139${String(Date.now()).slice(-8)}`;
  const anon = new Client(s.baseUrl);
  t.is((await anon.post('/api/auth/sms-codes', { phone })).status, 200);
  const again = await anon.post('/api/auth/sms-codes', { phone });
  t.is(again.status, 429);
  t.is(again.body.error.code, 'otp_resend_too_soon');
  t.regex(again.headers.get('retry-after') ?? '', /^\d+$/);
  const { c, id } = await applicantWithDraft(s);
  const pdf = await c.get(`/api/applications/${id}/form.pdf`);
  t.is(pdf.status, 200);
  t.regex(pdf.headers.get('content-disposition') ?? '', /^inline; filename="[^"]+"; filename\*=UTF-8''/);
  t.is(pdf.headers.get('content-type'), 'application/pdf');
});

test('the contract check refuses an undocumented response header (on a 2xx, and Retry-After on an error) and an undocumented request header', async (t) => {
  const api = new ApiRouter({ config: { responseValidation: true } } as unknown as Pick<Deps, 'config'>);
  const spec = { tag: 't', summary: 't', responses: { 200: 'application/pdf', 409: 'busy' } };
  const pdf = (ctx: Koa.Context) => void ((ctx.type = 'application/pdf'), ctx.set('Content-Disposition', 'attachment; filename="a.pdf"'), (ctx.body = Buffer.from('%PDF-')));
  api.get('/documented.pdf', { ...spec, responseHeaders: downloadHeaders('attachment') }, pdf);
  api.get('/undocumented.pdf', spec, pdf);
  api.get('/reads', { tag: 't', summary: 't', responses: { 204: 'ok' } }, (ctx) => void (ctx.get('x-secret-switch'), (ctx.status = 204)));
  api.get('/reads-documented', { tag: 't', summary: 't', responses: { 204: 'ok' }, requestHeaders: { 'X-Thing': 'a thing' } }, (ctx) => void (ctx.get('x-thing'), (ctx.status = 204)));
  api.get('/busy', spec, () => {
    throw Object.assign(appError('liveness_busy'), { status: 409, retryAfter: 5 });
  });
  const app = new Koa();
  app.use(async (ctx, next) => next().catch(() => void (ctx.status = 409)));
  app.use(api.router.routes());
  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  try {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    t.is((await fetch(`${base}/documented.pdf`)).status, 200);
    t.is((await fetch(`${base}/reads-documented`, { headers: { 'x-thing': '1' } })).status, 204);
    t.deepEqual(api.contractViolations, []);
    t.is((await fetch(`${base}/undocumented.pdf`)).status, 500);
    await fetch(`${base}/reads`);
    await fetch(`${base}/busy`);
    t.deepEqual(
      api.contractViolations.map((v) => `${v.path} ${v.status}: ${v.issues.join('; ')}`),
      [
        "/undocumented.pdf 200: response header content-disposition sent on 200 is not documented: add it to the route's responseHeaders[200]",
        "/reads 204: request header x-secret-switch is read but not documented: add it to the route's requestHeaders",
        "/busy 409: response header retry-after sent on 409 is not documented: add it to the route's responseHeaders[409]",
      ],
    );
  } finally {
    server.close();
  }
});
