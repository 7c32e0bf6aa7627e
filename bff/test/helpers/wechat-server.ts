/**
 * A local stand-in for the WeChat mini-program server API on 127.0.0.1, speaking its HTTP protocol:
 * GET /sns/jscode2session (auth.code2Session), GET /cgi-bin/token, POST /cgi-bin/message/subscribe/send.
 * Codes are registered with `issueCode(openid)` as wx.login would hand them out; each works once.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startWechatServer(app: { appId: string; appSecret: string }) {
  const codes = new Map<string, string>();
  const tokens = new Set<string>();
  const messages: { touser: string; template_id: string; page: string; data: Record<string, { value: string }> }[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (o: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(o));
    };
    if (url.pathname === '/sns/jscode2session') {
      if (url.searchParams.get('appid') !== app.appId || url.searchParams.get('secret') !== app.appSecret) return json({ errcode: 40125, errmsg: 'invalid appsecret' });
      if (url.searchParams.get('grant_type') !== 'authorization_code') return json({ errcode: 40002, errmsg: 'invalid grant_type' });
      const openid = codes.get(url.searchParams.get('js_code') ?? '');
      if (!openid) return json({ errcode: 40029, errmsg: 'invalid code' });
      codes.delete(url.searchParams.get('js_code')!);
      return json({ openid, session_key: randomBytes(16).toString('base64') });
    }
    if (url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== app.appId || url.searchParams.get('secret') !== app.appSecret) return json({ errcode: 40001, errmsg: 'invalid credential' });
      const token = randomBytes(12).toString('hex');
      tokens.add(token);
      return json({ access_token: token, expires_in: 7200 });
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
      if (!tokens.has(url.searchParams.get('access_token') ?? '')) return json({ errcode: 40001, errmsg: 'invalid access_token' });
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        json({ errcode: 0, errmsg: 'ok' });
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}`,
    messages,
    /** What wx.login returns on a phone logged in to WeChat as `openid`. */
    issueCode(openid: string): string {
      const code = randomBytes(8).toString('hex');
      codes.set(code, openid);
      return code;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
