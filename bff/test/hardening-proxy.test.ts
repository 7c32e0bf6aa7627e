/**
 * Issue 15 item 2: X-Forwarded-For cannot reset the per-IP login limit. The servers run with
 * NODE_ENV=production (every secret set, Tencent SMS against the local protocol server), where the BFF
 * used to trust every forwarded address; TRUST_PROXY_HOPS decides how many are trusted.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import test from 'ava';
import { createPlatformCaPem } from '../src/pdf/ca.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { startTencentSmsServer } from './helpers/tencent-sms-server.js';

const LIMIT = 5;
const ca = createPlatformCaPem();

async function productionServer(extra: Record<string, string>) {
  const tencent = await startTencentSmsServer();
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const s = await startTestServer(
    {
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PII_HASH_KEY: randomBytes(32).toString('base64'),
      OTP_HASH_KEY: randomBytes(32).toString('base64'),
      OUTBOX_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PLATFORM_CA_KEY_PEM: ca.keyPem,
      PLATFORM_CA_CERT_PEM: ca.certPem,
      CERT_TOKEN_PRIVATE_JWK: JSON.stringify(jwk),
      ...tencent.env,
      AUTH_RATE_LIMIT_PER_10_MIN: String(LIMIT),
      ...extra,
    },
    { httpAgent: tencent.agent },
  );
  return {
    s,
    async close() {
      await s.stop();
      await tencent.close();
    },
  };
}

/** A wrong login (no code was ever sent), counted by the per-IP limit. */
function wrongLogin(s: TestServer, xff?: string) {
  return new Client(s.baseUrl).req('POST', '/api/auth/sessions', { phone: '13912340000', code: '000000' }, xff ? { 'x-forwarded-for': xff } : {});
}

test('TRUST_PROXY_HOPS=0 (default, production): X-Forwarded-For is ignored, a fresh address does not reset the limit', async (t) => {
  const { s, close } = await productionServer({});
  try {
    for (let i = 0; i < LIMIT; i++) t.not((await wrongLogin(s, `203.0.113.${i}`)).status, 429);
    const limited = await wrongLogin(s, '203.0.113.200');
    t.is(limited.status, 429);
    t.is(limited.body.error.code, 'rate_limited');
    let accepted = 0;
    for (let n = 1; n <= 20; n++) if ((await wrongLogin(s, `198.51.100.${n}`)).status !== 429) accepted++;
    t.is(accepted, 0, 'no forged X-Forwarded-For got past the limit');
  } finally {
    await close();
  }
});

test('TRUST_PROXY_HOPS=1: the address our proxy appended counts, whatever the client wrote before it', async (t) => {
  const { s, close } = await productionServer({ TRUST_PROXY_HOPS: '1' });
  try {
    // the proxy appends the real client address (198.51.100.7) to whatever the client sent
    for (let i = 0; i < LIMIT; i++) t.not((await wrongLogin(s, `203.0.113.${i}, 198.51.100.7`)).status, 429);
    t.is((await wrongLogin(s, '198.51.100.7')).status, 429);
    let accepted = 0;
    for (let n = 1; n <= 20; n++) if ((await wrongLogin(s, `203.0.113.${100 + n}, 198.51.100.7`)).status !== 429) accepted++;
    t.is(accepted, 0, 'no forged leftmost address got past the limit');
    // another real client behind the same proxy has its own allowance
    t.not((await wrongLogin(s, '203.0.113.5, 198.51.100.8')).status, 429);
  } finally {
    await close();
  }
});

test('TRUST_PROXY_HOPS is validated', async (t) => {
  const { loadConfig } = await import('../src/config.js');
  t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/zyt-proxy-config', TRUST_PROXY_HOPS: '-1' }), { message: /TRUST_PROXY_HOPS/ });
  t.is(loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/zyt-proxy-config' }).trustProxyHops, 0);
});
