/**
 * Loads @vladmandic/human's node-wasm build by path, with models and wasm binaries read from
 * the installed packages (the library's defaults fetch both from a CDN, which is unreachable here).
 *
 * Model files are served to tfjs through a registered `file://` IO router (tf.io.registerLoadRouter),
 * so no `fetch` is involved. Runs inside a worker thread (see worker.ts); one instance per worker.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** Directory of the installed @vladmandic/human package (…/node_modules/@vladmandic/human). */
export function humanPackageDir(): string {
  // the package's "exports" map exposes neither package.json nor (validly) the wasm build, so
  // resolve the default node entry (dist/human.node.js) and walk up from it
  const entry = require.resolve('@vladmandic/human');
  return path.resolve(path.dirname(entry), '..');
}

function wasmDir(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  // …/tfjs-backend-wasm/dist/index.js (or dist/tf-backend-wasm.node.js) → the .wasm files live in dist/
  let dir = path.dirname(entry);
  while (!dir.endsWith(`${path.sep}dist`) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir + path.sep;
}

export type HumanLib = any; // the bundled d.ts re-exports tfjs types we do not need here
export type HumanInstance = any;

let registered = false;

/** tf.io load router for file:// model URLs: reads model.json + weight shards from disk. */
function registerFileRouter(tf: any): void {
  if (registered) return;
  registered = true;
  tf.io.registerLoadRouter((url: unknown) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const jsonPath = fileURLToPath(url);
    return {
      load: async () => {
        const modelJson = JSON.parse(readFileSync(jsonPath, 'utf8'));
        const dir = path.dirname(jsonPath);
        const weightSpecs: unknown[] = [];
        const buffers: Buffer[] = [];
        for (const group of modelJson.weightsManifest ?? []) {
          weightSpecs.push(...group.weights);
          for (const p of group.paths) buffers.push(readFileSync(path.join(dir, p)));
        }
        const all = Buffer.concat(buffers);
        const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
        return {
          modelTopology: modelJson.modelTopology,
          format: modelJson.format,
          generatedBy: modelJson.generatedBy,
          convertedBy: modelJson.convertedBy,
          signature: modelJson.signature,
          userDefinedMetadata: modelJson.userDefinedMetadata,
          modelInitializer: modelJson.modelInitializer,
          weightSpecs,
          weightData,
        };
      },
    };
  });
}

export interface LoadedHuman { human: HumanInstance; tf: any }

/**
 * Creates and warms up a Human instance with only the face models we use:
 * blazeface detector, facemesh, iris, faceres (descriptor), antispoof, liveness.
 * Per-call switches (e.g. descriptor on/off) are passed to human.detect(input, overrides).
 */
export async function loadHuman(): Promise<LoadedHuman> {
  const lib = require(path.join(humanPackageDir(), 'dist', 'human.node-wasm.js'));
  const tf = require('@tensorflow/tfjs-core');
  registerFileRouter(tf);
  const modelBasePath = pathToFileURL(path.join(humanPackageDir(), 'models')).href + '/';
  const human = new lib.Human({
    backend: 'wasm',
    wasmPath: wasmDir(),
    modelBasePath,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0, // never reuse a previous frame's result because the input "looks similar"
    validateModels: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 3, minConfidence: 0.5, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      description: { enabled: true },
      emotion: { enabled: false },
      antispoof: { enabled: true },
      liveness: { enabled: true },
      gear: { enabled: false },
    },
  });
  await human.load();
  return { human, tf };
}
