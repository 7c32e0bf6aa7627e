/** Test data built by the domain's own rules (no literal check digits). */
import { idNumberCheckDigit } from '@zhiyetong/shared';
import { ENTERPRISE } from './server.js';

/** An ID number for someone born on `birth` (YYYYMMDD), male when `seq` is odd. */
export function makeIdNumber(birth = '19900307', seq = '123', region = '310101'): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idNumberCheckDigit(first17);
}

let phoneSeq = 0;
/** A fresh applicant phone per call (distinct per test file by pid). */
export function freshPhone(): string {
  phoneSeq++;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

/** A valid initial registration form; `issueDate` recent enough not to be late. */
export function validForm(overrides: Record<string, unknown> = {}) {
  return {
    employer: { name: ENTERPRISE.name, uscc: ENTERPRISE.uscc, phone: '021-55501234' },
    specialties: [{ specialty: 'building', issueDate: '2025-03-21' }],
    continuingEducation: [],
    declarationAccepted: true,
    ...overrides,
  };
}
