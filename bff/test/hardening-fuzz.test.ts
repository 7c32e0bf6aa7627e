/**
 * Property-based fuzzing of every operation of the OpenAPI document (scripts/fuzz-openapi.ts) with every
 * role's token: never a 5xx, always the error envelope, never another person's data. A bounded run here
 * (FUZZ_RUNS, default 400 requests); `npm run fuzz` runs longer.
 */
import test from 'ava';
import { fuzzOpenApi } from '../../scripts/fuzz-openapi.js';
import { fuzzActors } from '../../scripts/fuzz-world.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('fuzzing every route from the OpenAPI document: no 5xx, always the error envelope, no other person\'s data', async (t) => {
  const { actors, pathValues } = await fuzzActors(s);
  const started = Date.now();
  const report = await fuzzOpenApi({ baseUrl: s.baseUrl, actors, pathValues, numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  t.log(`${report.requests} requests over ${report.operations} operations in ${Date.now() - started} ms (seed ${report.seed}); statuses ${JSON.stringify(report.statuses)}`);
  t.true(report.requests >= Math.min(400, Number(process.env.FUZZ_RUNS ?? 400)));
  t.true(Object.keys(report.perOperation).length >= report.operations * 0.8, `operations reached: ${Object.keys(report.perOperation).length} of ${report.operations}`);
});
