/**
 * Liveness + face-matching engine (no HTTP here).
 *
 * checkLiveness(): ffmpeg decodes the clip to raw RGB frames (pipe, 320 px, up to 30 fps); a
 * worker_threads pool running @vladmandic/human (facemesh + iris, descriptor/antispoof/liveness on
 * 4 frames) turns frames into observations; rules.ts turns observations into a verdict.
 * Models are loaded once per worker; the pool is created lazily on first use and kept until
 * shutdownLivenessEngine(). Nothing is written to disk; no image data is logged.
 */
import { analyseImage, analyseVideo, VideoUnreadableError, type DescriptorChoice } from './analyse.js';
import { WorkerPool } from './pool.js';
import { probeVideo } from './decode.js';
import { clipLengthMatches, decide, FACE_MATCH_THRESHOLD, HINTS, MAX_VIDEO_MS, MIN_VIDEO_MS } from './rules.js';
import { descriptorSimilarity } from './similarity.js';
import type { ActionWindow, LivenessReason, LivenessVerdict } from './types.js';

export type { ActionWindow, LivenessAction, LivenessReason, LivenessVerdict } from './types.js';
export { FACE_MATCH_THRESHOLD } from './rules.js';

let pool: WorkerPool | null = null;
function getPool(): WorkerPool {
  if (!pool) pool = new WorkerPool();
  return pool;
}

/** Whether the worker pool (and its models) has been started in this process. */
export function engineStarted(): boolean {
  return pool !== null;
}

/** Starts the workers and loads the models now (optional; otherwise done on first use). */
export async function warmLivenessEngine(): Promise<void> {
  await getPool().warm();
}

/** Terminates the worker pool (tests/exit). The next call starts a new one. */
export async function shutdownLivenessEngine(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.close();
}

function fail(code: LivenessReason, videoMs = 0, t0 = performance.now()): LivenessVerdict {
  return {
    passed: false,
    reasons: [{ code, hint: HINTS[code] }],
    scores: { faceMatch: 0, actions: [], framesAnalysed: 0, facesPerFrameMax: 0 },
    timings: { decodeMs: 0, analyseMs: Math.round(performance.now() - t0), videoMs: Math.round(videoMs) },
  };
}

/**
 * Analyses a video file against the requested actions and the reference face: the ID card photo's bytes
 * (JPEG/PNG, analysed concurrently with the video) or its descriptor from referenceDescriptor(), computed
 * earlier (e.g. while the person records). The clip's length is probed before anything is decoded (issue 15
 * item 9: a 10-minute video cost 6.5 s of CPU before video_too_long): too short, too long, or (with
 * `expectedMs`, the schedule's durationMs) not the length the session asked for (schedule_mismatch) are
 * refused without decoding a frame. Timings: analyseMs from the call to the verdict.
 */
export async function checkLiveness(input: { videoPath: string; windows: ActionWindow[]; reference: Uint8Array | Promise<number[] | undefined>; expectedMs?: number; /** how the descriptor frames are chosen (analyse.DescriptorChoice; default 'quality'); 'fixed' only for the evaluation's before/after */ descriptors?: DescriptorChoice }): Promise<LivenessVerdict> {
  const t0 = performance.now();
  const info = await probeVideo(input.videoPath);
  const early = !info ? 'video_unreadable' : info.durationMs < MIN_VIDEO_MS ? 'video_too_short' : info.durationMs > MAX_VIDEO_MS ? 'video_too_long'
    : input.expectedMs !== undefined && !clipLengthMatches(info.durationMs, input.expectedMs) ? 'schedule_mismatch' : null;
  if (early) {
    if (!(input.reference instanceof Uint8Array)) await input.reference.catch(() => undefined);
    const v = fail(early, info?.durationMs ?? 0, t0);
    if (early === 'schedule_mismatch') v.scores.schedule = { videoMs: Math.round(info!.durationMs), expectedMs: input.expectedMs! };
    return v;
  }
  const p = getPool();
  const refP = input.reference instanceof Uint8Array ? referenceDescriptor(input.reference) : input.reference.catch(() => undefined);
  let video;
  try {
    video = await analyseVideo(p, input.videoPath, { maxFrames: Math.ceil((MAX_VIDEO_MS / 1000 + 1) * 30), windows: input.windows, info: info!, descriptors: input.descriptors });
  } catch (e) {
    await refP;
    if (e instanceof VideoUnreadableError) return fail('video_unreadable', 0, t0);
    throw e;
  }
  const videoMs = video.info.durationMs;
  if (!video.frames.length) { await refP; return fail('video_unreadable', videoMs, t0); }
  const reference = await refP;
  const verdict = decide({ frames: video.frames, fps: video.fps, videoMs, windows: input.windows, reference });
  return {
    ...verdict,
    timings: { decodeMs: Math.round(video.decodeMs), analyseMs: Math.round(performance.now() - t0), videoMs: Math.round(videoMs) },
  };
}

/** Face descriptor similarity for two photos (used by eval/tests). No face on either → similarity 0. */
export async function compareFacePhotos(a: Uint8Array, b: Uint8Array): Promise<{ similarity: number; match: boolean }> {
  const p = getPool();
  const [fa, fb] = await Promise.all([analyseImage(p, a), analyseImage(p, b)]);
  const similarity = fa.embedding && fb.embedding ? descriptorSimilarity(fa.embedding, fb.embedding) : 0;
  return { similarity, match: similarity >= FACE_MATCH_THRESHOLD };
}

/**
 * The reference descriptor for checkLiveness: the largest face on the photo, undefined when there is none
 * or the photo cannot be read (checkLiveness then fails with face_mismatch and the "retake the ID photo" hint).
 */
export function referenceDescriptor(photo: Uint8Array): Promise<number[] | undefined> {
  return analyseImage(getPool(), photo).then((o) => o.embedding, () => undefined);
}
