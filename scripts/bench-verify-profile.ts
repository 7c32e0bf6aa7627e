/**
 * Profiles the verify route: one issued certificate made through the real path, then the BFF started as its
 * own process under `node --cpu-prof` while autocannon (-c 50) scans one valid token. Prints the top
 * self-time functions of the BFF's profile while the load ran (the start-up left out). Usage: tsx scripts/bench-verify-profile.ts [--seconds 8] [--legacy]
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startTestServer } from '../bff/test/helpers/server.js';
import { registeredConstructor } from '../bff/test/helpers/flow.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, legacy: { type: 'boolean', default: false } } });
const root = path.resolve(import.meta.dirname, '..');
const setup = await startTestServer();
const holder = await registeredConstructor(setup);
const [cert] = (await holder.c.get('/api/certificates')).body as { id: string; registrationNo: string; verifyUrl: string }[];
// --legacy: a JWS pointer token (certificates issued before claims tokens) instead of the claims token
const token = args.legacy ? await setup.server.deps.certificateTokens.sign({ id: cert.id, registrationNo: cert.registrationNo }) : cert.verifyUrl.split('/v/')[1];
await setup.server.close();
const profDir = await mkdtemp(path.join(tmpdir(), 'zyt-prof-'));
const port = 3411;
// an H5 directory with a page in it, so main.ts does not build the miniapp
const h5 = await mkdtemp(path.join(tmpdir(), 'zyt-h5-'));
await writeFile(path.join(h5, 'index.html'), '<!doctype html>');
const bff = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', 'tsx', 'bff/src/main.ts'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: setup.dataDir, LOG_LEVEL: 'info', VERIFY_RATE_LIMIT_PER_MIN: '100000000', SEED_DEV_DATA: 'false', H5_DIR: h5 },
  stdio: ['ignore', 'pipe', 'pipe'],
});
await new Promise<void>((resolve) => {
  let out = '';
  const on = (d: Buffer) => ((out += d), out.includes('执业通 BFF started') && resolve());
  bff.stdout!.on('data', on);
  bff.stderr!.on('data', on);
});
const url = `http://127.0.0.1:${port}/api/public/certificates/verify?token=${encodeURIComponent(token)}`;
await autocannon({ url, connections: 50, duration: 2 }); // warm-up
// V8's profile timestamps are CLOCK_MONOTONIC microseconds, as process.hrtime here: only the samples taken
// while the load ran are counted (the start-up's module loading is not the route's cost)
const loadFrom = Number(process.hrtime.bigint() / 1000n);
const r = await autocannon({ url, connections: 50, duration: Number(args.seconds) });
const loadTo = Number(process.hrtime.bigint() / 1000n);
console.log(`verify: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`);
bff.kill('SIGINT');
await new Promise((res) => bff.on('exit', res));
const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'))!;
const prof = JSON.parse(await readFile(path.join(profDir, file), 'utf8')) as { startTime: number; nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
let at = prof.startTime;
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0;
  if (at >= loadFrom && at <= loadTo) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0;
  total += t;
  const u = n.callFrame.url.replace(/^file:\/\//, '').replace(root, '');
  const key = `${n.callFrame.functionName || '(anon)'} ${u.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? (u.startsWith('/bff') ? 'bff' : u ? (u.startsWith('node:') ? u : 'other') : n.callFrame.functionName);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`).join('\n');
console.log('\nby package:\n' + top(byPkg, 20) + '\n\nby function (self):\n' + top(byFn, 30));
await rm(setup.dataDir, { recursive: true, force: true });
console.log(`profile kept in ${profDir}/${file}`);
process.exit(0);
