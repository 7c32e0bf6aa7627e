/**
 * A local stand-in for Tencent Cloud FaceID (API 2018-03-01: GetActionSequence, LivenessRecognition) on
 * 127.0.0.1. Like the cloud it checks each request's TC3-HMAC-SHA256 signature (service "faceid", the
 * canonical request over the signed headers and the body's SHA-256), X-TC-Action and X-TC-Version, and
 * answers in the API v3 envelope `{"Response": {...}}`, so the production client (the official SDK) runs
 * unchanged. The server reaches it as its egress proxy (TENCENT_FACEID_PROXY): the SDK tunnels with
 * CONNECT to faceid.tencentcloudapi.com, and the tunnel ends here.
 * `play(mode)` sets the next LivenessRecognition answers: success (Sim 92.5), low_sim (Success, Sim 41),
 * mismatch (FailedOperation.CompareLowSimilarity), not_live (FailedOperation.LivessDetectFail), error
 * (InternalError), timeout (no answer at all).
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export type FaceIdMode = 'success' | 'low_sim' | 'mismatch' | 'not_live' | 'error' | 'timeout';

export interface RecognitionCall {
  idCard: string;
  name: string;
  livenessType: string;
  validateData: string;
  /** the decoded video's first bytes were an MP4 (ftyp box) */
  mp4: boolean;
  videoBytes: number;
}

const sha256hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg).digest();

export async function startTencentFaceIdServer(credentials: { secretId: string; secretKey: string }) {
  const calls: RecognitionCall[] = [];
  const rejected: string[] = [];
  let mode: FaceIdMode = 'success';
  let sequence = '2,1';
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const reply = (response: Record<string, unknown>) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { RequestId: `faceid-${calls.length}-${rejected.length}`, ...response } }));
      };
      const fail = (code: string, message: string) => {
        rejected.push(code);
        reply({ Error: { Code: code, Message: message } });
      };
      const auth = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/faceid\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
      if (!auth) return fail('AuthFailure.SignatureFailure', 'missing or malformed Authorization');
      const [, secretId, date, signedHeaders, signature] = auth;
      if (secretId !== credentials.secretId) return fail('AuthFailure.SecretIdNotFound', 'unknown SecretId');
      const action = String(req.headers['x-tc-action']);
      if (req.headers['x-tc-version'] !== '2018-03-01' || !['GetActionSequence', 'LivenessRecognition'].includes(action)) return fail('InvalidAction', `unexpected ${action} ${req.headers['x-tc-version']}`);
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const canonicalHeaders = signedHeaders
        .split(';')
        .map((h) => `${h}:${h === 'host' ? host : req.headers[h]}\n`)
        .join('');
      const url = new URL(req.url ?? '/', 'http://x');
      const canonical = [req.method, url.pathname, url.search.slice(1), canonicalHeaders, signedHeaders, sha256hex(body)].join('\n');
      const stringToSign = ['TC3-HMAC-SHA256', String(req.headers['x-tc-timestamp']), `${date}/faceid/tc3_request`, sha256hex(canonical)].join('\n');
      const key = hmac(hmac(hmac(`TC3${credentials.secretKey}`, date), 'faceid'), 'tc3_request');
      if (createHmac('sha256', key).update(stringToSign).digest('hex') !== signature) return fail('AuthFailure.SignatureFailure', 'signature mismatch');
      if (action === 'GetActionSequence') return reply({ ActionSequence: sequence });

      const p = JSON.parse(body.toString('utf8') || '{}');
      const video = Buffer.from(String(p.VideoBase64 ?? ''), 'base64');
      calls.push({ idCard: p.IdCard, name: p.Name, livenessType: p.LivenessType, validateData: p.ValidateData, mp4: video.subarray(4, 8).toString('latin1') === 'ftyp', videoBytes: video.length });
      switch (mode) {
        case 'timeout':
          return; // never answers; the client's timeout ends it
        case 'success':
          return reply({ Result: 'Success', Description: '成功', Sim: 92.5, BestFrameBase64: '', BestFrameList: null });
        case 'low_sim':
          return reply({ Result: 'Success', Description: '成功', Sim: 41, BestFrameBase64: '', BestFrameList: null });
        case 'mismatch':
          return fail('FailedOperation.CompareLowSimilarity', '比对相似度未达到通过标准。');
        case 'not_live':
          return fail('FailedOperation.LivessDetectFail', '活体检测未通过。');
        case 'error':
          return fail('InternalError', '内部错误。');
      }
    });
  });
  // the SDK's proxy agent opens a CONNECT tunnel to faceid.tencentcloudapi.com:80: end it at this server
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const { port } = server.address() as AddressInfo;
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    /** TENCENT_FACEID_PROXY for the server under test */
    proxy: `http://127.0.0.1:${port}`,
    calls,
    rejected,
    play(m: FaceIdMode) {
      mode = m;
    },
    /** the next GetActionSequence answers (Tencent's codes: 1 open the mouth, 2 close the eyes) */
    sequence(s: string) {
      sequence = s;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
