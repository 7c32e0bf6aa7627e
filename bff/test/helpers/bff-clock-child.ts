/**
 * A second BFF process whose clock the test moves (the multi-process test, issue 14): like bff-child.ts the
 * settings come from the environment (the first server's DATA_DIR and DATABASE_URL), and it prints
 * `READY <url>` once it listens. Over the IPC channel it takes `{advance: ms}` (answers `{advanced: ms}`),
 * so both processes agree on the time the OTP resend wait and daily cap are counted in. With WARM_PDF_WORKERS=1
 * (the bench) it starts the PDF worker threads before READY, as `npm start` does after its start (main.ts).
 */
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

let offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const running = await startServer(loadConfig(process.env), { now: () => new Date(Date.now() + offset) });
if (process.env.WARM_PDF_WORKERS === '1') await (await import('../../src/pdf/workers.js')).warmPdfWorkers(running.deps);
process.on('message', (m: { advance?: number }) => {
  if (typeof m.advance === 'number') {
    offset += m.advance;
    process.send?.({ advanced: m.advance });
  }
});
process.stdout.write(`READY ${running.url}\n`);
