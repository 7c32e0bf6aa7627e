/**
 * Worker thread: owns one Human instance (models loaded once per worker) and turns RGB frames
 * into per-frame observations. Never logs or persists image data.
 */
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { padEdges } from './analyse.js';
import { decodeImage } from './decode.js';
import { humanPackageDir, loadHuman, type LoadedHuman } from './human-loader.js';
import { faceGeometry, landmarkSignature } from './metrics.js';
import type { FaceObs, FrameObs, WorkerRequest, WorkerResponse } from './protocol.js';

if (!parentPort) throw new Error('liveness worker must run in a worker thread');
const port = parentPort;

/**
 * How one frame is analysed: human's per-call configuration, whether the face detector runs (else the face
 * is tracked from the previous frame) and whether the iris model refines the eyes. human.detect() merges a
 * configuration into its own *persistently*, so every mode sets every switch another mode changes.
 */
interface Mode { config: object; detector: boolean; eyes: boolean }
const OFF = { description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } };
/**
 * Geometry only. With the detector: cacheSensitivity 0 disables box reuse. Tracking: reuse the previous
 * frame's mesh-derived box and run facemesh (+ iris) only, about half the cost. The iris model only where
 * blinks are judged.
 */
function geometryMode(detector: boolean, eyes: boolean): Mode {
  const face = { ...OFF, iris: { enabled: eyes }, detector: detector ? { rotation: false } : { rotation: false, skipFrames: 1000, skipTime: 1e9 } };
  return { detector, eyes, config: { cacheSensitivity: detector ? 0 : 0.7, filter: { equalization: false }, face } };
}
const GEOMETRY = [false, true].map((detector) => [false, true].map((eyes) => geometryMode(detector, eyes)));
const geometry = (detector: boolean, eyes: boolean) => GEOMETRY[Number(detector)][Number(eyes)];
/**
 * full: detector + mesh + descriptor + antispoof + liveness, on a greyscale frame, with the face crop
 * rotated upright (detector.rotation) and histogram-equalised (filter.equalization). Measured on the
 * eval's photo set (109 images, 244 same-person / 5642 different-person pairs; false rejects at the
 * highest threshold with no false accept): colour, unrotated 81; rotated 73; rotated + equalised 69;
 * rotated + equalised + greyscale 65 (the closest different-person pair also moved further apart:
 * distance 10.16 → 10.43). Other settings measured worse: crop scale 1.2 (80) or 1.6 (144),
 * description.crop 0.08 (84), mirror-averaged descriptors (77), and human-models' faceres-deep (154),
 * mobilefacenet (174) and mobileface (203) descriptors.
 */
const FULL: Mode = {
  detector: true,
  eyes: true,
  config: { cacheSensitivity: 0, filter: { equalization: true }, face: { iris: { enabled: true }, detector: { rotation: true }, description: { enabled: true }, antispoof: { enabled: true }, liveness: { enabled: true } } },
};

/** BT.601 luma (0..255) of the RGB24 pixel at byte offset o */
const luma = (rgb: Uint8Array, o: number) => 0.299 * rgb[o] + 0.587 * rgb[o + 1] + 0.114 * rgb[o + 2];

/** in place: RGB → grey (luma in all three channels), for descriptor frames (see FULL) */
function toGrey(rgb: Uint8Array): void {
  for (let o = 0; o < rgb.length; o += 3) rgb[o] = rgb[o + 1] = rgb[o + 2] = luma(rgb, o);
}

let loaded: LoadedHuman;

function faceLuma(rgb: Uint8Array, w: number, h: number, box: [number, number, number, number]): number {
  const x0 = Math.max(0, Math.floor(box[0])), y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(w, Math.ceil(box[0] + box[2])), y1 = Math.min(h, Math.ceil(box[1] + box[3]));
  let sum = 0, n = 0;
  for (let y = y0; y < y1; y += 3) {
    for (let x = x0; x < x1; x += 3) {
      sum += luma(rgb, (y * w + x) * 3);
      n++;
    }
  }
  return n ? sum / n : 0;
}

/**
 * Sharpness of the face: mean absolute 4-neighbour Laplacian of the luma inside the face box, every 2nd
 * pixel in each direction (about 6,000 pixels on a 320 px frame's face: well under 1 ms). Motion blur and
 * defocus lower it; it is compared only between frames of one clip (analyse.descriptorQuality).
 */
function faceSharpness(rgb: Uint8Array, w: number, h: number, box: [number, number, number, number]): number {
  const x0 = Math.max(1, Math.floor(box[0])), y0 = Math.max(1, Math.floor(box[1]));
  const x1 = Math.min(w - 1, Math.ceil(box[0] + box[2])), y1 = Math.min(h - 1, Math.ceil(box[1] + box[3]));
  let sum = 0, n = 0;
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1; x += 2) {
      const o = (y * w + x) * 3;
      sum += Math.abs(4 * luma(rgb, o) - luma(rgb, o - 3) - luma(rgb, o + 3) - luma(rgb, o - 3 * w) - luma(rgb, o + 3 * w));
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** eye corners (MediaPipe mesh): subject's right eye outer/inner, left eye outer/inner */
const EYE_CORNERS = [[33, 133], [263, 362]] as const;

async function observe(rgb: Uint8Array, w: number, h: number, i: number, mode: Mode): Promise<FrameObs> {
  const { human, tf } = loaded;
  const t0 = performance.now();
  if (mode === FULL) toGrey(rgb);
  const t = tf.tensor3d(rgb, [h, w, 3], 'int32');
  let res: any;
  try {
    res = await human.detect(t, mode.config);
  } finally {
    tf.dispose(t);
  }
  const faces: any[] = (res?.face ?? []).filter((f: any) => f.mesh?.length >= 468);
  const obs: FrameObs = { i, faces: faces.length, detector: mode.detector, eyes: mode.eyes, frameLuma: faceLuma(rgb, w, h, [0, 0, w, h]), ms: performance.now() - t0 };
  if (!faces.length) return obs;
  faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  // a second face counts only if it is at least 30% of the main face's width (ignores tiny background false positives)
  obs.faces = faces.filter((f) => f.box[2] >= 0.3 * faces[0].box[2]).length;
  const f = faces[0];
  const g = faceGeometry(f.mesh);
  if (!g) return obs;
  const face: FaceObs = {
    score: f.score,
    box: [f.box[0] / w, f.box[1] / h, f.box[2] / w, f.box[3] / h],
    ear: g.ear, mar: g.mar, yaw: g.yaw,
    sig: landmarkSignature(f.mesh),
    luma: faceLuma(rgb, w, h, f.box),
    sharp: faceSharpness(rgb, w, h, f.box),
  };
  if (mode.eyes) {
    face.eyeCorners = EYE_CORNERS.flatMap(([a, b]) => [f.mesh[a][0] / w, f.mesh[a][1] / h, f.mesh[b][0] / w, f.mesh[b][1] / h]);
  }
  obs.face = face;
  if (mode === FULL) { // other modes may hand back human's cached values from an earlier frame: ignore them
    if (f.embedding?.length) obs.embedding = Array.from(f.embedding as ArrayLike<number>);
    if (typeof f.real === 'number') obs.real = f.real;
    if (typeof f.live === 'number') obs.live = f.live;
  }
  return obs;
}

async function handle(msg: WorkerRequest): Promise<FrameObs[]> {
  const all = new Uint8Array(msg.buf);
  const size = msg.width * msg.height * 3;
  if (msg.type === 'image') return [await observe(all.subarray(0, size), msg.width, msg.height, 0, FULL)];
  if (msg.type === 'describe') { // geometry came from the main pass: hand back only the descriptor models' results
    const d = await observe(all.subarray(0, size), msg.width, msg.height, msg.i, FULL);
    return [{ i: msg.i, faces: d.faces, detector: true, eyes: true, frameLuma: d.frameLuma, ms: d.ms, embedding: d.embedding, real: d.real, live: d.live }];
  }
  const out: FrameObs[] = [];
  const describe = new Set(msg.describe), eyes = new Set(msg.eyes);
  for (let k = 0; k < msg.indices.length; k++) {
    const i = msg.indices[k];
    const rgb = all.subarray(k * size, (k + 1) * size);
    const obs = await observe(rgb, msg.width, msg.height, i, geometry(k % msg.detectEvery === 0, eyes.has(i)));
    if (describe.has(i)) {
      // geometry from the normal pass above (the descriptor pass's grey, equalised, rotated crop moves the
      // mesh: d18's first mouth opening was lost with MAR taken from it), the descriptor from a grey copy
      const d = await observe(rgb.slice(), msg.width, msg.height, i, FULL);
      Object.assign(obs, { embedding: d.embedding, real: d.real, live: d.live, ms: obs.ms + d.ms });
    }
    out.push(obs);
  }
  return out;
}

/**
 * One pass of each mode on the face photo human bundles for its own warm-up (src/sample.ts, a base64 JPEG),
 * so the first check after start pays less for first inferences: on the 5 s eval clip the first check after
 * start took 4.0 and 4.3 s without it, 3.0 and 3.4 s with it (the next checks 2.2-2.9 s). Best effort:
 * a failure here only costs that time.
 */
async function warmUp(): Promise<void> {
  let b64: string | undefined;
  try {
    b64 = /export const face: string = `([^`]+)`/.exec(readFileSync(path.join(humanPackageDir(), 'src', 'sample.ts'), 'utf8'))?.[1];
  } catch { return; }
  if (!b64) return;
  const bytes = Buffer.from(b64.replace(/\s/g, ''), 'base64');
  // at the sizes the worker meets: video frames (longer side 320) and ID photos (up to 640)
  const sample = await decodeImage(bytes, 640);
  for (const side of [320, 640]) {
    const img = padEdges(sample, Math.max(0, (side / Math.max(sample.width, sample.height) - 1) / 2));
    for (const mode of [...GEOMETRY.flat(), FULL]) await observe(img.rgb.slice(), img.width, img.height, 0, mode);
  }
}

try {
  loaded = await loadHuman();
  await warmUp().catch(() => { /* best effort, see warmUp */ });
  port.postMessage({ id: -1, ok: true, ready: true } satisfies WorkerResponse);
} catch (e) {
  port.postMessage({ id: -1, ok: false, error: String((e as Error)?.message ?? e) } satisfies WorkerResponse);
}

port.on('message', async (msg: WorkerRequest) => {
  try {
    const frames = await handle(msg);
    port.postMessage({ id: msg.id, ok: true, frames } satisfies WorkerResponse);
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: String((e as Error)?.message ?? e) } satisfies WorkerResponse);
  }
});
