/**
 * Liveness engine on real data (/work/shared/data/faces, or FACES_DIR). Skipped with a message when absent.
 * Clips are assembled with ffmpeg from labelled segments into a temp dir removed afterwards.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary } from '../../src/liveness/decode.js';
import { checkLiveness, compareFacePhotos, FACE_MATCH_THRESHOLD, shutdownLivenessEngine, type LivenessVerdict } from '../../src/liveness/index.js';
import { BASE_FPS, BLINK_MARGIN_MS, frameSelector } from '../../src/liveness/analyse.js';
import { findBlinks, findMouthOpenings, MOUTH_HOLD_MS, WINDOW_GRACE_MS } from '../../src/liveness/rules.js';
import type { FrameObs } from '../../src/liveness/protocol.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FACES = path.resolve(process.env.FACES_DIR ?? path.join(repoRoot, '..', 'shared', 'data', 'faces'));
const HAS_DATA = existsSync(path.join(FACES, 'videos', 'd18.mp4'));
const V = (n: string) => path.join(FACES, 'videos', `${n}.mp4`);
const dataTest = HAS_DATA ? test.serial : test.skip;
if (!HAS_DATA) test('liveness data set absent', (t) => { t.log(`face data set not found at ${FACES} (set FACES_DIR): real-data liveness tests skipped`); t.pass(); });

function ff(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegBinary(), ['-hide_banner', '-v', 'error', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = []; let err = '';
    p.stdout.on('data', (c) => out.push(c)); p.stderr.on('data', (c) => { err += c; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${err.slice(0, 300)}`))));
  });
}
const frameAt = (video: string, sec: number) => ff(['-ss', String(sec), '-i', video, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1']);
const codes = (v: LivenessVerdict) => v.reasons.map((r) => r.code);

let tmp = '';
let actionClip = '';  // d18 1.8-3.6 s (mouth wide open 2.13-3.17 s, i.e. 0.33-1.37 s in the clip) + d18 5.6-7.0 s (blink at 6.17 s → 2.37 s)
let stillClip = '';
let d18Photo: Uint8Array;
let d0Photo: Uint8Array;
const MOUTH_FIRST = [{ action: 'open_mouth' as const, startMs: 0, endMs: 1700 }, { action: 'blink' as const, startMs: 1800, endMs: 3200 }];
const BLINK_FIRST = [{ action: 'blink' as const, startMs: 0, endMs: 1700 }, { action: 'open_mouth' as const, startMs: 1800, endMs: 3200 }];

test.before(async () => {
  if (!HAS_DATA) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'liveness-test-'));
  actionClip = path.join(tmp, 'mouth-then-blink.mp4');
  await ff(['-i', V('d18'), '-filter_complex',
    '[0:v]trim=start=1.8:end=3.6,setpts=PTS-STARTPTS[a];[0:v]trim=start=5.6:end=7.0,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0[out]',
    '-map', '[out]', '-an', '-pix_fmt', 'yuv420p', '-y', actionClip]);
  d18Photo = await frameAt(V('d18'), 0.5);
  d0Photo = await frameAt(V('d0'), 0.5);
  const stillPng = path.join(tmp, 'still.png');
  writeFileSync(stillPng, await frameAt(V('d18'), 1.0));
  stillClip = path.join(tmp, 'still.mp4');
  await ff(['-loop', '1', '-i', stillPng, '-t', '3.2', '-r', '30', '-pix_fmt', 'yuv420p', '-y', stillClip]);
});

test.after.always(async () => {
  await shutdownLivenessEngine();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

dataTest('mouth opening then blink, windows in that order, same person → passes', async (t) => {
  const v = await checkLiveness({ videoPath: actionClip, windows: MOUTH_FIRST, reference: d18Photo });
  t.log(JSON.stringify({ reasons: codes(v), scores: v.scores, timings: v.timings }));
  t.true(v.passed, JSON.stringify(v.reasons));
  t.deepEqual(v.scores.actions.map((a) => a.detected), [true, true]);
  t.true(v.scores.faceMatch >= FACE_MATCH_THRESHOLD);
  t.is(v.scores.facesPerFrameMax, 1);
});

dataTest('same clip, windows in the wrong order → action_out_of_order / action_missing', async (t) => {
  const v = await checkLiveness({ videoPath: actionClip, windows: BLINK_FIRST, reference: d18Photo });
  t.log(JSON.stringify({ reasons: v.reasons, actions: v.scores.actions }));
  t.false(v.passed);
  t.true(codes(v).some((c) => c === 'action_out_of_order' || c === 'action_missing'));
  t.true(v.reasons.every((r) => r.hint.length > 0));
});

dataTest('video made from one still image → static_image and action_missing', async (t) => {
  const v = await checkLiveness({ videoPath: stillClip, windows: MOUTH_FIRST, reference: d18Photo });
  t.log(JSON.stringify({ reasons: codes(v), scores: v.scores }));
  t.false(v.passed);
  t.true(codes(v).includes('static_image'));
  t.true(codes(v).includes('action_missing'));
  t.is(v.reasons.find((r) => r.code === 'static_image')!.hint, '未检测到真人动作，请本人实时拍摄，勿使用照片或截图');
});

dataTest('talking clip (d0) with requested actions → action_missing for open_mouth', async (t) => {
  const v = await checkLiveness({ videoPath: V('d0'), windows: [{ action: 'open_mouth', startMs: 0, endMs: 1500 }, { action: 'blink', startMs: 1500, endMs: 3100 }], reference: d0Photo });
  t.log(JSON.stringify({ reasons: v.reasons, actions: v.scores.actions }));
  t.false(v.passed);
  const missing = v.reasons.find((r) => r.code === 'action_missing' && r.action === 'open_mouth');
  t.truthy(missing);
  t.regex(missing!.hint, /张大嘴巴/);
  t.false(codes(v).includes('face_mismatch'));
});

dataTest('d18 video against a different person\'s photo (d0 frame) → face_mismatch', async (t) => {
  const v = await checkLiveness({ videoPath: actionClip, windows: MOUTH_FIRST, reference: d0Photo });
  t.log(JSON.stringify({ reasons: codes(v), faceMatch: v.scores.faceMatch }));
  t.false(v.passed);
  t.true(codes(v).includes('face_mismatch'));
  t.true(v.scores.faceMatch < FACE_MATCH_THRESHOLD);
});

dataTest('compareFacePhotos: same clip frames match, different people do not', async (t) => {
  const same = await compareFacePhotos(d18Photo, await frameAt(V('d18'), 6.5));
  const diff = await compareFacePhotos(d18Photo, d0Photo);
  t.log({ same, diff });
  t.true(same.match);
  t.false(diff.match);
});

dataTest('unreadable video → video_unreadable', async (t) => {
  const bogus = path.join(tmp, 'bogus.mp4');
  writeFileSync(bogus, 'not a video');
  const v = await checkLiveness({ videoPath: bogus, windows: MOUTH_FIRST, reference: d18Photo });
  t.deepEqual(codes(v), ['video_unreadable']);
});

// ---- pure rules (no data needed)
const frame = (i: number, ear: number, mar = 0.03): FrameObs => ({
  i, faces: 1, detector: i % 3 === 0, eyes: true, frameLuma: 120, ms: 0,
  face: { score: 0.9, box: [0.3, 0.3, 0.4, 0.5], ear, mar, yaw: 0, sig: [i % 2 ? 0.01 : 0], luma: 120 },
});

test('rules: a one-frame eye closure that reopens is a blink; staying closed to the end is not', (t) => {
  const open = Array.from({ length: 60 }, (_, i) => frame(i, 0.35));
  const blink = open.map((f) => (f.i === 30 ? frame(30, 0.1) : f));
  t.deepEqual(findBlinks(blink, 30).map((e) => Math.round(e.atMs)), [1000]);
  const closedToEnd = open.map((f) => (f.i >= 50 ? frame(f.i, 0.1) : f));
  t.deepEqual(findBlinks(closedToEnd, 30), []);
});

test('rules: EAR is compared only among iris-refined frames (a low EAR from facemesh alone is no blink)', (t) => {
  // facemesh without iris reads open eyes lower (ratios 0.46-0.70 of the iris-refined level)
  const mixed = Array.from({ length: 60 }, (_, i) => (i >= 20 && i < 40 ? { ...frame(i, 0.35 * 0.6), eyes: false } : frame(i, 0.35)));
  t.deepEqual(findBlinks(mixed, 30), []);
  const real = mixed.map((f) => (f.i === 50 ? frame(50, 0.1) : f));
  t.deepEqual(findBlinks(real, 30).map((e) => Math.round(e.atMs)), [1667]);
});

test('rules: mouth must stay open for the hold time', (t) => {
  const holdFrames = Math.ceil((MOUTH_HOLD_MS / 1000) * 30);
  const short = Array.from({ length: 90 }, (_, i) => frame(i, 0.35, i >= 30 && i < 30 + holdFrames - 6 ? 0.6 : 0.05));
  t.is(findMouthOpenings(short, 30).length, 0);
  const long = Array.from({ length: 90 }, (_, i) => frame(i, 0.35, i >= 30 && i < 30 + holdFrames + 3 ? 0.6 : 0.05));
  t.is(findMouthOpenings(long, 30).length, 1);
});

test('rules: the mouth hold is judged the same on frames sampled at BASE_FPS (every 2nd frame of 30 fps)', (t) => {
  const holdFrames = Math.ceil((MOUTH_HOLD_MS / 1000) * 30);
  const sampled = (openFrames: number) => Array.from({ length: 90 }, (_, i) => frame(i, 0.35, i >= 30 && i < 30 + openFrames ? 0.6 : 0.05)).filter((f) => f.i % (30 / BASE_FPS) === 0);
  t.is(findMouthOpenings(sampled(holdFrames - 6), 30).length, 0);
  t.is(findMouthOpenings(sampled(holdFrames + 3), 30).length, 1);
  // a face lost on most frames of the hold does not count as a hold
  const lost = sampled(holdFrames + 3).map((f) => (f.i > 32 && f.i < 30 + holdFrames && f.i % 4 === 0 ? { ...f, face: undefined } : f));
  t.is(findMouthOpenings(lost, 30).length, 0);
});

test('frameSelector: every frame without windows; inside blink windows (with margin and grace) every frame, elsewhere BASE_FPS', (t) => {
  const all = frameSelector(30);
  t.true([0, 1, 2, 3, 299].every(all));
  const sel = frameSelector(30, [{ action: 'open_mouth', startMs: 0, endMs: 2000 }, { action: 'blink', startMs: 3000, endMs: 4000 }]);
  const picked = Array.from({ length: 180 }, (_, i) => i).filter(sel);
  const ms = (i: number) => (i * 1000) / 30;
  // inside [3000 - margin, 4000 + grace + margin] no frame is skipped
  t.true(Array.from({ length: 180 }, (_, i) => i).filter((i) => ms(i) >= 3000 - BLINK_MARGIN_MS && ms(i) <= 4000 + WINDOW_GRACE_MS + BLINK_MARGIN_MS).every(sel));
  // in the open_mouth window and the tail only every BASE_STRIDE-th
  t.true(picked.filter((i) => ms(i) < 2500 || ms(i) > 5000).every((i) => i % (30 / BASE_FPS) === 0));
  t.true(picked.length < 180 && picked.length > (180 * BASE_FPS) / 30);
  // a 15 fps clip is analysed whole: BASE_FPS is a rate, not a stride
  t.true(Array.from({ length: 90 }, (_, i) => i).every(frameSelector(15, [{ action: 'open_mouth', startMs: 0, endMs: 6000 }])));
});
