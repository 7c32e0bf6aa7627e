/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, Z, S, V); the last is a MOD 31 check character (§4.3).
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100-2015 check character for the first 17 characters. Throws RangeError on a bad character. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('expected 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new RangeError(`character ${first17[i]} is not in the GB 32100 alphabet`);
    sum += value * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export type UsccProblem = 'format' | 'check_character';

/** Returns null when `value` is a well-formed USCC with a correct check character. */
export function checkUscc(value: string): UsccProblem | null {
  // check the length on the ASCII input: upper-casing some characters (ligatures) changes the length
  if (!/^[0-9A-Za-z]{18}$/.test(value)) return 'format';
  const v = value.toUpperCase();
  // position 1: registration authority (1-9, A-G, N, Y), 2: organisation type, 3-8: administrative division (digits)
  if (!/^[1-9A-GNY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(v)) return 'format';
  return usccCheckCharacter(v.slice(0, 17)) === v[17] ? null : 'check_character';
}

export function isValidUscc(value: string): boolean {
  return checkUscc(value) === null;
}

export const USCC_ALPHABET = ALPHABET;
