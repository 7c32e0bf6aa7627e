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
 * Fixed descriptor frames (the choice before issue 13, kept as `descriptors: 'fixed'` for the evaluation's
 * before/after): fractions of the clip. The descriptor + antispoof + liveness models cost about 230 ms of
 * CPU per frame (on a grey copy, see worker.ts); three give the identity-continuity rule three pairs and the
 * face match a mean of three scores. On pursed lips or a blink the same person's score fell 0.75 → 0.55.
 */
export const DESCRIPTOR_FRACTIONS = [0.2, 0.5, 0.8];

/**
 * Quality-chosen descriptor frames (the default). The clip is cut into DESCRIPTOR_SEGMENTS segments: with
 * windows, the lead-in before the first prompt (no action is asked for there: the person looks at the
 * camera) and the two halves of the rest; without windows, thirds. In each segment CANDIDATES_PER_SEGMENT
 * analysed frames, evenly spread, are copied while decoding (RGB24 at the analysis size: w x h x 3 bytes,
 * at most 320 x 320 x 3 = 307,200 B each, so at most 12 x 300 KiB = 3.5 MiB per analysis, released as
 * soon as the segment's frame is chosen). Four per segment rather than three: on the talking clip d10 the
 * product-like same-person scores rose 0.730/0.610 → 0.771/0.645 (three: 0.714/0.572, all candidates of a
 * segment mid-word). When the main pass has observed all candidates of a segment, the one
 * with the best descriptorQuality gets the descriptor, as its own worker job, while later frames are still
 * being decoded and analysed: only the last segment's descriptor (~230 ms) comes after the main pass.
 * One frame per segment keeps the three frames spread over the clip (at least one candidate gap apart),
 * which identity continuity needs.
 */
export const DESCRIPTOR_SEGMENTS = 3;
export const CANDIDATES_PER_SEGMENT = 4;
export type DescriptorChoice = 'quality' | 'fixed';

/** descriptorQuality's scales: a term reaches its full penalty (1) at these values */
export const QUALITY_SCALE = {
  /** |yaw| (metrics.faceGeometry, -1..1 nose position between the cheeks): 0.4 is a clearly turned head */
  yaw: 0.4,
  /** MAR: 0.01-0.05 at rest, 0.37-0.88 wide open (data set README); 0.25 is a clearly open mouth */
  mar: 0.25,
  /** eyes: EAR drop below the clip's median; 1 - BLINK_CLOSED_RATIO (0.32) is a blink */
  earDrop: 0.32,
  /** mouth width / inter-ocular distance, relative change from the clip's median: 0.15 is pursed lips or a broad smile */
  mouthWidth: 0.15,
};

/**
 * Quality of a frame for the descriptor, higher is better; `ref` holds clip medians (EAR among frames with
 * the same `eyes` flag, mouth width from the landmark signature) and the segment's sharpest candidate.
 *   q = - min(1, |yaw| / 0.4)                          frontal
 *       - min(1, MAR / 0.25)                           mouth closed
 *       - min(1, max(0, 1 - EAR / medianEAR) / 0.32)   eyes open (relative: iris-refined EAR and plain EAR differ)
 *       - min(1, |mouthWidth / median - 1| / 0.15)     no pursed lips or broad smile
 *       - 0.5 x (1 - sharp / sharpest candidate)       sharp
 *       - 0.5 x luma penalty (face luma below 60 or above 210, linear to 1 at 0 or 255)   well lit
 *       - 0.5 x (1 - detector score)
 * A frame without a face scores -100, with a second face -10 (never preferred over a usable frame).
 */
export function descriptorQuality(o: FrameObs, ref: { ear: { iris?: number; plain?: number }; mouthWidth?: number; sharp?: number }): number {
  const f = o.face;
  if (!f) return -100;
  let q = o.faces >= 2 ? -10 : 0;
  const c = (x: number) => Math.min(1, Math.max(0, x));
  q -= c(Math.abs(f.yaw) / QUALITY_SCALE.yaw);
  q -= c(f.mar / QUALITY_SCALE.mar);
  const earRef = o.eyes ? ref.ear.iris : ref.ear.plain;
  if (earRef) q -= c((1 - f.ear / earRef) / QUALITY_SCALE.earDrop);
  const mw = mouthWidth(f.sig);
  if (ref.mouthWidth && mw) q -= c(Math.abs(mw / ref.mouthWidth - 1) / QUALITY_SCALE.mouthWidth);
  if (ref.sharp && f.sharp !== undefined) q -= 0.5 * c(1 - f.sharp / ref.sharp);
  q -= 0.5 * (f.luma < 60 ? c((60 - f.luma) / 60) : f.luma > 210 ? c((f.luma - 210) / 45) : 0);
  q -= 0.5 * c(1 - f.score);
  return q;
}

/** mouth corner distance over inter-ocular distance, from metrics.landmarkSignature (points 61 and 291 at 14 and 15) */
function mouthWidth(sig: number[]): number {
  return sig.length >= 32 ? Math.hypot(sig[28] - sig[30], sig[29] - sig[31]) : 0;
}

const median = (xs: number[]) => { if (!xs.length) return undefined; const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };

/** clip medians for descriptorQuality over the frames observed so far */
function qualityRef(frames: Iterable<FrameObs>) {
  const iris: number[] = [], plain: number[] = [], mw: number[] = [];
  for (const o of frames) {
    if (!o.face || o.faces !== 1) continue;
    (o.eyes ? iris : plain).push(o.face.ear);
    const m = mouthWidth(o.face.sig);
    if (m) mw.push(m);
  }
  return { ear: { iris: median(iris), plain: median(plain) }, mouthWidth: median(mw) };
}

/**
 * The candidate frames of each descriptor segment (see DESCRIPTOR_SEGMENTS), frame indices at fps,
 * `expected` frames in the clip, `selected` the analysed frames.
 */
export function descriptorCandidates(expected: number, fps: number, selected: (i: number) => boolean, windows?: ActionWindow[]): number[][] {
  const firstPrompt = windows?.length ? Math.min(...windows.map((w) => w.startMs)) : 0;
  const leadIn = Math.min(expected, Math.floor((firstPrompt / 1000) * fps));
  const bounds = leadIn >= CANDIDATES_PER_SEGMENT * 2
    ? [0, leadIn, Math.round((leadIn + expected) / 2), expected]
    : Array.from({ length: DESCRIPTOR_SEGMENTS + 1 }, (_, k) => Math.round((k * expected) / DESCRIPTOR_SEGMENTS));
  const out: number[][] = [];
  for (let s = 0; s < DESCRIPTOR_SEGMENTS; s++) {
    const frames: number[] = [];
    for (let i = bounds[s]; i < bounds[s + 1]; i++) if (selected(i)) frames.push(i);
    const picks = new Set<number>();
    for (let k = 0; k < CANDIDATES_PER_SEGMENT && frames.length; k++) picks.add(frames[Math.floor(((k + 0.5) / CANDIDATES_PER_SEGMENT) * frames.length)]);
    out.push([...picks]);
  }
  return out;
}

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
export async function analyseVideo(pool: WorkerPool, path: string, opts: { maxFrames?: number; windows?: ActionWindow[]; info?: VideoInfo; descriptors?: DescriptorChoice } = {}): Promise<VideoAnalysis> {
  const t0 = performance.now();
  const info = opts.info ?? (await probeVideo(path));
  if (!info) throw new VideoUnreadableError('probe failed');
  const fps = Math.min(ANALYSIS_FPS, Math.max(1, Math.round(info.fps)));
  const expected = Math.max(1, Math.floor((info.durationMs / 1000) * fps));
  const maxFrames = opts.maxFrames ?? expected + fps; // a safety cap, not a trim
  const selected = frameSelector(fps, opts.windows), forBlinks = blinkRegion(fps, opts.windows);
  const byQuality = (opts.descriptors ?? 'quality') === 'quality';
  const describe = byQuality ? new Set<number>() : new Set(DESCRIPTOR_FRACTIONS.map((f) => {
    let i = Math.min(expected - 1, Math.floor(f * expected));
    while (i > 0 && !selected(i)) i--;
    return i;
  }));
  // quality choice: candidate copies per segment, their observations as the batches come back
  const segments = byQuality ? descriptorCandidates(expected, fps, selected, opts.windows) : [];
  const segmentOf = new Map<number, number>();
  segments.forEach((c, s) => c.forEach((i) => segmentOf.set(i, s)));
  const copies = new Map<number, Uint8Array>(), seen = new Map<number, FrameObs>(), observed: FrameObs[] = [];
  const fired = new Set<number>(), described: Promise<FrameObs[]>[] = [];
  let width = 0, height = 0, frameSize = 0;
  /** segment s: every candidate observed (or `force`) → the best one's descriptor job; copies released */
  const choose = (s: number, force = false) => {
    if (fired.has(s)) return;
    const cands = segments[s].filter((i) => copies.has(i));
    if (!force && !segments[s].every((i) => seen.has(i))) return;
    fired.add(s);
    const obs = cands.filter((i) => seen.has(i)).map((i) => seen.get(i)!);
    if (obs.length) {
      const ref = { ...qualityRef(observed), sharp: Math.max(0, ...obs.map((o) => o.face?.sharp ?? 0)) || undefined };
      const best = obs.reduce((a, b) => (descriptorQuality(b, ref) > descriptorQuality(a, ref) ? b : a));
      const buf = copies.get(best.i)!.buffer as ArrayBuffer;
      described.push(pool.run({ type: 'describe', width, height, i: best.i, buf }, [buf]));
    }
    for (const i of segments[s]) copies.delete(i);
  };
  let batch: Uint8Array | null = null;
  let indices: number[] = [], eyes: number[] = [];
  const jobs: Promise<FrameObs[]>[] = [];
  const flush = () => {
    if (!batch || !indices.length) return;
    const buf = batch.buffer as ArrayBuffer;
    let job = pool.run({ type: 'frames', width, height, indices, buf, describe: [...describe], eyes, detectEvery: DETECT_EVERY }, [buf]);
    if (byQuality) {
      job = job.then((obs) => {
        observed.push(...obs);
        const touched = new Set<number>();
        for (const o of obs) if (segmentOf.has(o.i)) { seen.set(o.i, o); touched.add(segmentOf.get(o.i)!); }
        for (const s of touched) choose(s);
        return obs;
      });
    }
    jobs.push(job);
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
        if (segmentOf.has(i)) copies.set(i, rgb.slice(0, frameSize));
        indices.push(i);
        if (forBlinks(i)) eyes.push(i);
        if (indices.length === BATCH_FRAMES) flush();
      },
    });
    flush();
    decodeMs = performance.now() - t0;
  } catch (e) {
    await Promise.allSettled(jobs);
    await Promise.allSettled(described);
    throw new VideoUnreadableError(String((e as Error).message));
  }
  const frames = (await Promise.all(jobs)).flat().sort((a, b) => a.i - b.i);
  // a clip shorter than probed: segments whose candidates were never decoded choose among those that were
  segments.forEach((_, s) => choose(s, true));
  const byIndex = new Map(frames.map((o) => [o.i, o]));
  for (const d of (await Promise.all(described)).flat()) {
    const o = byIndex.get(d.i);
    if (o) Object.assign(o, { embedding: d.embedding, real: d.real, live: d.live, ms: o.ms + d.ms });
  }
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
