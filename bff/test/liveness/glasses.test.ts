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
import { decodeVideoFrames, ffmpegBinary } from '../../src/liveness/decode.js';
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

let tmp = '', pool: WorkerPool | undefined, plain: VideoAnalysis, glasses: VideoAnalysis, track: number[][];
let eyeLuma = { plain: 0, glasses: 0 };
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
  const t = eyeTrack(plain.frames, TO - FROM);
  if (!t) throw new Error('no eye track on the d18 cut');
  track = t;
  await drawGlasses(cut, drawn, track, { offset: FROM }); // the reflections move as in the evaluation's whole clip
  glasses = await analyseVideo(pool, drawn);
  eyeLuma = { plain: await eyeBoxLuma(cut), glasses: await eyeBoxLuma(drawn) };
});

/**
 * Median over the frames of the mean luma in a box around each eye centre (half the eye-centre distance wide, a
 * quarter high, at the track's corners), decoded at the engine's 320 px: how much the drawn lenses brighten the eyes.
 */
async function eyeBoxLuma(file: string): Promise<number> {
  const means: number[] = [];
  let w = 0, h = 0;
  await decodeVideoFrames(file, { fps: 30, maxSide: 320, maxFrames: TO - FROM }, {
    onSize(width, height) { w = width; h = height; },
    onFrame(i, rgb) {
      const c = track[Math.min(i, track.length - 1)];
      const centres = [[(c[0] + c[2]) / 2, (c[1] + c[3]) / 2], [(c[4] + c[6]) / 2, (c[5] + c[7]) / 2]].map(([x, y]) => [x * w, y * h]);
      const iod = Math.hypot(centres[1][0] - centres[0][0], centres[1][1] - centres[0][1]);
      let sum = 0, n = 0;
      for (const [cx, cy] of centres) {
        for (let y = Math.round(cy - iod / 8); y <= Math.round(cy + iod / 8); y++) {
          for (let x = Math.round(cx - iod / 4); x <= Math.round(cx + iod / 4); x++) {
            if (x < 0 || y < 0 || x >= w || y >= h) continue;
            const o = (y * w + x) * 3;
            sum += 0.299 * rgb[o] + 0.587 * rgb[o + 1] + 0.114 * rgb[o + 2];
            n++;
          }
        }
      }
      if (n) means.push(sum / n);
    },
  });
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)] ?? 0;
}

test.after.always(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

dataTest('the drawn glasses cover the eyes: the face is still found, the eyes are brighter (the lenses reflect)', (t) => {
  const found = glasses.frames.filter((f) => f.face).length;
  t.true(found >= 0.9 * glasses.frames.length, `face on ${found} of ${glasses.frames.length} frames`);
  t.log(`face on ${found} of ${glasses.frames.length} frames; median luma around the eyes ${eyeLuma.plain.toFixed(0)} → ${eyeLuma.glasses.toFixed(0)}`);
  t.true(eyeLuma.glasses > eyeLuma.plain + 30, `luma around the eyes ${eyeLuma.plain.toFixed(0)} → ${eyeLuma.glasses.toFixed(0)}`);
});

dataTest('without glasses the blink at d18 frames 185-188 is found in its window', (t) => {
  t.true(inBlink(plain).length > 0, JSON.stringify(findBlinks(plain.frames, plain.fps)));
});

// Known failure, kept on purpose: behind the drawn glasses the mesh shows no dip at this blink (EAR 0.91-0.97 of the
// clip's median) while the reflections pass over the eyes; the closed lid is still visible in the image, but none of the
// cues measured (README, Blinks behind glasses) tells it from a reflection's passage without losing labelled blinks.
(facesAvailable ? test.serial.failing : test.skip)('behind drawn metal frames with moving reflections the same blink is found in its window (not yet: today\'s rule misses it)', (t) => {
  t.log('blinks found behind the glasses (frame):', findBlinks(glasses.frames, glasses.fps).map((e) => Math.round((e.atMs / 1000) * glasses.fps)).join(', ') || 'none');
  t.true(inBlink(glasses).length > 0);
});
