/**
 * `npm run fuzz [-- runs [seed]]`: the OpenAPI fuzzer (scripts/fuzz-openapi.ts) for longer than `npm test`
 * does (default 20 000 requests), against a test server of its own (embedded PostgreSQL in a temp dir).
 * Prints the statuses seen and, on a failure, fast-check's smallest counterexample and the seed to replay.
 */
import { fuzzOpenApi } from './fuzz-openapi.js';
import { fuzzActors } from './fuzz-world.js';
import { startTestServer } from '../bff/test/helpers/server.js';

const runs = Number(process.argv[2] ?? process.env.FUZZ_RUNS ?? 20_000);
const seed = process.argv[3] ? Number(process.argv[3]) : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const s = await startTestServer();
let code = 0;
try {
  const { actors, pathValues } = await fuzzActors(s);
  const started = Date.now();
  const report = await fuzzOpenApi({ baseUrl: s.baseUrl, actors, pathValues, numRuns: runs, seed });
  console.log(`ok: ${report.requests} requests over ${report.operations} operations in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${report.seed}`);
  console.log(`statuses: ${JSON.stringify(report.statuses)}`);
  const least = Object.entries(report.perOperation).sort((a, b) => a[1] - b[1]).slice(0, 5);
  console.log(`least exercised: ${least.map(([k, n]) => `${k} ${n}`).join(', ')}`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
} finally {
  await s.stop();
}
process.exit(code);
