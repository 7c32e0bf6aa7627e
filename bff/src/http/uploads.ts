/**
 * Multipart uploads: @koa/multer in memory with a size limit, its errors as our stable codes, and the file
 * types we accept recognised by their magic bytes (never by the client's declared type).
 */
import multer from '@koa/multer';
import type { AppContext } from '../context.js';
import { appError } from '../errors.js';

/** One file in memory from field `field`, at most `maxBytes`. Errors: 415 unsupported_media_type, 413 payload_too_large, 422 upload_invalid. */
export function singleUpload(field: string, maxBytes: number) {
  const middleware = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 5 } }).single(field);
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart/form-data')) throw appError('unsupported_media_type', undefined, '请以 multipart/form-data 上传文件');
    try {
      await (middleware as unknown as (c: AppContext, n: () => Promise<void>) => Promise<void>)(ctx, async () => {});
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw code === 'LIMIT_FILE_SIZE' ? appError('payload_too_large') : appError('upload_invalid');
    }
    await next();
  };
}

/** The uploaded file of `singleUpload`, if any. */
export function uploadedFile(ctx: AppContext): { buffer: Buffer; mimetype: string; originalname: string } | undefined {
  return (ctx as unknown as { file?: { buffer: Buffer; mimetype: string; originalname: string } }).file;
}

export type SniffedType = 'image/jpeg' | 'image/png' | 'application/pdf';

/** JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A) or PDF (%PDF-) by magic bytes; null for anything else. */
export function sniffType(bytes: Buffer): SniffedType | null {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}
