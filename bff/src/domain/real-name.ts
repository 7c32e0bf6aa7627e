/**
 * Real-name verification as Hunan's platform does it (seed 003 §2.1, §2.3), moved to the phone: the ID card
 * photos, a separate consent for face data, then a camera check where the person performs a random
 * sequence of actions (blink, open the mouth) while the server confirms one live person throughout who
 * matches the face on the ID card front photo. The video is deleted as soon as the check ends, pass or
 * fail; only the verdict, scores, reason codes and time are kept. The alternative the rules require: a
 * reviewer records that the person was verified in person.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FACE_CONSENT_VERSION, type FaceConsentView } from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { DocumentKind } from '../db/schema.liveness.js';
import { appError, NotFound } from '../errors.js';
import type { ActionWindow, LivenessAction, LivenessVerdict } from '../liveness/types.js';
import { audit } from './audit.js';
import { latestConsent } from './consents.js';

const execFileAsync = promisify(execFile);

/** Seconds a liveness session stays open after it is created. */
export const LIVENESS_SESSION_SECONDS = 120;
/** Submitted checks allowed per person per hour. */
export const LIVENESS_ATTEMPTS_PER_HOUR = 5;

/** What the phone shows for each action: the check needs a wide opening held about 1 s (rules.MOUTH_HOLD_MS). */
export const ACTION_PROMPTS: Record<LivenessAction, string> = { blink: '请眨眨眼', open_mouth: '请张大嘴巴并保持1秒' };

type RealNameDeps = Pick<Deps, 'db' | 'pii' | 'now'>;

/** Stores one of the ID card photos (JPEG/PNG, at most 5 MB), encrypted. */
export async function uploadIdentityDocument(deps: RealNameDeps, actor: Actor, kind: DocumentKind, file: { buffer: Buffer; mimetype: string }): Promise<void> {
  const isJpeg = file.buffer.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
  const isPng = file.buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!isJpeg && !isPng) throw appError('upload_invalid', { photo: '请上传 JPG 或 PNG 照片' });
  const contentType = isJpeg ? 'image/jpeg' : 'image/png';
  await deps.db.transaction().execute(async (tx) => {
    const identity = await tx.selectFrom('identities').select('user_id').where('user_id', '=', actor.id).executeTakeFirst();
    if (!identity) throw appError('identity_required');
    const values = { content_enc: deps.pii.encrypt(file.buffer.toString('base64')), content_type: contentType, uploaded_at: deps.now() };
    await tx
      .insertInto('identity_documents')
      .values({ user_id: actor.id, kind, ...values })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(values))
      .execute();
    await audit(tx, { actor, action: 'identity.document_uploaded', objectType: 'user', objectId: actor.id, details: { kind, bytes: file.buffer.length } });
  });
  // a descriptor of the previous front photo must not be used by a session opened before this upload
  if (kind === 'id_front') for (const [id, p] of pendingReferences) if (p.userId === actor.id) pendingReferences.delete(id);
}

export async function uploadedDocumentKinds(deps: Pick<Deps, 'db'>, userId: string): Promise<DocumentKind[]> {
  const rows = await deps.db.selectFrom('identity_documents').select('kind').where('user_id', '=', userId).execute();
  return rows.map((r) => r.kind);
}

export async function recordFaceConsent(deps: RealNameDeps, actor: Actor, version: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('consents').values({ user_id: actor.id, kind: 'face', version, agreed_at: deps.now() }).execute();
    await audit(tx, { actor, action: 'identity.face_consented', objectType: 'user', objectId: actor.id, details: { version } });
  });
}

/** The person's latest face-data consent, and whether it is to the current rules (FACE_CONSENT_VERSION). */
export async function latestFaceConsent(deps: Pick<Deps, 'db'>, userId: string): Promise<FaceConsentView | null> {
  const row = await latestConsent(deps.db, userId, 'face');
  return row ? { version: row.version, at: row.agreed_at.toISOString(), current: row.version === FACE_CONSENT_VERSION } : null;
}

/** The ID card front photo (decrypted image bytes), undefined until it is uploaded. */
async function frontPhoto(deps: RealNameDeps, userId: string): Promise<Buffer | undefined> {
  const row = await deps.db.selectFrom('identity_documents').select('content_enc').where('user_id', '=', userId).where('kind', '=', 'id_front').executeTakeFirst();
  return row ? Buffer.from(deps.pii.decrypt(row.content_enc), 'base64') : undefined;
}

/** A random order of the actions, each once (at least two actions). */
function randomActions(): LivenessAction[] {
  const actions: LivenessAction[] = ['blink', 'open_mouth'];
  for (let i = actions.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [actions[i], actions[j]] = [actions[j], actions[i]];
  }
  return actions;
}

async function assertAttemptsLeft(deps: RealNameDeps, userId: string): Promise<void> {
  const since = new Date(deps.now().getTime() - 3600_000);
  const row = await deps.db
    .selectFrom('liveness_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('submitted_at', '>=', since)
    .executeTakeFirstOrThrow();
  if (Number(row.n) >= LIVENESS_ATTEMPTS_PER_HOUR) throw appError('liveness_attempts_exceeded');
}

/**
 * Opens a liveness session: a random sequence of actions, a nonce the upload must echo, and an expiry
 * (120 s). Errors: identity_required, face_consent_required, identity_documents_required,
 * liveness_attempts_exceeded.
 */
export async function createLivenessSession(deps: RealNameDeps, actor: Actor) {
  const identity = await deps.db.selectFrom('identities').select('user_id').where('user_id', '=', actor.id).executeTakeFirst();
  if (!identity) throw appError('identity_required');
  // a consent to earlier rules does not count: the applicant reads the current ones first
  if (!(await latestFaceConsent(deps, actor.id))?.current) throw appError('face_consent_required');
  const front = await frontPhoto(deps, actor.id);
  if (!front) throw appError('identity_documents_required');
  await assertAttemptsLeft(deps, actor.id);
  const actions = randomActions();
  const expiresAt = new Date(deps.now().getTime() + LIVENESS_SESSION_SECONDS * 1000);
  const session = await deps.db
    .insertInto('liveness_sessions')
    .values({ user_id: actor.id, actions, nonce: randomBytes(16).toString('base64url'), expires_at: expiresAt })
    .returning(['id', 'nonce'])
    .executeTakeFirstOrThrow();
  prepareReference(actor.id, session.id, front);
  return { id: session.id, nonce: session.nonce, actions: actions.map((a) => ({ action: a, prompt: ACTION_PROMPTS[a] })), expiresAt: expiresAt.toISOString() };
}

/**
 * Reference descriptors being computed for open sessions, by session id: the ID card photo is analysed
 * while the person records (about 0.2 s of CPU off the upload's wait). Kept in memory only, dropped when
 * the upload takes it, when the session expires or when a new front photo is uploaded; a session uploaded
 * to another process computes its own.
 */
const pendingReferences = new Map<string, { userId: string; descriptor: Promise<number[] | undefined> }>();

function prepareReference(userId: string, sessionId: string, front: Buffer): void {
  const descriptor = import('../liveness/index.js').then((m) => m.referenceDescriptor(front)).catch(() => undefined);
  pendingReferences.set(sessionId, { userId, descriptor });
  setTimeout(() => pendingReferences.delete(sessionId), LIVENESS_SESSION_SECONDS * 1000).unref();
}

export interface PromptTime {
  action: LivenessAction;
  /** When the prompt appeared, in ms from the start of the recording. */
  shownAtMs: number;
}

/**
 * The window each action must happen in: from its prompt to the next prompt (the last one runs to the end
 * of the recording). The prompts must be the session's actions in the session's order.
 */
export function actionWindows(actions: LivenessAction[], prompts: PromptTime[], videoEndMs = Number.MAX_SAFE_INTEGER): ActionWindow[] | null {
  if (prompts.length !== actions.length || prompts.some((p, i) => p.action !== actions[i])) return null;
  for (let i = 1; i < prompts.length; i++) if (prompts[i].shownAtMs < prompts[i - 1].shownAtMs + 800) return null;
  return prompts.map((p, i) => ({ action: p.action, startMs: p.shownAtMs, endMs: prompts[i + 1]?.shownAtMs ?? videoEndMs }));
}

/**
 * Runs the check on an uploaded video. One upload per session; the video is written to a private temp dir
 * for ffmpeg and removed when the check ends, whatever happens. On a pass the real-name record is marked
 * verified. Every attempt is in the audit log. Errors: 404, liveness_session_expired,
 * liveness_session_used, liveness_attempts_exceeded, validation_failed (prompts not as asked).
 */
export async function submitLivenessVideo(deps: RealNameDeps, actor: Actor, sessionId: string, input: { nonce: string; prompts: PromptTime[]; video: Buffer }): Promise<LivenessVerdict> {
  // claim the session first (one upload per session, even under concurrent uploads)
  const session = await deps.db.transaction().execute(async (tx) => {
    const s = await tx.selectFrom('liveness_sessions').selectAll().where('id', '=', sessionId).where('user_id', '=', actor.id).forUpdate().executeTakeFirst();
    if (!s || s.nonce !== input.nonce) throw NotFound();
    if (s.submitted_at) throw appError('liveness_session_used');
    if (s.expires_at <= deps.now()) throw appError('liveness_session_expired');
    await tx.updateTable('liveness_sessions').set({ submitted_at: deps.now() }).where('id', '=', s.id).execute();
    return s;
  });
  const windows = actionWindows(session.actions as LivenessAction[], input.prompts);
  const pending = pendingReferences.get(session.id)?.descriptor;
  pendingReferences.delete(session.id);
  let verdict: LivenessVerdict;
  if (!windows) {
    verdict = failedVerdict('action_out_of_order', '请按提示顺序完成动作');
  } else {
    // the descriptor computed while the person recorded, else the front photo itself
    const reference = pending ?? (await frontPhoto(deps, actor.id));
    if (!reference) throw appError('identity_documents_required');
    const dir = await mkdtemp(path.join(tmpdir(), 'zyt-liveness-'));
    try {
      const uploaded = path.join(dir, 'upload');
      await writeFile(uploaded, input.video, { mode: 0o600 });
      const videoPath = await remuxWithDuration(uploaded, path.join(dir, 'video.mkv'), input.video.subarray(0, 4));
      // imported lazily: a process that never checks a video never loads the models (main.ts warms them at start)
      const { checkLiveness } = await import('../liveness/index.js');
      verdict = await checkLiveness({ videoPath, windows, reference });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('liveness_sessions')
      .set({ passed: verdict.passed, reasons: JSON.stringify(verdict.reasons), scores: JSON.stringify(verdict.scores) })
      .where('id', '=', session.id)
      .execute();
    if (verdict.passed) await tx.updateTable('identities').set({ verified_at: deps.now(), verification_method: 'liveness' }).where('user_id', '=', actor.id).execute();
    await audit(tx, { actor, action: 'identity.liveness_checked', objectType: 'liveness_session', objectId: session.id, details: { passed: verdict.passed, reasons: verdict.reasons.map((r) => r.code) } });
  });
  return verdict;
}

/**
 * Browsers' MediaRecorder writes WebM as a live stream, with no duration in the header (ffmpeg reports
 * "Duration: N/A"). Copying the streams into Matroska (no re-encoding) records the duration. Only WebM /
 * Matroska uploads (EBML magic 1A 45 DF A3) are copied: WeChat writes MP4, which has its duration, and whose
 * rotation tag (phones store frames sideways) Matroska would lose, leaving the faces on their side.
 * Returns the path to analyse; an unreadable upload is passed on as is, for the engine to judge.
 */
async function remuxWithDuration(input: string, output: string, head: Uint8Array): Promise<string> {
  if (!(head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)) return input;
  const { ffmpegBinary } = await import('../liveness/decode.js');
  try {
    await execFileAsync(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-map', '0:v:0', '-c', 'copy', '-f', 'matroska', output], { timeout: 30_000 });
    return output;
  } catch {
    return input;
  }
}

function failedVerdict(code: LivenessVerdict['reasons'][number]['code'], hint: string): LivenessVerdict {
  return { passed: false, reasons: [{ code, hint }], scores: { faceMatch: 0, actions: [], framesAnalysed: 0, facesPerFrameMax: 0 }, timings: { decodeMs: 0, analyseMs: 0, videoMs: 0 } };
}

/** A reviewer records that the holder of `idNumber` was verified in person at the authority's counter. */
export async function verifyInPerson(deps: RealNameDeps, actor: Actor, idNumber: string): Promise<{ name: string }> {
  return deps.db.transaction().execute(async (tx) => {
    const identity = await tx.selectFrom('identities').select(['user_id', 'name']).where('id_number_hash', '=', deps.pii.lookupHash(idNumber)).forUpdate().executeTakeFirst();
    if (!identity) throw NotFound();
    await tx.updateTable('identities').set({ verified_at: deps.now(), verification_method: 'in_person' }).where('user_id', '=', identity.user_id).execute();
    await audit(tx, { actor, action: 'identity.verified_in_person', objectType: 'user', objectId: identity.user_id });
    return { name: identity.name };
  });
}

