/**
 * ffmpeg-based decoding to raw RGB24 through pipes (no files written).
 * Binary: @ffmpeg-installer/ffmpeg (FFMPEG_PATH env overrides).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let ffmpegPath: string | undefined;
export function ffmpegBinary(): string {
  if (!ffmpegPath) ffmpegPath = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  return ffmpegPath;
}

export interface VideoInfo { durationMs: number; fps: number; width: number; height: number }

/** Reads container/stream info from `ffmpeg -i` (ffprobe is not shipped by @ffmpeg-installer). */
export function probeVideo(path: string): Promise<VideoInfo | null> {
  return new Promise((resolve) => {
    const p = spawn(ffmpegBinary(), ['-hide_banner', '-i', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
    p.on('error', () => resolve(null));
    p.on('close', () => {
      const dur = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(err);
      const vid = /Stream #\d+:\d+.*?: Video: .*?, (\d{2,5})x(\d{2,5})/.exec(err);
      const fps = /, (\d+(?:\.\d+)?) fps/.exec(err) ?? /, (\d+(?:\.\d+)?) tbr/.exec(err);
      if (!dur || !vid) return resolve(null);
      const durationMs = (Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3])) * 1000;
      resolve({ durationMs, fps: fps ? Number(fps[1]) : 30, width: Number(vid[1]), height: Number(vid[2]) });
    });
  });
}

/** Scale so the longer side is `maxSide` (display aspect, square pixels, even dimensions). */
function scaleFilter(maxSide: number): string {
  return `scale=trunc(iw*sar/2)*2:ih,scale=${maxSide}:${maxSide}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1`;
}

function parseOutputDims(stderr: string): { width: number; height: number } | null {
  const i = stderr.indexOf('Output #0');
  if (i < 0) return null;
  const m = /Video: rawvideo[^\n]*?, (\d+)x(\d+)/.exec(stderr.slice(i));
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

export interface FrameSink {
  /** called once the output size is known, before any frame */
  onSize(width: number, height: number): void;
  /** one RGB24 frame (a copy the sink may keep/transfer), index 0.. at `fps` */
  onFrame(index: number, rgb: Uint8Array): void;
}

/**
 * Decodes `path` at `fps` (CFR, frame i at i/fps s), scaled to `maxSide`, streaming frames to the sink.
 * Resolves with the number of frames; rejects when ffmpeg fails.
 */
export function decodeVideoFrames(path: string, opts: { fps: number; maxSide: number; maxFrames: number }, sink: FrameSink): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-nostdin', '-i', path, '-an', '-sn', '-vf', `fps=fps=${opts.fps},${scaleFilter(opts.maxSide)}`,
      '-frames:v', String(opts.maxFrames), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
    const p = spawn(ffmpegBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let dims: { width: number; height: number } | null = null;
    let frameSize = 0;
    const pending: Buffer[] = [];
    let pendingLen = 0;
    let index = 0;
    const drain = () => {
      if (!dims) {
        dims = parseOutputDims(err);
        if (!dims) return;
        frameSize = dims.width * dims.height * 3;
        sink.onSize(dims.width, dims.height);
      }
      while (pendingLen >= frameSize) {
        const frame = new Uint8Array(frameSize);
        let off = 0;
        while (off < frameSize) {
          const head = pending[0];
          const take = Math.min(head.length, frameSize - off);
          frame.set(head.subarray(0, take), off);
          off += take;
          if (take === head.length) pending.shift(); else pending[0] = head.subarray(take);
        }
        pendingLen -= frameSize;
        sink.onFrame(index++, frame);
      }
    };
    p.stderr.on('data', (c: Buffer) => { if (err.length < 64_000) err += c.toString('utf8'); if (!dims) drain(); });
    p.stdout.on('data', (c: Buffer) => { pending.push(c); pendingLen += c.length; drain(); });
    p.on('error', reject);
    p.on('close', (code) => {
      drain();
      if (code !== 0 && index === 0) return reject(new Error(`ffmpeg exited with ${code}: ${err.split('\n').slice(-3).join(' ').slice(0, 300)}`));
      resolve(index);
    });
  });
}

/** Decodes a still image (JPEG/PNG/… bytes, via stdin) to RGB24, longer side at most maxSide. */
export function decodeImage(bytes: Uint8Array, maxSide: number): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-f', 'image2pipe', '-i', 'pipe:0', '-vf',
      `scale='min(${maxSide},iw)':'min(${maxSide},ih)':force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1`,
      '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
    const p = spawn(ffmpegBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    const out: Buffer[] = [];
    p.stderr.on('data', (c: Buffer) => { if (err.length < 64_000) err += c.toString('utf8'); });
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stdin.on('error', () => { /* ffmpeg may close stdin early on bad input; reported via exit code */ });
    p.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    p.on('error', reject);
    p.on('close', (code) => {
      const dims = parseOutputDims(err);
      const rgb = Buffer.concat(out);
      if (code !== 0 || !dims || rgb.length < dims.width * dims.height * 3) return reject(new Error(`image decode failed (ffmpeg ${code})`));
      resolve({ ...dims, rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, dims.width * dims.height * 3) });
    });
  });
}
