/** Shared certificate links (issue 12): the holder's routes, and the public link (JSON, a page, a PDF copy). */
import { z } from 'zod';
import type { Deps } from '../context.js';
import { COPY_VALID_UNTIL, downloadHeaders, type ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { createShareLink, listShareLinks, openShareLink, revokeShareLink, shareLinkPdf } from '../domain/share-links.js';
import { shanghaiDateTime } from '../time.js';
import { attachment } from './applications.js';
import { actorOf } from './auth.js';
import { escapeHtml, verifyPage } from './certificates.js';
import * as views from '@zhiyetong/shared';

export function shareLinkRoutes(api: ApiRouter, deps: Deps) {
  const holder = ['applicant' as const];
  const publicLimit = rateLimit({ points: deps.config.verifyRateLimitPerMinute, durationSeconds: 60 });
  const max = deps.config.shareLinkMaxDays;
  const createBody = z.strictObject({
    days: z.number({ error: '请选择分享链接的有效天数' }).int({ error: '有效天数应为整数' }).min(1, { error: '有效期至少 1 天' }).max(max, { error: `有效期最长 ${max} 天` }),
  });

  api.post(
    '/api/certificates/:id/share-links',
    {
      tag: 'certificates',
      summary: `分享证书: a link valid for {days} (1..SHARE_LINK_MAX_DAYS = ${max}) days → 201 ShareLinkView {id, url, status, createdAt, expiresAt, revokedAt, opens, lastOpenedAt}`,
      roles: holder,
      body: createBody,
      responses: { 201: views.shareLinkViewSchema, 404: 'not_found', 409: 'certificate_not_claimed | share_link_not_shareable | share_link_limit', 422: 'validation_failed' },
    },
    async (ctx) => {
      ctx.status = 201;
      ctx.body = await createShareLink(deps, actorOf(ctx, 'applicant'), ctx.params.id, (ctx.state.body as { days: number }).days);
    },
  );

  api.get(
    '/api/certificates/:id/share-links',
    { tag: 'certificates', summary: '我分享的链接: ShareLinkView[] newest first, with status active|expired|revoked and how often each was opened', roles: holder, responses: { 200: z.array(views.shareLinkViewSchema), 404: 'not_found' } },
    async (ctx) => {
      ctx.body = await listShareLinks(deps, ctx.state.user.id, ctx.params.id);
    },
  );

  api.delete(
    '/api/certificates/:id/share-links/:linkId',
    { tag: 'certificates', summary: '撤销分享链接: at once; again changes nothing → ShareLinkView', roles: holder, responses: { 200: views.shareLinkViewSchema, 404: 'not_found' } },
    async (ctx) => {
      ctx.body = await revokeShareLink(deps, actorOf(ctx, 'applicant'), ctx.params.id, ctx.params.linkId);
    },
  );

  api.get(
    '/api/public/share-links/:token',
    { tag: 'public', summary: '打开分享链接: {link: {status: active|expired|revoked|unknown, expiresAt}, status, certificate} (no ID number)', responses: { 200: views.sharedCertificateViewSchema }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } },
    publicLimit,
    async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await openShareLink(deps, ctx.params.token);
    },
  );

  api.get(
    '/s/:token',
    { tag: 'public', summary: '分享链接页面: the certificate\'s live status and details, the link\'s expiry and a download; 404/410 page when unknown/expired or revoked', responses: { 200: 'text/html', 404: 'text/html', 410: 'text/html' }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } },
    publicLimit,
    async (ctx) => {
      const view = await openShareLink(deps, ctx.params.token);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.type = 'text/html; charset=utf-8';
      if (view.link.status !== 'active') {
        ctx.status = view.link.status === 'unknown' ? 404 : 410;
        const note = view.link.status === 'revoked' ? '持证人已撤销该分享链接。' : view.link.status === 'expired' ? `该分享链接已于 ${shanghaiDateTime(new Date(view.link.expiresAt!))} 过期。` : '没有找到该分享链接。';
        ctx.body = verifyPage({ status: 'invalid', certificate: null }, { heading: { label: '分享链接已失效', color: '#6b7280', note: `${note}如需查看证书，请联系持证人重新分享。` } });
        return;
      }
      const until = escapeHtml(shanghaiDateTime(new Date(view.link.expiresAt!)));
      const download = view.certificate && view.status === 'valid' ? `<p><a href="/s/${encodeURIComponent(ctx.params.token)}/certificate.pdf" style="display:inline-block;margin-top:16px;padding:12px 20px;border-radius:8px;background:#1d4ed8;color:#fff;text-decoration:none">下载证书副本 (PDF)</a></p>` : '';
      ctx.body = verifyPage({ status: view.status!, certificate: view.certificate }, { extraHtml: `<p class="note" style="margin-top:16px">本链接由持证人分享，有效期至 ${until}。</p>${download}` });
    },
  );

  api.get(
    '/s/:token/certificate.pdf',
    { tag: 'public', summary: '分享链接下载: a signed copy whose period of use ends with the link (or at a specialty expiry)', responses: { 200: 'application/pdf', 404: 'share_link_invalid', 409: 'certificate_expired | share_link_not_shareable' }, responseHeaders: downloadHeaders('attachment', { 'Cache-Control': 'no-store', ...COPY_VALID_UNTIL }) },
    publicLimit,
    async (ctx) => {
      const { pdf, fileName, copy } = await shareLinkPdf(deps, ctx.params.token);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Copy-Valid-Until', copy.validUntil);
      ctx.type = 'application/pdf';
      attachment(ctx, fileName);
      ctx.body = pdf;
    },
  );
}
