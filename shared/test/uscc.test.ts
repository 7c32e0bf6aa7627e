/**
 * Unified social credit codes, GB 32100-2015.
 *
 * Independent oracle: the standard's *verification* rule. With character values 0-9 → 0-9, A → 10 … Y → 30
 * (I, O, Z, S, V excluded) and weights W_i = 3^(i-1) mod 31 for positions 1-17, a code is valid iff
 *   Σ_{i=1..17} c_i·W_i + c_18 ≡ 0 (mod 31).
 * The implementation generates c_18 = 31 − (Σ mod 31) from a weight table; here the weights are computed as
 * powers of three and the test adds the check character instead of comparing it.
 *
 * Hand computations (values: M = 21, A = 10, K = 19, Y = 30, J = 18, H = 17, T = 26, B = 11):
 *  - 91350100M000100Y43, the example printed in the standard (registered by 工商 "9", company "1", 福州 350100):
 *      9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + 21·20 + 0·29 + 0·25 + 0·13 + 1·8 + 0·24 + 0·10
 *      + 30·30 + 4·28 = 1640; 1640 mod 31 = 28 → 31 − 28 = 3 ✓
 *  - 91310115MA1K3YJH5A (the app's dev data, 上海浦东新区 310115):
 *      9 + 3 + 27 + 27 + 0 + 26 + 16 + 85 + 420 + 290 + 25 + 247 + 24 + 720 + 180 + 510 + 140 = 2749;
 *      2749 mod 31 = 21 → 31 − 21 = 10 → 'A' ✓ (valid)
 *  - 91440300708461136T, 深圳市腾讯计算机系统有限公司 (published on its licence):
 *      9 + 3 + 36 + 108 + 0 + 78 + 0 + 0 + 140 + 0 + 200 + 52 + 48 + 24 + 10 + 90 + 168 = 966;
 *      966 mod 31 = 5 → 26 → 'T' ✓; its embedded organisation code 70846113-6 also checks under GB 11714.
 *  - 91330100799655058B, 阿里巴巴（中国）有限公司: sum 1384; 1384 mod 31 = 20 → 11 → 'B' ✓
 *    (organisation code 79965505-8 checks under GB 11714 too).
 */
import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { checkUscc, isValidUscc, usccCheckCharacter, USCC_ALPHABET, usccSchema } from '../src/index.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function gb32100Verifies(code: string): boolean {
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += ALPHABET.indexOf(code[i]) * weight;
    weight = (weight * 3) % 31;
  }
  sum += ALPHABET.indexOf(code[17]);
  return sum % 31 === 0;
}

/** Registration-authority codes (GB 32100-2015 table 1 and its national additions), as the source's comment lists them. */
const AUTHORITIES = '123456789ABCDEFGNY';
const alnum = fc.constantFrom(...ALPHABET);
const digit = fc.constantFrom(...'0123456789');

const first17 = fc
  .tuple(fc.constantFrom(...AUTHORITIES), alnum, fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(alnum, { minLength: 9, maxLength: 9 }))
  .map(([a, t, div, org]) => a + t + div.join('') + org.join(''));
const validCode = first17.map((f) => f + usccCheckCharacter(f));

test('the alphabet is the 31 characters of the standard, without I, O, Z, S, V', (t) => {
  t.is(USCC_ALPHABET, ALPHABET);
  t.is(USCC_ALPHABET.length, 31);
  for (const c of 'IOZSV') t.false(USCC_ALPHABET.includes(c));
});

test("the standard's example 91350100M000100Y43 is valid", (t) => {
  t.is(usccCheckCharacter('91350100M000100Y4'), '3');
  t.is(checkUscc('91350100M000100Y43'), null);
  t.true(gb32100Verifies('91350100M000100Y43'));
});

test('dev data 91310115MA1K3YJH5A is a valid code', (t) => {
  t.is(usccCheckCharacter('91310115MA1K3YJH5'), 'A');
  t.is(checkUscc('91310115MA1K3YJH5A'), null);
  t.true(isValidUscc('91310115MA1K3YJH5A'));
});

test('published codes of real companies are valid; their check character altered is not', (t) => {
  for (const code of ['91440300708461136T', '91330100799655058B']) {
    t.true(gb32100Verifies(code), code);
    t.is(checkUscc(code), null, code);
    t.is(checkUscc(`${code.slice(0, 17)}0`), 'check_character', code);
  }
});

test('a code whose verification sum ≡ 0 needs check character 0 (not 31 → out of range)', (t) => {
  // Find by the oracle (not the implementation) a 17-character prefix whose weighted sum ≡ 0 mod 31.
  let prefix = '';
  for (const c of ALPHABET) {
    const p = `9131011500000000${c}`;
    if (gb32100Verifies(`${p}0`)) prefix = p;
  }
  t.not(prefix, '');
  t.is(usccCheckCharacter(prefix), '0');
  t.is(checkUscc(`${prefix}0`), null);
});

test('property: a generated 17-character prefix plus usccCheckCharacter passes checkUscc', (t) => {
  fc.assert(
    fc.property(validCode, (code) => {
      assert.equal(code.length, 18);
      assert.ok(ALPHABET.includes(code[17]));
      assert.ok(gb32100Verifies(code), `verification sum ≠ 0 mod 31 for ${code}`);
      assert.equal(checkUscc(code), null, code);
      assert.ok(isValidUscc(code));
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('property: lowercase input is accepted like upper case', (t) => {
  fc.assert(
    fc.property(validCode, (code) => {
      assert.equal(checkUscc(code.toLowerCase()), null);
    }),
  );
  t.is(checkUscc('91310115ma1k3yjh5a'), null);
});

test('property: every single-character substitution in any position is detected', (t) => {
  fc.assert(
    fc.property(validCode, (code) => {
      for (let pos = 0; pos < 18; pos++) {
        for (const c of ALPHABET) {
          if (c === code[pos]) continue;
          const mutated = code.slice(0, pos) + c + code.slice(pos + 1);
          const problem = checkUscc(mutated);
          assert.notEqual(problem, null, `${code} → ${mutated} accepted`);
          const letterInDivision = pos >= 2 && pos < 8 && !/\d/.test(c);
          const notAnAuthority = pos === 0 && !/[1-9A-GNY]/.test(c);
          assert.equal(problem, letterInDivision || notAnAuthority ? 'format' : 'check_character', `${code} → ${mutated}`);
        }
      }
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('property: swapping two adjacent different characters is detected', (t) => {
  fc.assert(
    fc.property(validCode, fc.integer({ min: 0, max: 16 }), (code, pos) => {
      fc.pre(code[pos] !== code[pos + 1]);
      const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
      assert.notEqual(checkUscc(swapped), null, `${code} → ${swapped}`);
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('known blind spot of the standard: position 1 and the check character share weight 1, so swapping them goes undetected', (t) => {
  // 91350100M000100Y43 with its first and last characters exchanged. Documents the standard, not a defect.
  t.true(gb32100Verifies('31350100M000100Y49'));
  t.is(checkUscc('31350100M000100Y49'), null);
});

test('property: I, O, Z, S, V in any position → format', (t) => {
  fc.assert(
    fc.property(validCode, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'IOZSVioszv'), (code, pos, c) => {
      assert.equal(checkUscc(code.slice(0, pos) + c + code.slice(pos + 1)), 'format');
    }),
    { numRuns: 1000 },
  );
  for (const c of 'IOZSV') t.is(checkUscc(`91310115MA1K3YJH5${c}`), 'format', c);
});

test('letters in the administrative division (positions 3-8) → format', (t) => {
  t.is(checkUscc('9131A115MA1K3YJH5A'), 'format');
  t.is(checkUscc('913101A5MA1K3YJH5A'), 'format');
});

test('wrong length or foreign characters → format', (t) => {
  for (const v of ['', '91310115MA1K3YJH5', '91310115MA1K3YJH5AA', ' 91310115MA1K3YJH5A', '91310115MA1K3YJH5-', '91310115-MA1K3YJH5A', '９1310115MA1K3YJH5A'])
    t.is(checkUscc(v), 'format', JSON.stringify(v));
});

test('property: strings not 18 characters long are format problems', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: alnum, maxLength: 30 }).filter((s) => s.length !== 18), (s) => {
      assert.equal(checkUscc(s), 'format');
    }),
  );
  t.pass();
});

test('usccCheckCharacter rejects a wrong length or a character outside the alphabet', (t) => {
  t.throws(() => usccCheckCharacter('91310115MA1K3YJH'), { instanceOf: RangeError });
  t.throws(() => usccCheckCharacter('91310115MA1K3YJH5A'), { instanceOf: RangeError });
  t.throws(() => usccCheckCharacter('91310115MA1K3YJHI'), { instanceOf: RangeError });
  t.throws(() => usccCheckCharacter('91310115ma1k3yjh5'), { instanceOf: RangeError });
});

test('usccSchema trims and upper-cases, with a format message and a check-character message', (t) => {
  t.deepEqual(usccSchema.safeParse('  91310115ma1k3yjh5a ').data, '91310115MA1K3YJH5A');
  const bad = usccSchema.safeParse('91310115MA1K3YJH5B');
  t.false(bad.success);
  t.is(bad.error?.issues[0].message, '统一社会信用代码校验位不正确，请核对');
  const malformed = usccSchema.safeParse('91310115MA1K3YJH5');
  t.false(malformed.success);
  t.is(malformed.error?.issues[0].message, '统一社会信用代码应为 18 位数字或大写字母');
  t.false(usccSchema.safeParse(91310115).success);
});

// ---- defects found by these tests, now fixed ----

test('position 1 must be a registration-authority code (1-9, A-G, N, Y)', (t) => {
  // 01310115MA1K3YJH5K: the dev code with authority "0" and a recomputed (correct) check character.
  t.true(gb32100Verifies('01310115MA1K3YJH5K'));
  t.is(checkUscc('01310115MA1K3YJH5K'), 'format');
});

test('a 17-character string with the ligature ﬀ (U+FB00 upper-cases to "FF") is not 18 characters', (t) => {
  const tricky = '91310115MA1K3YJP\uFB00';
  t.is(tricky.length, 17);
  t.is(checkUscc(tricky), 'format');
});
