/** Request schemas shared by the BFF and the miniapp: identity (real-name) and review decisions. */
import test from 'ava';
import fc from 'fast-check';
import { idNumberCheckDigit, identityRequest, reviewDecisionRequest, REVIEW_STAGES, phoneSchema, otpSchema } from '../src/index.js';
import { REVIEW_REASON_CODES } from '../src/review-reasons.js';

// 34052419800101001X: check character X computed by hand (see id-number.test.ts).
const ID = '34052419800101001X';
const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

// ---- identityRequest ----

test('identity: a Chinese name and a valid ID pass; the ID is trimmed and upper-cased, the name trimmed', (t) => {
  const r = identityRequest.safeParse({ name: ' 张三 ', idNumber: ' 34052419800101001x ' });
  t.true(r.success);
  t.deepEqual(r.data, { name: '张三', idNumber: ID });
});

test('identity: names of minorities with the middle dot (·) and long names pass', (t) => {
  for (const name of ['买买提·艾力', '阿沛·阿旺晋美', '欧阳娜娜', '张'.repeat(20)])
    t.true(identityRequest.safeParse({ name, idNumber: ID }).success, name);
});

test('identity: non-Chinese names, one character, more than 20 characters are rejected with a Chinese message', (t) => {
  for (const name of ['Zhang San', 'zhangsan', '张3', '张 三', '张', '张'.repeat(21), '张三!', 'ＡＢ', '김철수', 'やまだ', ''])
    t.deepEqual(messages(identityRequest.safeParse({ name, idNumber: ID })), { name: '请填写身份证上的中文姓名' }, name);
});

test('property: any name containing an ASCII letter or digit is rejected', (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 0, maxLength: 5 }), fc.constantFrom(...'aZ09'), fc.string({ maxLength: 5 }), (a, c, b) => {
      return !identityRequest.safeParse({ name: `${a}张${c}三${b}`, idNumber: ID }).success;
    }),
  );
  t.pass();
});

test('identity: one Chinese message per ID problem', (t) => {
  const idMessage = (idNumber: string) => messages(identityRequest.safeParse({ name: '张三', idNumber })).idNumber;
  t.is(idMessage('3405241980010100'), '身份证号码格式不正确：应为 18 位，最后一位可为 X');
  t.is(idMessage('34052419800101001XX'), '身份证号码格式不正确：应为 18 位，最后一位可为 X');
  t.is(idMessage('340524198002300012'), '身份证号码中的出生日期无效'); // 30 February
  t.is(idMessage('340524198001010010'), '身份证号码校验位不正确，请核对');
  const nextYear = new Date().getFullYear() + 1;
  const future = `340524${nextYear}0101001`;
  t.is(idMessage(future + idNumberCheckDigit(future)), '身份证号码中的出生日期无效');
});

test('identity: missing fields and unknown fields', (t) => {
  t.deepEqual(messages(identityRequest.safeParse({})), { name: '请填写姓名', idNumber: '请填写身份证号码' });
  t.deepEqual(messages(identityRequest.safeParse({ name: 123, idNumber: ID })), { name: '请填写姓名' });
  const r = identityRequest.safeParse({ name: '张三', idNumber: ID, gender: 'male' });
  t.false(r.success);
  t.is(r.error?.issues[0].code, 'unrecognized_keys');
});

// ---- reviewDecisionRequest ----

test('review: pass needs no reason, at every stage', (t) => {
  for (const stage of REVIEW_STAGES) {
    t.deepEqual(reviewDecisionRequest.safeParse({ stage, outcome: 'pass' }).data, { stage, outcome: 'pass' });
  }
  t.true(reviewDecisionRequest.safeParse({ stage: 'approval', outcome: 'pass', reason: '材料齐全' }).success);
});

test('review: fail requires a reason from the list or a text of at least 2 characters after trimming, reported on reason', (t) => {
  for (const reason of [undefined, '', ' ', '差', '  差  ']) {
    const r = reviewDecisionRequest.safeParse({ stage: 'first_review', outcome: 'fail', reason });
    t.deepEqual(messages(r), { reason: '不通过时请选择或填写原因' }, JSON.stringify(reason));
    // 'other' from the list still needs the text
    t.deepEqual(messages(reviewDecisionRequest.safeParse({ stage: 'first_review', outcome: 'fail', reason, reasonCode: 'other' })), { reason: '不通过时请选择或填写原因' });
  }
  const listed = REVIEW_REASON_CODES.find((c) => c !== 'other')!;
  t.true(reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'fail', reasonCode: listed }).success, 'a reason from the list alone is enough');
  const ok = reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'fail', reason: '  材料不全  ' });
  t.true(ok.success);
  t.is(ok.data?.reason, '材料不全');
});

test('review: unknown stage or outcome, overlong reason, extra fields are rejected', (t) => {
  t.false(reviewDecisionRequest.safeParse({ stage: 'draft', outcome: 'pass' }).success);
  t.false(reviewDecisionRequest.safeParse({ stage: 'approved', outcome: 'pass' }).success);
  t.false(reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'return' }).success);
  t.false(reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'fail', reason: '原'.repeat(501) }).success);
  t.true(reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'fail', reason: '原'.repeat(500) }).success);
  t.false(reviewDecisionRequest.safeParse({ stage: 'acceptance', outcome: 'pass', by: 'me' }).success);
});

// ---- small schemas used by the same flows ----

test('phone and OTP schemas', (t) => {
  t.is(phoneSchema.parse(' 13512345678 '), '13512345678');
  t.false(phoneSchema.safeParse('021-58881234').success); // login needs a mobile, not a landline
  t.false(phoneSchema.safeParse('12512345678').success);
  t.is(otpSchema.parse(' 123456 '), '123456');
  for (const code of ['12345', '1234567', '12345a']) t.false(otpSchema.safeParse(code).success, code);
});

// ---- a defect found by these tests, now fixed ----

test('a "name" made only of middle dots, or starting or ending with one, is rejected', (t) => {
  t.false(identityRequest.safeParse({ name: '··', idNumber: ID }).success);
  t.false(identityRequest.safeParse({ name: '·张三', idNumber: ID }).success);
});
