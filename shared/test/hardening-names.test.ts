/** Issue 15 item 10: names are NFKC-normalised and hold only unified ideographs and the middle dot. */
import test from 'ava';
import fc from 'fast-check';
import { identityRequest } from '../src/index.js';

const ID = '34052419800101001X';
const parse = (name: string) => identityRequest.safeParse({ name, idNumber: ID });

test('a compatibility ideograph is normalised to its unified ideograph (豈 U+F900 -> U+8C48)', (t) => {
  const r = parse('\uF900三');
  t.true(r.success);
  t.is(r.data?.name, '\u8C48三');
  t.is(r.data?.name.codePointAt(0), 0x8c48);
  // a Kangxi radical that NFKC maps to a unified ideograph (⼀ U+2F00 -> 一 U+4E00)
  t.is(parse('\u2F00三').data?.name, '一三');
});

test('CJK radicals and other Han-script characters that are not unified ideographs are refused', (t) => {
  for (const name of ['\u2E80三', '三\u2E80', '\u3007三', '\u3005三', '\u3006三', '\u2FF0三'])
    t.false(parse(name).success, `U+${name.codePointAt(0)!.toString(16)} ${name}`);
});

test('existing behaviour kept: middle dots unified to ·, half-width katakana dot too, extension B ideographs pass', (t) => {
  t.is(parse('买买提•艾力').data?.name, '买买提·艾力');
  t.is(parse('买买提・艾力').data?.name, '买买提·艾力');
  t.is(parse('买买提\uFF65艾力').data?.name, '买买提·艾力'); // half-width ･ NFKC -> ・ -> ·
  t.true(parse('\u{20000}三').success, 'CJK extension B is unified');
  t.false(parse('张·').success);
  t.false(parse('·张三').success);
});

test('property: every accepted name is NFKC-normal and made of unified ideographs and middle dots only', (t) => {
  const chars = fc.oneof(
    fc.integer({ min: 0x2e80, max: 0x2fdf }),
    fc.integer({ min: 0x3000, max: 0x303f }),
    fc.integer({ min: 0x3400, max: 0x9fff }),
    fc.integer({ min: 0xf900, max: 0xfaff }),
    fc.constantFrom(0xb7, 0x30fb, 0x2022, 0xff65),
  );
  fc.assert(
    fc.property(fc.array(chars, { minLength: 2, maxLength: 8 }), (cps) => {
      const r = parse(String.fromCodePoint(...cps));
      if (!r.success) return true;
      const name = r.data.name;
      return name === name.normalize('NFKC') && /^[\p{Unified_Ideograph}·]+$/u.test(name);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
