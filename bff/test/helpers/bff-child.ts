/**
 * A second BFF process for crash tests: the settings come from the environment (the test passes the
 * first server's DATA_DIR, so the same secrets, CA and token key, and its database as DATABASE_URL); it
 * prints one line `READY <url>` once it listens. Unlike main.ts it builds nothing and warms nothing, so the
 * test can SIGKILL it at any moment as a crash.
 */
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

const running = await startServer(loadConfig(process.env));
process.stdout.write(`READY ${running.url}\n`);
