/**
 * Property-based fuzzing of the API from its own OpenAPI document (GET /api/openapi.json): fast-check
 * generates requests for every operation from the JSON Schemas the document holds (request bodies and
 * query parameters, which the routes' zod schemas produce), mixed with hostile values (control characters,
 * NUL, lone surrogates, compatibility ideographs, SQL and path tricks, 10 000-character strings, wrong types,
 * unknown fields), for every path parameter someone else's object ids too, sent with every role's token.
 * It asserts, for every response:
 *
 * - never a 5xx;
 * - an error (4xx) is always the envelope `{error: {code, message, fields?}}` with a Chinese message;
 * - never another person's data: the secrets registered for an actor (full ID number, phone, name,
 *   application ids) never appear in a response to any other actor.
 *
 * Used by bff/test/hardening-fuzz.test.ts (a bounded number of cases in `npm test`) and scripts/fuzz.ts
 * (`npm run fuzz`, a longer run). A route added to the API is fuzzed without touching this file.
 */
import fc from 'fast-check';

type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
};

interface Operation {
  method: string;
  path: string;
  params: string[];
  query: { name: string; required: boolean; schema: Schema }[];
  body?: Schema;
  roles?: string[];
  /** A page for people (its 200 answer is text/html): its errors are HTML pages in Chinese, not the JSON envelope. */
  html: boolean;
}

export interface FuzzActor {
  name: string;
  /** Access token; none = anonymous. */
  token?: string;
  /** Strings that belong to this actor alone and must never reach another actor. */
  secrets?: string[];
  /** Actors (by name) that may legitimately see this actor's secrets (the reviewer checking an identity). */
  sharedWith?: string[];
}

export interface FuzzOptions {
  baseUrl: string;
  actors: FuzzActor[];
  /** Values tried for path parameters besides generated ones (other people's application ids …). */
  pathValues?: string[];
  numRuns: number;
  seed?: number;
  /** Operations to leave out, as 'METHOD /path' of the document. */
  skip?: string[];
  log?: (line: string) => void;
}

export interface FuzzReport {
  requests: number;
  operations: number;
  statuses: Record<string, number>;
  /** Requests per operation ('METHOD /path'). */
  perOperation: Record<string, number>;
  seed: number;
}

/** Values chosen to break things: control characters, encodings, injection, sizes, confusable ideographs. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'ab\u0000',
    '\u0001\u0002\u001b[31m',
    '\u007f',
    '\u0085',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u202d',
    '\ufeff',
    "' or 1=1 --",
    '"; drop table users; --',
    '../../etc/passwd',
    '%00',
    '%2e%2e%2f',
    '<script>alert(1)</script>',
    '${7*7}{{7*7}}',
    '豈三',
    '⺀三',
    '　',
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    '00000000-0000-0000-0000-000000000000',
    '2026-02-30',
    '9999-12-31',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\t', '\n', '\r', '\u000b', 'a', '张', '·'), maxLength: 20 }),
  fc.constant('x'.repeat(10_000)),
  fc.constant('张'.repeat(5_000)),
);

function safeRegex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

/** An arbitrary of values valid (as far as JSON Schema says) for `schema`, or hostile when `hostile`. */
export function fromSchema(schema: Schema | undefined, hostile: boolean, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const wrongType = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), hostileString);
  const mix = (good: fc.Arbitrary<unknown>) => (hostile ? fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: wrongType }) : good);
  if (schema.const !== undefined) return mix(fc.constant(schema.const));
  if (schema.enum) return mix(fc.constantFrom(...schema.enum));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, hostile, depth + 1)));
  if (schema.allOf?.length) return fromSchema(Object.assign({}, ...schema.allOf), hostile, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      let good: fc.Arbitrary<string>;
      const re = schema.pattern ? safeRegex(schema.pattern) : null;
      if (re) good = fc.stringMatching(re).filter((s) => s.length <= (schema.maxLength ?? 10_000));
      else if (schema.format === 'date') good = fc.date({ min: new Date('1950-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      else if (schema.format === 'uuid') good = fc.uuid();
      else good = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60), unit: fc.constantFrom('a', 'Z', '1', '张', '建', '·', ' ', '-', '\n') });
      return hostile ? fc.oneof({ weight: 2, arbitrary: good }, { weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType }) : good;
    }
    case 'integer':
      return mix(fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 }));
    case 'number':
      return mix(fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true }));
    case 'boolean':
      return mix(fc.boolean());
    case 'null':
      return mix(fc.constant(null));
    case 'array':
      return mix(fc.array(fromSchema(schema.items, hostile, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 6) }));
    case 'object': {
      const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fromSchema(s, hostile, depth + 1)]));
      const record = fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<Record<string, unknown>>;
      if (!hostile) return record;
      const extra = fc.tuple(record, fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'id', 'applicant_id', 'roles')), fc.jsonValue({ maxDepth: 1 })).map(([r, k, v]) => ({ ...r, [k]: v }));
      return fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: extra }, { weight: 1, arbitrary: wrongType });
    }
    default:
      return hostile ? fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileString) : fc.jsonValue({ maxDepth: 2 });
  }
}

/** The operations of an OpenAPI 3.1 document as this API writes it. */
export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as { name: string; in: string; required?: boolean; schema: Schema }[];
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
        roles: op['x-roles'],
        html: Object.values((op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>).some((r) => r.content?.['text/html'] !== undefined),
      });
    }
  }
  return ops;
}

interface Generated {
  op: Operation;
  actor: number;
  pathArgs: string[];
  query: [string, string][];
  body: { kind: 'json'; value: unknown } | { kind: 'none' } | { kind: 'raw'; type: string; text: string };
}

function requestArbitrary(ops: Operation[], actors: number, pathValues: string[]): fc.Arbitrary<Generated> {
  const pathValue = fc.oneof(
    { weight: 4, arbitrary: pathValues.length ? fc.constantFrom(...pathValues) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom('id_front', 'id_back', 'id_holding', 'photo', 'form.pdf', 'current') },
    { weight: 2, arbitrary: hostileString.map((s) => s.slice(0, 300)) },
  );
  return fc.constantFrom(...ops).chain((op) =>
    fc.record({
      op: fc.constant(op),
      actor: fc.nat({ max: actors - 1 }),
      pathArgs: fc.array(pathValue, { minLength: op.params.length, maxLength: op.params.length }),
      query: fc
        .tuple(
          ...op.query.map((q) =>
            fc.option(fromSchema(q.schema, true).map((v) => [q.name, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]), { freq: q.required ? 8 : 2 }),
          ),
          fc.option(fc.tuple(hostileString, hostileString), { freq: 4 }),
        )
        .map((pairs) => pairs.filter((p): p is [string, string] => p !== null)),
      body: op.body
        ? fc.oneof(
            { weight: 5, arbitrary: fromSchema(op.body, false).map((value) => ({ kind: 'json' as const, value })) },
            { weight: 5, arbitrary: fromSchema(op.body, true).map((value) => ({ kind: 'json' as const, value })) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })) },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'), text: fc.oneof(hostileString, fc.constantFrom('{', '{"a":', '[1,2', '--x\r\n')) }) },
            { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
          )
        : fc.oneof({ weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => ({ kind: 'json' as const, value })) }),
    }),
  );
}

const CHINESE = /[\u4e00-\u9fa5]/;

/**
 * The only 5xx allowed: a 503 saying a service outside the request is not there (WeChat not configured in
 * the test server, the face engine busy, the database or business registry unreachable). Never for bad input.
 */
const DEPENDENCY_DOWN = new Set(['wechat_unavailable', 'service_unavailable', 'liveness_busy', 'face_provider_unavailable', 'registry_unavailable']);

/** encodeURIComponent, except that a lone surrogate goes out as an invalid UTF-8 sequence (%ED%A0%80) instead of throwing. */
function encodePathSegment(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return v.replace(/[\ud800-\udfff]/g, '\u0000').split('\u0000').map(encodeURIComponent).join('%ED%A0%80');
  }
}

function errorCode(text: string): string {
  try {
    return JSON.parse(text)?.error?.code ?? '';
  } catch {
    return '';
  }
}

/** Runs the fuzzer; throws (with fast-check's counterexample and seed) when an invariant breaks. */
export async function fuzzOpenApi(opts: FuzzOptions): Promise<FuzzReport> {
  const doc = await (await fetch(`${opts.baseUrl}/api/openapi.json`)).json();
  const ops = operationsOf(doc).filter((o) => !(opts.skip ?? []).includes(`${o.method} ${o.path}`));
  const report: FuzzReport = { requests: 0, operations: ops.length, statuses: {}, perOperation: {}, seed: opts.seed ?? Date.now() % 2 ** 31 };
  const secrets = opts.actors.map((a) => (a.secrets ?? []).filter((s) => s.length >= 6));

  const property = fc.asyncProperty(requestArbitrary(ops, opts.actors.length, opts.pathValues ?? []), async (g) => {
    const actor = opts.actors[g.actor];
    let url = g.op.path;
    g.op.params.forEach((p, i) => (url = url.replace(`{${p}}`, encodePathSegment(g.pathArgs[i]))));
    const qs = new URLSearchParams(g.query).toString();
    if (qs) url += `?${qs}`;
    // under Node's 16 KB header limit, so the long values reach the app (past it the parser answers 431
    // headers_too_large in the envelope, tested in hardening-http)
    if (url.length > 12_000) url = url.slice(0, 12_000);
    const headers: Record<string, string> = actor.token ? { authorization: `Bearer ${actor.token}` } : {};
    let body: string | undefined;
    if (g.body.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(g.body.value) ?? 'null';
    } else if (g.body.kind === 'raw') {
      headers['content-type'] = g.body.type;
      body = g.body.text;
    }
    const where = `${g.op.method} ${url} as ${actor.name}${body !== undefined ? ` body ${body.slice(0, 300)}` : ''}`;
    let res: Response;
    try {
      res = await fetch(opts.baseUrl + url, { method: g.op.method, headers, body: ['GET', 'HEAD'].includes(g.op.method) ? undefined : body });
    } catch (e) {
      throw new Error(`${where}: the request failed (${String(e)})`);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const key = `${g.op.method} ${g.op.path}`;
    report.requests++;
    report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    report.perOperation[key] = (report.perOperation[key] ?? 0) + 1;

    if (res.status >= 500 && !(res.status === 503 && DEPENDENCY_DOWN.has(errorCode(text)))) throw new Error(`${where}: ${res.status} ${text.slice(0, 300)}`);
    if (res.status >= 400 && g.op.html && (res.headers.get('content-type') ?? '').startsWith('text/html')) {
      if (!/<html[\s>]/.test(text) || !CHINESE.test(text)) throw new Error(`${where}: ${res.status} HTML page without a Chinese explanation: ${text.slice(0, 200)}`);
    } else if (res.status >= 400) {
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${where}: ${res.status} without the JSON error envelope: ${text.slice(0, 200)}`);
      }
      const e = parsed?.error;
      if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !CHINESE.test(e.message) || (e.fields !== undefined && (typeof e.fields !== 'object' || e.fields === null)))
        throw new Error(`${where}: ${res.status} body is not the error envelope: ${text.slice(0, 200)}`);
    }
    const latin = bytes.toString('latin1');
    secrets.forEach((list, owner) => {
      if (owner === g.actor || opts.actors[owner].sharedWith?.includes(actor.name)) return;
      for (const secret of list) if (text.includes(secret) || latin.includes(secret)) throw new Error(`${where}: ${res.status} leaked ${opts.actors[owner].name}'s ${secret.slice(0, 3)}… to ${actor.name}`);
    });
    return true;
  });
  await fc.assert(property, { numRuns: opts.numRuns, seed: report.seed, includeErrorInReport: true });
  return report;
}
