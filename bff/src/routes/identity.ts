/** Real-name verification: ID card photos, face-data consent, liveness sessions, and in-person verification by a reviewer. */
import multer from '@koa/multer';
import { checkIdNumber, faceConsentRequest } from '@zhiyetong/shared';
import { z } from 'zod';
import type { AppContext, Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { rateLimit } from '../http/middleware.js';
import { appError } from '../errors.js';
import type { DocumentKind } from '../db/schema.liveness.js';
import { confirmWechatFace, createLivenessSession, openLivenessUpload, recordFaceConsent, startLivenessSweeper, submitLivenessVideo, uploadIdentityDocument, uploadedDocumentKinds, verifyInPerson, type LivenessUpload, type PromptTime } from '../domain/real-name.js';
import { actorOf } from './auth.js';
import * as views from '@zhiyetong/shared';

const photoUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });
/** Liveness videos are streamed to the upload's private temp dir (openLivenessUpload), never held in memory. */
const videoUpload = multer({
  storage: multer.diskStorage({
    destination: (req, _file, cb) => cb(null, (req as unknown as { livenessDir: string }).livenessDir),
    filename: (_req, _file, cb) => cb(null, 'upload'),
  }),
  limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 5, fieldSize: 16 * 1024 },
});

/** Multer errors (too large, wrong field) as our stable codes. */
function uploads(middleware: ReturnType<typeof photoUpload.single>) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart/form-data')) throw appError('unsupported_media_type');
    try {
      await (middleware as (c: AppContext, n: () => Promise<void>) => Promise<void>)(ctx, async () => {});
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw code === 'LIMIT_FILE_SIZE' ? appError('payload_too_large') : appError('upload_invalid');
    }
    await next();
  };
}

const promptsSchema = z
  .array(z.strictObject({ action: z.enum(['blink', 'open_mouth']), shownAtMs: z.number().int().min(0).max(120_000) }))
  .min(2)
  .max(5);

export function identityRoutes(api: ApiRouter, deps: Deps) {
  const applicant = ['applicant' as const];
  const perUser = rateLimit({ points: 30, durationSeconds: 3600, key: (ctx) => ctx.state.user.id });
  // leftover face videos of a crashed check: swept now and on a timer (issue 15 item 6)
  startLivenessSweeper(deps, deps.config.liveness.sweepSeconds);

  const storeDocument = async (ctx: AppContext) => {
    const kind = ctx.params.kind as DocumentKind;
    if (!['id_front', 'id_back', 'holding_id'].includes(kind)) throw appError('not_found');
    const file = (ctx as unknown as { file?: { buffer: Buffer; mimetype: string } }).file;
    if (!file) throw appError('upload_invalid', { photo: '请选择照片' });
    await uploadIdentityDocument(deps, actorOf(ctx, 'applicant'), kind, file);
    ctx.status = 204;
  };
  const documentSpec = {
    tag: 'identity',
    summary: '上传身份证正照 (id_front) / 反照 (id_back) / 手持身份证照 (holding_id): multipart field `photo`, JPEG or PNG, ≤ 5 MB; stored encrypted, replacing an earlier one',
    roles: applicant,
    params: { kind: z.enum(['id_front', 'id_back', 'holding_id']) },
    upload: { file: 'photo' },
    responses: { 204: 'stored', 413: 'payload_too_large', 422: 'upload_invalid' },
  };
  api.put('/api/identity/documents/:kind', documentSpec, perUser, uploads(photoUpload.single('photo')), storeDocument);
  // wx.uploadFile can only POST: the same upload for the mini-program
  api.post('/api/identity/documents/:kind', { ...documentSpec, summary: `${documentSpec.summary} (POST for WeChat's uploadFile)` }, perUser, uploads(photoUpload.single('photo')), storeDocument);

  api.get('/api/identity/documents', { tag: 'identity', summary: '已上传的证件照片 (kinds only; photos are never sent back)', roles: applicant, responses: { 200: views.identityDocumentsViewSchema } }, async (ctx) => {
    ctx.body = { kinds: await uploadedDocumentKinds(deps, ctx.state.user.id) };
  });

  api.post(
    '/api/identity/face-consents',
    { tag: 'identity', summary: '同意人脸信息处理规则 (separate consent before the camera opens; PIPL art. 29); GET /api/me returns it as faceConsent, current when the version is FACE_CONSENT_VERSION', roles: applicant, body: faceConsentRequest, responses: { 201: views.acknowledgedSchema } },
    async (ctx) => {
      await recordFaceConsent(deps, actorOf(ctx, 'applicant'), (ctx.state.body as { version: string }).version);
      ctx.status = 201;
      ctx.body = { ok: true };
    },
  );

  api.post(
    '/api/identity/liveness-sessions',
    {
      tag: 'identity',
      summary: '开始活体检测: the server-dictated challenge (liveness/schedule.ts): the actions in random order (blink, open_mouth, sometimes a second blink), each prompt’s time `atMs` after the recording starts (random gaps), the recording’s length `durationMs`, a nonce and an expiry (120 s)',
      roles: applicant,
      responses: { 201: views.livenessSessionViewSchema, 409: 'face_consent_required (none, or to earlier rules) | identity_documents_required', 429: 'liveness_attempts_exceeded', 503: 'face_provider_unavailable (FACE_PROVIDER=tencent did not answer; Retry-After)' },
    },
    perUser,
    async (ctx) => {
      try {
        ctx.body = await createLivenessSession(deps, actorOf(ctx, 'applicant'));
        ctx.status = 201;
      } catch (e) {
        const retryAfter = (e as { retryAfter?: number }).retryAfter;
        if (retryAfter) ctx.set('Retry-After', String(retryAfter));
        throw e;
      }
    },
  );

  /** Session, nonce (header X-Liveness-Nonce) and owner are checked, and a place in the queue taken, before the body is read. */
  const admitUpload = async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart/form-data')) throw appError('unsupported_media_type');
    let upload: LivenessUpload;
    try {
      upload = await openLivenessUpload(deps, actorOf(ctx, 'applicant'), ctx.params.id, ctx.get('x-liveness-nonce'));
    } catch (e) {
      const retryAfter = (e as { retryAfter?: number }).retryAfter;
      if (retryAfter) ctx.set('Retry-After', String(retryAfter));
      // the body is not read: close the connection after the answer rather than drain up to 20 MB
      ctx.set('Connection', 'close');
      throw e;
    }
    (ctx.req as unknown as { livenessDir: string }).livenessDir = upload.dir;
    (ctx.state as { livenessUpload?: LivenessUpload }).livenessUpload = upload;
    try {
      await next();
    } catch (e) {
      const retryAfter = (e as { retryAfter?: number }).retryAfter;
      if (retryAfter) ctx.set('Retry-After', String(retryAfter));
      throw e;
    } finally {
      await upload.release();
    }
  };

  api.post(
    '/api/identity/liveness-sessions/:id/video',
    {
      tag: 'identity',
      summary: '提交活体检测视频: header `X-Liveness-Nonce` (checked with the session and its owner before the body is read); multipart `video` (≤ 20 MB, streamed to a private temp file) and `prompts` (JSON [{action, shownAtMs}]: when each prompt appeared, ms after the recording started, within 400 ms of the schedule); one upload per session and one in flight per person; the video is deleted when the check ends',
      roles: applicant,
      upload: { file: 'video', fields: { prompts: 'JSON [{action, shownAtMs}]: when each prompt appeared, ms after the recording started' } },
      requestHeaders: { 'X-Liveness-Nonce': 'the nonce of the session (LivenessSessionView.nonce); a wrong or missing one answers 404 before the body is read' },
      responses: {
        200: views.livenessVerdictViewSchema,
        404: 'no such session of this applicant, or wrong nonce',
        409: 'liveness_session_expired | liveness_session_used | liveness_upload_in_progress',
        429: 'liveness_attempts_exceeded',
        503: 'liveness_busy (queue full; Retry-After) | face_provider_unavailable (the provider did not answer; no attempt used; Retry-After)',
      },
    },
    admitUpload,
    uploads(videoUpload.single('video')),
    async (ctx) => {
      const file = (ctx as unknown as { file?: { path: string } }).file;
      const fields = (ctx.request as unknown as { body?: Record<string, string> }).body ?? {};
      if (!file) throw appError('upload_invalid', { video: '请录制视频' });
      let prompts: PromptTime[];
      try {
        prompts = promptsSchema.parse(JSON.parse(fields.prompts ?? ''));
      } catch {
        throw appError('validation_failed', { prompts: '缺少动作提示时间' });
      }
      const verdict = await submitLivenessVideo(deps, actorOf(ctx, 'applicant'), ctx.params.id, { nonce: ctx.get('x-liveness-nonce'), prompts, videoPath: file.path });
      ctx.body = { passed: verdict.passed, reasons: verdict.reasons, scores: verdict.scores };
    },
  );

  api.post(
    '/api/identity/liveness-sessions/:id/wechat-result',
    {
      tag: 'identity',
      summary: 'FACE_PROVIDER=wechat: wx.requestFacialVerify ended for this session; the server confirms the result with WeChat’s queryVerifyInfo (verify_ret 10000) before trusting it',
      roles: applicant,
      body: z.strictObject({ verifyId: z.string().min(1).max(256) }),
      responses: { 200: views.livenessVerdictViewSchema, 404: 'not this applicant’s session or not its verifyId', 409: 'liveness_session_used | liveness_session_expired', 503: 'face_provider_unavailable (no attempt used; Retry-After)' },
    },
    async (ctx) => {
      try {
        const verdict = await confirmWechatFace(deps, actorOf(ctx, 'applicant'), ctx.params.id, (ctx.state.body as { verifyId: string }).verifyId);
        ctx.body = { passed: verdict.passed, reasons: verdict.reasons, scores: verdict.scores };
      } catch (e) {
        const retryAfter = (e as { retryAfter?: number }).retryAfter;
        if (retryAfter) ctx.set('Retry-After', String(retryAfter));
        throw e;
      }
    },
  );

  api.post(
    '/api/review/in-person-verifications',
    { tag: 'review', summary: '现场核验身份: a reviewer records that the holder of this ID number was verified in person (the alternative to face recognition)', roles: ['reviewer'], body: z.strictObject({ idNumber: z.string().trim().transform((v) => v.toUpperCase()).refine((v) => checkIdNumber(v) === null, { error: '请输入有效的身份证号码' }) }), responses: { 200: views.personNameSchema, 404: 'no real-name record with that number' } },
    async (ctx) => {
      ctx.body = await verifyInPerson(deps, actorOf(ctx, 'reviewer'), (ctx.state.body as { idNumber: string }).idNumber);
    },
  );
}
