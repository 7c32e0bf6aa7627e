/**
 * Video → per-frame observations, using the worker pool.
 * Frames are streamed from ffmpeg in batches of consecutive frames (so each worker can track the
 * face box from frame to frame within a batch) and dispatched to whichever worker is free.
 */
import { decodeImage, decodeVideoFrames, probeVideo, type VideoInfo } from './decode.js';
import type { FrameObs } from './protocol.js';
import { WorkerPool } from './pool.js';

/**
 * Sampling. Blinks in d14 last a single 30 fps frame (frames 66, 94, 211, 347, 371, 457: the
 * neighbouring frames are fully open, EAR 0.37-0.41 vs 0.08-0.17 on the blink frame), so any rate
 * below the source's 30 fps misses some of them. Tracking mode (facemesh+iris on the previous box,
 * detector only every DETECT_EVERY frames) makes full rate affordable: see the eval's timing table.
 */
export const ANALYSIS_FPS = 30;
/** 320 px on the longer side: faces in selfie videos are 40-60 % of the frame, i.e. >= 128 px, above facemesh's 192 px crop needs only ~1.5x upscaling */
export const ANALYSIS_MAX_SIDE = 320;
/** consecutive frames per worker job (0.5 s at 30 fps) */
export const BATCH_FRAMES = 15;
/**
 * Run the face detector (counts all faces) every N frames; in between facemesh+iris track the face from
 * the previous frame's mesh box (~3x cheaper per frame). Measured on d18's first wide mouth opening
 * (frames 64-95): detector every frame MAR 0.37-0.59; every 3rd 0.30-0.59 (two frames dip); every 5th or
 * 15th the tracked mesh collapses to 0.17-0.30 for 10+ frames and the opening is missed.
 */
export const DETECT_EVERY = 3;
/** frames that also get the 1024-d descriptor + antispoof + liveness models, as fractions of the clip */
export const DESCRIPTOR_FRACTIONS = [0.15, 0.4, 0.65, 0.9];

export interface VideoAnalysis {
  info: VideoInfo;
  fps: number;
  width: number;
  height: number;
  frames: FrameObs[];
  decodeMs: number;
  totalMs: number;
}

export async function analyseVideo(pool: WorkerPool, path: string, opts: { maxFrames?: number } = {}): Promise<VideoAnalysis> {
  const t0 = performance.now();
  const info = await probeVideo(path);
  if (!info) throw new VideoUnreadableError('probe failed');
  const fps = Math.min(ANALYSIS_FPS, Math.max(1, Math.round(info.fps)));
  const expected = Math.max(1, Math.floor((info.durationMs / 1000) * fps));
  const maxFrames = opts.maxFrames ?? expected + fps; // a safety cap, not a trim
  const describe = new Set(DESCRIPTOR_FRACTIONS.map((f) => Math.min(expected - 1, Math.floor(f * expected))));
  let width = 0, height = 0, frameSize = 0;
  let batch: Uint8Array | null = null;
  let batchStart = 0, batchCount = 0;
  const jobs: Promise<FrameObs[]>[] = [];
  const flush = () => {
    if (!batch || !batchCount) return;
    const buf = batch.buffer as ArrayBuffer;
    jobs.push(pool.run({ type: 'frames', width, height, startIndex: batchStart, count: batchCount, buf, describe: [...describe], detectEvery: DETECT_EVERY }, [buf]));
    batch = null;
    batchCount = 0;
  };
  let decodeMs = 0;
  try {
    await decodeVideoFrames(path, { fps, maxSide: ANALYSIS_MAX_SIDE, maxFrames }, {
      onSize(w, h) { width = w; height = h; frameSize = w * h * 3; },
      onFrame(i, rgb) {
        if (!batch) { batch = new Uint8Array(frameSize * BATCH_FRAMES); batchStart = i; }
        batch.set(rgb, batchCount * frameSize);
        batchCount++;
        if (batchCount === BATCH_FRAMES) flush();
      },
    });
    flush();
    decodeMs = performance.now() - t0;
  } catch (e) {
    await Promise.allSettled(jobs);
    throw new VideoUnreadableError(String((e as Error).message));
  }
  const frames = (await Promise.all(jobs)).flat().sort((a, b) => a.i - b.i);
  return { info, fps, width, height, frames, decodeMs, totalMs: performance.now() - t0 };
}

/**
 * Small, tightly cropped photos (longer side < PAD_BELOW px, e.g. the 150x150 TV crops) get an
 * edge-replicated border of PAD_FRACTION x the longer side on every side before detection, so the
 * detector and the 1.4x face crop fed to faceres have context. Measured on the eval's photo set
 * (2026-11, scripts in the report): no padding FR 90/240 @0.5, FA 0, leonard5 no face; edge padding 25 %
 * FR 86/244 @0.5 (35.2 %), FA 0/5642, leonard5 now found, max different-person score unchanged (0.496);
 * mean-colour padding 87/244. Photos >= 300 px (all clip frames, stock photos) are unaffected.
 */
export const PAD_BELOW = 300;
export const PAD_FRACTION = 0.25;

export function padEdges(img: { width: number; height: number; rgb: Uint8Array }, frac: number): { width: number; height: number; rgb: Uint8Array } {
  let side = Math.round(Math.max(img.width, img.height) * (1 + 2 * frac));
  side += side % 2;
  const ox = Math.floor((side - img.width) / 2), oy = Math.floor((side - img.height) / 2);
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, y - oy));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x - ox));
      const s = (sy * img.width + sx) * 3, o = (y * side + x) * 3;
      out[o] = img.rgb[s]; out[o + 1] = img.rgb[s + 1]; out[o + 2] = img.rgb[s + 2];
    }
  }
  return { width: side, height: side, rgb: out };
}

export async function analyseImage(pool: WorkerPool, bytes: Uint8Array, maxSide = 640): Promise<FrameObs> {
  let img = await decodeImage(bytes, maxSide);
  if (Math.max(img.width, img.height) < PAD_BELOW) img = padEdges(img, PAD_FRACTION);
  const buf = img.rgb.slice().buffer as ArrayBuffer;
  const [obs] = await pool.run({ type: 'image', width: img.width, height: img.height, buf }, [buf]);
  return obs;
}

export class VideoUnreadableError extends Error {}
