/**
 * Video → per-frame observations, using the worker pool.
 * Frames are streamed from ffmpeg; the analysed ones (frameSelector) go in batches of successive frames
 * (so each worker can track the face box from frame to frame within a batch) to whichever worker is free.
 */
import { decodeImage, decodeVideoFrames, probeVideo, type VideoInfo } from './decode.js';
import type { FrameObs } from './protocol.js';
import { WorkerPool } from './pool.js';
import { WINDOW_GRACE_MS } from './rules.js';
import type { ActionWindow } from './types.js';

/**
 * Sampling. Blinks in d14 last a single 30 fps frame (frames 66, 94, 211, 347, 371, 457: the
 * neighbouring frames are fully open, EAR 0.37-0.41 vs 0.08-0.17 on the blink frame), so inside a blink
 * window every frame of a 30 fps clip is analysed. Everywhere else (open_mouth windows, the lead-in and the
 * tail, where only face presence, identity and an 800 ms mouth hold are judged) BASE_FPS is enough: the eval
 * analyses the mouth labels and the talking clips at that rate.
 */
export const ANALYSIS_FPS = 30;
/**
 * Outside blink windows about this rate: every 2nd frame of a 30 fps clip, every frame of a 15 fps one.
 * 10 fps lost d18's first mouth opening (64-95) with the detector on every 3rd or every 2nd analysed frame.
 */
export const BASE_FPS = 15;
/** blink windows are analysed at full rate from this long before the prompt to this long after the grace */
export const BLINK_MARGIN_MS = 150;
/** 320 px on the longer side: faces in selfie videos are 40-60 % of the frame, i.e. >= 128 px, above facemesh's 192 px crop needs only ~1.5x upscaling */
export const ANALYSIS_MAX_SIDE = 320;
/** analysed frames per worker job */
export const BATCH_FRAMES = 15;
/**
 * Run the face detector (counts all faces) on every Nth analysed frame of a job; in between facemesh+iris
 * track the face from the previous frame's mesh box (about half the cost per frame). Measured on d18's
 * first wide mouth opening (frames 64-95) at 30 fps: detector every frame MAR 0.37-0.59; every 3rd
 * 0.30-0.59 (two frames dip); every 5th or 15th the tracked mesh collapses to 0.17-0.30 for 10+ frames
 * and the opening is missed (each tracked step re-centres the box on the mesh, which an open mouth pulls down).
 */
export const DETECT_EVERY = 3;
/**
 * Frames that also get the 1024-d descriptor + antispoof + liveness models (on a grey copy, see worker.ts),
 * as fractions of the clip: about 230 ms of CPU each, a fifth of a 5 s clip's analysis with four of them.
 * Three still give the identity-continuity rule three pairs and the face match a mean of three scores.
 */
export const DESCRIPTOR_FRACTIONS = [0.2, 0.5, 0.8];

/**
 * Which decoded frames to analyse. Without windows every frame (the eval's full-rate reference); with
 * windows, every frame inside blink windows (± BLINK_MARGIN_MS, + WINDOW_GRACE_MS) and about BASE_FPS
 * elsewhere. i = frame index at `fps`.
 */
export function frameSelector(fps: number, windows?: ActionWindow[]): (i: number) => boolean {
  const dense = blinkRegion(fps, windows);
  const stride = Math.max(1, Math.round(fps / BASE_FPS));
  return (i) => i % stride === 0 || dense(i);
}

/**
 * Where blinks are judged: inside blink windows (± BLINK_MARGIN_MS, + WINDOW_GRACE_MS), or the whole clip
 * without windows. Only these frames get every frame analysed and the iris model (the eye contour that EAR
 * needs: without it closed-eye ratios were 0.46-0.70, too close to open eyes); elsewhere facemesh alone
 * gives the mouth, the pose and the face's presence, at about two thirds of the cost per frame.
 */
export function blinkRegion(fps: number, windows?: ActionWindow[]): (i: number) => boolean {
  if (!windows) return () => true;
  const ranges = windows.filter((w) => w.action === 'blink').map((w) => [w.startMs - BLINK_MARGIN_MS, w.endMs + WINDOW_GRACE_MS + BLINK_MARGIN_MS]);
  return (i) => {
    const t = (i * 1000) / fps;
    return ranges.some(([a, b]) => t >= a && t <= b);
  };
}

export interface VideoAnalysis {
  info: VideoInfo;
  fps: number;
  width: number;
  height: number;
  frames: FrameObs[];
  decodeMs: number;
  totalMs: number;
}

/**
 * Decodes `path` (ffmpeg, ANALYSIS_FPS at most, ANALYSIS_MAX_SIDE px) and analyses the frames chosen by
 * frameSelector(windows) on the worker pool. Frame indices in the result are at `fps`.
 * Throws VideoUnreadableError when ffmpeg cannot read the file.
 */
export async function analyseVideo(pool: WorkerPool, path: string, opts: { maxFrames?: number; windows?: ActionWindow[]; info?: VideoInfo } = {}): Promise<VideoAnalysis> {
  const t0 = performance.now();
  const info = opts.info ?? (await probeVideo(path));
  if (!info) throw new VideoUnreadableError('probe failed');
  const fps = Math.min(ANALYSIS_FPS, Math.max(1, Math.round(info.fps)));
  const expected = Math.max(1, Math.floor((info.durationMs / 1000) * fps));
  const maxFrames = opts.maxFrames ?? expected + fps; // a safety cap, not a trim
  const selected = frameSelector(fps, opts.windows), forBlinks = blinkRegion(fps, opts.windows);
  const describe = new Set(DESCRIPTOR_FRACTIONS.map((f) => {
    let i = Math.min(expected - 1, Math.floor(f * expected));
    while (i > 0 && !selected(i)) i--;
    return i;
  }));
  let width = 0, height = 0, frameSize = 0;
  let batch: Uint8Array | null = null;
  let indices: number[] = [], eyes: number[] = [];
  const jobs: Promise<FrameObs[]>[] = [];
  const flush = () => {
    if (!batch || !indices.length) return;
    const buf = batch.buffer as ArrayBuffer;
    jobs.push(pool.run({ type: 'frames', width, height, indices, buf, describe: [...describe], eyes, detectEvery: DETECT_EVERY }, [buf]));
    batch = null;
    indices = [];
    eyes = [];
  };
  let decodeMs = 0;
  try {
    await decodeVideoFrames(path, { fps, maxSide: ANALYSIS_MAX_SIDE, maxFrames }, {
      onSize(w, h) { width = w; height = h; frameSize = w * h * 3; },
      onFrame(i, rgb) {
        if (!selected(i)) return;
        if (!batch) batch = new Uint8Array(frameSize * BATCH_FRAMES);
        batch.set(rgb, indices.length * frameSize);
        indices.push(i);
        if (forBlinks(i)) eyes.push(i);
        if (indices.length === BATCH_FRAMES) flush();
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
