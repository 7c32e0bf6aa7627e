// PDF worker bootstrap (piscina loads this file): worker.ts is TypeScript, and a worker does not reliably
// inherit the parent's tsx loader (Node 20; see bff/src/liveness/worker-entry.mjs), so register tsx here and
// then load the real worker module, whose default export is piscina's task handler.
import { register } from 'tsx/esm/api';

register();
const { default: pdfJob } = await import('./worker.ts');
export default pdfJob;
