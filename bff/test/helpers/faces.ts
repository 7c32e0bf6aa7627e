/**
 * The face test data (../shared/data/faces, outside the repo; see its README for the labels) and ffmpeg
 * helpers to cut and join labelled segments into the video a phone would upload.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegBinary } from '../../src/liveness/decode.js';

const run = promisify(execFile);

export const FACES_DIR = path.resolve(process.env.FACES_DIR ?? path.join(import.meta.dirname, '../../../../shared/data/faces'));
export const facesAvailable = existsSync(path.join(FACES_DIR, 'videos/d18.mp4'));
export const FACES_MISSING = `face test data not found at ${FACES_DIR} (set FACES_DIR): skipping the tests that need real faces`;

export const video = (name: string) => path.join(FACES_DIR, 'videos', `${name}.mp4`);

/**
 * Labelled segments of d18 (30 fps): a wide mouth opening at frames 117-154; the deep eye closure at 94-97
 * (0.54-0.60 below the open-eye level), which ends its first mouth opening (open until 95, 0.3 s of it in
 * this segment: no 0.8 s hold). Its other closure (185-188) is only 0.36-0.38 below the open-eye level and
 * fell under the 0.32 blink threshold after one more re-encoding (WebM → phone MP4).
 */
export const D18 = {
  mouth: { start: 105 / 30, end: 165 / 30 },
  blink: { start: 86 / 30, end: 112 / 30 },
};

/** A neutral stretch of d18 (no blink, mouth closed) used as filler between the action segments. */
export const D18_NEUTRAL = { start: 10 / 30, end: 55 / 30 };
/** Where the action begins inside its segment (s): d18's eye closure at frame 94, the wide opening at ~117. */
export const D18_ONSET = { blink: (94 - 86) / 30, open_mouth: (117 - 105) / 30 };

export interface ScheduleLike {
  actions: { action: string; atMs: number }[];
  durationMs: number;
}

/**
 * The clip a person following the session's schedule records (d18, one man throughout): neutral d18 frames,
 * and `perform[i]` (default: the scheduled action) beginning `reactionMs` after prompt i, the recording
 * `durationMs + extraMs` long. Segment lengths are whole frames (30 fps) so the timing does not drift.
 * Returns the prompts as the phone reports them (the scheduled times).
 */
export async function scheduledClip(session: ScheduleLike, out: string, opts: { perform?: string[]; reactionMs?: number; extraMs?: number } = {}): Promise<{ action: string; shownAtMs: number }[]> {
  const react = (opts.reactionMs ?? 450) / 1000;
  const frames = (sec: number) => Math.max(0, Math.round(sec * 30)) / 30;
  const segs: { file: string; start: number; end: number }[] = [];
  let t = 0;
  const filler = (until: number) => {
    let left = frames(until - t);
    const span = D18_NEUTRAL.end - D18_NEUTRAL.start;
    while (left >= 1 / 30 - 1e-9) {
      const len = Math.min(left, span);
      segs.push({ file: video('d18'), start: D18_NEUTRAL.start, end: D18_NEUTRAL.start + len });
      t += len;
      left = frames(left - len);
    }
  };
  session.actions.forEach((p, i) => {
    const action = (opts.perform?.[i] ?? p.action) as 'blink' | 'open_mouth';
    const seg = action === 'blink' ? D18.blink : D18.mouth;
    filler(p.atMs / 1000 + react - D18_ONSET[action]);
    const len = frames(seg.end - seg.start);
    segs.push({ file: video('d18'), start: seg.start, end: seg.start + len });
    t += len;
  });
  filler((session.durationMs + (opts.extraMs ?? 0)) / 1000);
  await joinSegments(segs, out);
  return session.actions.map((p) => ({ action: p.action, shownAtMs: p.atMs }));
}

/** Output arguments for a WebM as a browser's MediaRecorder makes it: VP8, written as a live stream with no duration in the header. */
const MEDIA_RECORDER_WEBM = ['-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-f', 'webm', '-live', '1'];

/** Joins segments of source videos into one MediaRecorder-style WebM. */
export async function joinSegments(segments: { file: string; start: number; end: number }[], out: string): Promise<void> {
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  for (const s of segments) args.push('-ss', s.start.toFixed(3), '-t', (s.end - s.start).toFixed(3), '-i', s.file);
  const inputs = segments.map((_, i) => `[${i}:v]scale=480:480,setsar=1,fps=30[v${i}]`).join(';');
  const concat = segments.map((_, i) => `[v${i}]`).join('') + `concat=n=${segments.length}:v=1:a=0[out]`;
  args.push('-filter_complex', `${inputs};${concat}`, '-map', '[out]', ...MEDIA_RECORDER_WEBM, out);
  await run(ffmpegBinary(), args);
}

/**
 * An MP4 as a phone camera (WeChat's CameraContext.startRecord) writes it: H.264 frames stored sideways
 * (rotated 90° clockwise) with a rotation tag (display matrix) that turns them upright for playback.
 */
export async function sidewaysMp4(webm: string, out: string): Promise<void> {
  const stored = `${out}.stored.mp4`;
  try {
    await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', webm, '-vf', 'transpose=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', stored]);
    await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', stored, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]);
  } finally {
    await rm(stored, { force: true });
  }
}

/** A video made from one still image (the photo-replay attack). */
export async function stillVideo(image: string, seconds: number, out: string): Promise<void> {
  await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', image, '-t', String(seconds), '-r', '30', '-vf', 'scale=480:480', ...MEDIA_RECORDER_WEBM, out]);
}

/** One frame of a video as JPEG bytes (an "ID card photo" of that person). */
export async function frameJpeg(file: string, atSeconds: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-frame-'));
  try {
    const out = path.join(dir, 'frame.jpg');
    await run(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(atSeconds), '-i', file, '-frames:v', '1', '-q:v', '3', out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
