/**
 * Benchmark: the signing path of one application form: render, applicant signature, employer signature
 * (incremental), and the certificate. Prints median times and each step's ratio to the render-only
 * baseline measured in the same run, plus RSS growth over the iterations (a leak shows as steady growth).
 *   npx tsx scripts/bench-signing.ts [iterations=20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreatePlatformCa } from '../bff/src/pdf/ca.js';
import { renderApplicationForm, type ApplicationFormView } from '../bff/src/pdf/application-form.js';
import { renderCertificatePdf } from '../bff/src/pdf/certificate.js';
import { signPdf } from '../bff/src/pdf/sign.js';
import { applicantDeclaration, employerOpinion, MATTERS } from '../shared/src/index.js';

const iterations = Number(process.argv[2] ?? 20);
const dir = await mkdtemp(path.join(tmpdir(), 'zyt-bench-'));
const ca = await loadOrCreatePlatformCa(dir);
const EMPLOYER = { name: '上海建和工程咨询有限公司', uscc: '91310115MA1K3YJH5A', phone: '021-55501234' };
const view: ApplicationFormView = {
  acceptanceNo: 'W2026112100001',
  title: '二级建造师初始注册申请表',
  generatedAt: new Date(),
  applicant: { name: '张建国', gender: '男', birthDate: '1990-03-07', idNumberMasked: '310***********1234', phone: '13912345678' },
  employer: EMPLOYER,
  currentRegistration: null,
  sections: MATTERS.initial.describe({ employer: EMPLOYER, specialties: [{ specialty: 'building', issueDate: '2025-03-21' }], continuingEducation: [], declarationAccepted: true }, null),
  applicantDeclaration: applicantDeclaration({ applicantName: '张建国', employerName: '上海建和工程咨询有限公司', profession: 'constructor' }),
  employerOpinion: employerOpinion({ applicantName: '张建国', employerName: '上海建和工程咨询有限公司', type: 'initial' }),
};
const applicant = { kind: 'applicant' as const, commonName: '张建国' };
const employer = { kind: 'employer' as const, commonName: EMPLOYER.name, organization: EMPLOYER.name, uscc: EMPLOYER.uscc };
const authority = { kind: 'authority' as const, commonName: '上海市住房和城乡建设管理委员会' };

const steps: Record<string, number[]> = { render: [], 'applicant signature': [], 'employer signature': [], 'render + two signatures': [], 'certificate (render + sign)': [] };
const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const r = await fn();
  steps[name].push(performance.now() - t);
  return r;
};
await renderApplicationForm(view); // warm-up: font parse, key pool
const rss0 = process.memoryUsage().rss;
let sizes = { form: 0, signed: 0 };
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  const pdf = await time('render', () => renderApplicationForm(view));
  const one = await time('applicant signature', () => signPdf(pdf, applicant, { ca, slot: 'applicant', reason: 'bench', signedAt: new Date() }));
  const two = await time('employer signature', () => signPdf(one, employer, { ca, slot: 'employer', reason: 'bench', signedAt: new Date() }));
  steps['render + two signatures'].push(performance.now() - t);
  await time('certificate (render + sign)', async () =>
    signPdf(await renderCertificatePdf({ title: '二级建造师注册证书', holderName: '张建国', gender: '男', registrationNo: '沪232600000001', employerName: EMPLOYER.name, specialties: [{ name: '建筑工程', validUntil: '2029-11-21' }], authorityName: authority.commonName, issueDate: '2026-11-21', verifyUrl: 'https://zyt.example.gov.cn/v/token' }), authority, { ca, slot: 'authority', reason: 'bench', signedAt: new Date() }),
  );
  sizes = { form: pdf.length, signed: two.length };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(steps.render);
console.log(`| step (${iterations} iterations, median) | ms | ratio to render |`);
console.log('|---|---:|---:|');
for (const [name, xs] of Object.entries(steps)) console.log(`| ${name} | ${median(xs).toFixed(1)} | ${(median(xs) / baseline).toFixed(2)} |`);
console.log(`\nform ${(sizes.form / 1024).toFixed(1)} KB, with two signatures ${(sizes.signed / 1024).toFixed(1)} KB; RSS growth over the run ${((process.memoryUsage().rss - rss0) / 1048576).toFixed(1)} MB`);
await rm(dir, { recursive: true, force: true });
process.exit(0);
