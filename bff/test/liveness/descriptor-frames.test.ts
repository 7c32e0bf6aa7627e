/**
 * Descriptor frame choice (issue 13): the pure parts of analyse.ts — where the candidates are and how they
 * rank. No models, no data set: runs in milliseconds. The effect on real clips is measured by
 * `npm run eval:liveness` (product-like subset) and engine.test.ts.
 */
import test from 'ava';
import { CANDIDATES_PER_SEGMENT, DESCRIPTOR_SEGMENTS, descriptorCandidates, descriptorQuality, frameSelector } from '../../src/liveness/analyse.js';
import type { FrameObs } from '../../src/liveness/protocol.js';

/** a signature with the mouth corners (points 61 / 291, signature slots 14 / 15) `mw` inter-ocular distances apart */
const sig = (mw: number) => { const s = new Array(46).fill(0); s[28] = -mw / 2; s[30] = mw / 2; return s; };
const frame = (over: Partial<NonNullable<FrameObs['face']>> = {}, faces = 1): FrameObs => ({
  i: 0, faces, detector: true, eyes: false, frameLuma: 120, ms: 0,
  face: { score: 0.9, box: [0.3, 0.2, 0.4, 0.5], ear: 0.3, mar: 0.02, yaw: 0, sig: sig(1), luma: 120, sharp: 10, ...over },
});
const ref = { ear: { plain: 0.3 }, mouthWidth: 1, sharp: 10 };

test('descriptorQuality: a neutral frontal sharp frame beats a blink, an open mouth, pursed lips, a turned head, blur and darkness', (t) => {
  const good = descriptorQuality(frame(), ref);
  for (const [what, o] of [
    ['blink', frame({ ear: 0.15 })], ['open mouth', frame({ mar: 0.3 })], ['pursed lips', frame({ sig: sig(0.8) })],
    ['turned head', frame({ yaw: 0.35 })], ['blurred', frame({ sharp: 4 })], ['dark', frame({ luma: 25 })],
  ] as const) t.true(descriptorQuality(o, ref) < good - 0.2, what);
  t.true(descriptorQuality({ ...frame(), face: undefined }, ref) < descriptorQuality(frame({ yaw: 1, mar: 1, ear: 0 }), ref), 'no face ranks last');
  t.true(descriptorQuality(frame({}, 2), ref) < descriptorQuality(frame({ mar: 1, yaw: 1 }), ref), 'a second face ranks below any single face');
});

test('descriptorCandidates: with windows the lead-in and the two halves of the rest, analysed frames only; without windows thirds', (t) => {
  const fps = 30, expected = 150; // 5 s
  const windows = [{ action: 'blink' as const, startMs: 1500, endMs: 3000 }, { action: 'open_mouth' as const, startMs: 3000, endMs: 5000 }];
  const sel = frameSelector(fps, windows);
  const segs = descriptorCandidates(expected, fps, sel, windows);
  t.is(segs.length, DESCRIPTOR_SEGMENTS);
  for (const s of segs) t.is(s.length, CANDIDATES_PER_SEGMENT);
  t.true(segs[0].every((i) => i < 45), 'first segment inside the 1.5 s lead-in');
  t.true(segs[1].every((i) => i >= 45 && i < 98) && segs[2].every((i) => i >= 98 && i < 150));
  t.true(segs.flat().every(sel), 'only frames the main pass analyses');
  const thirds = descriptorCandidates(expected, fps, frameSelector(fps, []), []);
  t.deepEqual(thirds.map((s) => [Math.min(...s) >= [0, 50, 100][thirds.indexOf(s)], Math.max(...s) < [50, 100, 150][thirds.indexOf(s)]]), [[true, true], [true, true], [true, true]]);
});
