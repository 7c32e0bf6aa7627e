/** Professions, declarations and error codes: the fixed texts users see, checked against the seed documents. */
import test from 'ava';
import {
  applicantDeclaration,
  applicationFormTitle,
  employerOpinion,
  ERRORS,
  isSupportedApplication,
  PROFESSION_LABELS,
  PROFESSION_RULES,
  PROFESSIONS,
  REGISTRATION_TYPES,
  SPECIALTIES,
  SPECIALTY_LABELS,
} from '../src/index.js';

test('form titles as printed on the PDF (seed 000 figure 9)', (t) => {
  t.is(applicationFormTitle('constructor', 'initial'), '二级建造师初始注册申请表');
  t.is(applicationFormTitle('cost_engineer', 'renewal'), '二级造价工程师延续注册申请表');
});

test('every seed-000 matter is supported online for constructors, with 003/004 re-registration and replacement and 003 temporary constructors (where the province offers them); those of 001 and 002 for cost engineers and architects', (t) => {
  const online = {
    constructor: ['initial', 'add_specialty', 'renewal', 'cancellation', 'change', 'paper_exchange', 'reregistration', 'replacement', 'temporary_transfer', 'temporary_extension', 'temporary_cancellation'],
    // 001/002 §3.5: a change goes to the authority or is a cancellation then an initial registration; 001 has no exchange; architects have no specialties
    cost_engineer: ['initial', 'add_specialty', 'renewal', 'cancellation'],
    architect: ['initial', 'renewal', 'cancellation', 'paper_exchange'],
  } as Record<string, string[]>;
  for (const p of PROFESSIONS)
    for (const ty of REGISTRATION_TYPES) t.is(isSupportedApplication(p, ty), online[p].includes(ty), `${p}/${ty}`);
});

test('every specialty has a label; architects have no specialties; constructor rules are 3 years and 60 + 60 hours', (t) => {
  for (const p of PROFESSIONS) for (const s of SPECIALTIES[p]) t.regex(SPECIALTY_LABELS[s], /^[\u4e00-\u9fa5]+工程$/, s);
  t.deepEqual([...SPECIALTIES.architect], []);
  t.is(SPECIALTIES.constructor.length, 6);
  t.deepEqual(PROFESSION_RULES.constructor.minimumHours, { compulsory: 60, elective: 60 });
  t.is(PROFESSION_RULES.constructor.lateAfterYears, 3);
  for (const p of PROFESSIONS) t.regex(PROFESSION_LABELS[p], /^二级/);
});

test('the applicant declaration names the person, the qualification and the employer', (t) => {
  const lines = applicantDeclaration({ applicantName: '张三', employerName: '上海浦东建设工程有限公司', profession: 'constructor' });
  t.is(lines.length, 3);
  t.is(lines[0], '本人张三已按照相关法律规定，符合考试报名条件，并合法取得了二级建造师执业资格，与上海浦东建设工程有限公司签订真实有效劳动聘用合同。');
  t.is(lines[2], '本人已核对上述内容，对申请表内容及申报材料的真实性负责。');
});

test("the employer's opinion names the employer, the person and the registration type", (t) => {
  t.is(
    employerOpinion({ applicantName: '张三', employerName: '上海浦东建设工程有限公司', type: 'initial' }),
    '上海浦东建设工程有限公司已按照相关法律规定与张三签订真实有效劳动聘用合同，并确认其申报材料真实，同意该同志申报初始注册。',
  );
});

test('every error code has an HTTP error status and a Chinese message', (t) => {
  for (const [code, { status, message }] of Object.entries(ERRORS)) {
    t.true(status >= 400 && status < 600, code);
    t.regex(message, /[\u4e00-\u9fa5]/, code);
  }
  t.is(ERRORS.validation_failed.status, 422);
  t.is(ERRORS.unauthenticated.status, 401);
  t.is(ERRORS.internal.status, 500);
});
