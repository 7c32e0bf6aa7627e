/** Certificates for their holder, and public verification by QR token (JSON and a page for people). */
import { PROFESSION_LABELS, PROFESSION_RULES, SPECIALTY_LABELS, type VerifyResponse } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import { COPY_VALID_UNTIL, downloadHeaders, type ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { certificatePdf, claimCertificate, listCertificates, verifyCertificateToken } from '../domain/certificates.js';
import { certificateOfd } from '../domain/certificate-ofd.js';
import { attachment } from './applications.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const STATUS_TEXT: Record<VerifyResponse['status'], { label: string; color: string; note: string }> = {
  valid: { label: '有效', color: '#07a35a', note: '该电子注册证书真实有效。' },
  expired: { label: '已过期', color: '#d97706', note: '该证书的注册专业均已超过有效期。' },
  revoked: { label: '已注销', color: '#dc2626', note: '该证书已被注册机构注销，不再有效。' },
  superseded: { label: '已换发新证书', color: '#d97706', note: '已换发新证书：此版本已不再有效，请向持证人索取最新版本的电子证书。' },
  void: { label: '已作废', color: '#dc2626', note: '该注册已注销，证书已作废。' },
  invalid: { label: '无效', color: '#dc2626', note: '未能验证该二维码：它可能被篡改，或不是本平台签发的证书。' },
};

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Chinese text of a claims token's signature check when it failed (issue 12). */
const SIGNATURE_NOTE: Partial<Record<NonNullable<VerifyResponse['signature']>['outcome'], string>> = {
  unknown_key: '签名密钥不在信任列表中：该二维码不是本平台签发的，或签发密钥未知。',
  retired_key: '签名密钥已停用：请向持证人索取新下载的电子证书。',
  invalid: '签名无效：二维码内容被篡改。',
  malformed: '二维码内容无法识别。',
};

/**
 * The page a person sees after scanning the QR code with any camera app. `opts.heading` replaces the status
 * heading and note (a shared link that no longer works); `opts.extraHtml` (trusted markup, escaped by the
 * caller) goes after the details (a shared link's expiry and download).
 */
export function verifyPage(result: VerifyResponse, opts: { heading?: { label: string; color: string; note: string }; extraHtml?: string } = {}): string {
  const s = opts.heading ?? STATUS_TEXT[result.status];
  const c = result.certificate;
  const rows = c
    ? [
        ['姓名', c.holderName],
        ['注册编号', c.registrationNo],
        // a temporary constructor's: 二级注册临时建造师, as the certificate prints it (0018)
        ['职业资格', c.registrationType ?? PROFESSION_LABELS[c.profession]],
        ['聘用企业', c.employerName],
        // a registration held as a whole (architects, 002) shows its validity, no 注册专业 row
        PROFESSION_RULES[c.profession].specialties
          ? ['注册专业', c.specialties.map((x) => `${SPECIALTY_LABELS[x.specialty]}（有效期至 ${x.validUntil}）`).join('<br>')]
          : ['有效期至', c.specialties[0]?.validUntil ?? ''],
        ['发证日期', c.issueDate],
      ]
    : [];
  const copy = result.copy;
  if (copy) rows.push(['本件使用有效期', `${copy.validFrom} 至 ${copy.validUntil}（第 ${copy.version} 版）${copy.inUse ? '' : '：已届满'}`]);
  const notes = [s.note];
  if (copy && !copy.inUse) notes.push(`本件电子证书的使用有效期已届满，请向持证人索取新下载的证书；注册状态：${s.label}。`);
  const sigNote = result.signature && SIGNATURE_NOTE[result.signature.outcome];
  if (sigNote) notes.push(sigNote);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>电子注册证书验证 - 执业通</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f4f6f9;color:#1f2937}
main{max-width:560px;margin:0 auto;padding:24px 16px}.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.status{font-size:28px;font-weight:700;color:${s.color};margin:0 0 8px}.note{color:#4b5563;margin:0 0 16px}
table{width:100%;border-collapse:collapse}th{text-align:left;color:#6b7280;font-weight:400;padding:8px 12px 8px 0;white-space:nowrap;vertical-align:top}td{padding:8px 0}
tr+tr{border-top:1px solid #eef0f3}footer{color:#4b5563;font-size:13px;margin-top:16px;text-align:center}</style></head>
<body><main><div class="card"><h1 class="status" data-status="${result.status}">${s.label}</h1>${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}
${rows.length ? `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${k === '注册专业' ? v : escapeHtml(v)}</td></tr>`).join('')}</table>` : ''}${opts.extraHtml ?? ''}
</div><footer>执业通 · 二级注册人员电子注册证书验证</footer></main></body></html>`;
}

export function certificateRoutes(api: ApiRouter, deps: Deps) {
  const holder = ['applicant' as const];
  const verifyLimit = rateLimit({ points: deps.config.verifyRateLimitPerMinute, durationSeconds: 60 });

  api.get('/api/certificates', { tag: 'certificates', summary: '我的电子注册证书 (claimedAt null = 未领证)', roles: holder, responses: { 200: z.array(views.certificateViewSchema) } }, async (ctx) => {
    ctx.body = await listCertificates(deps, ctx.state.user.id);
  });

  api.post('/api/certificates/:id/claim', { tag: 'certificates', summary: '领证: confirm the details', roles: holder, responses: { 200: views.certificateViewSchema, 404: 'not_found', 409: 'certificate_already_claimed' } }, async (ctx) => {
    ctx.body = await claimCertificate(deps, actorOf(ctx, 'applicant'), ctx.params.id);
  });

  const downloadQuery = z.object({ days: z.coerce.number({ error: '使用有效期天数应为整数' }).int({ error: '使用有效期天数应为整数' }).min(1, { error: '使用有效期至少 1 天' }).max(deps.config.certificateCopyDays, { error: `使用有效期最长 ${deps.config.certificateCopyDays} 天` }).optional() });
  api.get(
    '/api/certificates/:id/certificate.pdf',
    {
      tag: 'certificates',
      summary: '下载电子证书: a new signed copy whose QR carries the signed claims; ?days= its period of use (1..CERTIFICATE_COPY_DAYS, default the maximum, cut at the earliest specialty expiry; header X-Copy-Valid-Until); after claiming',
      roles: holder,
      query: downloadQuery,
      responses: { 200: 'application/pdf', 404: 'not_found', 409: 'certificate_not_claimed', 422: 'copy_period_invalid' },
      responseHeaders: downloadHeaders('attachment', COPY_VALID_UNTIL),
    },
    async (ctx) => {
      const { days } = ctx.state.query as { days?: number };
      const { pdf, fileName, copy } = await certificatePdf(deps, actorOf(ctx, 'applicant'), ctx.params.id, days);
      if (copy) ctx.set('X-Copy-Valid-Until', copy.validUntil);
      ctx.type = 'application/pdf';
      attachment(ctx, fileName);
      ctx.body = pdf;
    },
  );

  api.get(
    '/api/certificates/:id/certificate.ofd',
    {
      tag: 'certificates',
      summary: '下载电子证书 (OFD, GB/T 33190-2016; issue 9): the same page as certificate.pdf as an OFD package (unsigned: no GB/T 38540 seal; the QR carries the signed claims); a new copy with ?days= as for the PDF (header X-Copy-Valid-Until); after claiming',
      roles: holder,
      query: downloadQuery,
      responses: { 200: 'application/ofd', 404: 'not_found', 409: 'certificate_not_claimed', 422: 'copy_period_invalid' },
      responseHeaders: downloadHeaders('attachment', COPY_VALID_UNTIL),
    },
    async (ctx) => {
      const { days } = ctx.state.query as { days?: number };
      const { ofd, fileName, copy } = await certificateOfd(deps, actorOf(ctx, 'applicant'), ctx.params.id, days);
      if (copy) ctx.set('X-Copy-Valid-Until', copy.validUntil);
      ctx.type = 'application/ofd';
      attachment(ctx, fileName);
      ctx.body = ofd;
    },
  );

  const tokenQuery = z.object({ token: z.string({ error: '缺少验证码' }).min(1).max(2000) });
  api.get(
    '/api/public/certificates/verify',
    { tag: 'public', summary: '扫码验证: {status: valid|expired|revoked|invalid, certificate}', query: tokenQuery, responses: { 200: views.verifyResponseSchema }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } },
    verifyLimit,
    async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await verifyCertificateToken(deps, (ctx.state.query as { token: string }).token);
    },
  );

  api.get(
    '/api/public/trust-list',
    {
      tag: 'public',
      summary: '信任列表 (issue 12): {jws, issuedAt, anchor: {kid, publicKey}}; jws = compact JWS (ES256) signed by the trust anchor of {format, issuer, issuedAt, keys: [{kid, alg, publicKey, notBefore, retiredAt}]}; verifiers pin the anchor key',
      responses: { 200: views.trustListResponseSchema },
      responseHeaders: { 200: { 'Cache-Control': 'public, max-age=300' } },
    },
    verifyLimit,
    async (ctx) => {
      const { jws, list, anchor } = deps.certificateTokens.trustList(deps.now());
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = { jws, issuedAt: list.issuedAt, anchor };
    },
  );

  api.get(
    '/api/public/pki/platform-ca.pem',
    {
      tag: 'public',
      summary: '平台根证书 (issue 12): the platform CA certificate (PEM) that issues every signer certificate (applicant, employer, authority: short-lived, one per signature, embedded in each signature). Add it to a trust store (NSS: certutil -A -t "CT,C,C") and pdfsig / Acrobat report the signatures trusted',
      responses: { 200: 'application/x-pem-file' },
      responseHeaders: downloadHeaders('attachment', { 'Cache-Control': 'public, max-age=3600' }),
    },
    async (ctx) => {
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.type = 'application/x-pem-file';
      attachment(ctx, 'zhiyetong-platform-ca.pem');
      ctx.body = deps.ca.caCertificatePem;
    },
  );

  api.get('/v/:token', { tag: 'public', summary: '扫码验证页面 (HTML) for people scanning with any camera app', responses: { 200: 'text/html' }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } }, verifyLimit, async (ctx) => {
    const result = await verifyCertificateToken(deps, ctx.params.token.slice(0, 2000));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = verifyPage(result);
  });
}
