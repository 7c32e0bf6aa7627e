/** The registration authority loads existing (paper) registrations into the register (000 §5). */
import { PROFESSIONS, type Profession } from '@zhiyetong/shared';
import { z } from 'zod';
import type { AppContext, Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { singleUpload, uploadedFile } from '../http/uploads.js';
import { appError } from '../errors.js';
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, importRegistrations } from '../domain/register-import.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

/** Every profession: one registered as a whole (architects, 002) has one row per registration with 注册专业 left empty. */
const IMPORTABLE = PROFESSIONS as unknown as [Profession, ...Profession[]];

export function registerImportRoutes(api: ApiRouter, deps: Deps) {
  /**
   * POST /api/review/registrations/imports?profession=constructor — role reviewer; multipart field `file`:
   * a CSV (UTF-8, BOM optional) or XLSX file of at most 5 MB and 5000 data rows, one row per registered
   * specialty, columns 注册编号, 姓名, 身份证号码, 聘用企业, 统一社会信用代码, 注册专业, 注册日期, 有效期至 (rows
   * with one 注册编号 form one registration; the full rules in domain/register-import.ts). Each registration
   * is written to the register (no electronic certificate yet: its holder exchanges the paper one, matter
   * paper_exchange) or refused, in its own transaction.
   * 200: {imported, refused, registrationsImported, registrationsRefused, rows: [{row, registrationNo,
   * idNumberMasked, status: 'imported'|'refused', reasons: string[]}]} (counts of rows, then of registrations).
   * Errors: 413 payload_too_large; 415 unsupported_media_type; 422 upload_invalid (no file, not UTF-8 CSV nor
   * XLSX), import_columns_missing, import_empty, import_too_many_rows.
   */
  api.post(
    '/api/review/registrations/imports',
    {
      tag: 'review',
      summary: `导入存量注册信息 (纸质证书): multipart field \`file\`, CSV (UTF-8) or XLSX ≤ ${IMPORT_MAX_BYTES / 1024 / 1024} MB and ${IMPORT_MAX_ROWS} rows, one row per specialty with columns ${IMPORT_COLUMNS.join(', ')}; each registration imported or refused in its own transaction; a per-row report`,
      roles: ['reviewer'],
      query: z.object({ profession: z.enum(IMPORTABLE).default('constructor') }),
      upload: { file: 'file', description: 'CSV (UTF-8) or XLSX' },
      responses: { 200: views.registerImportReportSchema, 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'upload_invalid | import_columns_missing | import_empty | import_too_many_rows' },
    },
    singleUpload('file', IMPORT_MAX_BYTES),
    async (ctx: AppContext) => {
      const file = uploadedFile(ctx);
      if (!file || file.buffer.length === 0) throw appError('upload_invalid', { file: '请选择要导入的 CSV 或 XLSX 文件' });
      const { profession } = ctx.state.query as { profession: Profession };
      ctx.body = await importRegistrations(deps, actorOf(ctx, 'reviewer'), profession, file.buffer);
    },
  );
}
