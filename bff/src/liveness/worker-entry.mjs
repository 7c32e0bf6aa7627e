// Worker bootstrap: worker.ts is TypeScript, and a worker does not reliably inherit the parent's
// tsx loader (Node 20), so register tsx here and then load the real worker module.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
