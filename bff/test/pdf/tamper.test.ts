import test from 'ava';
import { renderApplicationForm } from '../../src/pdf/application-form.js';
import { loadOrCreatePlatformCa } from '../../src/pdf/ca.js';
import { signPdf } from '../../src/pdf/sign.js';
import { applicantSigner, employerSigner, formView } from './fixtures.js';
import { pdfsigReport, tempDir } from './helpers.js';

const signed = (async () => {
  const ca = await loadOrCreatePlatformCa(await tempDir('ca'));
  const one = await signPdf(await renderApplicationForm(formView), applicantSigner, { ca, slot: 'applicant', reason: '申请人确认', signedAt: new Date('2026-11-21T07:40:00Z') });
  return signPdf(one, employerSigner, { ca, slot: 'employer', reason: '聘用企业确认', signedAt: new Date('2026-11-21T08:00:00Z') });
})();

function flipped(pdf: Uint8Array, offset: number): Uint8Array {
  const copy = Uint8Array.from(pdf);
  copy[offset] ^= 0x01;
  return copy;
}

test('untampered: both signatures valid', async (t) => {
  const report = await pdfsigReport(await signed);
  t.deepEqual(report.map((s) => s.valid), [true, true]);
});

test('flipping a byte covered by both signatures invalidates both', async (t) => {
  const pdf = await signed;
  // Byte 10 is inside the binary comment line after %PDF-1.7: the file still parses.
  t.is(Buffer.from(pdf.subarray(0, 9)).toString('latin1'), '%PDF-1.7\n');
  const report = await pdfsigReport(flipped(pdf, 10));
  t.is(report.length, 2);
  t.false(report[0].valid, report[0].raw);
  t.false(report[1].valid, report[1].raw);
});

test('flipping a byte of the employer update invalidates only the employer signature', async (t) => {
  const pdf = await signed;
  // A digit of /M in the employer's signature dictionary (after the applicant's signed range).
  const offset = Buffer.from(pdf).lastIndexOf('/M (D:2026') + '/M (D:2026'.length;
  t.true(offset > 20);
  const report = await pdfsigReport(flipped(pdf, offset));
  t.is(report.length, 2);
  t.true(report[0].valid, report[0].raw);
  t.false(report[1].valid, report[1].raw);
});
