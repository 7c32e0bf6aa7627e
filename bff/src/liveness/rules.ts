/**
 * Pure decision rules: per-frame observations (+ reference descriptor) → verdict.
 * Every threshold documents the measurement it comes from (data: /work/shared/data/faces,
 * human 3.3.6 facemesh+iris at 320 px, 30 fps; reproduce with `npx tsx scripts/eval-liveness.ts`).
 */
import type { FrameObs } from './protocol.js';
import type { ActionWindow, LivenessAction, LivenessReason, LivenessVerdict } from './types.js';
import { descriptorSimilarity } from './similarity.js';

// ---------------------------------------------------------------- thresholds

/**
 * Face match: human.match.similarity-style score of the 1024-d faceres descriptors (grey, equalised, upright
 * crop: worker.ts FULL). Measured over all same/different pairs of the data set (eval-liveness.ts, "face
 * match" table): the closest different-person pair scores 0.465; at 0.48, 0 of 5642 false accepts and 70 of
 * 244 false rejects (28.7 %), 66 of them TV crops or staged extreme expressions.
 */
export const FACE_MATCH_THRESHOLD = 0.48;

/**
 * Identity continuity inside one clip: every pair of descriptor frames must score at least this. Lower than
 * FACE_MATCH_THRESHOLD because the descriptor moves with expression: d18 neutral vs mouth wide open scored
 * 0.477-0.524 (same man, same clip), and same-clip pairs went down to 0.42 in the eval; different-person
 * pairs scored >= 0.35 in 108 of 5538 pairs (2 %). A swap of people mid-clip must also get past the
 * single-face tracking and the mean match against the ID photo.
 */
export const IDENTITY_CONTINUITY_THRESHOLD = 0.35;

/**
 * Blink: a sampled frame whose EAR (mean of both eyes, iris-refined facemesh) falls below
 * BLINK_CLOSED_RATIO x the clip's open-eye baseline (median EAR over the clip), preceded and followed
 * by open frames (EAR above BLINK_OPEN_RATIO x baseline). Measured minimum/baseline ratios of the
 * labelled blinks: d14 0.11-0.48 (single-frame blink at 211 is the shallowest, 0.48), d18 0.45 and 0.58
 * (185-188). Open eyes stay above 0.85 x baseline in >90 % of frames (d18 p10 = 0.93).
 * Without the iris model the ratios were 0.46-0.70, too close to open eyes: EAR is read only on frames the
 * iris model refined (FrameObs.eyes: the blink windows, see analyse.blinkRegion).
 */
export const BLINK_CLOSED_RATIO = 0.68;
export const BLINK_OPEN_RATIO = 0.85;
/** the eyes must be open again within this time after the closure started (d14's eyes-closed stretch is 2.7 s) */
export const BLINK_MAX_CLOSED_MS = 3000;

/**
 * Open mouth: inner-lip gap / mouth width (MAR) must stay >= MOUTH_OPEN_MAR for MOUTH_HOLD_MS
 * (10 % of the samples in the hold may dip, e.g. a single mis-tracked frame).
 * Measured longest run with MAR >= 0.36: d18's two deliberate openings 1.07 s and 1.17 s; talking/expressive
 * clips at most 0.64 s (d12 0.64 s, d10 0.57 s — d10's surprised "O" reaches MAR 0.69, higher than d18's
 * 0.58, so no MAR level alone separates them; only the hold does). The prompt must say "hold for ~1 s".
 */
export const MOUTH_OPEN_MAR = 0.35;
export const MOUTH_HOLD_MS = 800;
/** a hold is judged on at least this many analysed frames (800 ms at 15 fps: 12) */
export const MOUTH_HOLD_MIN_FRAMES = 6;

/**
 * Human reaction time: an action that begins less than this after its prompt was not a response to it.
 * Woods et al. 2015 ("Factors influencing the latency of simple reaction time", Front. Hum. Neurosci. 9:131,
 * doi:10.3389/fnhum.2015.00131; 1469 subjects, calibrated hardware) measured a mean visual simple reaction
 * time of 213 ms and a stimulus detection time of 131 ms; reading a prompt and choosing between two actions
 * (a choice reaction, Hick's law) takes longer still. 150 ms sits between detection and the fastest simple
 * reactions, leaving room for the ~50 ms a phone may show a prompt late against its recording clock.
 */
export const MIN_REACTION_MS = 150;
/**
 * An action still belongs to its prompt when it begins up to a reaction time after the next prompt appeared
 * (it cannot be a response to the next one): a window is [prompt + MIN_REACTION_MS, next prompt + WINDOW_GRACE_MS).
 * Was 500 ms when the phone chose the prompt times.
 */
export const WINDOW_GRACE_MS = MIN_REACTION_MS;
/**
 * An action must begin within this long after its prompt: a prompted person starts in well under a second
 * (a choice among few known stimuli takes ~0.4 s, Laming 1968 as summarised in R. J. Kosinski, "A Literature
 * Review on Reaction Time"; the browser test's simulated applicant, 0.35 s reaction plus camera and page
 * latency, began 0.75-0.92 s after its prompts). 2 s leaves room for a slow reader and a phone whose
 * recording starts late, and narrows what a recorded clip can match (schedule.ts).
 */
export const MAX_REACTION_MS = 2000;

/**
 * The clip's length against the schedule's durationMs: at most CLIP_SHORT_MS shorter (the first frames
 * arrive after the recorder reports its start) and at most CLIP_LONG_MS longer (stopping a recorder and
 * WeChat's startRecord callback both lag). Outside → schedule_mismatch.
 */
export const CLIP_SHORT_MS = 400;
export const CLIP_LONG_MS = 1000;
export function clipLengthMatches(videoMs: number, durationMs: number): boolean {
  return videoMs >= durationMs - CLIP_SHORT_MS && videoMs <= durationMs + CLIP_LONG_MS;
}

/**
 * Static image: 90th percentile of each frame's mean absolute deviation of the normalised landmark
 * signature from the clip's median signature. A video made from one still: see eval ("static" row);
 * the stillest real clip's value is in the same table.
 */
export const STATIC_MOTION_MAX = 0.004;

/** at least this share of sampled frames must contain a face ("no_face"/"请正对镜头") */
export const MIN_FACE_FRAME_SHARE = 0.8;
/** a second face on at least this many detector frames → multiple_faces (a single-frame false positive is tolerated) */
export const MULTI_FACE_MIN_FRAMES = 2;
/** median face-box width / frame width below this → face_too_small (the data's selfies: 0.35-0.6) */
export const MIN_FACE_WIDTH = 0.2;
/** median luma (0..255) of the face box below this → too_dark (heuristic: the data's faces are 90-180; untested on real dark clips) */
export const MIN_FACE_LUMA = 45;
/** whole-frame luma below this with no face found → too_dark instead of no_face */
export const MIN_FRAME_LUMA = 35;
/** human's antispoof/liveness models: recorded only (see report); set to a number to make them blocking */
export const ANTISPOOF_MIN: number | null = null;

export const MIN_VIDEO_MS = 1500;
/** the longest schedule (4 actions, schedule.ts) is 2.6 + 2 x 3.6 + 2 x 3.0 + 2.5 = 18.3 s, plus CLIP_LONG_MS */
export const MAX_VIDEO_MS = 20000;

export const HINTS: Record<LivenessReason, string> = {
  no_face: '未检测到完整人脸，请正对镜头，保持面部在取景框内',
  multiple_faces: '画面中出现多张人脸，请确保只有您本人入镜',
  face_too_small: '人脸太小，请将手机靠近一些',
  too_dark: '光线过暗，请到光线充足的地方重试',
  identity_changed: '检测过程中人脸发生变化，请本人全程完成检测',
  action_missing: '未检测到指定动作，请按提示完成动作',
  action_out_of_order: '动作顺序不正确，请按提示依次完成动作',
  static_image: '未检测到真人动作，请本人实时拍摄，勿使用照片或截图',
  face_mismatch: '人脸与身份证照片不一致，请本人进行认证',
  spoof_suspected: '疑似翻拍或非真人，请本人直接面对镜头拍摄',
  video_unreadable: '视频无法读取，请重新录制',
  video_too_short: '视频过短，请按提示完成全部动作后再结束录制',
  video_too_long: `视频过长，请在${MAX_VIDEO_MS / 1000}秒内完成录制`,
  schedule_mismatch: '录制时间与本次检测的提示时间不一致，请重新检测，录制期间保持在本页面并按屏幕提示完成动作',
  check_unavailable: '人脸核验服务暂时不可用，本次不计入次数，请稍后重试',
};
/** an open mouth held where no prompt asked for it (before its prompt, or in another action's window) */
export const UNPROMPTED_HINT = '请在屏幕提示出现后再做相应动作，不要提前做动作';
export const ACTION_HINTS: Record<LivenessAction, string> = {
  blink: '未检测到眨眼动作，请在提示出现后眨眨眼',
  open_mouth: '未检测到张嘴动作，请在提示出现后张大嘴巴并保持约1秒',
};
export const REFERENCE_NO_FACE_HINT = '身份证照片中未识别到清晰人脸，请重新拍摄身份证人像面';

// ---------------------------------------------------------------- helpers

const median = (xs: number[]) => { if (!xs.length) return 0; const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const quantile = (xs: number[], q: number) => { if (!xs.length) return 0; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const tMs = (f: FrameObs, fps: number) => (f.i * 1000) / fps;

export interface ActionEvent { atMs: number; peak: number }

/** the frames whose EAR counts (a face, eyes refined by the iris model) and their open-eye baseline (median EAR) */
function eyeFrames(frames: FrameObs[]): { fs: FrameObs[]; base: number } {
  const fs = frames.filter((f) => f.face && f.eyes);
  return { fs, base: median(fs.map((f) => f.face!.ear)) };
}

/** all blink events in the clip (closure start time, depth = 1 - minEAR/baseline) */
export function findBlinks(frames: FrameObs[], fps: number): ActionEvent[] {
  const { fs, base } = eyeFrames(frames);
  if (!base) return [];
  const closed = BLINK_CLOSED_RATIO * base, open = BLINK_OPEN_RATIO * base;
  const out: ActionEvent[] = [];
  let sawOpen = false;
  for (let k = 0; k < fs.length; k++) {
    const e = fs[k].face!.ear;
    if (e > open) { sawOpen = true; continue; }
    if (e >= closed || !sawOpen) continue;
    // closure starts at k: find the end (first open frame) and the minimum
    let min = e, j = k;
    while (j < fs.length && fs[j].face!.ear <= open) { min = Math.min(min, fs[j].face!.ear); j++; }
    const start = tMs(fs[k], fps);
    if (j < fs.length && tMs(fs[j], fps) - start <= BLINK_MAX_CLOSED_MS) out.push({ atMs: start, peak: 1 - min / base });
    sawOpen = false;
    k = j - 1;
  }
  return out;
}

/**
 * Mouth-open holds: for every start frame, the "held MAR" is the 10th-percentile MAR over the next
 * MOUTH_HOLD_MS; returns each maximal run of starts whose held MAR >= MOUTH_OPEN_MAR as one event
 * (atMs = first such start, peak = best held MAR). Also returns the best held MAR per start for windows.
 */
export function heldMouth(frames: FrameObs[], fps: number): { t: number; held: number }[] {
  const out: { t: number; held: number }[] = [];
  if (!frames.some((f) => f.face)) return out;
  const lastT = tMs(frames[frames.length - 1], fps);
  for (let k = 0; k < frames.length; k++) {
    if (!frames[k].face) continue;
    const t0 = tMs(frames[k], fps);
    if (t0 + MOUTH_HOLD_MS > lastT + 1000 / fps) break; // the hold would be cut by the clip's end
    // the analysed frames of the hold (the sampling rate may vary, see analyse.frameSelector)
    const span: number[] = [];
    let seen = 0;
    for (let j = k; j < frames.length && tMs(frames[j], fps) <= t0 + MOUTH_HOLD_MS; j++) {
      seen++;
      if (frames[j].face) span.push(frames[j].face!.mar);
    }
    // the face must have been seen on most analysed frames of the hold
    if (seen < MOUTH_HOLD_MIN_FRAMES || span.length < 0.7 * seen) { out.push({ t: t0, held: 0 }); continue; }
    out.push({ t: t0, held: quantile(span, 0.1) });
  }
  return out;
}

export function findMouthOpenings(frames: FrameObs[], fps: number): ActionEvent[] {
  const held = heldMouth(frames, fps);
  const out: ActionEvent[] = [];
  for (let k = 0; k < held.length; k++) {
    if (held[k].held < MOUTH_OPEN_MAR) continue;
    let peak = held[k].held, j = k;
    while (j < held.length && held[j].held >= MOUTH_OPEN_MAR) peak = Math.max(peak, held[j++].held);
    out.push({ atMs: held[k].t, peak });
    k = j - 1;
  }
  return out;
}

export function findActions(frames: FrameObs[], fps: number, action: LivenessAction): ActionEvent[] {
  return action === 'blink' ? findBlinks(frames, fps) : findMouthOpenings(frames, fps);
}

/** whether an event begins inside window w: MIN_REACTION_MS to MAX_REACTION_MS after its prompt, and before the next prompt could be reacted to */
export function inWindow(atMs: number, w: ActionWindow): boolean {
  return atMs >= w.startMs + MIN_REACTION_MS && atMs < Math.min(w.endMs + WINDOW_GRACE_MS, w.startMs + MAX_REACTION_MS);
}

/**
 * For each window in order, the first event of its action inside it that begins after the previous window's
 * hit (null when none). Pure: the evaluation replays a recorded clip's events against many schedules with it.
 */
export function matchActions(events: Map<LivenessAction, ActionEvent[]>, windows: ActionWindow[]): { hit: ActionEvent | null }[] {
  let lastAt = -Infinity;
  return windows.map((w) => {
    const hit = (events.get(w.action) ?? []).find((e) => inWindow(e.atMs, w) && e.atMs > lastAt) ?? null;
    if (hit) lastAt = hit.atMs;
    return { hit };
  });
}

/**
 * A held mouth opening that no open_mouth window accounts for (before the first prompt, in a blink window,
 * or a second one): talking clips never hold one (eval: 0 on d0, d9, d10, d12, d20), so it means the clip
 * was not made in answer to these prompts, e.g. a recording that repeats every action to fit any schedule.
 * Blinks are not judged so: people blink unprompted every few seconds.
 */
export function unpromptedMouth(mouths: ActionEvent[], matched: { hit: ActionEvent | null }[]): boolean {
  const hits = new Set(matched.map((m) => m.hit).filter(Boolean));
  return mouths.some((e) => !hits.has(e));
}

/** "peak" of an action inside a window even when it did not reach the threshold (for scores/diagnostics) */
function windowPeak(frames: FrameObs[], fps: number, w: ActionWindow): number {
  const inW = (t: number) => inWindow(t, w);
  if (w.action === 'open_mouth') return Math.max(0, ...heldMouth(frames, fps).filter((h) => inW(h.t)).map((h) => h.held));
  const { fs, base } = eyeFrames(frames);
  const inside = fs.filter((f) => inW(tMs(f, fps))).map((f) => f.face!.ear);
  return base && inside.length ? Math.max(0, 1 - Math.min(...inside) / base) : 0;
}

/** landmark motion statistic, see STATIC_MOTION_MAX */
export function landmarkMotion(frames: FrameObs[]): number {
  // detector frames only: a tracked frame's mesh comes from a slightly different crop than a detected
  // one, which alone gives a still image ~0.005 of "motion"; same-mode frames of a still are identical
  // and frames of one kind: the iris model moves the eye contour the signature includes
  const eyes = frames.some((f) => f.face && f.detector && f.eyes);
  let withFace = frames.filter((f) => f.face && f.detector && f.eyes === eyes);
  if (withFace.length < 3) withFace = frames.filter((f) => f.face && f.eyes === eyes);
  const sigs = withFace.map((f) => f.face!.sig);
  if (sigs.length < 3) return 0;
  const med = sigs[0].map((_, c) => median(sigs.map((s) => s[c])));
  const dev = sigs.map((s) => s.reduce((acc, v, c) => acc + Math.abs(v - med[c]), 0) / s.length);
  return quantile(dev, 0.9);
}

// ---------------------------------------------------------------- verdict

export interface DecideInput {
  frames: FrameObs[];
  fps: number;
  videoMs: number;
  windows: ActionWindow[];
  /** descriptor of the reference (ID card) photo, undefined when no face was found on it */
  reference?: number[];
}

type Verdict = Omit<LivenessVerdict, 'timings'>;

export function decide(input: DecideInput): Verdict {
  const { frames, fps, windows } = input;
  const reasons: LivenessVerdict['reasons'] = [];
  const add = (code: LivenessReason, action?: LivenessAction, hint?: string) => {
    if (!reasons.some((r) => r.code === code && r.action === action)) reasons.push({ code, hint: hint ?? HINTS[code], ...(action ? { action } : {}) });
  };
  const withFace = frames.filter((f) => f.face);
  const facesPerFrameMax = Math.max(0, ...frames.map((f) => f.faces));
  const descs = frames.filter((f) => f.embedding?.length);
  const scores: Verdict['scores'] = { faceMatch: 0, actions: [], framesAnalysed: frames.length, facesPerFrameMax };
  const reals = descs.map((f) => f.real).filter((x): x is number => typeof x === 'number');
  const lives = descs.map((f) => f.live).filter((x): x is number => typeof x === 'number');
  if (reals.length) scores.antispoof = reals.reduce((a, b) => a + b, 0) / reals.length;
  if (lives.length) scores.liveness = lives.reduce((a, b) => a + b, 0) / lives.length;

  // --- capture quality
  if (!frames.length || withFace.length < MIN_FACE_FRAME_SHARE * frames.length) {
    const dark = median(frames.map((f) => f.frameLuma)) < MIN_FRAME_LUMA;
    add(dark ? 'too_dark' : 'no_face');
  }
  if (frames.filter((f) => f.detector && f.faces >= 2).length >= MULTI_FACE_MIN_FRAMES) add('multiple_faces');
  if (withFace.length) {
    if (median(withFace.map((f) => f.face!.box[2])) < MIN_FACE_WIDTH) add('face_too_small');
    if (median(withFace.map((f) => f.face!.luma)) < MIN_FACE_LUMA) add('too_dark');
  }

  // --- identity: every descriptor frame must match every other one
  for (let a = 0; a < descs.length; a++) for (let b = a + 1; b < descs.length; b++) {
    if (descriptorSimilarity(descs[a].embedding!, descs[b].embedding!) < IDENTITY_CONTINUITY_THRESHOLD) add('identity_changed');
  }

  // --- reference photo
  if (!input.reference) add('face_mismatch', undefined, REFERENCE_NO_FACE_HINT);
  else if (descs.length) {
    const sims = descs.map((f) => descriptorSimilarity(f.embedding!, input.reference!));
    scores.faceMatch = sims.reduce((a, b) => a + b, 0) / sims.length;
    if (scores.faceMatch < FACE_MATCH_THRESHOLD) add('face_mismatch');
  }

  // --- static image
  if (withFace.length >= 3 && landmarkMotion(frames) < STATIC_MOTION_MAX) add('static_image');

  // --- actions, each in its own window, in order; no mouth opening where none was asked for
  const events = new Map<LivenessAction, ActionEvent[]>();
  for (const w of windows) if (!events.has(w.action)) events.set(w.action, findActions(frames, fps, w.action));
  const matched = matchActions(events, windows);
  matched.forEach((m, k) => {
    const w = windows[k];
    if (m.hit) scores.actions.push({ action: w.action, detected: true, atMs: Math.round(m.hit.atMs), peak: round3(m.hit.peak) });
    else {
      scores.actions.push({ action: w.action, detected: false, peak: round3(windowPeak(frames, fps, w)) });
      // performed, but not in its window (or before the previous action) → out of order; never performed → missing
      if (events.get(w.action)!.length) add('action_out_of_order', w.action, HINTS.action_out_of_order);
      else add('action_missing', w.action, ACTION_HINTS[w.action]);
    }
  });
  if (unpromptedMouth(events.get('open_mouth') ?? [], matched)) add('action_out_of_order', 'open_mouth', UNPROMPTED_HINT);

  if (ANTISPOOF_MIN !== null && scores.antispoof !== undefined && scores.antispoof < ANTISPOOF_MIN) add('spoof_suspected');

  scores.faceMatch = round3(scores.faceMatch);
  if (scores.antispoof !== undefined) scores.antispoof = round3(scores.antispoof);
  if (scores.liveness !== undefined) scores.liveness = round3(scores.liveness);
  return { passed: reasons.length === 0, reasons, scores };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
