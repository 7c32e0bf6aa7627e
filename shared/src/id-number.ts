/**
 * Resident identity numbers (居民身份证号码), GB 11643-1999: 6-digit address code, 8-digit birth date
 * (YYYYMMDD), 3-digit sequence (odd for men, even for women), and an ISO 7064 MOD 11-2 check character.
 */
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

dayjs.extend(customParseFormat);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits (GB 11643-1999 §7). */
export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export type IdNumberProblem = 'format' | 'birth_date' | 'check_digit';

/**
 * Checks an 18-character resident ID number. Returns null when valid, else what is wrong.
 * `today` bounds the birth date (no one is born in the future or more than 130 years ago).
 */
export function checkIdNumber(value: string, today: Date = new Date()): IdNumberProblem | null {
  if (!/^\d{17}[\dXx]$/.test(value)) return 'format';
  const v = value.toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(v)) return 'format';
  const birth = dayjs(v.slice(6, 14), 'YYYYMMDD', true);
  if (!birth.isValid() || birth.isAfter(today) || birth.isBefore(dayjs(today).subtract(130, 'year'))) return 'birth_date';
  if (idNumberCheckDigit(v.slice(0, 17)) !== v[17]) return 'check_digit';
  return null;
}

export function isValidIdNumber(value: string, today?: Date): boolean {
  return checkIdNumber(value, today) === null;
}

/** Birth date (YYYY-MM-DD) and gender derived from a valid ID number (GB 11643-1999 §5.2, §5.3). */
export function parseIdNumber(value: string): { birthDate: string; gender: 'male' | 'female' } {
  const v = value.toUpperCase();
  return {
    birthDate: `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`,
    gender: Number(v[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** Masks an ID number for display to anyone but its holder: first 3 and last 4 characters kept (310***********123X). */
export function maskIdNumber(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

export const GENDER_LABELS = { male: '男', female: '女' } as const;
