/**
 * `npm run bench`: throughput and latency against a baseline measured in the same run, printed as ratios
 * (issue 14). Two parts so far:
 *  1. the public verify route (GET /api/public/certificates/verify, valid and altered token) against a bare
 *     Koa JSON route, autocannon at 50 connections, interleaved rounds; the BFF runs as its own process
 *     (`tsx bff/src/main.ts`) with the per-IP verify limit lifted (VERIFY_RATE_LIMIT_PER_MIN) so the work
 *     itself is measured, on an embedded PostgreSQL holding one issued certificate;
 *  2. PDF: the application form rendered, and rendered with both signatures, against an empty pdf-lib page.
 * Not measured yet (see the README's status): the whole path under load and the memory figures.
 *
 * Usage: npm run bench [-- --seconds 5 --rounds 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { PDFDocument } from 'pdf-lib';
import { applicantDeclaration, employerOpinion, MATTERS } from '../shared/src/index.js';
import { startTestServer } from '../bff/test/helpers/server.js';
import { registeredConstructor } from '../bff/test/helpers/flow.js';
import { loadOrCreatePlatformCa } from '../bff/src/pdf/ca.js';
import { renderApplicationForm, type ApplicationFormView } from '../bff/src/pdf/application-form.js';
import { signPdf } from '../bff/src/pdf/sign.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' }, pdf: { type: 'string', default: '20' } } });
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const root = path.resolve(import.meta.dirname, '..');

function waitFor(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) resolve();
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out.slice(-2000)}`)));
  });
}

// ---- 1. the verify route ----
// one issued certificate, made through the real path; the benchmarked BFF then serves that data directory
const setup = await startTestServer();
const dataDir = setup.dataDir;
const holder = await registeredConstructor(setup);
const [cert] = (await holder.c.get('/api/certificates')).body as { verifyUrl: string }[];
await setup.server.close();
const token = cert.verifyUrl.split('/v/')[1];
const altered = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);

const bffPort = 3401;
const barePort = 3402;
const bff = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bff/src/main.ts'], {
  cwd: root,
  env: { ...process.env, PORT: String(bffPort), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', VERIFY_RATE_LIMIT_PER_MIN: '100000000', SEED_DEV_DATA: 'false' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const bare = spawn(
  path.join(root, 'node_modules/.bin/tsx'),
  ['-e', `import Koa from 'koa'; const app = new Koa(); app.use((ctx) => { ctx.body = { status: 'valid', certificate: null }; }); app.listen(${barePort}, '127.0.0.1', () => console.log('bare ready'));`],
  { cwd: path.join(root, 'bff'), stdio: ['ignore', 'pipe', 'pipe'] },
);
try {
  await Promise.all([waitFor(bff, '执业通 BFF started'), waitFor(bare, 'bare ready')]);
  const targets = {
    'bare Koa route': `http://127.0.0.1:${barePort}/`,
    'verify, valid token': `http://127.0.0.1:${bffPort}/api/public/certificates/verify?token=${encodeURIComponent(token)}`,
    'verify, altered token': `http://127.0.0.1:${bffPort}/api/public/certificates/verify?token=${encodeURIComponent(altered)}`,
  };
  const results: Record<string, { rps: number[]; p50: number[]; p99: number[]; errors: number; non2xx: number }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, url] of Object.entries(targets)) {
      const r = await autocannon({ url, connections: 50, duration: seconds });
      const slot = (results[name] ??= { rps: [], p50: [], p99: [], errors: 0, non2xx: 0 });
      slot.rps.push(r.requests.average);
      slot.p50.push(r.latency.p50);
      slot.p99.push(r.latency.p99);
      slot.errors += r.errors;
      slot.non2xx += r.non2xx;
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(results['bare Koa route'].rps);
  console.log(`\n## verify route (autocannon -c 50, ${rounds} interleaved rounds of ${seconds} s; ${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| route | requests/s | ratio to bare | p50 ms | p99 ms | errors / non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, r] of Object.entries(results))
    console.log(`| ${name} | ${mean(r.rps).toFixed(0)} | ${(mean(r.rps) / base).toFixed(3)} | ${Math.max(...r.p50)} | ${Math.max(...r.p99)} | ${r.errors} / ${r.non2xx} |`);
} finally {
  bff.kill('SIGTERM');
  bare.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
}

// ---- 2. PDF ----
const iterations = Number(args.pdf);
const ca = await loadOrCreatePlatformCa(path.join(dataDir, 'bench-pki'));
const EMPLOYER = { name: '上海建和工程咨询有限公司', uscc: '91310115MA1K3YJH5A', phone: '021-55501234' };
const view: ApplicationFormView = {
  acceptanceNo: 'W2026112100001',
  title: '二级建造师初始注册申请表',
  generatedAt: new Date(),
  applicant: { name: '张建国', gender: '男', birthDate: '1990-03-07', idNumberMasked: '310***********1234', phone: '13912345678' },
  employer: EMPLOYER,
  currentRegistration: null,
  sections: MATTERS.initial.describe({ employer: EMPLOYER, specialties: [{ specialty: 'building', issueDate: '2025-03-21' }], continuingEducation: [], declarationAccepted: true }, null),
  applicantDeclaration: applicantDeclaration({ applicantName: '张建国', employerName: EMPLOYER.name, profession: 'constructor' }),
  employerOpinion: employerOpinion({ applicantName: '张建国', employerName: EMPLOYER.name, type: 'initial' }),
};
const times: Record<string, number[]> = { 'empty pdf-lib page (baseline)': [], 'form render': [], 'form render + two signatures': [] };
const timed = async (name: string, fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  times[name].push(performance.now() - t);
};
await renderApplicationForm(view); // warm-up: font parse
for (let i = 0; i < iterations; i++) {
  await timed('empty pdf-lib page (baseline)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.save();
  });
  await timed('form render', () => renderApplicationForm(view));
  await timed('form render + two signatures', async () => {
    const pdf = await renderApplicationForm(view);
    const one = await signPdf(pdf, { kind: 'applicant', commonName: '张建国' }, { ca, slot: 'applicant', reason: 'bench', signedAt: new Date() });
    await signPdf(one, { kind: 'employer', commonName: EMPLOYER.name, organization: EMPLOYER.name, uscc: EMPLOYER.uscc }, { ca, slot: 'employer', reason: 'bench', signedAt: new Date() });
  });
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const baseline = pct(times['empty pdf-lib page (baseline)'], 0.5);
console.log(`\n## PDF (${iterations} interleaved iterations)\n`);
console.log('| step | p50 ms | p95 ms | p50 ratio to the empty page |');
console.log('|---|---:|---:|---:|');
for (const [name, xs] of Object.entries(times)) console.log(`| ${name} | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.95).toFixed(1)} | ${(pct(xs, 0.5) / baseline).toFixed(1)} |`);

await rm(dataDir, { recursive: true, force: true }).catch(() => {});
process.exit(0);
