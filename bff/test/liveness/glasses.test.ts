/**
 * Blinks behind glasses (issue 13): a cut of d18 around its second labelled blink (frames 185-188) with drawn
 * metal-framed glasses and moving reflections (bff/test/helpers/glasses.ts), made in a temp dir removed afterwards.
 * The blink is found on the cut as it is; behind the drawn glasses today's rule misses it (`test.failing`: this
 * test starts failing, i.e. passing, when a blink measure that works behind reflections lands; then make it a
 * plain test). Skipped with a message when the face data set is absent.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { analyseVideo, type VideoAnalysis } from '../../src/liveness/analyse.js';
import { ffmpegBinary } from '../../src/liveness/decode.js';
import { WorkerPool } from '../../src/liveness/pool.js';
import { findBlinks } from '../../src/liveness/rules.js';
import { facesAvailable, FACES_MISSING, video } from '../helpers/faces.js';
import { drawGlasses, eyeTrack } from '../helpers/glasses.js';

const run = promisify(execFile);
/** the cut: d18 frames FROM..TO-1 (30 fps); the labelled blink at 185-188 is at 35-38 in it */
const FROM = 150, TO = 216, BLINK: [number, number] = [185 - FROM, 188 - FROM];
const TOL = 5; // frames either way, as the evaluation allows

const dataTest = facesAvailable ? test.serial : test.skip;
if (!facesAvailable) test('face data set absent', (t) => { t.log(FACES_MISSING); t.pass(); });

let tmp = '', pool: WorkerPool | undefined, plain: VideoAnalysis, glasses: VideoAnalysis;
const inBlink = (a: VideoAnalysis) => findBlinks(a.frames, a.fps).filter((e) => {
  const f = (e.atMs / 1000) * a.fps;
  return f >= BLINK[0] - TOL && f <= BLINK[1] + TOL;
});

test.before(async () => {
  if (!facesAvailable) return;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'liveness-glasses-'));
  const cut = path.join(tmp, 'd18-cut.mp4'), drawn = path.join(tmp, 'd18-glasses.mp4');
  await run(ffmpegBinary(), ['-hide_banner', '-v', 'error', '-i', video('d18'), '-vf', `trim=start_frame=${FROM}:end_frame=${TO},setpts=PTS-STARTPTS`, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-y', cut]);
  pool = new WorkerPool();
  await pool.warm();
  plain = await analyseVideo(pool, cut); // every frame, iris model: as in a blink window
  const track = eyeTrack(plain.frames, TO - FROM);
  if (!track) throw new Error('no eye track on the d18 cut');
  await drawGlasses(cut, drawn, track, { offset: FROM }); // the reflections move as in the evaluation's whole clip
  glasses = await analyseVideo(pool, drawn);
});

test.after.always(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

dataTest('the drawn glasses cover the eyes: the face is still found, the eye crops are brighter (the lenses reflect)', (t) => {
  const found = glasses.frames.filter((f) => f.face).length;
  t.true(found >= 0.9 * glasses.frames.length, `face on ${found} of ${glasses.frames.length} frames`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const eyeMedian = (a: VideoAnalysis) => median(a.frames.filter((f) => f.face?.eyeLuma).map((f) => (f.face!.eyeLuma![2] + f.face!.eyeLuma![7]) / 2));
  t.true(eyeMedian(glasses) > eyeMedian(plain) + 30, `eye crop median luma ${eyeMedian(plain).toFixed(0)} → ${eyeMedian(glasses).toFixed(0)}`);
});

dataTest('without glasses the blink at d18 frames 185-188 is found in its window', (t) => {
  t.true(inBlink(plain).length > 0, JSON.stringify(findBlinks(plain.frames, plain.fps)));
});

(facesAvailable ? test.serial.failing : test.skip)('behind drawn metal frames with moving reflections the same blink is found in its window (not yet: today\'s rule misses it)', (t) => {
  t.log('blinks found behind the glasses (frame):', findBlinks(glasses.frames, glasses.fps).map((e) => Math.round((e.atMs / 1000) * glasses.fps)).join(', ') || 'none');
  t.true(inBlink(glasses).length > 0);
});
