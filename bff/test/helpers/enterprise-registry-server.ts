/**
 * A local stand-in for the business registry on 127.0.0.1, speaking the protocol HttpEnterpriseRegistry
 * uses (bff/src/adapters/enterprise-registry.ts): GET /enterprises/{uscc} → 200 {uscc, name,
 * legalRepresentative, status} | 404, with `Authorization: Bearer <token>` checked when a token is given.
 * The test edits `records` as the registry would record a change (000 §6: the business registration is
 * changed first), and can make the registry slow (`delayMs`) or failing (`failWith`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnterpriseRecord } from '../../src/adapters/enterprise-registry.js';

export async function startEnterpriseRegistryServer(initial: EnterpriseRecord[], opts: { token?: string } = {}) {
  const records = new Map(initial.map((r) => [r.uscc, { ...r }]));
  const state = { delayMs: 0, failWith: 0, lookups: 0 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body?: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.statusCode = status;
      if (body !== undefined) res.setHeader('content-type', 'application/json');
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const m = /^\/enterprises\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return send(404, { error: 'not found' });
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { error: 'unauthorized' });
    state.lookups++;
    const answer = () => {
      if (state.failWith) return send(state.failWith, { error: 'registry error' });
      const record = records.get(decodeURIComponent(m[1]));
      return record ? send(200, record) : send(404, { error: 'no such enterprise' });
    };
    if (state.delayMs) setTimeout(answer, state.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    state,
    /** The registry records a new name for `uscc` (工商变更登记). */
    rename(uscc: string, name: string) {
      records.get(uscc)!.name = name;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
