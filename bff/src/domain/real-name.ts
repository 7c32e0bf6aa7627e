/**
 * Real-name verification as Hunan's platform does it (seed 003 §2.1, §2.3), moved to the phone: the ID card
 * photos, a separate consent for face data, then a camera check where the person performs a random
 * sequence of actions (blink, open the mouth) while the server confirms one live person throughout who
 * matches the face on the ID card front photo. The video is deleted as soon as the check ends, pass or
 * fail; only the verdict, scores, reason codes and time are kept. The alternative the rules require: a
 * reviewer records that the person was verified in person.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { FACE_CONSENT_VERSION, type FaceConsentView } from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { DocumentKind } from '../db/schema.liveness.js';
import { appError, NotFound } from '../errors.js';
import type { LivenessAction, LivenessVerdict } from '../liveness/types.js';
import { clipLengthMatches, HINTS } from '../liveness/rules.js';
import { FaceProviderUnavailable, TencentFaceId } from '../adapters/faceid.js';
import { WECHAT_VERIFY_OK, WechatFace } from '../adapters/faceid-wechat.js';
import { makeSchedule, promptsMatchSchedule, scheduleWindows, type ReportedPrompt, type Schedule } from '../liveness/schedule.js';
import { queueFor } from '../liveness/queue.js';
import { LIVENESS_QUEUE, livenessQueueState, type LivenessJobData, type LivenessJobs } from '../liveness/jobs.js';
import { audit } from './audit.js';
import { testHold } from './test-hold.js';
import { latestConsent } from './consents.js';

const execFileAsync = promisify(execFile);

/** Seconds a liveness session stays open after it is created. */
export const LIVENESS_SESSION_SECONDS = 120;
/** Submitted checks allowed per person per hour. */
export const LIVENESS_ATTEMPTS_PER_HOUR = 5;

/** What the phone shows for each action: the check needs a wide opening held about 1 s (rules.MOUTH_HOLD_MS). */
export const ACTION_PROMPTS: Record<LivenessAction, string> = { blink: '请眨眨眼', open_mouth: '请张大嘴巴并保持1秒' };

type RealNameDeps = Pick<Deps, 'db' | 'pii' | 'now'> & Partial<Pick<Deps, 'log' | 'livenessJobs'>>;


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

async function assertAttemptsLeft(deps: RealNameDeps, userId: string): Promise<void> {
  const since = new Date(deps.now().getTime() - 3600_000);
  const row = await deps.db
    .selectFrom('liveness_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('submitted_at', '>=', since)
    .where('interrupted_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(row.n) >= LIVENESS_ATTEMPTS_PER_HOUR) throw appError('liveness_attempts_exceeded');
}

/**
 * A check claimed this long ago with no verdict was interrupted (the process died or was restarted during
 * it; issue 15 item 6): the receive, the wait in the queue (CHECK_TIMEOUT_MS) and the analysis all end
 * well before. Such a session is released: it does not count as an attempt and may be submitted again
 * while it has not expired.
 */
export const CHECK_STALE_MS = 4 * 60_000;
/** A claimed check that has not reached a verdict by then ends with check_unavailable (no attempt used). */
export const CHECK_TIMEOUT_MS = 3 * 60_000;

/** Marks the person's interrupted checks (claimed over CHECK_STALE_MS ago, no verdict) as released. */
async function releaseInterrupted(deps: RealNameDeps, userId: string): Promise<void> {
  const before = new Date(deps.now().getTime() - CHECK_STALE_MS);
  await deps.db
    .updateTable('liveness_sessions')
    .set({ interrupted_at: deps.now(), reasons: JSON.stringify([{ code: 'check_unavailable', hint: HINTS.check_unavailable }]) })
    .where('user_id', '=', userId)
    .where('submitted_at', '<', before)
    .where('passed', 'is', null)
    .where('interrupted_at', 'is', null)
    .execute();
}

/**
 * Opens a liveness session with a server-dictated schedule (liveness/schedule.ts): the actions in random
 * order (sometimes a second blink), when each prompt must appear (`atMs` after the recording starts, random
 * gaps) and how long to record (`durationMs`); a nonce the upload must echo (header X-Liveness-Nonce); an
 * expiry (120 s). Interrupted checks are released first and not counted. Errors: identity_required,
 * face_consent_required, identity_documents_required, liveness_attempts_exceeded.
 */
export async function createLivenessSession(deps: RealNameDeps & Pick<Deps, 'config'>, actor: Actor) {
  const identity = await deps.db.selectFrom('identities').select('user_id').where('user_id', '=', actor.id).executeTakeFirst();
  if (!identity) throw appError('identity_required');
  // a consent to earlier rules does not count: the applicant reads the current ones first
  if (!(await latestFaceConsent(deps, actor.id))?.current) throw appError('face_consent_required');
  const front = await frontPhoto(deps, actor.id);
  if (!front) throw appError('identity_documents_required');
  await releaseInterrupted(deps, actor.id);
  await assertAttemptsLeft(deps, actor.id);
  if (deps.config.face?.provider === 'wechat') return createWechatFaceSession(deps, actor);
  // Tencent FaceID dictates the order of its two actions; the times are ours either way
  const tencent = tencentFaceId(deps);
  const schedule = makeSchedule(undefined, tencent ? await providerCall(() => tencent.actionSequence()) : undefined);
  const expiresAt = new Date(deps.now().getTime() + LIVENESS_SESSION_SECONDS * 1000);
  const session = await deps.db
    .insertInto('liveness_sessions')
    .values({
      user_id: actor.id,
      actions: schedule.prompts.map((p) => p.action),
      schedule: JSON.stringify(schedule.prompts),
      duration_ms: schedule.durationMs,
      nonce: randomBytes(16).toString('base64url'),
      expires_at: expiresAt,
    })
    .returning(['id', 'nonce'])
    .executeTakeFirstOrThrow();
  if (!tencent) prepareReference(actor.id, session.id, front);
  return {
    id: session.id,
    nonce: session.nonce,
    actions: schedule.prompts.map((p) => ({ action: p.action, prompt: ACTION_PROMPTS[p.action], atMs: p.atMs })),
    durationMs: schedule.durationMs,
    expiresAt: expiresAt.toISOString(),
  };
}

/**
 * Reference descriptors being computed for open sessions, by session id: the ID card photo is analysed
 * while the person records (about 0.2 s of CPU off the upload's wait). Kept in memory only, dropped when
 * the upload takes it, when the session expires or when a new front photo is uploaded; a session uploaded
 * to another process computes its own.
 */
const pendingReferences = new Map<string, { userId: string; frontSha256: string; descriptor: Promise<number[] | undefined> }>();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function prepareReference(userId: string, sessionId: string, front: Buffer): void {
  // only on an engine already started (main.ts warms it at start): a session never uploaded, or a clip
  // refused on its length, does not load the models; otherwise the upload computes the descriptor itself
  void import('../liveness/index.js').then((m) => {
    if (!m.engineStarted()) return;
    pendingReferences.set(sessionId, { userId, frontSha256: sha256(front), descriptor: m.referenceDescriptor(front).catch(() => undefined) });
    setTimeout(() => pendingReferences.delete(sessionId), LIVENESS_SESSION_SECONDS * 1000).unref();
  }, () => undefined);
}

export type PromptTime = ReportedPrompt;

// ---------------------------------------------------------------- uploads: admission, private temp dirs, sweeping

/** Temp dirs of checks running in this process (never swept). */
const activeDirs = new Set<string>();
const TEMP_PREFIX = 'zyt-liveness-';
/** This host's tag in the temp dir names (a temp dir shared by several hosts or containers: only our own owners are looked up). */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
/** When this process started (ms): a dir named with our own pid but older than this is a previous incarnation's. */
const PROCESS_STARTED_MS = Date.now() - process.uptime() * 1000;
/** A temp dir's name says which process made it: zyt-liveness-<host tag>-<pid>-<random>. */
const OWNER = /^zyt-liveness-([0-9a-f]{8})-(\d+)-/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

/**
 * Whether a temp dir's owner is known to be gone: made on this host by a process that no longer runs, or by
 * an earlier process with this process's pid (a container restarted). Unknown owners (another host, an
 * older name) are judged by age only.
 */
function ownerGone(name: string, mtimeMs: number): boolean {
  const m = OWNER.exec(name);
  if (!m || m[1] !== HOST_TAG) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return mtimeMs < PROCESS_STARTED_MS;
  return !processAlive(pid);
}

/**
 * Removes leftover zyt-liveness-* dirs in the system temp dir (a crash during a check leaves the face video
 * there; issue 15 item 6) that this process is not using: at once when the process that made them is gone
 * (named zyt-liveness-<host tag>-<pid>-…, that pid no longer running on this host), else once older than
 * CHECK_STALE_MS (another host's, or a process still running). Returns how many were removed. Runs at start
 * and every LIVENESS_SWEEP_SECONDS (startLivenessSweeper).
 */
export async function sweepLivenessTemp(maxAgeMs = CHECK_STALE_MS): Promise<number> {
  const root = tmpdir();
  let removed = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(root, name);
    if (activeDirs.has(dir)) continue;
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) continue;
    if (!ownerGone(name, st.mtimeMs) && Date.now() - st.mtimeMs < maxAgeMs) continue;
    await rm(dir, { recursive: true, force: true }).then(() => removed++, () => undefined);
  }
  return removed;
}

/**
 * Deletes liveness_videos rows (LIVENESS_ANALYSIS=queue) created over `maxAgeMs` ago: both the API process
 * waiting on the check and the worker died (the API waits CHECK_TIMEOUT_MS at most). Returns how many.
 */
export async function sweepLivenessVideos(db: Deps['db'], maxAgeMs = CHECK_STALE_MS): Promise<number> {
  const r = await db.deleteFrom('liveness_videos').where('created_at', '<', sql<Date>`now() - make_interval(secs => ${maxAgeMs / 1000})`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

let sweeper: NodeJS.Timeout | null = null;
/**
 * Sweeps now and then every `seconds` (once per process; the timer does not keep the process alive): this
 * host's leftover temp dirs (sweepLivenessTemp) and, given the database, leftover queued videos (sweepLivenessVideos).
 */
export function startLivenessSweeper(deps: Pick<Deps, 'log'> & Partial<Pick<Deps, 'db'>>, seconds: number): void {
  if (sweeper) return;
  const sweep = async () => {
    const dirs = await sweepLivenessTemp().catch(() => 0);
    if (dirs) deps.log.warn({ removed: dirs }, 'removed leftover liveness temp dirs');
    const rows = deps.db ? await sweepLivenessVideos(deps.db).catch(() => 0) : 0;
    if (rows) deps.log.warn({ removed: rows }, 'removed leftover queued liveness videos');
  };
  void sweep();
  sweeper = setInterval(sweep, seconds * 1000);
  sweeper.unref();
}

/**
 * A private (0700) temp dir for one check's video, named zyt-liveness-<host tag>-<pid>-<random> so that the
 * sweeper of any process on this host can tell when its owner is gone; never swept while in use here.
 * `release` removes it (idempotent).
 */
async function privateLivenessDir(): Promise<{ dir: string; release(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `${TEMP_PREFIX}${HOST_TAG}-${process.pid}-`));
  activeDirs.add(dir);
  return {
    dir,
    async release() {
      await rm(dir, { recursive: true, force: true });
      activeDirs.delete(dir);
    },
  };
}

export interface LivenessUpload {
  /** private (0700) temp dir the upload is streamed into */
  dir: string;
  /** removes the dir and frees the admission; idempotent */
  release(): Promise<void>;
}

/**
 * Checks an upload before its body is read (issue 15 item 7): the session exists, is the actor's, the nonce
 * matches, it is not used (an interrupted one may be used again) nor expired, attempts are left, the person
 * has no other upload in flight, and the server's queue has room. Then creates the private temp dir the body
 * is streamed to. Errors: 404, liveness_session_used, liveness_session_expired, liveness_attempts_exceeded,
 * liveness_upload_in_progress, liveness_busy (with `retryAfter` seconds on the error).
 */
export async function openLivenessUpload(deps: RealNameDeps & Pick<Deps, 'config'>, actor: Actor, sessionId: string, nonce: string): Promise<LivenessUpload> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) throw NotFound();
  const s = await deps.db.selectFrom('liveness_sessions').selectAll().where('id', '=', sessionId).where('user_id', '=', actor.id).executeTakeFirst();
  if (!s || s.nonce !== nonce) throw NotFound();
  if (s.submitted_at && !isReleased(deps, s)) throw appError('liveness_session_used');
  if (s.expires_at <= deps.now()) throw appError('liveness_session_expired');
  await releaseInterrupted(deps, actor.id);
  await assertAttemptsLeft(deps, actor.id);
  const queue = livenessQueue(deps);
  const admitted = queue.admit(actor.id);
  if (admitted === 'user_busy') throw appError('liveness_upload_in_progress');
  if (admitted === 'full') throw Object.assign(appError('liveness_busy'), { retryAfter: queue.retryAfterSeconds() });
  let dir: Awaited<ReturnType<typeof privateLivenessDir>>;
  try {
    if (analysedInQueue(deps)) await admitToJobQueue(deps, actor.id);
    dir = await privateLivenessDir();
  } catch (e) {
    admitted();
    throw e;
  }
  return {
    dir: dir.dir,
    async release() {
      admitted();
      await dir.release();
    },
  };
}

/** Whether this server's checks go through the pg-boss queue (LIVENESS_ANALYSIS=queue, the local engine). */
function analysedInQueue(deps: Pick<Deps, 'config'>): boolean {
  return deps.config.liveness.analysis === 'queue' && deps.config.face?.provider !== 'tencent' && deps.config.face?.provider !== 'wechat';
}

/** Seconds one queued analysis is assumed to take for Retry-After (liveness/queue.ts starts from a measured ~2.5 s for a 5 s clip, doubled for longer clips). */
const QUEUED_ANALYSIS_SECONDS = 5;

/**
 * LIVENESS_ANALYSIS=queue: the queue's depth is judged from PostgreSQL (every process's uploads): full when
 * the jobs waiting or held reach LIVENESS_QUEUE_DEPTH (liveness_busy, Retry-After: those jobs at
 * LIVENESS_CONCURRENT_ANALYSES at a time, QUEUED_ANALYSIS_SECONDS each, at least 5 s); the person's other
 * video still waiting for its verdict on any process is liveness_upload_in_progress.
 */
async function admitToJobQueue(deps: RealNameDeps & Pick<Deps, 'config'>, userId: string): Promise<void> {
  const pending = await deps.db.selectFrom('liveness_videos').select('session_id').where('user_id', '=', userId).where('result', 'is', null).where('created_at', '>', sql<Date>`now() - make_interval(secs => ${CHECK_STALE_MS / 1000})`).executeTakeFirst();
  if (pending) throw appError('liveness_upload_in_progress');
  const { waiting, active } = await livenessQueueState(deps.db);
  if (waiting + active >= deps.config.liveness.queueDepth) throw Object.assign(appError('liveness_busy'), { retryAfter: queuedRetryAfter(deps, waiting + active) });
}

function queuedRetryAfter(deps: Pick<Deps, 'config'>, jobs: number): number {
  return Math.max(5, Math.ceil((jobs / deps.config.liveness.concurrentAnalyses) * QUEUED_ANALYSIS_SECONDS));
}

/** The server's analysis queue (LIVENESS_QUEUE_DEPTH, LIVENESS_CONCURRENT_ANALYSES). */
export function livenessQueue(deps: Pick<Deps, 'config'>) {
  return queueFor(deps.config, { depth: deps.config.liveness.queueDepth, concurrency: deps.config.liveness.concurrentAnalyses });
}

/** a submitted session without a verdict whose check was interrupted (released, or claimed over CHECK_STALE_MS ago) */
function isReleased(deps: RealNameDeps, s: { submitted_at: Date | null; passed: boolean | null; interrupted_at: Date | null }): boolean {
  return s.passed === null && (s.interrupted_at !== null || (!!s.submitted_at && s.submitted_at.getTime() < deps.now().getTime() - CHECK_STALE_MS));
}

/**
 * Runs the check on an uploaded video (`videoPath`, inside the dir from openLivenessUpload, which the caller
 * releases). One upload per session (an interrupted check may be submitted again). The reported prompt
 * times must be the session's schedule (within PROMPT_TOLERANCE_MS) and the clip as long as it asked
 * (schedule_mismatch otherwise, judged before any frame is decoded); each action is then judged in the
 * schedule's own windows (after its prompt plus a reaction time, before the next prompt). On a pass the
 * real-name record is marked verified. Every attempt is in the audit log. Errors: 404,
 * liveness_session_expired, liveness_session_used, liveness_attempts_exceeded.
 */
export async function submitLivenessVideo(deps: RealNameDeps & Pick<Deps, 'config'>, actor: Actor, sessionId: string, input: { nonce: string; prompts: PromptTime[]; videoPath: string }): Promise<LivenessVerdict> {
  // claim the session first (one upload per session, even under concurrent uploads)
  const session = await deps.db.transaction().execute(async (tx) => {
    const s = await tx.selectFrom('liveness_sessions').selectAll().where('id', '=', sessionId).where('user_id', '=', actor.id).forUpdate().executeTakeFirst();
    if (!s || s.nonce !== input.nonce) throw NotFound();
    if (s.submitted_at && !isReleased(deps, s)) throw appError('liveness_session_used');
    if (s.expires_at <= deps.now()) throw appError('liveness_session_expired');
    await tx.updateTable('liveness_sessions').set({ submitted_at: deps.now(), interrupted_at: null }).where('id', '=', s.id).execute();
    return s;
  });
  const schedule: Schedule | null = session.schedule && session.duration_ms ? { prompts: session.schedule as Schedule['prompts'], durationMs: session.duration_ms } : null;
  const pending = pendingReferences.get(session.id);
  pendingReferences.delete(session.id);
  let verdict: LivenessVerdict;
  if (!schedule || !promptsMatchSchedule(schedule, input.prompts)) {
    verdict = failedVerdict('schedule_mismatch', HINTS.schedule_mismatch);
    if (schedule) verdict.scores.schedule = { expectedMs: schedule.durationMs, promptOffsetsMs: input.prompts.map((p, i) => p.shownAtMs - (schedule.prompts[i]?.atMs ?? 0)) };
  } else {
    const head = Buffer.alloc(4);
    const fh = await open(input.videoPath, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
    const videoPath = await remuxWithDuration(input.videoPath, path.join(path.dirname(input.videoPath), 'video.mkv'), head);
    const tencent = tencentFaceId(deps);
    let analyse: () => Promise<LivenessVerdict>;
    if (analysedInQueue(deps)) {
      const result = await analyseThroughQueue(deps, { sessionId: session.id, userId: actor.id, windows: scheduleWindows(schedule), expectedMs: schedule.durationMs }, videoPath);
      if (result === 'unavailable') {
        // no verdict (the wait ran out, or every try of the job failed): released, not counted
        await releaseSession(deps, session.id);
        throw Object.assign(appError('liveness_busy'), { retryAfter: queuedRetryAfter(deps, 1) });
      }
      analyse = async () => result;
    } else if (tencent) {
      analyse = () => tencentCheck(deps, actor.id, tencent, videoPath, schedule);
    } else {
      // the descriptor computed while the person recorded, when it is of the front photo on file now (a new
      // photo uploaded meanwhile may have raced its computation's start), else the front photo itself
      const front = await frontPhoto(deps, actor.id);
      if (!front) throw appError('identity_documents_required');
      const reference = pending && pending.frontSha256 === sha256(front) ? pending.descriptor : front;
      // imported lazily: a process that never checks a video never loads the models (main.ts warms them at start)
      const { checkLiveness } = await import('../liveness/index.js');
      analyse = () => checkLiveness({ videoPath, windows: scheduleWindows(schedule), reference, expectedMs: schedule.durationMs });
    }
    let check = analysedInQueue(deps)
      ? analyse() // already analysed by a worker process
      : livenessQueue(deps).run(async () => {
          await testHold(deps, 'liveness', session.id, videoPath); // tests only (TEST_HOLD_DIR)
          return analyse();
        });
    check = check.catch(async (e) => {
      if (!(e instanceof FaceProviderUnavailable)) throw e;
      // the provider did not answer: released, not counted as an attempt
      deps.log?.warn({ err: String(e.message) }, 'face provider unavailable');
      await releaseSession(deps, session.id);
      throw Object.assign(appError('face_provider_unavailable'), { retryAfter: PROVIDER_RETRY_AFTER_SECONDS });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS)));
    const result = await Promise.race([check, timeout]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      // no verdict: released, not counted (the check's result, when it comes, is dropped)
      check.catch(() => undefined);
      await releaseSession(deps, session.id);
      throw Object.assign(appError('liveness_busy'), { retryAfter: livenessQueue(deps).retryAfterSeconds() });
    }
    verdict = result;
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

/** How often the API process waiting on a queued analysis looks for its verdict, ms. */
const QUEUE_POLL_MS = 200;

/**
 * LIVENESS_ANALYSIS=queue, the API side: stores the video (encrypted) in liveness_videos, sends the job and
 * polls the row (every QUEUE_POLL_MS, one indexed read joined with the job's state) for the verdict a worker
 * leaves there, for at most CHECK_TIMEOUT_MS. Returns the verdict, or 'unavailable' when the wait ran out,
 * the job failed every try (LIVENESS_JOB_RETRIES) or the row was swept. Whatever the outcome the row is
 * deleted and a job nobody waits for is cancelled.
 */
async function analyseThroughQueue(deps: RealNameDeps & Pick<Deps, 'config'>, job: LivenessJobData, videoPath: string): Promise<LivenessVerdict | 'unavailable'> {
  const jobs = deps.livenessJobs;
  if (!jobs) throw new Error('LIVENESS_ANALYSIS=queue but the liveness job queue is not started');
  const video = deps.pii.encryptBytes(await readFile(videoPath));
  const jobId = randomUUID();
  await deps.db.transaction().execute(async (tx) => {
    // a released session submitted again: a row its earlier upload left (its API process died) goes first
    await tx.deleteFrom('liveness_videos').where('session_id', '=', job.sessionId).execute();
    await tx.insertInto('liveness_videos').values({ session_id: job.sessionId, user_id: job.userId, video_enc: video, file_name: path.basename(videoPath), job_id: jobId }).execute();
  });
  let sent = false;
  let answered = false;
  try {
    await jobs.send(jobId, job);
    sent = true;
    const until = Date.now() + CHECK_TIMEOUT_MS;
    while (Date.now() < until) {
      const { rows } = await sql<{ result: LivenessVerdict | null; state: string | null }>`
        select v.result, j.state from liveness_videos v left join pgboss.job j on j.name = ${LIVENESS_QUEUE} and j.id = ${jobId}::uuid
        where v.session_id = ${job.sessionId}`.execute(deps.db);
      const row = rows[0];
      if (!row) return 'unavailable';
      if (row.result) {
        answered = true;
        return row.result;
      }
      if (row.state === 'failed' || row.state === 'cancelled') return 'unavailable';
      await new Promise((r) => setTimeout(r, QUEUE_POLL_MS));
    }
    return 'unavailable';
  } finally {
    if (sent && !answered) await jobs.cancel(jobId);
    await deps.db.deleteFrom('liveness_videos').where('session_id', '=', job.sessionId).execute().catch(() => undefined);
  }
}

/**
 * LIVENESS_ANALYSIS=queue, the worker side (one pg-boss job, liveness/jobs.ts): decrypts the session's video
 * from liveness_videos into a private temp dir, analyses it with the local engine against the ID card front
 * photo on file, then in one statement drops the video from the row and leaves the verdict there for the
 * waiting API process; the temp dir is removed whatever happens. A job whose row is gone (the API stopped
 * waiting) or already has its verdict (a retry after a slow first try) does nothing. Throws when the
 * analysis fails (pg-boss retries the job; the video stays in its row until then). An analysis that outlives
 * the job's expiry (pg-boss then fails and retries the job) still leaves its verdict in the row, which the
 * API process reads first; the retry, behind it in this process's slots, finds the video gone.
 */
export async function analyseQueuedVideo(deps: Pick<Deps, 'db' | 'pii' | 'config'>, job: LivenessJobData): Promise<void> {
  // through this process's analysis slots (LIVENESS_CONCURRENT_ANALYSES): pg-boss gives up on a handler after
  // the job's expiry and offers the next job, but the analysis under way still holds its slot until it ends
  return livenessQueue(deps).run(() => analyseQueuedVideoNow(deps, job));
}

async function analyseQueuedVideoNow(deps: Pick<Deps, 'db' | 'pii' | 'config'>, job: LivenessJobData): Promise<void> {
  const row = await deps.db.selectFrom('liveness_videos').select(['video_enc', 'file_name']).where('session_id', '=', job.sessionId).executeTakeFirst();
  if (!row?.video_enc) return;
  await deps.db.updateTable('liveness_videos').set({ held_by: WORKER_TAG }).where('session_id', '=', job.sessionId).execute();
  const work = await privateLivenessDir();
  try {
    const videoPath = path.join(work.dir, path.basename(row.file_name));
    await writeFile(videoPath, deps.pii.decryptBytes(row.video_enc), { mode: 0o600 });
    await testHold(deps, 'liveness', job.sessionId, videoPath); // tests only (TEST_HOLD_DIR): the worker holds the job
    const front = await frontPhoto({ ...deps, now: () => new Date() }, job.userId);
    if (!front) throw appError('identity_documents_required');
    const { checkLiveness } = await import('../liveness/index.js');
    const verdict = await checkLiveness({ videoPath, windows: job.windows, reference: front, expectedMs: job.expectedMs });
    await deps.db.updateTable('liveness_videos').set({ video_enc: null, result: JSON.stringify(verdict), finished_at: new Date() }).where('session_id', '=', job.sessionId).execute();
  } finally {
    await work.release();
  }
}

/** This process as the holder of a queued video: <host tag>-<pid>. */
const WORKER_TAG = `${HOST_TAG}-${process.pid}`;

/**
 * LIVENESS_ANALYSIS=queue, at a worker's start: the queued videos held by a worker of this host that no longer
 * runs (its pid is gone: it was killed or crashed) have their job failed, which pg-boss retries at once (if
 * tries are left) instead of after LIVENESS_JOB_EXPIRE_SECONDS. Another host's holders are left to the
 * expiry. Returns how many jobs were failed.
 */
export async function retryJobsOfGoneWorkers(deps: Pick<Deps, 'db'>, jobs: Pick<LivenessJobs, 'fail'>): Promise<number> {
  const rows = await deps.db.selectFrom('liveness_videos').select(['session_id', 'job_id', 'held_by']).where('result', 'is', null).where('held_by', 'like', `${HOST_TAG}-%`).execute();
  let failed = 0;
  for (const r of rows) {
    const pid = Number(r.held_by!.slice(HOST_TAG.length + 1));
    if (pid === process.pid || processAlive(pid)) continue;
    await deps.db.updateTable('liveness_videos').set({ held_by: null }).where('session_id', '=', r.session_id).where('held_by', '=', r.held_by).execute();
    await jobs.fail(r.job_id, `liveness worker ${r.held_by} is gone`);
    failed++;
  }
  return failed;
}

/** Seconds a person is asked to wait (Retry-After) when the face provider did not answer. */
export const PROVIDER_RETRY_AFTER_SECONDS = 30;

/** Marks a claimed session's check as interrupted: no verdict, not counted, may be submitted again before it expires. */
async function releaseSession(deps: RealNameDeps, sessionId: string): Promise<void> {
  await deps.db.updateTable('liveness_sessions').set({ interrupted_at: deps.now(), reasons: JSON.stringify([{ code: 'check_unavailable', hint: HINTS.check_unavailable }]) }).where('id', '=', sessionId).execute();
}

const tencentClients = new WeakMap<object, TencentFaceId>();
/** The Tencent FaceID client when FACE_PROVIDER=tencent (one per server), else null. */
function tencentFaceId(deps: Pick<Deps, 'config'>): TencentFaceId | null {
  const s = deps.config.face?.tencent;
  if (deps.config.face?.provider !== 'tencent' || !s) return null;
  let c = tencentClients.get(deps.config);
  if (!c) tencentClients.set(deps.config, (c = new TencentFaceId(s)));
  return c;
}

/** A provider call at session start: no answer is 503 face_provider_unavailable (Retry-After), nothing stored. */
async function providerCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FaceProviderUnavailable) throw Object.assign(appError('face_provider_unavailable'), { retryAfter: PROVIDER_RETRY_AFTER_SECONDS });
    throw e;
  }
}

/**
 * FACE_PROVIDER=tencent: the clip's length is checked against the schedule here (probed, nothing decoded),
 * then Tencent judges liveness and compares the face with the authoritative ID photo of the person's name and
 * ID number. The local engine is not used.
 */
async function tencentCheck(deps: RealNameDeps, userId: string, tencent: TencentFaceId, videoPath: string, schedule: Schedule): Promise<LivenessVerdict> {
  const { probeVideo } = await import('../liveness/decode.js');
  const info = await probeVideo(videoPath);
  if (!info) return failedVerdict('video_unreadable', HINTS.video_unreadable);
  if (!clipLengthMatches(info.durationMs, schedule.durationMs)) {
    const v = failedVerdict('schedule_mismatch', HINTS.schedule_mismatch);
    v.scores.schedule = { videoMs: Math.round(info.durationMs), expectedMs: schedule.durationMs };
    return v;
  }
  const identity = await deps.db.selectFrom('identities').select(['name', 'id_number_enc']).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return tencent.check({ videoPath, name: identity.name, idNumber: deps.pii.decrypt(identity.id_number_enc), actions: schedule.prompts.map((p) => p.action) });
}

// ---------------------------------------------------------------- FACE_PROVIDER=wechat (WeChat 人脸核身)

const wechatClients = new WeakMap<object, WechatFace>();
function wechatFace(deps: Pick<Deps, 'config'>): WechatFace {
  let c = wechatClients.get(deps.config);
  if (!c) wechatClients.set(deps.config, (c = new WechatFace({ appId: deps.config.wechat!.appId, appSecret: deps.config.wechat!.appSecret, apiBase: deps.config.wechat!.apiBase })));
  return c;
}

/** out_seq_no of a WeChat verification: the session id without dashes (32 characters). */
const outSeqNo = (sessionId: string) => sessionId.replace(/-/g, '');

async function wechatPerson(deps: RealNameDeps, userId: string): Promise<{ name: string; idNumber: string; openid: string }> {
  const row = await deps.db.selectFrom('identities').innerJoin('users', 'users.id', 'identities.user_id').select(['identities.name', 'identities.id_number_enc', 'users.wechat_openid']).where('identities.user_id', '=', userId).executeTakeFirstOrThrow();
  if (!row.wechat_openid) throw appError('wechat_face_requires_wechat');
  return { name: row.name, idNumber: deps.pii.decrypt(row.id_number_enc), openid: row.wechat_openid };
}

/**
 * FACE_PROVIDER=wechat: asks WeChat for a verification session of the person's name and ID number for their
 * openid (they must have logged in with WeChat). The session's nonce is WeChat's verify_id, which the
 * mini-program passes to wx.requestFacialVerify. Errors: wechat_face_requires_wechat, face_provider_unavailable.
 */
async function createWechatFaceSession(deps: RealNameDeps & Pick<Deps, 'config'>, actor: Actor) {
  const person = await wechatPerson(deps, actor.id);
  const expiresAt = new Date(deps.now().getTime() + LIVENESS_SESSION_SECONDS * 1000);
  // the id first (WeChat's out_seq_no), the row once WeChat has answered: nothing is stored when it does not
  const id = randomUUID();
  const { verifyId } = await providerCall(() => wechatFace(deps).getVerifyId({ outSeqNo: outSeqNo(id), ...person }));
  await deps.db.insertInto('liveness_sessions').values({ id, user_id: actor.id, actions: [], nonce: verifyId, expires_at: expiresAt }).execute();
  return { id, provider: 'wechat' as const, verifyId, nonce: verifyId, actions: [], durationMs: 0, expiresAt: expiresAt.toISOString() };
}

/**
 * FACE_PROVIDER=wechat: the mini-program says wx.requestFacialVerify ended for `verifyId`; the server asks
 * WeChat itself (queryVerifyInfo) and passes only on verify_ret 10000. A verification that ended on the phone
 * before a verdict (9xxxx: cancelled, camera, network) is released and not counted; any other code is a
 * failed attempt. One result per session. Errors: 404 (not the actor's session or not its verify_id),
 * liveness_session_used, liveness_session_expired, face_provider_unavailable (query failed; not counted).
 */
export async function confirmWechatFace(deps: RealNameDeps & Pick<Deps, 'config'>, actor: Actor, sessionId: string, verifyId: string): Promise<LivenessVerdict> {
  if (deps.config.face?.provider !== 'wechat' || !/^[0-9a-f-]{36}$/i.test(sessionId)) throw NotFound();
  const session = await deps.db.transaction().execute(async (tx) => {
    const s = await tx.selectFrom('liveness_sessions').selectAll().where('id', '=', sessionId).where('user_id', '=', actor.id).forUpdate().executeTakeFirst();
    if (!s || s.nonce !== verifyId || s.schedule) throw NotFound();
    if (s.submitted_at && !isReleased(deps, s)) throw appError('liveness_session_used');
    if (s.expires_at <= deps.now()) throw appError('liveness_session_expired');
    await tx.updateTable('liveness_sessions').set({ submitted_at: deps.now(), interrupted_at: null }).where('id', '=', s.id).execute();
    return s;
  });
  const person = await wechatPerson(deps, actor.id);
  let ret: number;
  try {
    ret = await wechatFace(deps).queryVerifyInfo({ verifyId: session.nonce, outSeqNo: outSeqNo(session.id), ...person });
  } catch (e) {
    await releaseSession(deps, session.id);
    if (e instanceof FaceProviderUnavailable) throw Object.assign(appError('face_provider_unavailable'), { retryAfter: PROVIDER_RETRY_AFTER_SECONDS });
    throw e;
  }
  const passed = ret === WECHAT_VERIFY_OK;
  const endedOnPhone = ret >= 90000;
  const verdict: LivenessVerdict = passed ? { ...failedVerdict('face_mismatch', ''), passed: true, reasons: [] } : failedVerdict(endedOnPhone ? 'check_unavailable' : 'face_mismatch', endedOnPhone ? '人脸核身未完成，本次不计入次数，请重新开始' : HINTS.face_mismatch);
  verdict.scores.provider = { name: 'wechat', result: String(ret) };
  if (endedOnPhone) {
    await releaseSession(deps, session.id);
    return verdict;
  }
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('liveness_sessions').set({ passed, reasons: JSON.stringify(verdict.reasons), scores: JSON.stringify(verdict.scores) }).where('id', '=', session.id).execute();
    if (passed) await tx.updateTable('identities').set({ verified_at: deps.now(), verification_method: 'liveness' }).where('user_id', '=', actor.id).execute();
    await audit(tx, { actor, action: 'identity.liveness_checked', objectType: 'liveness_session', objectId: session.id, details: { passed, provider: 'wechat', verifyRet: ret } });
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

