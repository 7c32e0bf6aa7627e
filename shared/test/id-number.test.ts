/**
 * Resident identity numbers, GB 11643-1999.
 *
 * Oracles used here are independent of the implementation's lookup table:
 *  - the standard's own worked examples, checked by hand below;
 *  - the ISO 7064 MOD 11-2 *verification* rule: Σ a_i·W_i (i = 18..1, W_i = 2^(i-1) mod 11, X = 10) ≡ 1 (mod 11),
 *    whereas the implementation *generates* the check character from a weight table and a lookup string.
 *
 * Hand computation of the standard's example 11010519491231002X
 * (address 110105 北京市朝阳区, born 1949-12-31, sequence 002 → female):
 *   digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
 *   weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
 *   products 7 +9 +0 +5 +0 +20+2 +9 +24+27+7 +18+30+5 +0 +0 +4 = 167;  167 mod 11 = 2 → check 'X'
 *   verification: 167 + 10 = 177 = 16·11 + 1 ✓
 * The standard's other example 440524188001010014 (广东省汕头市潮阳县, born 1880-01-01, sequence 001 → male):
 *   28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → check '4'; 195 + 4 = 199 = 18·11 + 1 ✓
 * 34052419800101001X (textbook example, born 1980-01-01, sequence 001 → male):
 *   21+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 189; 189 mod 11 = 2 → 'X'; 189 + 10 = 199 ✓
 * 110105194912310070 (the first example with sequence 007): 167 − 4 + 14 = 177; 177 mod 11 = 1 → '0'; 177 + 0 ✓
 */
import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { checkIdNumber, idNumberCheckDigit, isValidIdNumber, maskIdNumber, parseIdNumber, GENDER_LABELS } from '../src/index.js';

// ---- independent oracle and generators ----

/** ISO 7064 MOD 11-2 verification over all 18 characters (weights as powers of two, not the table). */
function mod112Verifies(id: string): boolean {
  let sum = 0;
  let weight = 1; // weight of the last (check) character is 2^0
  for (let i = 17; i >= 0; i--) {
    const c = id[i];
    sum += (c === 'X' || c === 'x' ? 10 : Number(c)) * weight;
    weight = (weight * 2) % 11;
  }
  return sum % 11 === 1;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** A local calendar date at noon (immune to DST) formatted as YYYYMMDD. */
const ymd = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1, 2)}${pad(d.getDate(), 2)}`;

const now = new Date();
const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12);
// The implementation bounds birth dates to the last 130 years; keep the generator inside it even in 2030+.
const earliest = new Date(Math.max(1900, now.getFullYear() - 129), 0, 1, 12);
const daysInRange = Math.round((yesterday.getTime() - earliest.getTime()) / 86_400_000);

const addressCode = fc.integer({ min: 100000, max: 999999 }).map(String);
const birthDate = fc
  .integer({ min: 0, max: daysInRange })
  .map((k) => new Date(earliest.getFullYear(), earliest.getMonth(), earliest.getDate() + k, 12));
const sequence = fc.integer({ min: 0, max: 999 });

const validId = fc.record({ address: addressCode, birth: birthDate, seq: sequence }).map(({ address, birth, seq }) => {
  const first17 = address + ymd(birth) + pad(seq, 3);
  return { id: first17 + idNumberCheckDigit(first17), address, birth, seq };
});

const CHARSET = '0123456789X';

// ---- the standard's examples ----

test('the standard\'s example 11010519491231002X is valid, female, born 1949-12-31', (t) => {
  t.is(idNumberCheckDigit('11010519491231002'), 'X');
  t.is(checkIdNumber('11010519491231002X'), null);
  t.true(isValidIdNumber('11010519491231002X'));
  t.deepEqual(parseIdNumber('11010519491231002X'), { birthDate: '1949-12-31', gender: 'female' });
});

test('hand-computed examples: check characters 4, X and 0', (t) => {
  t.is(idNumberCheckDigit('44052418800101001'), '4');
  t.is(idNumberCheckDigit('34052419800101001'), 'X');
  t.is(idNumberCheckDigit('11010519491231007'), '0');
  t.is(checkIdNumber('34052419800101001X'), null);
  t.is(checkIdNumber('110105194912310070'), null);
  t.deepEqual(parseIdNumber('34052419800101001X'), { birthDate: '1980-01-01', gender: 'male' });
  t.deepEqual(parseIdNumber('110105194912310070'), { birthDate: '1949-12-31', gender: 'male' });
  for (const id of ['11010519491231002X', '440524188001010014', '34052419800101001X', '110105194912310070']) t.true(mod112Verifies(id), id);
});

test('the 1880 example has a correct check digit but is outside the 130-year birth window today; valid as of 2000', (t) => {
  t.is(checkIdNumber('440524188001010014'), 'birth_date');
  t.is(checkIdNumber('440524188001010014', new Date(2000, 0, 1, 12)), null);
  t.deepEqual(parseIdNumber('440524188001010014'), { birthDate: '1880-01-01', gender: 'male' });
});

test('a wrong check character on a well-formed number is reported as check_digit', (t) => {
  t.is(checkIdNumber('110105194912310021'), 'check_digit');
  t.is(checkIdNumber('110105194912310020'), 'check_digit');
  t.is(checkIdNumber('440524188001010015', new Date(2000, 0, 1)), 'check_digit');
  t.is(checkIdNumber('340524198001010010'), 'check_digit');
});

// ---- properties ----

test('property: any valid address code, birth date and sequence + idNumberCheckDigit passes checkIdNumber', (t) => {
  fc.assert(
    fc.property(validId, ({ id }) => {
      assert.equal(id.length, 18);
      assert.match(idNumberCheckDigit(id.slice(0, 17)), /^[0-9X]$/);
      assert.ok(mod112Verifies(id), `MOD 11-2 verification fails for ${id}`);
      assert.equal(checkIdNumber(id), null, id);
      assert.ok(isValidIdNumber(id));
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('property: every single-character substitution (another digit or X, any position) is detected', (t) => {
  fc.assert(
    fc.property(validId, ({ id }) => {
      for (let pos = 0; pos < 18; pos++) {
        for (const c of CHARSET) {
          if (c === id[pos]) continue;
          const mutated = id.slice(0, pos) + c + id.slice(pos + 1);
          const problem = checkIdNumber(mutated);
          assert.notEqual(problem, null, `${id} → ${mutated} accepted`);
          // Where the change keeps the format and the birth date valid, it is the check character that catches it.
          const keepsFormatAndDate = c !== 'X' || pos === 17;
          const touchesFormatOrDate = (pos === 0 && c === '0') || (pos >= 6 && pos < 14);
          if (keepsFormatAndDate && !touchesFormatOrDate) assert.equal(problem, 'check_digit', `${id} → ${mutated}`);
          if (c === 'X' && pos < 17) assert.equal(problem, 'format', `${id} → ${mutated}`);
        }
      }
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('property: swapping two adjacent different characters is detected (MOD 11-2 weights of neighbours differ)', (t) => {
  fc.assert(
    fc.property(validId, fc.integer({ min: 0, max: 16 }), ({ id }, pos) => {
      fc.pre(id[pos] !== id[pos + 1]);
      const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
      assert.notEqual(checkIdNumber(swapped), null, `${id} → ${swapped}`);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('property: lowercase x check character accepted, and treated like X', (t) => {
  fc.assert(
    fc.property(addressCode, birthDate, fc.integer({ min: 0, max: 99 }), (address, birth, seq2) => {
      // Of the ten possible last sequence digits, look for one whose check character is X (not always possible).
      const first16 = address + ymd(birth) + pad(seq2, 2);
      const digit = [...'0123456789'].find((d) => idNumberCheckDigit(first16 + d) === 'X');
      fc.pre(digit !== undefined);
      const upper = `${first16}${digit}X`;
      const lower = `${first16}${digit}x`;
      assert.ok(mod112Verifies(upper));
      assert.equal(checkIdNumber(upper), null);
      assert.equal(checkIdNumber(lower), null);
      assert.deepEqual(parseIdNumber(lower), parseIdNumber(upper));
    }),
    { numRuns: 300 },
  );
  t.pass();
  t.is(checkIdNumber('11010519491231002x'), null);
});

test('property: parseIdNumber derives the birth date and gender (odd 17th digit = male)', (t) => {
  fc.assert(
    fc.property(validId, ({ id, birth, seq }) => {
      const parsed = parseIdNumber(id);
      const expectedDate = `${birth.getFullYear()}-${pad(birth.getMonth() + 1, 2)}-${pad(birth.getDate(), 2)}`;
      assert.equal(parsed.birthDate, expectedDate);
      assert.equal(parsed.gender, seq % 2 === 1 ? 'male' : 'female');
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('parseIdNumber gender for each final sequence digit', (t) => {
  for (let d = 0; d <= 9; d++) {
    const first17 = `3101151990061500${d}`;
    const id = first17 + idNumberCheckDigit(first17);
    t.is(parseIdNumber(id).gender, [1, 3, 5, 7, 9].includes(d) ? 'male' : 'female', id);
  }
  t.is(GENDER_LABELS.male, '男');
  t.is(GENDER_LABELS.female, '女');
});

test('property: maskIdNumber keeps the first 3 and last 4 characters and hides the 11 in between', (t) => {
  fc.assert(
    fc.property(validId, ({ id }) => {
      const masked = maskIdNumber(id);
      assert.equal(masked.length, 18);
      assert.equal(masked.slice(0, 3), id.slice(0, 3));
      assert.equal(masked.slice(-4), id.slice(-4));
      assert.equal(masked.slice(3, 14), '***********');
      // The birth date and the middle digits never appear where they were.
      assert.ok(!masked.includes(id.slice(3, 14)));
      assert.ok(!masked.includes(id.slice(6, 14)));
    }),
    { numRuns: 300 },
  );
  t.pass();
  t.is(maskIdNumber('11010519491231002X'), '110***********002X');
});

test('maskIdNumber on short input reveals nothing', (t) => {
  t.is(maskIdNumber(''), '');
  t.is(maskIdNumber('1234567'), '*******');
  t.is(maskIdNumber('12345678'), '123*5678');
});

// ---- format ----

test('wrong length or characters → format', (t) => {
  const valid = '11010519491231002X';
  const cases = [
    '',
    valid.slice(0, 17), // 17
    `${valid}0`, // 19
    '110105194912310', // old 15-digit number
    '01010519491231002X', // address code starting with 0
    '1101051949123100X2', // X not last
    '11010519491231002Y',
    'A1010519491231002X',
    ` ${valid}`, // no trimming here
    '11010519491231002Ｘ', // full-width X
    '１１０１０５１９４９１２３１００２X', // full-width digits
    '11010519491231002-',
  ];
  for (const v of cases) t.is(checkIdNumber(v), 'format', JSON.stringify(v));
});

test('property: any string that is not 18 characters is a format problem', (t) => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...'0123456789Xx'), maxLength: 30 }).filter((s) => s.length !== 18),
      (s) => {
        assert.equal(checkIdNumber(s), 'format');
      },
    ),
  );
  t.pass();
});

test('idNumberCheckDigit rejects anything but 17 digits', (t) => {
  t.throws(() => idNumberCheckDigit('1101051949123100'), { instanceOf: RangeError });
  t.throws(() => idNumberCheckDigit('110105194912310022'), { instanceOf: RangeError });
  t.throws(() => idNumberCheckDigit('1101051949123100X'), { instanceOf: RangeError });
});

// ---- birth date ----

/** A number with a correct check digit around the given 8-digit date. */
const withDate = (yyyymmdd: string, seq = '123') => {
  const first17 = `310115${yyyymmdd}${seq}`;
  return first17 + idNumberCheckDigit(first17);
};

test('impossible calendar dates → birth_date (check digit correct)', (t) => {
  for (const d of ['19900230', '19990229', '19000229', '19901301', '19900001', '19900100', '19900431', '19901232'])
    t.is(checkIdNumber(withDate(d)), 'birth_date', d);
  // leap days that exist: 2000 (divisible by 400) and 1996
  t.is(checkIdNumber(withDate('20000229')), null);
  t.is(checkIdNumber(withDate('19960229')), null);
});

test('future birth dates → birth_date; today and yesterday are fine', (t) => {
  const today = new Date(2024, 5, 15, 12);
  t.is(checkIdNumber(withDate('20240616'), today), 'birth_date');
  t.is(checkIdNumber(withDate('20250101'), today), 'birth_date');
  t.is(checkIdNumber(withDate('20240615'), today), null);
  t.is(checkIdNumber(withDate('20240614'), today), null);
  // with the real clock
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 12);
  t.is(checkIdNumber(withDate(ymd(tomorrow))), 'birth_date');
  t.is(checkIdNumber(withDate(ymd(yesterday))), null);
});

test('property: every birth date after today is rejected', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 365 * 80 }), sequence, (days, seq) => {
      const future = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 12);
      assert.equal(checkIdNumber(withDate(ymd(future), pad(seq, 3))), 'birth_date');
    }),
  );
  t.pass();
});

test('birth dates more than 130 years ago are rejected', (t) => {
  const today = new Date(2024, 5, 15, 12);
  t.is(checkIdNumber(withDate('18940101'), today), 'birth_date');
  t.is(checkIdNumber(withDate('19000101'), today), null);
});
