/**
 * `npm start`: validates the settings, starts the database (embedded PostgreSQL unless DATABASE_URL is
 * set), the API and the miniapp's H5 build on PORT (default 3000).
 */
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const running = await startServer(config);
  running.deps.log.info({ url: `http://localhost:${config.port}`, database: config.databaseUrl ? 'external' : 'embedded', dataDir: config.dataDir }, '执业通 BFF started');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    running.deps.log.info('stopping');
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
