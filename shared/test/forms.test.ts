/**
 * The initial registration form (constructors) and its cross-field rules.
 *
 * Lateness oracle (independent of dayjs): registering is late when the application date is after the third
 * anniversary of the issue date. Dates are compared as YYYY-MM-DD strings; an issue date of 29 February has
 * its anniversary on 28 February (民法典 第二百零二条: no corresponding day → the last day of that month).
 */
import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { checkInitialRegistrationForm, isLateRegistration, PHONE_PATTERN, SPECIALTIES, type Specialty } from '../src/index.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** The application date as the BFF passes it: that calendar day, at noon. */
const day = (s: string) => {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(y, m - 1, d, 12);
};
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function lateByOracle(issueDate: string, today: string): boolean {
  const [y, m, d] = issueDate.split('-').map(Number);
  const anniversary = m === 2 && d === 29 && !isLeap(y + 3) ? `${y + 3}-02-28` : `${y + 3}-${pad(m)}-${pad(d)}`;
  return today > anniversary;
}

const TODAY = day('2026-01-15');
const USCC = '91310115MA1K3YJH5A';

type Form = Record<string, any>;
function validForm(overrides: Form = {}): Form {
  return {
    employer: { name: '上海浦东建设工程有限公司', uscc: USCC, phone: '13512345678' },
    specialties: [{ specialty: 'building', issueDate: '2024-05-20' }],
    declarationAccepted: true,
    ...overrides,
  };
}
function errorsOf(input: unknown, today = TODAY): Record<string, string> {
  const r = checkInitialRegistrationForm(input, today);
  if (r.ok) throw new Error(`expected errors, form passed: ${JSON.stringify(input)}`);
  return r.fields;
}

// ---- shape ----

test('a valid form passes and is normalised (trimmed, upper-cased USCC, continuingEducation defaults to [])', (t) => {
  const r = checkInitialRegistrationForm(
    validForm({ employer: { name: '  上海浦东建设工程有限公司 ', uscc: ' 91310115ma1k3yjh5a ', phone: ' 021-58881234 ' } }),
    TODAY,
  );
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(r.value, {
    employer: { name: '上海浦东建设工程有限公司', uscc: USCC, phone: '021-58881234' },
    specialties: [{ specialty: 'building', issueDate: '2024-05-20' }],
    continuingEducation: [],
    declarationAccepted: true,
  });
});

test('several specialties, dateIsApprovalDate, all six constructor specialties accepted', (t) => {
  const specialties = SPECIALTIES.constructor.map((specialty, i) => ({ specialty, issueDate: `2025-0${i + 1}-10`, dateIsApprovalDate: i % 2 === 0 }));
  const r = checkInitialRegistrationForm(validForm({ specialties }), TODAY);
  t.true(r.ok, JSON.stringify(r));
});

test('unknown fields are rejected with their path, at every level', (t) => {
  t.deepEqual(errorsOf({ ...validForm(), remark: 'x' }), { remark: '不支持的字段' });
  t.deepEqual(errorsOf(validForm({ employer: { name: '上海浦东建设工程有限公司', uscc: USCC, phone: '13512345678', legalPerson: '张三' } })), {
    'employer.legalPerson': '不支持的字段',
  });
  t.deepEqual(errorsOf(validForm({ specialties: [{ specialty: 'building', issueDate: '2024-05-20', grade: 2 }] })), {
    'specialties.0.grade': '不支持的字段',
  });
  const fields = errorsOf({ ...validForm(), a: 1, b: 2 });
  t.deepEqual(Object.keys(fields).sort(), ['a', 'b']);
});

test('declaration not accepted → declarationAccepted', (t) => {
  const { declarationAccepted: _, ...missing } = validForm();
  t.deepEqual(errorsOf(missing), { declarationAccepted: '请阅读并勾选申请人员意见' });
  t.deepEqual(errorsOf(validForm({ declarationAccepted: false })), { declarationAccepted: '请阅读并勾选申请人员意见' });
  t.deepEqual(Object.keys(errorsOf(validForm({ declarationAccepted: 'true' }))), ['declarationAccepted']);
});

test('bad USCC → employer.uscc, with the format or check-character message', (t) => {
  const withUscc = (uscc: unknown) => validForm({ employer: { name: '上海浦东建设工程有限公司', uscc, phone: '13512345678' } });
  t.deepEqual(errorsOf(withUscc('91310115MA1K3YJH5B')), { 'employer.uscc': '统一社会信用代码校验位不正确，请核对' });
  t.deepEqual(errorsOf(withUscc('91310115MA1K3YJH5')), { 'employer.uscc': '统一社会信用代码应为 18 位数字或大写字母' });
  t.deepEqual(errorsOf(withUscc('91310115MA1K3YJH5O')), { 'employer.uscc': '统一社会信用代码应为 18 位数字或大写字母' });
  t.deepEqual(errorsOf(withUscc(undefined)), { 'employer.uscc': '请填写统一社会信用代码' });
});

test('bad phone → employer.phone; mobiles and landlines with area code pass', (t) => {
  const withPhone = (phone: unknown) => validForm({ employer: { name: '上海浦东建设工程有限公司', uscc: USCC, phone } });
  for (const phone of ['12512345678', '1351234567', '135123456789', '5881234', '21-58881234', '021588812', '+8613512345678', '135 1234 5678', ''])
    t.deepEqual(errorsOf(withPhone(phone)), { 'employer.phone': '请填写正确的手机号或带区号的固定电话' }, phone);
  for (const phone of ['13512345678', '19912345678', '021-58881234', '02158881234', '0571-8888888', '0755-88888888'])
    t.true(checkInitialRegistrationForm(withPhone(phone), TODAY).ok, phone);
  t.true(PHONE_PATTERN.test('010-12345678'));
});

test('employer name: required, at least 2 characters after trimming, at most 100', (t) => {
  const withName = (name: unknown) => validForm({ employer: { name, uscc: USCC, phone: '13512345678' } });
  t.deepEqual(Object.keys(errorsOf(withName(' 甲 '))), ['employer.name']);
  t.deepEqual(Object.keys(errorsOf(withName('甲'.repeat(101)))), ['employer.name']);
  t.true(checkInitialRegistrationForm(withName('甲'.repeat(100)), TODAY).ok);
  t.deepEqual(Object.keys(errorsOf(validForm({ employer: undefined }))), ['employer']);
});

test('specialties: at least one, only constructor specialties, each once', (t) => {
  t.deepEqual(errorsOf(validForm({ specialties: [] })), { specialties: '请至少选择一个注册专业' });
  t.deepEqual(errorsOf(validForm({ specialties: undefined })), { specialties: '请选择注册专业' });
  t.deepEqual(errorsOf(validForm({ specialties: [{ specialty: 'civil', issueDate: '2024-05-20' }] })), { 'specialties.0.specialty': '不是本职业的注册专业' });
  t.deepEqual(
    errorsOf(
      validForm({
        specialties: [
          { specialty: 'building', issueDate: '2024-05-20' },
          { specialty: 'municipal', issueDate: '2024-05-20' },
          { specialty: 'building', issueDate: '2025-01-02' },
        ],
      }),
    ),
    { 'specialties.2.specialty': '同一专业只能选择一次' },
  );
  const seven = [...SPECIALTIES.constructor, 'building'].map((specialty) => ({ specialty, issueDate: '2024-05-20' }));
  t.deepEqual(Object.keys(errorsOf(validForm({ specialties: seven }))), ['specialties']);
});

test('issue dates: malformed, impossible, in the future', (t) => {
  const withDate = (issueDate: unknown) => validForm({ specialties: [{ specialty: 'building', issueDate }] });
  t.deepEqual(errorsOf(withDate('2024/05/20')), { 'specialties.0.issueDate': '日期格式应为 YYYY-MM-DD' });
  t.deepEqual(errorsOf(withDate('2024-5-20')), { 'specialties.0.issueDate': '日期格式应为 YYYY-MM-DD' });
  t.deepEqual(errorsOf(withDate('2023-02-29')), { 'specialties.0.issueDate': '日期无效' });
  t.deepEqual(errorsOf(withDate('2024-13-01')), { 'specialties.0.issueDate': '日期无效' });
  t.deepEqual(errorsOf(withDate('2024-04-31')), { 'specialties.0.issueDate': '日期无效' });
  t.true(checkInitialRegistrationForm(withDate('2024-02-29'), TODAY).ok);
  // future: the day after the application date is rejected, the application date itself is fine
  t.deepEqual(errorsOf(withDate('2026-01-16')), { 'specialties.0.issueDate': '签发日期不能晚于今天' });
  t.deepEqual(errorsOf(withDate('2031-06-01')), { 'specialties.0.issueDate': '签发日期不能晚于今天' });
  t.true(checkInitialRegistrationForm(withDate('2026-01-15'), TODAY).ok);
});

// ---- late registration ----

test('isLateRegistration boundaries: exactly 3 years is not late, 3 years + 1 day is', (t) => {
  t.false(isLateRegistration('2023-01-15', day('2026-01-14')));
  t.false(isLateRegistration('2023-01-15', day('2026-01-15')));
  t.true(isLateRegistration('2023-01-15', day('2026-01-16')));
  t.false(isLateRegistration('2021-12-31', day('2024-12-31')));
  t.true(isLateRegistration('2021-12-31', day('2025-01-01')));
  // the time of day on the application date does not matter
  t.false(isLateRegistration('2023-01-15', new Date(2026, 0, 15, 23, 59, 59)));
  t.true(isLateRegistration('2023-01-15', new Date(2026, 0, 16, 0, 0, 0)));
  // issued on 29 February: anniversary falls on 28 February
  t.false(isLateRegistration('2020-02-29', day('2023-02-28')));
  t.true(isLateRegistration('2020-02-29', day('2023-03-01')));
  // the rule is a per-profession setting (all three years today)
  t.true(isLateRegistration('2023-01-15', day('2026-01-16'), 'cost_engineer'));
  t.false(isLateRegistration('2023-01-15', day('2026-01-15'), 'architect'));
});

const late = (specialty: Specialty = 'building') => ({ specialty, issueDate: '2023-01-14' }); // 3 years + 1 day before TODAY
const onTime = (specialty: Specialty = 'building') => ({ specialty, issueDate: '2023-01-15' }); // exactly 3 years before TODAY

test('exactly three years before the application date needs no continuing education', (t) => {
  t.true(checkInitialRegistrationForm(validForm({ specialties: [onTime()] }), TODAY).ok);
});

test('three years and a day: continuing education required, on the specialty and on continuingEducation', (t) => {
  const fields = errorsOf(validForm({ specialties: [late()] }));
  t.deepEqual(Object.keys(fields).sort(), ['continuingEducation', 'specialties.0.issueDate']);
  t.regex(fields['specialties.0.issueDate'], /逾期注册/);
  t.regex(fields['specialties.0.issueDate'], /建筑工程/);
  t.is(fields.continuingEducation, '逾期注册的专业须填写继续教育学时');
});

test('late specialty with 60 compulsory + 60 elective hours passes', (t) => {
  const r = checkInitialRegistrationForm(
    validForm({ specialties: [late()], continuingEducation: [{ specialty: 'building', compulsoryHours: 60, electiveHours: 60 }] }),
    TODAY,
  );
  t.true(r.ok, JSON.stringify(r));
  t.true(
    checkInitialRegistrationForm(validForm({ specialties: [late()], continuingEducation: [{ specialty: 'building', compulsoryHours: 120, electiveHours: 999 }] }), TODAY).ok,
  );
});

test('too few hours → errors on compulsoryHours / electiveHours of that entry', (t) => {
  const withCe = (compulsoryHours: number, electiveHours: number) =>
    validForm({ specialties: [late()], continuingEducation: [{ specialty: 'building', compulsoryHours, electiveHours }] });
  t.deepEqual(errorsOf(withCe(59, 60)), { 'continuingEducation.0.compulsoryHours': '必修课不少于 60 学时' });
  t.deepEqual(errorsOf(withCe(60, 59)), { 'continuingEducation.0.electiveHours': '选修课不少于 60 学时' });
  t.deepEqual(errorsOf(withCe(0, 0)), {
    'continuingEducation.0.compulsoryHours': '必修课不少于 60 学时',
    'continuingEducation.0.electiveHours': '选修课不少于 60 学时',
  });
});

test('hours must be whole, non-negative numbers up to 1000', (t) => {
  const withCe = (compulsoryHours: unknown) =>
    validForm({ specialties: [late()], continuingEducation: [{ specialty: 'building', compulsoryHours, electiveHours: 60 }] });
  t.deepEqual(errorsOf(withCe(60.5)), { 'continuingEducation.0.compulsoryHours': '学时应为整数' });
  t.deepEqual(errorsOf(withCe(-1)), { 'continuingEducation.0.compulsoryHours': '学时不能为负数' });
  t.deepEqual(errorsOf(withCe(1001)), { 'continuingEducation.0.compulsoryHours': '学时过大' });
  t.deepEqual(errorsOf(withCe('60')), { 'continuingEducation.0.compulsoryHours': '请填写学时' });
});

test('continuing education for a specialty that is not late is rejected', (t) => {
  const fields = errorsOf(validForm({ specialties: [onTime()], continuingEducation: [{ specialty: 'building', compulsoryHours: 60, electiveHours: 60 }] }));
  t.deepEqual(Object.keys(fields), ['continuingEducation.0.specialty']);
  t.regex(fields['continuingEducation.0.specialty'], /不属于逾期注册/);
  // the entry itself is the problem: its hours are not checked as well
  const zeroHours = errorsOf(validForm({ specialties: [onTime()], continuingEducation: [{ specialty: 'building', compulsoryHours: 0, electiveHours: 0 }] }));
  t.deepEqual(Object.keys(zeroHours), ['continuingEducation.0.specialty']);
  // nor for a specialty that is not on the form at all
  const notSelected = errorsOf(validForm({ specialties: [late()], continuingEducation: [
    { specialty: 'building', compulsoryHours: 60, electiveHours: 60 },
    { specialty: 'mining', compulsoryHours: 60, electiveHours: 60 },
  ] }));
  t.deepEqual(Object.keys(notSelected), ['continuingEducation.1.specialty']);
  t.regex(notSelected['continuingEducation.1.specialty'], /矿业工程/);
});

test('the same specialty twice in continuing education is rejected', (t) => {
  const fields = errorsOf(validForm({ specialties: [late()], continuingEducation: [
    { specialty: 'building', compulsoryHours: 60, electiveHours: 60 },
    { specialty: 'building', compulsoryHours: 60, electiveHours: 60 },
  ] }));
  t.deepEqual(fields, { 'continuingEducation.1.specialty': '同一专业只能填写一次' });
});

test('mixed specialties: errors point at the late one, continuing education for it suffices', (t) => {
  const specialties = [onTime('municipal'), late('highway'), onTime('building')];
  const fields = errorsOf(validForm({ specialties }));
  t.deepEqual(Object.keys(fields).sort(), ['continuingEducation', 'specialties.1.issueDate']);
  t.regex(fields['specialties.1.issueDate'], /公路工程/);
  t.true(checkInitialRegistrationForm(validForm({ specialties, continuingEducation: [{ specialty: 'highway', compulsoryHours: 60, electiveHours: 60 }] }), TODAY).ok);
  const wrongOne = errorsOf(validForm({ specialties, continuingEducation: [{ specialty: 'municipal', compulsoryHours: 60, electiveHours: 60 }] }));
  t.deepEqual(Object.keys(wrongOne).sort(), ['continuingEducation', 'continuingEducation.0.specialty', 'specialties.1.issueDate']);
});

// ---- properties ----

const dayOffset = (base: Date, k: number) => new Date(base.getFullYear(), base.getMonth(), base.getDate() + k, 12);
const applicationDate = fc.integer({ min: 0, max: 365 * 30 }).map((k) => dayOffset(new Date(2000, 0, 1), k));

test('property: isLateRegistration agrees with the anniversary oracle, including 29 February', (t) => {
  fc.assert(
    fc.property(applicationDate, fc.integer({ min: -365 * 6, max: 0 }), (today, k) => {
      const issue = iso(dayOffset(today, k));
      assert.equal(isLateRegistration(issue, today), lateByOracle(issue, iso(today)), `${issue} on ${iso(today)}`);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('property: a form needs continuing education iff the specialty is late', (t) => {
  fc.assert(
    fc.property(applicationDate, fc.integer({ min: -365 * 8, max: 0 }), fc.constantFrom(...SPECIALTIES.constructor), (today, k, specialty) => {
      const issueDate = iso(dayOffset(today, k));
      const isLate = lateByOracle(issueDate, iso(today));
      assert.equal(isLateRegistration(issueDate, today), isLate);
      const specialties = [{ specialty, issueDate }];
      const without = checkInitialRegistrationForm(validForm({ specialties }), today);
      const withCe = checkInitialRegistrationForm(
        validForm({ specialties, continuingEducation: [{ specialty, compulsoryHours: 60, electiveHours: 60 }] }),
        today,
      );
      assert.equal(without.ok, !isLate, `${issueDate} on ${iso(today)} without CE`);
      assert.equal(withCe.ok, isLate, `${issueDate} on ${iso(today)} with CE`);
      if (!without.ok) assert.deepEqual(Object.keys(without.fields).sort(), ['continuingEducation', 'specialties.0.issueDate']);
      if (!withCe.ok) assert.deepEqual(Object.keys(withCe.fields), ['continuingEducation.0.specialty']);
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('property: with several specialties, exactly the late ones are flagged', (t) => {
  const entries = fc.uniqueArray(
    fc.record({ specialty: fc.constantFrom(...SPECIALTIES.constructor), back: fc.integer({ min: 0, max: 365 * 8 }) }),
    { minLength: 1, maxLength: 6, selector: (e) => e.specialty },
  );
  fc.assert(
    fc.property(applicationDate, entries, (today, list) => {
      const specialties = list.map((e) => ({ specialty: e.specialty, issueDate: iso(dayOffset(today, -e.back)) }));
      const lateIdx = specialties.flatMap((s, i) => (lateByOracle(s.issueDate, iso(today)) ? [i] : []));
      const r = checkInitialRegistrationForm(validForm({ specialties }), today);
      if (lateIdx.length === 0) return assert.ok(r.ok);
      assert.ok(!r.ok);
      const expected = ['continuingEducation', ...lateIdx.map((i) => `specialties.${i}.issueDate`)].sort();
      assert.deepEqual(Object.keys(r.fields).sort(), expected);
      // supplying 60 + 60 for exactly the late specialties makes the form pass
      const continuingEducation = lateIdx.map((i) => ({ specialty: specialties[i].specialty, compulsoryHours: 60, electiveHours: 60 }));
      assert.ok(checkInitialRegistrationForm(validForm({ specialties, continuingEducation }), today).ok);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('property: issue dates after the application date are always rejected', (t) => {
  fc.assert(
    fc.property(applicationDate, fc.integer({ min: 1, max: 365 * 5 }), (today, k) => {
      const r = checkInitialRegistrationForm(validForm({ specialties: [{ specialty: 'building', issueDate: iso(dayOffset(today, k)) }] }), today);
      assert.ok(!r.ok);
      assert.equal(r.fields['specialties.0.issueDate'], '签发日期不能晚于今天');
    }),
  );
  t.pass();
});

test('non-object input is rejected, not thrown', (t) => {
  for (const input of [null, undefined, 42, 'form', []]) t.false(checkInitialRegistrationForm(input, TODAY).ok);
});
