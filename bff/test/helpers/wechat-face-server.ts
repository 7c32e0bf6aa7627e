/**
 * A local stand-in for WeChat's 人脸核身 server API on 127.0.0.1: GET /cgi-bin/token,
 * POST /cityservice/face/identify/getverifyid and POST /cityservice/face/identify/queryverifyinfo, with the
 * checks WeChat makes (a valid access token; cert_info of an ID card; queryverifyinfo only for a verify_id it
 * issued, with the same out_seq_no and openid and the cert_hash of the same person). `finish(verifyId, ret)`
 * plays what the person did on the phone (10000 识别成功, 10004 比对不一致, 90004 cancelled …); a verify_id
 * never finished answers verify_ret 90000 (not completed). `failNext(n)` answers errcode -1 (system busy).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wechatCertHash } from '../../src/adapters/faceid-wechat.js';

interface Issued {
  outSeqNo: string;
  openid: string;
  certHash: string;
  ret: number;
}

export async function startWechatFaceServer(app: { appId: string; appSecret: string }) {
  const tokens = new Set<string>();
  const issued = new Map<string, Issued>();
  const queries: { verify_id: string; out_seq_no: string; cert_hash: string; openid: string }[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (o: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(o));
    };
    if (url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== app.appId || url.searchParams.get('secret') !== app.appSecret || url.searchParams.get('grant_type') !== 'client_credential') return json({ errcode: 40001, errmsg: 'invalid credential' });
      const token = randomBytes(12).toString('hex');
      tokens.add(token);
      return json({ access_token: token, expires_in: 7200 });
    }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') return json({ errcode: 43002, errmsg: 'require POST method' });
      if (!tokens.has(url.searchParams.get('access_token') ?? '')) return json({ errcode: 40001, errmsg: 'invalid access_token' });
      if (failures > 0) {
        failures--;
        return json({ errcode: -1, errmsg: 'system error' });
      }
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (url.pathname === '/cityservice/face/identify/getverifyid') {
        const c = b.cert_info ?? {};
        if (c.cert_type !== 'IDENTITY_CARD' || !c.cert_name || !c.cert_no || !b.openid || !b.out_seq_no || String(b.out_seq_no).length > 32) return json({ errcode: 40003, errmsg: 'invalid args' });
        const verifyId = `vid_${randomBytes(16).toString('hex')}`;
        issued.set(verifyId, { outSeqNo: b.out_seq_no, openid: b.openid, certHash: wechatCertHash(c.cert_name, c.cert_no), ret: 90000 });
        return json({ errcode: 0, errmsg: 'ok', verify_id: verifyId, expires_in: 3600 });
      }
      if (url.pathname === '/cityservice/face/identify/queryverifyinfo') {
        queries.push(b);
        const v = issued.get(b.verify_id);
        if (!v || v.outSeqNo !== b.out_seq_no || v.openid !== b.openid || v.certHash !== b.cert_hash) return json({ errcode: 40003, errmsg: 'verify_id, out_seq_no, openid or cert_hash mismatch' });
        return json({ errcode: 0, errmsg: 'ok', verify_ret: v.ret });
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}`,
    queries,
    /** What the person did with wx.requestFacialVerify for `verifyId`: WeChat records verify_ret. */
    finish(verifyId: string, ret: number) {
      const v = issued.get(verifyId);
      if (!v) throw new Error(`unknown verify_id ${verifyId}`);
      v.ret = ret;
    },
    failNext(n: number) {
      failures = n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
