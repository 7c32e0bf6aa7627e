/**
 * Liveness / face-match evaluation over the labelled face data set.
 *   npx tsx scripts/eval-liveness.ts          (FACES_DIR overrides ../shared/data/faces)
 *   npx tsx scripts/eval-liveness.ts --replay-only   (only the replay of one recorded clip to 50 fresh sessions)
 *   npx tsx scripts/eval-liveness.ts --descriptors-only [--clips d18,d13]   (only the product-like face-match subset, fixed vs quality descriptor frames)
 *   npx tsx scripts/eval-liveness.ts --timing-only   (only the 5 s clip's analysis time, against its every-frame baseline)
 *   npx tsx scripts/eval-liveness.ts --glasses-only [--clips d18,d14,d13,d9]   (only blinks: d13 and the clips with drawn glasses, before/after; talking clips named in --clips get blink and mouth counts)
 * Prints markdown tables: labelled events found, false actions on talking clips, static-image motion,
 * face-match false accepts/rejects over every same/different pair, and analysis time.
 * Temp clips live in a mkdtemp dir removed in `finally`; the data set is only read.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseImage, analyseVideo, BASE_FPS, type DescriptorChoice } from '../bff/src/liveness/analyse.js';
import { ffmpegBinary, probeVideo } from '../bff/src/liveness/decode.js';
import { checkLiveness, referenceDescriptor, shutdownLivenessEngine, warmLivenessEngine, type ActionWindow, type LivenessVerdict } from '../bff/src/liveness/index.js';
import { WorkerPool } from '../bff/src/liveness/pool.js';
import { clipLengthMatches, FACE_MATCH_THRESHOLD, IDENTITY_CONTINUITY_THRESHOLD, findBlinks, findMouthOpenings, landmarkMotion, matchActions, STATIC_MOTION_MAX, unpromptedMouth, type ActionEvent } from '../bff/src/liveness/rules.js';
import { makeSchedule, scheduleWindows, type Schedule } from '../bff/src/liveness/schedule.js';
import { scheduledClip } from '../bff/test/helpers/faces.js';
import { drawGlasses, eyeTrack, GLARE } from '../bff/test/helpers/glasses.js';
import { descriptorSimilarity } from '../bff/src/liveness/similarity.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FACES = path.resolve(process.env.FACES_DIR ?? path.join(repoRoot, '..', 'shared', 'data', 'faces'));
if (!existsSync(path.join(FACES, 'videos', 'd18.mp4'))) {
  console.error(`Face data set not found at ${FACES} (set FACES_DIR). Nothing to evaluate.`);
  process.exit(2);
}
const V = (n: string) => path.join(FACES, 'videos', `${n}.mp4`);

function ff(args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegBinary(), ['-hide_banner', '-v', 'error', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = []; let err = '';
    p.stdout.on('data', (c) => out.push(c)); p.stderr.on('data', (c) => { err += c; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${err.slice(0, 300)}`))));
    p.stdin.end(input ?? Buffer.alloc(0));
  });
}
const frameAt = (video: string, sec: number) => ff(['-ss', sec.toFixed(3), '-i', video, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1']);

// ---- labels (README.md of the data set; 0-based frames at 30 fps)
type Label = { clip: string; action: 'blink' | 'open_mouth'; from: number; to: number };
const LABELS: Label[] = [
  { clip: 'd18', action: 'open_mouth', from: 64, to: 95 }, { clip: 'd18', action: 'open_mouth', from: 117, to: 154 },
  { clip: 'd18', action: 'blink', from: 94, to: 97 }, { clip: 'd18', action: 'blink', from: 185, to: 188 },
  ...[[16, 19], [51, 52], [66, 66], [94, 94], [108, 112], [126, 207], [211, 211], [284, 285], [347, 347], [371, 371], [457, 457]]
    .map(([from, to]) => ({ clip: 'd14', action: 'blink' as const, from, to })),
];
const TOL_FRAMES = 5; // "allow a few frames either way"
const TALKING = ['d0', 'd9', 'd10', 'd12', 'd20'];

// ---- replay (issue 13): one clip recorded for one session, submitted to fresh sessions
const REPLAY_ONLY = process.argv.includes('--replay-only');
const REPLAY_SESSIONS = 50;
const MONTE_CARLO = 200_000;
/**
 * The attacker's clip: d18 performing a blink, a mouth opening and a blink (the clip of issue 13), recorded
 * once for a session that asked for exactly that, at plausible times.
 */
const RECORDED_FOR: Schedule = { prompts: [{ action: 'blink', atMs: 1500 }, { action: 'open_mouth', atMs: 4000 }, { action: 'blink', atMs: 7000 }], durationMs: 9300 };
const asSession = (sc: Schedule) => ({ actions: sc.prompts, durationMs: sc.durationMs });

/** Whether a clip with these events and length passes a schedule's timing rules (the same functions decide() uses). */
function fitsSchedule(events: Map<'blink' | 'open_mouth', ActionEvent[]>, clipMs: number, sc: Schedule): boolean {
  if (!clipLengthMatches(clipMs, sc.durationMs)) return false;
  const m = matchActions(events, scheduleWindows(sc));
  return m.every((x) => x.hit) && !unpromptedMouth(events.get('open_mouth') ?? [], m);
}

/** Builds the replay clip and finds its actions (every frame, iris everywhere), for the Monte Carlo chance. */
async function replayClip(p: WorkerPool, dir: string) {
  const webm = path.join(dir, 'replay.webm'), file = path.join(dir, 'replay.mkv');
  await scheduledClip(asSession(RECORDED_FOR), webm);
  await ff(['-i', webm, '-map', '0:v:0', '-c', 'copy', '-f', 'matroska', '-y', file]); // as the server does with a MediaRecorder WebM
  const a = await analyseVideo(p, file);
  const events = new Map<'blink' | 'open_mouth', ActionEvent[]>([['blink', findBlinks(a.frames, a.fps)], ['open_mouth', findMouthOpenings(a.frames, a.fps)]]);
  let fit = 0;
  for (let k = 0; k < MONTE_CARLO; k++) if (fitsSchedule(events, a.info.durationMs, makeSchedule())) fit++;
  return { file, clipMs: a.info.durationMs, events, chance: fit / MONTE_CARLO };
}

/** Submits the clip to REPLAY_SESSIONS fresh schedules through checkLiveness (the engine as the server runs it), reporting the scheduled prompt times as a replaying client would. */
async function replaySessions(clip: Awaited<ReturnType<typeof replayClip>>, reference: number[] | undefined) {
  const own = await checkLiveness({ videoPath: clip.file, windows: scheduleWindows(RECORDED_FOR), reference: Promise.resolve(reference), expectedMs: RECORDED_FOR.durationMs });
  let passed = 0;
  const reasons = new Map<string, number>();
  for (let k = 0; k < REPLAY_SESSIONS; k++) {
    const sc = makeSchedule();
    const v = await checkLiveness({ videoPath: clip.file, windows: scheduleWindows(sc), reference: Promise.resolve(reference), expectedMs: sc.durationMs });
    if (v.passed) passed++;
    const key = v.passed ? 'passed' : [...new Set(v.reasons.map((r) => r.code))].sort().join(' + ');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const p = clip.chance;
  const lines = [
    `\n### Replay: one recorded clip submitted to ${REPLAY_SESSIONS} fresh sessions`,
    `The clip: d18 performing blink, open_mouth, blink a reaction time (450 ms) after prompts at ${RECORDED_FOR.prompts.map((x) => x.atMs).join(' / ')} ms, ${(clip.clipMs / 1000).toFixed(2)} s long (recorded for that one session); its actions as found: ${[...clip.events].map(([k, e]) => `${k} at ${e.map((x) => Math.round(x.atMs)).join(', ') || '-'} ms`).join('; ')}. The replaying client reports each session's scheduled prompt times, so only the clip's content is judged.`,
    '| | result |\n|---|---|',
    `| the session it was recorded for (control) | ${own.passed ? 'passed' : `failed: ${own.reasons.map((r) => r.code).join(', ')}`} |`,
    `| chance that a fresh schedule fits the clip (timing rules on its found actions, ${MONTE_CARLO.toLocaleString('en')} schedules) | ${(100 * p).toFixed(2)} % |`,
    `| expected passes in ${REPLAY_SESSIONS}; chance of at least one | ${(REPLAY_SESSIONS * p).toFixed(2)}; ${(100 * (1 - (1 - p) ** REPLAY_SESSIONS)).toFixed(1)} % |`,
    `| **measured: passes in ${REPLAY_SESSIONS} fresh sessions** | **${passed} / ${REPLAY_SESSIONS}** |`,
    `| before (the client chose the prompt times) | every session (issue 13) |`,
    `Verdicts: ${[...reasons].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join('; ')}.`,
  ];
  for (const l of lines) log(l);
  return { passed, chance: p };
}

// ---- product-like face match (issue 13): one neutral frontal "ID photo" against a different recording
const DESCRIPTORS_ONLY = process.argv.includes('--descriptors-only');
const CLIPS_ARG = process.argv.includes('--clips') ? process.argv[process.argv.indexOf('--clips') + 1].split(',') : undefined;
/** every clip of the data set is one person (one recording each) */
const PEOPLE = ['d18', 'd14', 'd13', ...TALKING];
/**
 * The "photo": the most neutral of the frames at PHOTO_TIMES_S (the clip's first second, before the
 * recording used as the submission): the smallest MAR among those with the eyes open (EAR >= 0.9 x the
 * highest of them), as an ID photo is taken with the mouth closed and the eyes open.
 */
const PHOTO_TIMES_S = [0.1, 0.3, 0.5, 0.7, 0.9];
/** the "recording": the clip from REST_FROM_S on (after the photo frame), cut into pieces of about PIECE_S s, each one submission */
const REST_FROM_S = 1.0, PIECE_S = 5;

/**
 * The data set has one recording per person, so the closest honest approximation of "ID photo vs a new
 * recording": a neutral frame at the start of a clip, analysed as an ID photo is (analyseImage, full
 * resolution), against the descriptor frames analyseVideo chooses in the rest of the clip (re-encoded
 * pieces from 1 s on, product-like windows: a 1.5 s lead-in, a blink window, then an open_mouth window).
 * Same person: a piece against its own clip's photo. Different people: a piece against every other clip's
 * photo and every still photo of the data set (stock portraits and TV crops, as strangers' ID photos).
 * Score per submission as decide() computes it: the mean similarity of its descriptor frames to the photo.
 */
async function productSubset(p: WorkerPool, dir: string, strangers: { name: string; desc: number[] }[]) {
  const people = CLIPS_ARG ?? PEOPLE;
  const photos = new Map<string, number[] | undefined>(), photoAt = new Map<string, string>();
  type Piece = { who: string; file: string; windows: ActionWindow[]; frames: Map<DescriptorChoice, { i: number; desc: number[]; mar: number; ear: number; yaw: number }[]>; ms: Map<DescriptorChoice, number> };
  const pieces: Piece[] = [];
  for (const who of people) {
    const shots = [];
    for (const t of PHOTO_TIMES_S) shots.push({ t, o: await analyseImage(p, await frameAt(V(who), t)) });
    const usable = shots.filter((x) => x.o.face && x.o.embedding);
    const earMax = Math.max(...usable.map((x) => x.o.face!.ear));
    const photo = usable.filter((x) => x.o.face!.ear >= 0.9 * earMax).sort((a, b) => a.o.face!.mar - b.o.face!.mar)[0];
    photos.set(who, photo?.o.embedding);
    photoAt.set(who, photo ? `${photo.t} s (MAR ${photo.o.face!.mar.toFixed(2)})` : 'no face');
    const dur = (await probeVideo(V(who)))!.durationMs / 1000 - REST_FROM_S;
    const n = Math.max(1, Math.floor(dur / PIECE_S)), len = dur / n;
    for (let k = 0; k < n; k++) {
      const file = path.join(dir, `${who}-${k}.mp4`);
      await ff(['-ss', (REST_FROM_S + k * len).toFixed(3), '-i', V(who), '-t', len.toFixed(3), '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-y', file]);
      const ms = len * 1000;
      pieces.push({ who, file, windows: [{ action: 'blink', startMs: 1500, endMs: 1500 + (ms - 1500) / 2 }, { action: 'open_mouth', startMs: 1500 + (ms - 1500) / 2, endMs: ms }], frames: new Map(), ms: new Map() });
    }
  }
  for (const pc of pieces) for (const mode of ['fixed', 'quality'] as const) {
    const a = await analyseVideo(p, pc.file, { windows: pc.windows, descriptors: mode });
    pc.ms.set(mode, a.totalMs);
    pc.frames.set(mode, a.frames.filter((f) => f.embedding?.length).map((f) => ({ i: f.i, desc: f.embedding!, mar: f.face?.mar ?? NaN, ear: f.face?.ear ?? NaN, yaw: f.face?.yaw ?? NaN })));
  }
  const refs = [...[...photos].filter(([, d]) => d).map(([who, d]) => ({ who, name: `${who} photo`, desc: d! })), ...strangers.map((x) => ({ who: '', name: x.name, desc: x.desc }))];
  log(`\n### Face match, product-like subset: one neutral photo of a person against a different part of their recording`);
  log(`${people.length} people (one clip each; the data set has no second recording of anyone): the "photo" is the most neutral frame of the first second (mouth closed, eyes open; ${[...photoAt].map(([w, x]) => `${w} ${x}`).join(', ')}), analysed as an ID photo; the "recording" is the clip from ${REST_FROM_S} s on, in ${pieces.length} pieces of ${PIECE_S}-${2 * PIECE_S} s, each analysed as a submission (windows: lead-in 1.5 s, blink, open_mouth). Different people: each piece against the other clips' photos and ${strangers.length} still photos of strangers. Score = mean similarity of the 3 descriptor frames to the photo (as decide()); per-frame = each descriptor frame alone.`);
  log('| descriptor frames | same-person (submissions) | different-person | highest different | lowest same | false rejects @ ' + FACE_MATCH_THRESHOLD + ' | false accepts @ ' + FACE_MATCH_THRESHOLD + ' | **false rejects at zero false accepts** (threshold) | per-frame false rejects at zero false accepts | lowest identity-continuity pair | analysis ms (sum) |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  const result = new Map<DescriptorChoice, number>();
  for (const mode of ['fixed', 'quality'] as const) {
    const same: number[] = [], diff: number[] = [], sameF: number[] = [], diffF: number[] = [];
    let cont = Infinity;
    for (const pc of pieces) {
      const fr = pc.frames.get(mode)!;
      for (let a = 0; a < fr.length; a++) for (let b = a + 1; b < fr.length; b++) cont = Math.min(cont, descriptorSimilarity(fr[a].desc, fr[b].desc));
      for (const r of refs) {
        const sims = fr.map((f) => descriptorSimilarity(f.desc, r.desc));
        if (!sims.length) continue;
        const mean = sims.reduce((x, y) => x + y, 0) / sims.length;
        (r.who === pc.who ? same : diff).push(mean);
        (r.who === pc.who ? sameF : diffF).push(...sims);
      }
    }
    const maxD = Math.max(...diff), maxDF = Math.max(...diffF);
    const frz = same.filter((x) => x <= maxD).length, frzF = sameF.filter((x) => x <= maxDF).length;
    result.set(mode, frz);
    const sum = pieces.reduce((t, pc) => t + pc.ms.get(mode)!, 0);
    log(`| ${mode === 'fixed' ? 'before: fixed 20/50/80 %' : 'after: chosen by quality'} | ${same.length} | ${diff.length} | ${maxD.toFixed(3)} | ${Math.min(...same).toFixed(3)} | ${same.filter((x) => x < FACE_MATCH_THRESHOLD).length}/${same.length} | ${diff.filter((x) => x >= FACE_MATCH_THRESHOLD).length}/${diff.length} | **${frz}/${same.length}** (> ${maxD.toFixed(3)}) | ${frzF}/${sameF.length} (> ${maxDF.toFixed(3)}) | ${cont.toFixed(3)} | ${sum.toFixed(0)} |`);
  }
  log('Per submission, same-person score fixed → quality (frames chosen, MAR/EAR of each): ' + pieces.map((pc) => {
    const r = photos.get(pc.who);
    const sc = (m: DescriptorChoice) => { const fr = pc.frames.get(m)!; return r && fr.length ? (fr.reduce((t, f) => t + descriptorSimilarity(f.desc, r), 0) / fr.length).toFixed(3) : '-'; };
    const fm = (m: DescriptorChoice) => pc.frames.get(m)!.map((f) => `${f.i}:${f.mar.toFixed(2)}/${f.ear.toFixed(2)}`).join(' ');
    return `${path.basename(pc.file, '.mp4')} ${sc('fixed')} [${fm('fixed')}] → ${sc('quality')} [${fm('quality')}]`;
  }).join('; '));
  return result;
}

// ---- blinks behind glasses (issue 13): d13 (rimless glasses, real) and clips with drawn metal frames + reflections
const GLASSES_ONLY = process.argv.includes('--glasses-only');
/** --timing-only: only the 5 s clip's analysis time (on a quiet machine: the < 2.5 s target) */
const TIMING_ONLY = process.argv.includes('--timing-only');
/** labelled blinks of the clips glasses are drawn on (data set README; d13 added December 2026, its smiling squint 314-317 is not a blink) */
const BLINK_LABELS: Record<string, [number, number][]> = {
  d18: [[94, 97], [185, 188]],
  d14: [[16, 19], [51, 52], [66, 66], [94, 94], [108, 112], [126, 207], [211, 211], [284, 285], [347, 347], [371, 371], [457, 457]],
  d13: [[42, 45], [78, 82], [102, 104]],
};

/** labelled blinks found by a rule's events (within TOL_FRAMES), and its detections outside every label */
function blinkScore(clip: string, atMs: number[], fps: number) {
  const labels = BLINK_LABELS[clip] ?? [];
  const fr = atMs.map((t) => Math.round((t / 1000) * fps));
  const near = (x: number, [a, b]: [number, number]) => x >= a - TOL_FRAMES && x <= b + TOL_FRAMES;
  return { found: labels.filter((l) => fr.some((x) => near(x, l))).length, of: labels.length, extra: fr.filter((x) => !labels.some((l) => near(x, l))) };
}

/**
 * For each clip: the clip as it is, and the clip with drawn glasses (bff/test/helpers/glasses.ts: the eye track of
 * the first analysis, GLARE reflections), every frame with the iris model (as inside a blink window); blinks by
 * today's rule (findBlinks) and the EAR at each labelled blink. Talking clips named in --clips: blink and mouth counts.
 * The second cues measured on these analyses (ten: a local baseline, a deeper drop, both eyes, blink duration, eye-crop
 * brightness, reflections on the eye, edge orientation, ...) each kept false blinks or lost labelled ones and are not
 * kept: README, Blinks behind glasses.
 */
async function glassesBlinks(p: WorkerPool, dir: string, clips: string[]) {
  log(`\n### Blinks behind glasses: d13 (rimless, real) and drawn metal frames with moving reflections (haze ${GLARE.haze}, streak ${GLARE.streak}, blob ${GLARE.blob})`);
  log(`1-min load average at start: ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores. Every frame at 30 fps with the iris model (as in a blink window). Unlabelled = detections more than ${TOL_FRAMES} frames from every labelled blink (d13's smiling squint at 314-317 counts as unlabelled).`);
  log('| clip | labelled blinks | found (today\'s rule) | unlabelled detections | EAR min / clip median at each labelled blink | analysis ms | drawing ms |');
  log('|---|---|---|---|---|---|---|');
  const rows: { clip: string; found: number; of: number; extra: number }[] = [];
  for (const c of clips.filter((x) => BLINK_LABELS[x])) {
    const t0 = performance.now();
    const a = await analyseVideo(p, V(c));
    const t1 = performance.now();
    const track = eyeTrack(a.frames, Math.max(...a.frames.map((f) => f.i)) + 1);
    const file = path.join(dir, `${c}-glasses.mp4`);
    if (track) await drawGlasses(V(c), file, track);
    const t2 = performance.now();
    const g = track ? await analyseVideo(p, file) : undefined;
    const t3 = performance.now();
    for (const [name, x, ms, draw] of [[c, a, t1 - t0, 0], [`${c} + drawn glasses`, g, t3 - t2, t2 - t1]] as const) {
      if (!x) { log(`| ${name} | no eye track | | | | | |`); continue; }
      const s = blinkScore(c, findBlinks(x.frames, x.fps).map((e) => e.atMs), x.fps);
      rows.push({ clip: name, found: s.found, of: s.of, extra: s.extra.length });
      const eyes = x.frames.filter((f) => f.face && f.eyes);
      const base = [...eyes.map((f) => f.face!.ear)].sort((u, v) => u - v)[Math.floor(eyes.length / 2)];
      const inL = (i: number, [l0, l1]: [number, number]) => i >= l0 && i <= Math.min(l1, l0 + 6);
      const earAt = BLINK_LABELS[c].map((l) => Math.min(...eyes.filter((f) => inL(f.i, l)).map((f) => f.face!.ear)) / base);
      log(`| ${name} | ${s.of} | **${s.found}** | ${s.extra.length}${s.extra.length ? ` (${s.extra.join(', ')})` : ''} | ${earAt.map((v) => v.toFixed(2)).join(', ')} | ${ms.toFixed(0)} | ${draw ? draw.toFixed(0) : ''} |`);
    }
  }
  const talking = clips.filter((x) => TALKING.includes(x));
  if (talking.length) {
    log('\n| talking clip | blink detections | open_mouth detections (at ' + BASE_FPS + ' fps) |\n|---|---|---|');
    for (const c of talking) {
      const a = await analyseVideo(p, V(c));
      const m = await analyseVideo(p, V(c), { windows: [{ action: 'open_mouth', startMs: 0, endMs: 60_000 }] });
      log(`| ${c} | ${findBlinks(a.frames, a.fps).length} | ${findMouthOpenings(m.frames, m.fps).length} |`);
    }
  }
  return rows;
}

/**
 * checkLiveness on a 5 s clip (d18 0-5 s) through the engine as the server runs it (warm, its own pool),
 * 5 interleaved runs each of the product's windows, the fixed descriptor frames and an every-frame baseline;
 * prints the table and returns the medians (ms) and the ID photo's descriptor (for the replay).
 */
async function fiveSecondTiming(dir: string) {
  // a 5-second clip through the public API
  const clip5 = path.join(dir, 'five.mp4');
  await ff(['-i', V('d18'), '-t', '5', '-an', '-y', clip5]);
  const ref = await frameAt(V('d18'), 6.5);
  // Interleaved with a same-run baseline: the same clip with one blink window over the whole clip, i.e. every
  // frame analysed at 30 fps (the sampling before the product's per-window rates). One untimed check first.
  // three prompts the clip answers under the server-dictated rules (each action 150 ms to 2 s after its prompt;
  // d18's second mouth opening, at 3.9 s, needs its own prompt or it counts as unprompted)
  const product: ActionWindow[] = [{ action: 'open_mouth', startMs: 1500, endMs: 2900 }, { action: 'blink', startMs: 2900, endMs: 3700 }, { action: 'open_mouth', startMs: 3700, endMs: 5000 }];
  const baseline: ActionWindow[] = [{ action: 'blink', startMs: 0, endMs: 5000 }];
  // the ID photo's descriptor is ready before the upload, as the server computes it while the person records
  const refDescriptor = await referenceDescriptor(ref);
  await checkLiveness({ videoPath: clip5, reference: Promise.resolve(refDescriptor), windows: product });
  const timed = async (windows: ActionWindow[], descriptors: DescriptorChoice = 'quality') => {
    const c0 = process.cpuUsage(); // worker threads share the process: this is the engine's total CPU time
    const v = await checkLiveness({ videoPath: clip5, reference: Promise.resolve(refDescriptor), windows, descriptors });
    const c1 = process.cpuUsage(c0);
    return { v, wall: v.timings.analyseMs, cpu: Math.round((c1.user + c1.system) / 1000) };
  };
  const runs: number[] = [], cpu: number[] = [], baseRuns: number[] = [], baseCpu: number[] = [], fixedRuns: number[] = [], fixedCpu: number[] = [];
  let last: LivenessVerdict | undefined, lastFixed: LivenessVerdict | undefined, baseFrames = 0;
  for (let k = 0; k < 5; k++) {
    const p = await timed(product);
    last = p.v; runs.push(p.wall); cpu.push(p.cpu);
    const f = await timed(product, 'fixed');
    lastFixed = f.v; fixedRuns.push(f.wall); fixedCpu.push(f.cpu);
    const b = await timed(baseline);
    baseFrames = b.v.scores.framesAnalysed; baseRuns.push(b.wall); baseCpu.push(b.cpu);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const medRun = med(runs);
  log(`\ncheckLiveness on a 5.0 s clip (d18 0-5 s, 30 fps; the ID photo's descriptor computed beforehand), warm engine, 5 runs each, interleaved:`);
  log('| windows | frames analysed | wall ms | median wall | engine CPU ms (median) |\n|---|---|---|---|---|');
  log(`| open_mouth 1.5-2.9 s, blink 2.9-3.7 s, open_mouth 3.7-5.0 s (as the product samples; descriptor frames chosen by quality) | ${last!.scores.framesAnalysed} | ${runs.join(' / ')} | ${medRun} | ${med(cpu)} |`);
  log(`| the same, descriptor frames at fixed 20/50/80 % (before issue 13) | ${lastFixed!.scores.framesAnalysed} | ${fixedRuns.join(' / ')} | ${med(fixedRuns)} | ${med(fixedCpu)} |`);
  log(`Face match on this clip (ID photo: d18 at 6.5 s): quality ${last!.scores.faceMatch}, fixed ${lastFixed!.scores.faceMatch}.`);
  log(`| baseline: every frame (one blink window over the clip) | ${baseFrames} | ${baseRuns.join(' / ')} | ${med(baseRuns)} | ${med(baseCpu)} |`);
  log(`Ratio product / baseline: wall ${(medRun / med(baseRuns)).toFixed(2)}, CPU ${(med(cpu) / med(baseCpu)).toFixed(2)}. Product verdict passed=${last!.passed}; target < 2500 ms; load average now ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores.`);

  return { medRun, fixedMed: med(fixedRuns), baseMed: med(baseRuns), cpuMed: med(cpu), refDescriptor };
}

const pool = new WorkerPool();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'eval-liveness-'));
const md: string[] = [];
class ReplayDone extends Error {}
const log = (s = '') => { md.push(s); console.log(s); };

try {
  await pool.warm();
  if (REPLAY_ONLY) {
    const clip = await replayClip(pool, tmp);
    const ref = await frameAt(V('d18'), 6.5);
    await pool.close();
    await warmLivenessEngine();
    await replaySessions(clip, await referenceDescriptor(ref));
    throw new ReplayDone();
  }
  if (TIMING_ONLY) {
    await pool.close();
    await warmLivenessEngine();
    log(`1-min load average at start: ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`);
    await fiveSecondTiming(tmp);
    throw new ReplayDone();
  }
  if (GLASSES_ONLY) {
    await glassesBlinks(pool, tmp, CLIPS_ARG ?? Object.keys(BLINK_LABELS));
    throw new ReplayDone();
  }
  if (DESCRIPTORS_ONLY) {
    const strangers: { name: string; desc: number[] }[] = [];
    const stockDir = path.join(FACES, 'photos', 'stock');
    for (const f of readdirSync(stockDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
      const desc = (await analyseImage(pool, readFileSync(path.join(stockDir, f)))).embedding;
      if (desc) strangers.push({ name: f, desc });
    }
    log(`1-min load average at start: ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`);
    await productSubset(pool, tmp, strangers);
    throw new ReplayDone();
  }
  const load = os.loadavg()[0];
  // ---------------------------------------------------------------- actions
  // Two analyses per clip, as the product samples them (analyse.frameSelector): blinks at the full 30 fps
  // (as inside a blink window), mouth openings at the base rate (as inside an open_mouth window).
  type Analysis = Awaited<ReturnType<typeof analyseVideo>>;
  const analyses = new Map<string, Analysis>(), mouthAnalyses = new Map<string, Analysis>();
  for (const c of ['d18', 'd14', ...TALKING]) {
    analyses.set(c, await analyseVideo(pool, V(c)));
    mouthAnalyses.set(c, await analyseVideo(pool, V(c), { windows: [{ action: 'open_mouth', startMs: 0, endMs: 60_000 }] }));
  }
  const eventsOf = (c: string, action: 'blink' | 'open_mouth') => {
    const a = (action === 'blink' ? analyses : mouthAnalyses).get(c)!;
    return action === 'blink' ? findBlinks(a.frames, a.fps) : findMouthOpenings(a.frames, a.fps);
  };

  log(`### Labelled actions (blinks: every frame at 30 fps, as in a blink window; mouth: at ${BASE_FPS} fps, as in an open_mouth window)`);
  log('| clip | action | labelled frames | found | at frame | peak |');
  log('|---|---|---|---|---|---|');
  let found = 0;
  const matched = new Set<string>();
  for (const l of LABELS) {
    const evs = eventsOf(l.clip, l.action);
    const dist = (e: { atMs: number }) => { const f = (e.atMs / 1000) * 30; return f < l.from ? l.from - f : f > l.to ? f - l.to : 0; };
    const ev = evs.filter((e) => dist(e) <= TOL_FRAMES).sort((a, b) => dist(a) - dist(b))[0];
    if (ev) { found++; matched.add(`${l.clip}:${l.action}:${ev.atMs}`); }
    log(`| ${l.clip} | ${l.action} | ${l.from}-${l.to} | ${ev ? 'yes' : '**NO**'} | ${ev ? Math.round((ev.atMs / 1000) * 30) : ''} | ${ev ? ev.peak.toFixed(2) : ''} |`);
  }
  log(`\nFound ${found}/${LABELS.length} labelled events.`);
  for (const c of ['d18', 'd14']) {
    const extra = [...eventsOf(c, 'blink').map((e) => ({ ...e, action: 'blink' })), ...eventsOf(c, 'open_mouth').map((e) => ({ ...e, action: 'open_mouth' }))]
      .filter((e) => !matched.has(`${c}:${e.action}:${e.atMs}`));
    log(`Unlabelled detections on ${c}: ${extra.length ? extra.map((e) => `${e.action}@frame ${Math.round((e.atMs / 1000) * 30)}`).join(', ') : 'none'}`);
  }

  log('\n### Talking / no-action clips: detections anywhere in the clip (= in any window one could request)');
  log('| clip | seconds | open_mouth detections | blink detections (frame @ clip fps) | landmark motion |');
  log('|---|---|---|---|---|');
  let falseMouth = 0;
  for (const c of TALKING) {
    const a = analyses.get(c)!;
    const m = eventsOf(c, 'open_mouth'), b = eventsOf(c, 'blink');
    falseMouth += m.length;
    log(`| ${c} | ${(a.info.durationMs / 1000).toFixed(1)} | ${m.length}${m.length ? ` (${m.map((e) => Math.round((e.atMs / 1000) * a.fps)).join(', ')})` : ''} | ${b.length}${b.length ? ` (${b.map((e) => Math.round((e.atMs / 1000) * a.fps)).join(', ')})` : ''} | ${landmarkMotion(a.frames).toFixed(4)} |`);
  }

  // ---------------------------------------------------------------- static image
  const still = path.join(tmp, 'still.mp4');
  const stillPng = await frameAt(V('d18'), 1.0);
  await ff(['-f', 'image2pipe', '-i', 'pipe:0', '-loop', '1', '-t', '5', '-r', '30', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', still], stillPng).catch(async () => {
    await ff(['-loop', '1', '-f', 'image2pipe', '-i', 'pipe:0', '-t', '5', '-r', '30', '-pix_fmt', 'yuv420p', '-y', still], stillPng);
  });
  const stillA = await analyseVideo(pool, still);
  const realMotions = [...analyses.values()].map((a) => landmarkMotion(a.frames));
  log(`\n### Static image\nVideo looped from one d18 frame: landmark motion ${landmarkMotion(stillA.frames).toFixed(5)}, blinks ${findBlinks(stillA.frames, stillA.fps).length}, mouth openings ${findMouthOpenings(stillA.frames, stillA.fps).length}; real clips: min ${Math.min(...realMotions).toFixed(4)}, max ${Math.max(...realMotions).toFixed(4)}; threshold STATIC_MOTION_MAX = ${STATIC_MOTION_MAX}.`);

  const glasses = await glassesBlinks(pool, tmp, Object.keys(BLINK_LABELS));

  // ---------------------------------------------------------------- face match
  type Item = { group: string; name: string; desc?: number[] };
  const items: Item[] = [];
  const FRAMES_PER_CLIP = 6;
  for (const c of ['d18', 'd14', ...TALKING]) {
    const dur = analyses.get(c)!.info.durationMs / 1000;
    for (let k = 0; k < FRAMES_PER_CLIP; k++) {
      const sec = ((k + 0.5) / FRAMES_PER_CLIP) * dur;
      items.push({ group: `clip ${c}`, name: `${c}@${sec.toFixed(1)}s`, desc: (await analyseImage(pool, await frameAt(V(c), sec))).embedding });
    }
  }
  const stock = path.join(FACES, 'photos', 'stock');
  for (const f of readdirSync(stock).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
    const group = f.startsWith('person-vlado') ? 'person-vlado*' : f.startsWith('stock-emotions-a-') ? 'stock-emotions-a' : f.startsWith('stock-emotions-b-') ? 'stock-emotions-b' : f.replace(/\.\w+$/, '');
    items.push({ group, name: f, desc: (await analyseImage(pool, readFileSync(path.join(stock, f)))).embedding });
  }
  const crops = path.join(FACES, 'photos', 'crops');
  for (const who of readdirSync(crops).filter((d) => !d.includes('.')).sort()) {
    for (const f of readdirSync(path.join(crops, who)).sort()) {
      items.push({ group: `crops/${who}`, name: f, desc: (await analyseImage(pool, readFileSync(path.join(crops, who, f)))).embedding });
    }
  }
  const noFace = items.filter((i) => !i.desc);
  const ok = items.filter((i) => i.desc);
  const same: { s: number; a: Item; b: Item }[] = [], diff: { s: number; a: Item; b: Item }[] = [];
  for (let x = 0; x < ok.length; x++) for (let y = x + 1; y < ok.length; y++) {
    const s = descriptorSimilarity(ok[x].desc!, ok[y].desc!);
    (ok[x].group === ok[y].group ? same : diff).push({ s, a: ok[x], b: ok[y] });
  }
  const fa = (t: number) => diff.filter((p) => p.s >= t).length, fr = (t: number) => same.filter((p) => p.s < t).length;
  log(`\n### Face match (human faceres 1024-d, similarity as human.match.similarity)`);
  log(`${items.length} images (${noFace.length} without a detected face: ${noFace.map((i) => i.name).join(', ') || '-'}), ${same.length} same-person pairs, ${diff.length} different-person pairs. Groups: 6 frames of each clip, person-vlado*, stock-emotions-a/-b, each crops/NAME, other stock portraits as single-image groups.`);
  log('| threshold | false accepts (different people) | false rejects (same person) |');
  log('|---|---|---|');
  for (const t of [...new Set([0.35, 0.4, 0.45, FACE_MATCH_THRESHOLD, 0.5, 0.55, 0.6])].sort((a, b) => a - b)) {
    log(`| ${t.toFixed(2)}${t === FACE_MATCH_THRESHOLD ? ' (chosen)' : ''} | ${fa(t)}/${diff.length} | ${fr(t)}/${same.length} (${((100 * fr(t)) / same.length).toFixed(1)} %) |`);
  }
  const maxDiff = diff.reduce((m, p) => (p.s > m.s ? p : m), diff[0]);
  const minSame = same.reduce((m, p) => (p.s < m.s ? p : m), same[0]);
  log(`Highest different-person similarity ${maxDiff.s.toFixed(3)} (${maxDiff.a.name} vs ${maxDiff.b.name}); lowest same-person ${minSame.s.toFixed(3)} (${minSame.a.name} vs ${minSame.b.name}).`);
  const byGroup = new Map<string, number[]>();
  for (const p of same) { const g = byGroup.get(p.a.group) ?? []; g.push(p.s); byGroup.set(p.a.group, g); }
  log('Same-person similarity per group (min / median): ' + [...byGroup].map(([g, v]) => { v.sort((a, b) => a - b); return `${g} ${v[0].toFixed(2)}/${v[Math.floor(v.length / 2)].toFixed(2)}`; }).join('; '));
  const rejects = same.filter((p) => p.s < FACE_MATCH_THRESHOLD);
  // why a same-person pair fails (heuristic labels from the data set's README)
  const why = (p: { a: Item; b: Item }) => {
    const r: string[] = [];
    if ([p.a, p.b].some((i) => i.group.startsWith('crops/'))) r.push('TV crop 150 px (< 160 px)');
    if ([p.a, p.b].some((i) => i.group.startsWith('stock-emotions'))) r.push(/-(1|4)\.jpg$/.test(p.a.name) || /-(1|4)\.jpg$/.test(p.b.name) ? 'extreme expression, eyes closed' : 'extreme expression');
    if (p.a.group.startsWith('clip ')) r.push('same clip, expression/pose change');
    if (p.a.group === 'person-vlado*') r.push('different photos/ages/lighting');
    return r.join(' + ') || 'unknown';
  };
  if (rejects.length) {
    const byWhy = new Map<string, number>();
    for (const p of rejects) byWhy.set(why(p), (byWhy.get(why(p)) ?? 0) + 1);
    log('| false-reject cause | pairs |\n|---|---|\n' + [...byWhy].sort((a, b) => b[1] - a[1]).map(([k, n]) => `| ${k} | ${n} |`).join('\n'));
    log('False rejects at the chosen threshold: ' + rejects.map((p) => `${p.a.name}~${p.b.name} ${p.s.toFixed(2)} (${why(p)})`).join(', '));
  }

  const productFr = await productSubset(pool, tmp, ok.filter((i) => !i.group.startsWith('clip ')).map((i) => ({ name: i.name, desc: i.desc! })));

  // ---------------------------------------------------------------- timing
  log('\n### Analysis time (wall clock, 2 workers; 1-min load average at start: ' + load.toFixed(2) + ' on ' + os.availableParallelism() + ' cores)');
  log('| clip | video s | sampling | frames | decode ms | total ms | ms per video second |');
  log('|---|---|---|---|---|---|---|');
  for (const [c, a] of analyses) {
    for (const [rate, x] of [['30 fps (blink window)', a], [`${BASE_FPS} fps (elsewhere)`, mouthAnalyses.get(c)!]] as const) {
      log(`| ${c} | ${(x.info.durationMs / 1000).toFixed(1)} | ${rate} | ${x.frames.length} | ${x.decodeMs.toFixed(0)} | ${x.totalMs.toFixed(0)} | ${(x.totalMs / (x.info.durationMs / 1000)).toFixed(0)} |`);
    }
  }
  // the engine's own pool, its models loaded as the server does at start (main.ts); the evaluation pool above is closed
  const replay = await replayClip(pool, tmp);
  await pool.close();
  await warmLivenessEngine();
  const five = await fiveSecondTiming(tmp);
  const replayed = await replaySessions(replay, five.refDescriptor);

  log('\n### Summary');
  log(`| target | result |\n|---|---|`);
  log(`| every labelled blink and mouth opening found | ${found}/${LABELS.length} |`);
  log(`| no false open_mouth on talking clips | ${falseMouth} |`);
  log(`| blinks behind glasses (issue 13): found by today's rule, unlabelled detections | ${glasses.map((r) => `${r.clip} ${r.found}/${r.of}, ${r.extra}`).join('; ')} |`);
  log(`| no false accept among different people @ ${FACE_MATCH_THRESHOLD} | ${fa(FACE_MATCH_THRESHOLD)}/${diff.length} |`);
  log(`| false rejects <= 5 % @ ${FACE_MATCH_THRESHOLD} | ${fr(FACE_MATCH_THRESHOLD)}/${same.length} (${((100 * fr(FACE_MATCH_THRESHOLD)) / same.length).toFixed(1)} %) |`);
  log(`| a recorded clip replayed to ${REPLAY_SESSIONS} fresh sessions: 0 | ${replayed.passed}/${REPLAY_SESSIONS} (chance per session ${(100 * replayed.chance).toFixed(2)} %) |`);
  log(`| product-like subset: false rejects at zero false accepts, fixed → quality descriptor frames | ${productFr.get('fixed')} → ${productFr.get('quality')} |`);
  log(`| 5 s clip < 2.5 s | median ${five.medRun} ms wall (fixed descriptor frames: ${five.fixedMed} ms) (${(five.medRun / five.baseMed).toFixed(2)} x the every-frame baseline); engine CPU median ${five.cpuMed} ms on ${os.availableParallelism()} cores |`);
} catch (e) {
  if (!(e instanceof ReplayDone)) throw e;
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await pool.close();
  await shutdownLivenessEngine();
}
