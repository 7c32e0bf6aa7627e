/**
 * Test clips of a person wearing metal-framed glasses with bright reflections on the lenses (issue 13), drawn
 * over a labelled clip of the face data set (../shared/data/faces, read only). No clip of the data set has
 * such glasses; the failing case was a real one. Written to a temp file by the caller, never committed.
 *
 * How: the clip is analysed once (every frame, iris-refined mesh: FaceObs.eyeCorners), the eye corners are
 * smoothed into a per-frame track (eyeTrack), then every frame is decoded at its own resolution as RGB24 by
 * the ffmpeg of @ffmpeg-installer, drawn on here (drawGlassesFrame) and re-encoded (H.264, CRF 18):
 *   - two lens outlines (ellipses 0.84 x 0.60 of the eye-centre distance `iod`, rotated with the head's roll)
 *     as a thick dark metal rim (0.055 iod, grey 38-45 with a thin brighter top edge), a bridge and temples;
 *   - on the lenses a whitish haze (alpha GLARE.haze) and two moving specular reflections: a wide diagonal
 *     streak that sweeps back and forth across the lens (period 1.3 s) and a bright soft blob circling the
 *     lens centre (period 2.1 s), alpha up to GLARE.streak / GLARE.blob, the same pattern in both lenses
 *     (one light source), shifted a little between them.
 */
import { spawn } from 'node:child_process';
import { ffmpegBinary } from '../../src/liveness/decode.js';
import type { FrameObs } from '../../src/liveness/protocol.js';

/**
 * Reflection strength: alpha of the whole-lens haze, the sweeping streak and the blob (0..1, white blended over
 * the frame). Measured on d18 (2026-12-01, every frame, iris model): at haze 0.5 today's rule finds 1 of its 2
 * blinks and 9 false ones (every pass of the streak over the eye dips the mesh's EAR), the eye still visible in
 * the crop; at haze 0.85 it finds 0 of 2 (and 9 false), the eye crop is then nearly uniform (10th and 90th
 * luma percentiles within 5 % of their local level at the blinks), so no cue from the image can see a blink.
 */
export const GLARE = { haze: 0.5, streak: 0.9, blob: 0.95 };

/**
 * Per-frame eye corners in normalised coordinates (8 numbers, as FaceObs.eyeCorners) for frames 0..n-1: each
 * frame the median over the frames within +-2 that have them (blinks and mesh jitter do not move the corners
 * much), gaps filled from the nearest frame that has them. Undefined when no frame has them.
 */
export function eyeTrack(frames: FrameObs[], n: number): number[][] | undefined {
  const at = new Map<number, number[]>();
  for (const f of frames) if (f.face?.eyeCorners) at.set(f.i, f.face.eyeCorners);
  if (!at.size) return undefined;
  const known = [...at.keys()].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let near = [i - 2, i - 1, i, i + 1, i + 2].filter((k) => at.has(k));
    if (!near.length) near = [known.reduce((best, k) => (Math.abs(k - i) < Math.abs(best - i) ? k : best), known[0])];
    out.push(at.get(near[0])!.map((_, c) => { const v = near.map((k) => at.get(k)![c]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; }));
  }
  return out;
}

/**
 * Draws glasses and reflections on one RGB24 frame in place. `corners` as eyeTrack's rows, `i` the frame index
 * (the reflections move with it, at 30 fps).
 */
export function drawGlassesFrame(rgb: Uint8Array, w: number, h: number, corners: number[], i: number, glare = GLARE): void {
  const px = (k: number) => [corners[k] * w, corners[k + 1] * h];
  const [ro, ri, lo, li] = [px(0), px(2), px(4), px(6)];
  const cR = [(ro[0] + ri[0]) / 2, (ro[1] + ri[1]) / 2], cL = [(lo[0] + li[0]) / 2, (lo[1] + li[1]) / 2];
  const iod = Math.hypot(cL[0] - cR[0], cL[1] - cR[1]);
  if (iod < 8) return;
  const ux = (cL[0] - cR[0]) / iod, uy = (cL[1] - cR[1]) / iod; // along the eyes (image left to right)
  const vx = -uy, vy = ux; // downwards
  const a = 0.42 * iod, b = 0.3 * iod, rim = 0.055 * iod;
  const t = i / 30;
  // lens centres a little above the eye line; the bounding box of both lenses, rims and temples
  const lens = [cR, cL].map((c) => [c[0] - 0.04 * iod * vx, c[1] - 0.04 * iod * vy]);
  const reach = a + 0.7 * iod;
  const mid = [(lens[0][0] + lens[1][0]) / 2, (lens[0][1] + lens[1][1]) / 2];
  const x0 = Math.max(0, Math.floor(mid[0] - iod / 2 - reach)), x1 = Math.min(w - 1, Math.ceil(mid[0] + iod / 2 + reach));
  const y0 = Math.max(0, Math.floor(mid[1] - reach)), y1 = Math.min(h - 1, Math.ceil(mid[1] + reach));
  // reflections, in lens coordinates normalised by (a, b): streak across at 35 degrees, sweeping; a circling blob
  const sweep = 0.75 * Math.sin((2 * Math.PI * t) / 1.3);
  const ang = (35 * Math.PI) / 180, sa = Math.sin(ang), ca = Math.cos(ang);
  const blob = [0.35 * Math.cos((2 * Math.PI * t) / 2.1), 0.3 * Math.sin((2 * Math.PI * t) / 2.1) - 0.1];
  const blend = (o: number, alpha: number, to: number) => {
    for (let c = 0; c < 3; c++) rgb[o + c] = Math.round(rgb[o + c] * (1 - alpha) + to * alpha);
  };
  const segDist = (x: number, y: number, p: number[], q: number[]) => {
    const dx = q[0] - p[0], dy = q[1] - p[1];
    const s = Math.max(0, Math.min(1, ((x - p[0]) * dx + (y - p[1]) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - p[0] - s * dx, y - p[1] - s * dy);
  };
  // bridge between the inner rims (slightly arched up), temples from the outer rims outwards
  const inner = (k: number, dir: number) => [lens[k][0] + dir * a * ux - 0.12 * b * vx, lens[k][1] + dir * a * uy - 0.12 * b * vy];
  const bridge = [inner(0, 1), [mid[0] - 0.22 * b * vx, mid[1] - 0.22 * b * vy], inner(1, -1)];
  const templeR = [inner(0, -1), [lens[0][0] - (a + 0.55 * iod) * ux - 0.2 * b * vx, lens[0][1] - (a + 0.55 * iod) * uy - 0.2 * b * vy]];
  const templeL = [inner(1, 1), [lens[1][0] + (a + 0.55 * iod) * ux - 0.2 * b * vx, lens[1][1] + (a + 0.55 * iod) * uy - 0.2 * b * vy]];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const o = (y * w + x) * 3;
      let onLens = -1, r = 0, lu = 0, lv = 0;
      for (let k = 0; k < 2; k++) {
        const dx = x - lens[k][0], dy = y - lens[k][1];
        const u = (dx * ux + dy * uy) / a, v = (dx * vx + dy * vy) / b;
        const rr = Math.hypot(u, v);
        if (rr < 1 + (1.2 * rim) / b) { onLens = k; r = rr; lu = u; lv = v; break; }
      }
      // metal: rim ring (distance to the ellipse approximated by (r - 1) x the local semi-axis), bridge, temples
      const ringDist = onLens >= 0 ? Math.abs(r - 1) * Math.hypot(a * lu, b * lv) / Math.max(1e-6, r) : Infinity;
      const metal = Math.min(ringDist, segDist(x, y, bridge[0], bridge[1]), segDist(x, y, bridge[1], bridge[2]),
        segDist(x, y, templeR[0], templeR[1]) + 0.2 * rim, segDist(x, y, templeL[0], templeL[1]) + 0.2 * rim);
      if (metal < rim / 2) {
        // dark metal, a thin brighter line along the top (the upper half of the rim catches the light)
        const shine = onLens >= 0 && lv < -0.5 && metal < rim / 6 ? 150 : 40;
        blend(o, 0.92, shine);
        continue;
      }
      if (onLens < 0 || r >= 1) continue;
      // glass: haze, the sweeping streak (shifted a little on the second lens) and the blob
      const su = onLens ? lu - 0.12 : lu;
      const across = Math.abs(su * sa + lv * ca - sweep);
      const streak = across < 0.34 ? glare.streak * (1 - (across / 0.34) ** 2) ** 2 : 0;
      const bd = Math.hypot(su - blob[0], (lv - blob[1]) * 1.2);
      const blb = bd < 0.38 ? glare.blob * (1 - (bd / 0.38) ** 2) : 0;
      const alpha = 1 - (1 - glare.haze) * (1 - streak) * (1 - blb);
      blend(o, alpha, 250);
    }
  }
}

export interface GlassesOptions {
  glare?: typeof GLARE;
  /** longer side of the drawn clip (default DRAW_MAX_SIDE) */
  maxSide?: number;
  /** only frames from..to-1 of the source (30 fps indices; the track keeps the source's indices) */
  from?: number;
  to?: number;
  /** added to the frame index for the reflections' motion (a cut of a clip drawn as in the whole clip) */
  offset?: number;
}
/**
 * The drawn clips are written at most this large (longer side): the engine reads clips at 320 px
 * (analyse.ANALYSIS_MAX_SIDE), and drawing at the source's 720 x 1280 took minutes on this machine.
 */
export const DRAW_MAX_SIDE = 480;

/** Decodes `src` at 30 fps (longer side <= maxSide), draws glasses on every frame (track row i, see eyeTrack), encodes H.264 to `out`. */
export async function drawGlasses(src: string, out: string, track: number[][], opts: GlassesOptions = {}): Promise<void> {
  const max = opts.maxSide ?? DRAW_MAX_SIDE, from = opts.from ?? 0;
  const vf = `fps=30,trim=start_frame=${from}${opts.to ? `:end_frame=${opts.to}` : ''},scale=${max}:${max}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1`;
  const { width: w, height: h } = await frameSize(src, vf);
  const size = w * h * 3;
  const dec = spawn(ffmpegBinary(), ['-hide_banner', '-v', 'error', '-nostdin', '-i', src, '-an', '-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const enc = spawn(ffmpegBinary(), ['-hide_banner', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', '30', '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-y', out], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  dec.stderr.on('data', (c) => { err += c; });
  enc.stderr.on('data', (c) => { err += c; });
  const done = (p: ReturnType<typeof spawn>) => new Promise<number>((res, rej) => { p.on('error', rej); p.on('close', (code) => res(code ?? -1)); });
  const decDone = done(dec), encDone = done(enc);
  let buf: Buffer = Buffer.alloc(0), i = from;
  for await (const chunk of dec.stdout!) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (buf.length >= size) {
      const frame = new Uint8Array(buf.subarray(0, size));
      const row = track[Math.min(i, track.length - 1)];
      if (row) drawGlassesFrame(frame, w, h, row, i + (opts.offset ?? 0), opts.glare);
      if (!enc.stdin!.write(frame)) await new Promise((r) => enc.stdin!.once('drain', r));
      buf = buf.subarray(size);
      i++;
    }
  }
  enc.stdin!.end();
  const [dc, ec] = await Promise.all([decDone, encDone]);
  if (dc !== 0 || ec !== 0) throw new Error(`glasses: ffmpeg ${dc}/${ec}: ${err.slice(0, 300)}`);
}

/** the size of a clip's frames after the filter `vf` (rotation applied): ffmpeg's own output line for one raw frame */
async function frameSize(src: string, vf: string): Promise<{ width: number; height: number }> {
  const p = spawn(ffmpegBinary(), ['-hide_banner', '-nostdin', '-i', src, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  for await (const c of p.stderr!) err += c;
  const m = /Output #0[\s\S]*?Video: rawvideo[^\n]*?, (\d+)x(\d+)/.exec(err);
  if (!m) throw new Error(`glasses: cannot read the frame size of ${src}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}
