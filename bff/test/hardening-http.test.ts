/**
 * Issue 15 item 12 and the method envelope of item 11: 415 on an upload route asks for a file, not JSON;
 * otp_resend_too_soon carries Retry-After; the /v/ page has a Content-Security-Policy with
 * frame-ancestors 'none'; unknown or disallowed methods answer with the error envelope.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import test from 'ava';
import { Client, login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone } from './helpers/data.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('an upload route refusing a JSON body says to upload a file (415 unsupported_media_type)', async (t) => {
  const c = await login(s, freshPhone());
  const r = await c.put('/api/identity/documents/id_front', { photo: 'x' });
  t.is(r.status, 415);
  t.is(r.body.error.code, 'unsupported_media_type');
  t.notRegex(r.body.error.message, /JSON/);
  t.regex(r.body.error.message, /multipart\/form-data|上传/);
  // a body that is neither JSON nor multipart, anywhere: the message names both
  const text = await c.req('POST', '/api/me/privacy-consents', 'version=1', { 'content-type': 'text/plain' });
  t.is(text.status, 415);
  t.regex(text.body.error.message, /JSON/);
});

test.serial('otp_resend_too_soon carries Retry-After with the seconds left of the 60', async (t) => {
  const c = new Client(s.baseUrl);
  const phone = freshPhone();
  t.is((await c.post('/api/auth/sms-codes', { phone })).status, 200);
  s.advance(15_000);
  const again = await c.post('/api/auth/sms-codes', { phone });
  t.is(again.status, 429);
  t.is(again.body.error.code, 'otp_resend_too_soon');
  const wait = Number(again.headers.get('retry-after'));
  t.true(wait >= 44 && wait <= 46, String(wait));
});

test.serial('otp_daily_limit carries Retry-After until midnight in Shanghai', async (t) => {
  const c = new Client(s.baseUrl);
  const phone = freshPhone();
  let last;
  for (let i = 0; i < 11; i++) {
    last = await c.post('/api/auth/sms-codes', { phone });
    if (last.status === 429) break;
    s.advance(61_000);
  }
  t.is(last!.status, 429);
  t.is(last!.body.error.code, 'otp_daily_limit');
  const wait = Number(last!.headers.get('retry-after'));
  t.true(wait >= 1 && wait <= 86_400, String(wait));
});

test('the /v/ page has a Content-Security-Policy with frame-ancestors none', async (t) => {
  const r = await new Client(s.baseUrl).get('/v/not-a-token');
  t.is(r.status, 200);
  const csp = r.headers.get('content-security-policy') ?? '';
  t.regex(csp, /frame-ancestors 'none'/);
  t.regex(csp, /default-src 'none'/);
  t.is(r.headers.get('x-frame-options'), 'DENY');
  t.is((await new Client(s.baseUrl).get('/healthz')).headers.get('content-security-policy'), null, 'only on /v/');
});

/** A raw request, since fetch refuses TRACE. */
function raw(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(s.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('TRACE, and a method a path does not allow, answer with the error envelope', async (t) => {
  for (const path of ['/api/me', '/healthz', '/api/nothing']) {
    const r = await raw('TRACE', path);
    t.true(r.status >= 400 && r.status < 600, `${path} ${r.status}`);
    t.regex(String(r.headers['content-type']), /json/, path);
    const body = JSON.parse(r.body);
    t.truthy(body.error.code, path);
    t.regex(body.error.message, /[\u4e00-\u9fa5]/);
  }
  t.is(JSON.parse((await raw('TRACE', '/api/me')).body).error.code, 'not_implemented');
  const patch = await raw('PATCH', '/api/me');
  t.true([405, 501].includes(patch.status));
  t.truthy(JSON.parse(patch.body).error.code);
  const del = await raw('DELETE', '/healthz');
  t.is(del.status, 405);
  t.is(JSON.parse(del.body).error.code, 'method_not_allowed');
  t.regex(String(del.headers.allow), /GET/);
});

/** Bytes written straight to the socket, and what came back. */
function rawBytes(text: string): Promise<string> {
  const url = new URL(s.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let got = '';
    socket.on('data', (d) => (got += d));
    socket.on('end', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

test('requests Node refuses before the app (a 20 KB URL, a malformed request line) get the error envelope', async (t) => {
  const long = await rawBytes(`GET /api/enterprises?name=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.regex(long, /^HTTP\/1\.1 431 /);
  t.regex(long, /content-type: application\/json/i);
  t.is(JSON.parse(long.slice(long.indexOf('\r\n\r\n') + 4)).error.code, 'headers_too_large');
  const garbage = await rawBytes('NOT A REQUEST\r\n\r\n');
  t.regex(garbage, /^HTTP\/1\.1 400 /);
  t.is(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).error.code, 'bad_request');
});
