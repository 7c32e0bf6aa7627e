/**
 * Issue 11 routes: the public notice (公示) page and API with objections, the reviewer's handling of
 * objections, the acceptance notice PDF for the applicant and the employer, the qualification import, and the
 * province settings in force.
 */
import multer from '@koa/multer';
import { PROFESSIONS, REVIEW_REASON_CODES, SPECIALTIES, type Profession, type ReviewReasonCode } from '@zhiyetong/shared';
import { z } from 'zod';
import type { AppContext, Deps } from '../context.js';
import { downloadHeaders, type ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { singleUpload, uploadedFile } from '../http/uploads.js';
import { appError, AppError } from '../errors.js';
import { listObjections, listPublicNotices, lodgeObjection, resolveObjection, type PublicNoticeView } from '../domain/notices.js';
import { acceptanceNoticePdf } from '../domain/review-outcomes.js';
import { importQualifications, QUALIFICATION_COLUMNS, QUALIFICATION_MAX_BYTES, QUALIFICATION_MAX_ROWS } from '../domain/qualifications.js';
import { settingsOf } from '../domain/province.js';
import { attachment } from './applications.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const objectionRequest = z.strictObject({
  text: z.string({ error: '请填写异议内容' }).trim().min(5, { error: '异议内容至少 5 个字' }).max(1000, { error: '异议内容不超过 1000 字' }),
  contact: z.string().trim().max(100, { error: '联系方式不超过 100 字' }).optional(),
});
const IMPORTABLE = PROFESSIONS.filter((p) => SPECIALTIES[p].length > 0) as [Profession, ...Profession[]];

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The public page: every running notice with a form to lodge an objection (multipart POST, no script). */
export function noticesPage(notices: PublicNoticeView[], message?: { ok: boolean; text: string }): string {
  const cards = notices
    .map(
      (n) => `<section class="card" data-notice="${n.id}"><h2>${escapeHtml(n.holderName)}</h2><table>
<tr><th>聘用企业</th><td>${escapeHtml(n.employerName)}</td></tr>
<tr><th>职业资格</th><td>${escapeHtml(n.professionLabel)}</td></tr>
<tr><th>申请事项</th><td>${escapeHtml(n.matterLabel)}</td></tr>
<tr><th>专业</th><td>${n.specialties.map(escapeHtml).join('、') || '—'}</td></tr>
<tr><th>公示期</th><td>${n.startsOn} 至 ${n.endsOn}（${n.workingDays} 个工作日）</td></tr></table>
<details><summary>对该人员提出异议</summary><form method="post" action="/notices/${n.id}/objections" enctype="multipart/form-data">
<label>异议内容（请写明事实和理由）<textarea name="text" required minlength="5" maxlength="1000"></textarea></label>
<label>联系方式（选填，仅注册机构可见）<input name="contact" maxlength="100"></label><button type="submit">提交异议</button></form></details></section>`,
    )
    .join('\n');
  const banner = message ? `<p class="msg ${message.ok ? 'ok' : 'err'}">${escapeHtml(message.text)}</p>` : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>注册公示 - 执业通</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f4f6f9;color:#1f2937}
main{max-width:640px;margin:0 auto;padding:24px 16px}h1{font-size:22px}.card{background:#fff;border-radius:12px;padding:16px 20px;margin:0 0 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 8px}table{width:100%;border-collapse:collapse}th{text-align:left;color:#6b7280;font-weight:400;padding:6px 12px 6px 0;white-space:nowrap;vertical-align:top}td{padding:6px 0}
label{display:block;margin:8px 0}textarea,input{width:100%;box-sizing:border-box;font:inherit;padding:8px;margin-top:4px}textarea{min-height:80px}button{font:inherit;padding:8px 20px;margin-top:8px}
.msg{padding:12px;border-radius:8px}.ok{background:#e7f6ec;color:#166534}.err{background:#fdecec;color:#991b1b}.note{color:#4b5563}</style></head>
<body><main><h1>二级注册人员注册公示</h1><p class="note">以下人员的注册申请已审批通过，现予公示。公示期间，任何单位和个人对公示人员有异议的，可在公示期内提出，注册机构核实后处理；公示期满无异议的，核发电子注册证书。</p>
${banner}${cards || '<p class="note">当前没有正在公示的人员。</p>'}</main></body></html>`;
}

export function noticeRoutes(api: ApiRouter, deps: Deps) {
  const reviewer = ['reviewer' as const];
  // objections from the public: a few per client IP per hour (counted in PostgreSQL across processes)
  const objectionLimit = rateLimit({ points: 5, durationSeconds: 3600 });

  api.get('/api/public/notices', { tag: 'public', summary: '注册公示: the notices running today (name, employer, profession, matter, specialties, period; never an ID number)', responses: { 200: z.array(views.publicNoticeViewSchema) }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } }, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await listPublicNotices(deps);
  });

  api.post(
    '/api/public/notices/:id/objections',
    { tag: 'public', summary: '提出异议 to a running notice: {text 5-1000, contact?}; 5 per IP per hour; audited', body: objectionRequest, responses: { 201: views.createdIdSchema, 404: 'not_found', 409: 'notice_closed', 422: 'validation_failed', 429: 'rate_limited' } },
    objectionLimit,
    async (ctx) => {
      ctx.status = 201;
      ctx.body = await lodgeObjection(deps, ctx.params.id, ctx.state.body as { text: string; contact?: string }, ctx.ip);
    },
  );

  const page = (ctx: AppContext) => {
    ctx.set('Content-Security-Policy', PAGE_CSP);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
  };
  api.get('/notices', { tag: 'public', summary: '注册公示页面 (HTML) with an objection form per notice', responses: { 200: 'text/html' }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } }, async (ctx) => {
    page(ctx);
    ctx.body = noticesPage(await listPublicNotices(deps));
  });

  const formFields = multer({ limits: { fields: 4, fieldSize: 8 * 1024, files: 0 } }).fields([]);
  api.post(
    '/notices/:id/objections',
    { tag: 'public', summary: '提出异议 from the HTML page (multipart form fields text, contact); answers the page with the outcome', upload: { fields: { text: '异议内容, 5-1000 characters', contact: '联系方式 (optional)' } }, responses: { 200: 'text/html' }, responseHeaders: { 200: { 'Cache-Control': 'no-store' } } },
    objectionLimit,
    async (ctx) => {
      page(ctx);
      let message: { ok: boolean; text: string };
      try {
        if (!ctx.is('multipart/form-data')) throw appError('unsupported_media_type');
        await (formFields as unknown as (c: AppContext, n: () => Promise<void>) => Promise<void>)(ctx, async () => {}).catch(() => {
          throw appError('upload_invalid');
        });
        const raw = (ctx.request as unknown as { body?: Record<string, string> }).body ?? {};
        const parsed = objectionRequest.safeParse({ text: raw.text, ...(raw.contact ? { contact: raw.contact } : {}) });
        if (!parsed.success) throw appError('validation_failed', undefined, parsed.error.issues[0]?.message);
        await lodgeObjection(deps, ctx.params.id, parsed.data, ctx.ip);
        message = { ok: true, text: '异议已提交，注册机构将核实处理。' };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        ctx.status = e.status;
        message = { ok: false, text: e.message };
      }
      ctx.body = noticesPage(await listPublicNotices(deps), message);
    },
  );

  api.get(
    '/api/review/objections',
    { tag: 'review', summary: '公示异议 for reviewers (status open by default), with the objector\'s contact', roles: reviewer, query: z.object({ status: z.enum(['open', 'upheld', 'dismissed']).default('open') }), responses: { 200: z.array(views.objectionViewSchema) } },
    async (ctx) => {
      ctx.body = await listObjections(deps, (ctx.state.query as { status: 'open' | 'upheld' | 'dismissed' }).status);
    },
  );

  api.post(
    '/api/review/objections/:id/resolutions',
    {
      tag: 'review',
      summary: '处理异议: upheld refuses the application (rejected, reason notified to applicant and employer); dismissed lets the notice continue',
      roles: reviewer,
      body: z.strictObject({ outcome: z.enum(['upheld', 'dismissed']), resolution: z.string().trim().min(2, { error: '请填写处理意见' }).max(500), reasonCode: z.enum(REVIEW_REASON_CODES).optional() }),
      responses: { 200: views.objectionResolutionSchema, 404: 'not_found', 409: 'objection_resolved' },
    },
    async (ctx) => {
      ctx.body = await resolveObjection(deps, actorOf(ctx, 'reviewer'), ctx.params.id, ctx.state.body as { outcome: 'upheld' | 'dismissed'; resolution: string; reasonCode?: ReviewReasonCode });
    },
  );

  const acceptanceNotice = (role: 'applicant' | 'enterprise_operator' | 'reviewer') => async (ctx: AppContext) => {
    const { pdf, fileName } = await acceptanceNoticePdf(deps, ctx.state.user, role, actorOf(ctx, role), ctx.params.id);
    ctx.type = 'application/pdf';
    attachment(ctx, fileName);
    ctx.body = pdf;
  };
  const noticeSpec = (tag: string) => ({ tag, summary: '行政审批受理通知书 (PDF signed by the authority; after acceptance, else 404)', responses: { 200: 'application/pdf', 404: 'not_found' }, responseHeaders: downloadHeaders('attachment') });
  api.get('/api/applications/:id/acceptance-notice.pdf', { ...noticeSpec('applications'), roles: ['applicant'] }, acceptanceNotice('applicant'));
  api.get('/api/enterprise/applications/:id/acceptance-notice.pdf', { ...noticeSpec('enterprise'), roles: ['enterprise_operator'] }, acceptanceNotice('enterprise_operator'));
  /**
   * GET /api/review/applications/:id/acceptance-notice.pdf — role reviewer: the same signed notice for a member of
   * staff whose jurisdiction covers the application (the reviewer's detail page); outside it, or before
   * acceptance, 404. Audited ('acceptance_notice.downloaded') like the applicant's and the employer's download.
   */
  api.get('/api/review/applications/:id/acceptance-notice.pdf', { ...noticeSpec('review'), roles: ['reviewer'] }, acceptanceNotice('reviewer'));

  /**
   * POST /api/review/qualifications/imports?profession=constructor — role reviewer; multipart field `file`:
   * CSV (UTF-8) or XLSX ≤ 5 MB and 5000 rows, columns 姓名, 身份证号码, 专业, 证书编号, 签发日期, 取得地 (rules in
   * domain/qualifications.ts). 200: {imported, updated, refused, rows: [{row, idNumberMasked, certificateNo,
   * status: imported|updated|refused, reasons}]}. Errors: 413, 415, 422 upload_invalid | import_columns_missing
   * | import_empty | import_too_many_rows.
   */
  api.post(
    '/api/review/qualifications/imports',
    {
      tag: 'review',
      summary: `导入资格证书数据: multipart field \`file\`, CSV (UTF-8) or XLSX ≤ ${QUALIFICATION_MAX_BYTES / 1024 / 1024} MB and ${QUALIFICATION_MAX_ROWS} rows with columns ${QUALIFICATION_COLUMNS.join(', ')}; a per-row report`,
      roles: reviewer,
      query: z.object({ profession: z.enum(IMPORTABLE).default('constructor') }),
      upload: { file: 'file', description: 'CSV (UTF-8) or XLSX' },
      responses: { 200: views.qualificationImportReportSchema, 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'upload_invalid | import_columns_missing | import_empty | import_too_many_rows' },
    },
    singleUpload('file', QUALIFICATION_MAX_BYTES),
    async (ctx: AppContext) => {
      const file = uploadedFile(ctx);
      if (!file || file.buffer.length === 0) throw appError('upload_invalid', { file: '请选择要导入的 CSV 或 XLSX 文件' });
      ctx.body = await importQualifications(deps, actorOf(ctx, 'reviewer'), (ctx.state.query as { profession: Profession }).profession, file.buffer);
    },
  );

  api.get('/api/province', { tag: 'public', summary: 'The province settings in force (shared/src/provinces/<province>.json or PROVINCE_SETTINGS_FILE): routes, public notice, time limits, rules', responses: { 200: views.provinceSettingsViewSchema } }, async (ctx) => {
    ctx.body = settingsOf(deps.config);
  });
}
