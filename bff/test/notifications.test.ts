/**
 * Notifications and the outside world: the outbox delivers after commit and retries failures; production
 * SMS goes through the official Tencent Cloud SDK (checked against a local server speaking its signed
 * protocol); WeChat login binds an openid and operators who subscribed get a subscription message; the dev
 * SMS provider refuses production.
 */
import test from 'ava';
import { DevSmsProvider, renderSms, TencentSmsProvider } from '../src/adapters/sms.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { Client, login, OPERATOR_PHONE, startTestServer } from './helpers/server.js';
import { startTencentSmsServer } from './helpers/tencent-sms-server.js';
import { startWechatServer } from './helpers/wechat-server.js';
import { freshPhone } from './helpers/data.js';
import { applicantWithDraft, sign } from './helpers/flow.js';


test('login codes go through the Tencent Cloud SDK, signed, and outages are retried by the outbox', async (t) => {
  const tencent = await startTencentSmsServer();
  const s = await startTestServer(tencent.env, { httpAgent: tencent.agent });
  try {
    const phone = freshPhone();
    tencent.failNext(2);
    t.is((await new Client(s.baseUrl).post('/api/auth/sms-codes', { phone })).status, 200, 'the request succeeds: the message waits in the outbox');
    await s.server.outbox.drain();
    const row = await s.server.deps.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    t.is(row.attempts, 1);
    t.is(row.sent_at, null);
    t.regex(row.last_error ?? '', /LimitExceeded/);
    // retries are scheduled with backoff; make them due now and drain twice more
    for (let i = 0; i < 2; i++) {
      await s.server.deps.db.updateTable('outbox').set({ next_attempt_at: new Date(0) }).where('id', '=', row.id).execute();
      await s.server.outbox.drain();
    }
    const done = await s.server.deps.db.selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    t.truthy(done.sent_at);
    t.is(done.attempts, 3);
    t.is(tencent.sent.length, 1);
    t.deepEqual(tencent.sent[0].phones, [`+86${phone}`]);
    t.like(tencent.sent[0], { templateId: '2000001', signName: '执业通', sdkAppId: '1400000000' });
    t.regex(tencent.sent[0].params[0], /^\d{6}$/);
    t.deepEqual(tencent.rejected, [], 'every request was correctly signed');
  } finally {
    await s.stop();
    await tencent.close();
  }
});

test('a wrongly signed request is refused by the Tencent protocol server', async (t) => {
  const tencent = await startTencentSmsServer({ secretId: 'AKIDtest', secretKey: 'the-real-key' });
  try {
    const provider = new TencentSmsProvider({ provider: 'tencent', secretId: 'AKIDtest', secretKey: 'a-wrong-key', region: 'ap-guangzhou', endpoint: tencent.endpoint, protocol: 'http://', sdkAppId: '1', signName: 'x', templateId: '1' }, {}, tencent.agent);
    await t.throwsAsync(provider.send('13900000000', { template: 'login_code', params: ['123456'] }));
    t.deepEqual(tencent.rejected, ['AuthFailure.SignatureFailure']);
  } finally {
    await tencent.close();
  }
});

test('WeChat: a wx.login code logs in once the openid is bound by an SMS login; subscribed operators get a message', async (t) => {
  const wechat = await startWechatServer({ appId: 'wx123', appSecret: 'secret' });
  const s = await startTestServer({ WECHAT_APP_ID: 'wx123', WECHAT_APP_SECRET: 'secret', WECHAT_API_BASE: wechat.apiBase, WECHAT_SUBSCRIBE_TEMPLATE_ID: 'tmpl-1' });
  try {
    const anon = new Client(s.baseUrl);
    const unbound = await anon.post('/api/auth/wechat', { code: wechat.issueCode('openid-operator') });
    t.is(unbound.status, 409);
    t.is(unbound.body.error.code, 'wechat_not_bound');
    t.is((await anon.post('/api/auth/wechat', { code: 'never-issued' })).body.error.code, 'wechat_code_invalid');

    // the operator binds WeChat while logging in with an SMS code
    s.advance(61_000);
    await anon.post('/api/auth/sms-codes', { phone: OPERATOR_PHONE });
    const code = await s.latestCode(OPERATOR_PHONE);
    const bound = await anon.post('/api/auth/sessions', { phone: OPERATOR_PHONE, code, wechatCode: wechat.issueCode('openid-operator') });
    t.is(bound.status, 200);
    const viaWechat = await anon.post('/api/auth/wechat', { code: wechat.issueCode('openid-operator') });
    t.is(viaWechat.status, 200);
    t.deepEqual(viaWechat.body.user.roles, ['enterprise_operator']);
    t.false(JSON.stringify(viaWechat.body).includes('session_key'));
    t.true((await new Client(s.baseUrl, viaWechat.body.accessToken).get('/api/me')).body.wechatBound);

    const a = await applicantWithDraft(s);
    t.is((await sign(s, a.c, a.phone, a.id)).status, 200);
    await s.server.outbox.drain();
    t.is(wechat.messages.length, 1);
    t.like(wechat.messages[0], { touser: 'openid-operator', template_id: 'tmpl-1', page: `employer/pages/detail/index?id=${a.id}` });
    t.is(wechat.messages[0].data.character_string3.value, a.acceptanceNo);
  } finally {
    await s.stop();
    await wechat.close();
  }
});

test('the dev SMS provider refuses production, and production needs its secrets', (t) => {
  t.throws(() => new DevSmsProvider('/tmp/x.jsonl', 'production'), { message: /production/ });
  const err = t.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/zyt-config-test' }), { instanceOf: ConfigError });
  for (const name of ['SMS_PROVIDER', 'JWT_SECRET', 'PII_ENCRYPTION_KEY', 'PLATFORM_CA_KEY_PEM', 'CERT_TOKEN_PRIVATE_JWK']) t.true(err!.message.includes(name), name);
});

test('each bad setting is named with what it expects', (t) => {
  const err = t.throws(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', PII_ENCRYPTION_KEY: 'c2hvcnQ=', LOG_LEVEL: 'loud', DATA_DIR: '/tmp/zyt-config-test' }), { instanceOf: ConfigError });
  for (const name of ['PORT', 'DATABASE_URL', 'PII_ENCRYPTION_KEY', 'LOG_LEVEL']) t.true(err!.message.includes(name), name);
  t.regex(err!.message, /32 bytes/);
});

test('SMS texts render from their templates', (t) => {
  t.is(renderSms({ template: 'signature_code', params: ['二级建造师初始注册申请表', 'W2026112100001', '123456'] }), '您正在签署《二级建造师初始注册申请表》（受理编号W2026112100001），验证码123456，5分钟内有效，请勿泄露给他人。');
});

test('the OpenAPI document lists every route', async (t) => {
  const s = await startTestServer();
  try {
    const doc = (await new Client(s.baseUrl).get('/api/openapi.json')).body;
    t.is(doc.openapi, '3.1.0');
    for (const p of ['/api/auth/sms-codes', '/api/applications/{id}', '/api/enterprise/applications/{id}/signatures', '/api/review/applications/{id}/decisions', '/api/public/certificates/verify', '/api/certificates/{id}/certificate.pdf']) t.truthy(doc.paths[p], p);
    t.truthy(doc.paths['/api/applications'].post.requestBody.content['application/json'].schema.properties.profession);
    t.is((await login(s, freshPhone())).token!.split('.').length, 3);
  } finally {
    await s.stop();
  }
});
