/**
 * A local stand-in for Tencent Cloud SMS (API 2021-01-11, action SendSms) on 127.0.0.1: it checks the
 * request the way the cloud does (TC3-HMAC-SHA256 signature over the canonical request, X-TC-Action and
 * X-TC-Version headers) and answers in the API v3 envelope `{"Response": {...}}`, so the production client
 * (the official SDK) is exercised unchanged. `failNext` makes the next sends fail like a provider outage.
 * `env` is the BFF's settings for sending through this server (SMS_PROVIDER=tencent, its credentials, endpoint,
 * app id, sign name and default template); pass `agent` as the test server's httpAgent.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentSms {
  phones: string[];
  templateId: string;
  params: string[];
  signName: string;
  sdkAppId: string;
}

const sha256hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg).digest();

export async function startTencentSmsServer(credentials = { secretId: 'AKIDtest', secretKey: 'test-secret-key' }) {
  const sent: SentSms[] = [];
  const rejected: string[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const reply = (response: Record<string, unknown>) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { RequestId: `req-${sent.length + rejected.length}`, ...response } }));
      };
      const fail = (code: string, message: string) => {
        rejected.push(code);
        reply({ Error: { Code: code, Message: message } });
      };
      const auth = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
      if (!auth) return fail('AuthFailure.SignatureFailure', 'missing or malformed Authorization');
      const [, secretId, date, signedHeaders, signature] = auth;
      if (secretId !== credentials.secretId) return fail('AuthFailure.SecretIdNotFound', 'unknown SecretId');
      if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') return fail('InvalidAction', 'expected SendSms 2021-01-11');
      const timestamp = String(req.headers['x-tc-timestamp']);
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const canonicalHeaders = signedHeaders
        .split(';')
        .map((h) => `${h}:${h === 'host' ? host : req.headers[h]}\n`)
        .join('');
      const url = new URL(req.url ?? '/', 'http://x');
      const canonical = ['POST', url.pathname, url.search.slice(1), canonicalHeaders, signedHeaders, sha256hex(body)].join('\n');
      const stringToSign = ['TC3-HMAC-SHA256', timestamp, `${date}/sms/tc3_request`, sha256hex(canonical)].join('\n');
      const key = hmac(hmac(hmac(`TC3${credentials.secretKey}`, date), 'sms'), 'tc3_request');
      if (createHmac('sha256', key).update(stringToSign).digest('hex') !== signature) return fail('AuthFailure.SignatureFailure', 'signature mismatch');
      const p = JSON.parse(body.toString('utf8'));
      if (failures > 0) {
        failures--;
        return reply({ SendStatusSet: [{ Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'simulated outage', PhoneNumber: p.PhoneNumberSet?.[0] }] });
      }
      sent.push({ phones: p.PhoneNumberSet, templateId: p.TemplateId, params: p.TemplateParamSet, signName: p.SignName, sdkAppId: p.SmsSdkAppId });
      reply({ SendStatusSet: p.PhoneNumberSet.map((n: string) => ({ Code: 'Ok', Message: 'send success', PhoneNumber: n, SerialNo: `sn-${sent.length}`, Fee: 1, SessionContext: '', IsoCode: 'CN' })) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  /** The production host name with this server's port: the SDK signs for service "sms" as in production. */
  const endpoint = `sms.tencentcloudapi.com:${port}`;
  return {
    endpoint,
    env: {
      SMS_PROVIDER: 'tencent',
      TENCENT_SECRET_ID: credentials.secretId,
      TENCENT_SECRET_KEY: credentials.secretKey,
      TENCENT_SMS_ENDPOINT: endpoint,
      TENCENT_SMS_PROTOCOL: 'http://',
      TENCENT_SMS_SDK_APP_ID: '1400000000',
      TENCENT_SMS_SIGN_NAME: '执业通',
      TENCENT_SMS_TEMPLATE_ID: '2000001',
    },
    /** Resolves every host name to 127.0.0.1, so the SDK's requests reach this server. */
    agent: new Agent({ lookup: (_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) } as never),
    sent,
    rejected,
    failNext(n: number) {
      failures = n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
