/**
 * Test-only holds (TEST_HOLD_DIR, honoured with NODE_ENV=test alone; loadConfig refuses it otherwise). A test
 * arms a kind of hold by creating `<TEST_HOLD_DIR>/<kind>.armed`; while it is armed, a command reaching that
 * point writes `<TEST_HOLD_DIR>/<kind>-<id>` (with `content`, e.g. the path of the file it works on) and waits
 * until the test removes that file, so bff/test/hardening-fault.test.ts can SIGKILL the process at that very
 * moment instead of racing it. The kinds: `liveness` (id: the session; an analysis with its slot, its session
 * claimed and its whole video on disk, real-name.ts) and `signature` (id: the application; the applicant's
 * signature, PDF and notification written, the transaction not yet committed, applications.ts). A no-op
 * without the setting or when the kind is not armed.
 */
import { rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../context.js';

export async function testHold(deps: Pick<Deps, 'config'>, kind: 'liveness' | 'signature', id: string, content = ''): Promise<void> {
  const dir = deps.config.testHoldDir;
  if (!dir || deps.config.env !== 'test') return;
  const exists = (f: string) => stat(f).then(() => true, () => false);
  if (!(await exists(path.join(dir, `${kind}.armed`)))) return;
  const file = path.join(dir, `${kind}-${id}`);
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file); // whole when it appears
  while (await exists(file)) await new Promise((r) => setTimeout(r, 50));
}
