/**
 * The authority loads existing (paper) registrations (POST /api/review/registrations/imports): a CSV and an
 * XLSX file (built here with exceljs) with good and bad rows; the report names each bad row and its reason,
 * the good registrations are in the register without an electronic certificate, nothing personal leaks.
 */
import test from 'ava';
import ExcelJS from 'exceljs';
import { maskIdNumber, usccCheckCharacter } from '@zhiyetong/shared';
import { ENTERPRISE, login, startTestServer, type Client, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';
import { registeredConstructor, reviewerClient, verifyInPerson } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const HEADER = ['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'];
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const NEW_EMPLOYER = { name: '上海浦江建设工程有限公司', uscc: uscc('91310115MA1H8XY23') };
const BAD_USCC = (() => {
  const good = uscc('91310104MA1K4PQ2W');
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
})();

interface Report {
  imported: number;
  refused: number;
  registrationsImported: number;
  registrationsRefused: number;
  rows: { row: number; registrationNo: string; idNumberMasked: string; status: 'imported' | 'refused'; reasons: string[] }[];
}

async function upload(c: Client, bytes: Uint8Array, fileName: string, query = ''): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  const res = await fetch(`${c.baseUrl}/api/review/registrations/imports${query}`, { method: 'POST', body: form, headers: c.token ? { authorization: `Bearer ${c.token}` } : {} });
  return { status: res.status, body: await res.json() };
}

const csv = (rows: string[][], bom = true) => Buffer.from((bom ? '\ufeff' : '') + rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') + '\r\n', 'utf8');
const rowOf = (report: Report, row: number) => report.rows.find((r) => r.row === row)!;
const db = () => s.server.deps.db;

/** The holder's view of the register: logs in with that ID number and reads GET /api/registrations. */
async function registerOf(name: string, idNumber: string) {
  const c = await login(s, freshPhone());
  const identity = await c.put('/api/me/identity', { name, idNumber });
  if (identity.status !== 200) throw new Error(JSON.stringify(identity.body));
  return (await c.get('/api/registrations')).body;
}

const id = {
  wang: makeIdNumber('19800102', '011'),
  li: makeIdNumber('19850315', '022'),
  zhou: makeIdNumber('19790708', '033'),
  wu: makeIdNumber('19820909', '045'),
  zheng: makeIdNumber('19830303', '057'),
  feng: makeIdNumber('19840404', '069'),
  chen: makeIdNumber('19860606', '071'),
};
const badCheckDigit = (() => {
  const good = makeIdNumber('19880808', '083');
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
})();

test.serial('CSV (UTF-8 with BOM): good registrations written, each bad row refused with its reason', async (t) => {
  const reviewer = await reviewerClient(s);
  const file = csv([
    HEADER,
    // row 2-3: one registration with two specialties, by name and by code, dates in two spellings; a new employer
    ['沪231161800057', '王建国', id.wang, NEW_EMPLOYER.name, NEW_EMPLOYER.uscc, '建筑工程', '2018-06-14', '2027-06-13'],
    ['沪231161800057', '王建国', id.wang, NEW_EMPLOYER.name, NEW_EMPLOYER.uscc, 'highway', '2018/6/14', '2027年6月13日'],
    // row 4: a registration at the seeded enterprise, full-width digits in the date
    ['沪231161800058', '李红', id.li, ENTERPRISE.name, ENTERPRISE.uscc, '市政公用工程', '２０１９-０３-０１', '2026-12-20'],
    // row 5: bad ID number (check digit)
    ['沪231161800059', '赵强', badCheckDigit, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-03-01', '2027-02-28'],
    // row 6: unknown specialty
    ['沪231161800060', '周平', id.zhou, ENTERPRISE.name, ENTERPRISE.uscc, '园林工程', '2019-03-01', '2027-02-28'],
    // rows 7 and 8: one registration number for two different people
    ['沪231161800061', '吴敏', id.wu, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-03-01', '2027-02-28'],
    ['沪231161800061', '郑伟', id.zheng, ENTERPRISE.name, ENTERPRISE.uscc, '机电工程', '2019-03-01', '2027-02-28'],
    // rows 9 and 10: a good row and a bad one (invalid date) of one registration: both refused
    ['沪231161800062', '冯丽', id.feng, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-03-01', '2027-02-28'],
    ['沪231161800062', '冯丽', id.feng, ENTERPRISE.name, ENTERPRISE.uscc, '矿业工程', '2019-02-30', '2027-02-28'],
    // row 11: bad USCC check character, and valid-until before the registration date
    ['沪231161800063', '陈静', id.chen, '上海某某建设工程有限公司', BAD_USCC, '建筑工程', '2019-03-01', '2018-02-28'],
    // row 12: an ID number Excel turned into scientific notation
    ['沪231161800064', '褚红', '3.10101E+17', ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-03-01', '2027-02-28'],
  ]);
  const res = await upload(reviewer, file, 'register.csv');
  t.is(res.status, 200, JSON.stringify(res.body));
  const report = res.body as Report;
  t.log(`CSV: ${report.imported} rows imported, ${report.refused} refused (${report.registrationsImported} registrations imported, ${report.registrationsRefused} refused)`);
  t.like(report, { imported: 3, refused: 8, registrationsImported: 2, registrationsRefused: 6 });
  t.deepEqual(report.rows.map((r) => [r.row, r.status]), [
    [2, 'imported'], [3, 'imported'], [4, 'imported'], [5, 'refused'], [6, 'refused'], [7, 'refused'], [8, 'refused'], [9, 'refused'], [10, 'refused'], [11, 'refused'], [12, 'refused'],
  ]);
  t.regex(rowOf(report, 12).reasons[0], /科学计数法/);
  t.deepEqual(rowOf(report, 5).reasons, ['身份证号码校验位错误，请核对']);
  t.regex(rowOf(report, 6).reasons[0], /^注册专业“园林工程”不是二级建造师的专业，应为：建筑工程、公路工程/);
  t.regex(rowOf(report, 8).reasons.join(), /注册编号重复：与第 7 行注册编号相同，但姓名、身份证号码不同/);
  t.regex(rowOf(report, 7).reasons.join(), /同一注册编号的第 8 行有误/);
  t.regex(rowOf(report, 10).reasons.join(), /注册日期“2019-02-30”无效/);
  t.deepEqual(rowOf(report, 9).reasons, ['同一注册编号的第 10 行有误，该注册整条未导入']);
  t.true(rowOf(report, 11).reasons.includes('统一社会信用代码校验位错误，请核对'));
  t.true(rowOf(report, 11).reasons.includes('有效期至应晚于注册日期'));
  // ID numbers only masked, never whole, in the report
  const text = JSON.stringify(report);
  for (const n of [...Object.values(id), badCheckDigit]) t.false(text.includes(n));
  t.is(rowOf(report, 2).idNumberMasked, maskIdNumber(id.wang));

  // the good ones are in the register, without an electronic certificate, history 'import'
  const [wang] = await registerOf('王建国', id.wang);
  t.like(wang, { registrationNo: '沪231161800057', status: 'registered', holderName: '王建国', hasElectronicCertificate: false, employer: { name: NEW_EMPLOYER.name, uscc: NEW_EMPLOYER.uscc } });
  t.deepEqual(wang.specialties, [
    { specialty: 'building', registeredOn: '2018-06-14', validUntil: '2027-06-13', status: 'registered' },
    { specialty: 'highway', registeredOn: '2018-06-14', validUntil: '2027-06-13', status: 'registered' },
  ]);
  t.deepEqual(wang.history.map((h: { matter: string }) => h.matter), ['import']);
  const [li] = await registerOf('李红', id.li);
  t.like(li, { registrationNo: '沪231161800058', employer: { name: ENTERPRISE.name }, specialties: [{ specialty: 'municipal', registeredOn: '2019-03-01' }] });
  t.deepEqual(await registerOf('冯丽', id.feng), [], 'a refused registration is not written, not even its good row');
  t.deepEqual(await registerOf('吴敏', id.wu), []);

  // the new employer was created by its USCC; imported rows have source 'import', no holder, no certificate
  t.truthy(await db().selectFrom('enterprises').select('id').where('uscc', '=', NEW_EMPLOYER.uscc).where('name', '=', NEW_EMPLOYER.name).executeTakeFirst());
  const rows = await db().selectFrom('registrations').select(['registration_no', 'source', 'holder_id', 'has_electronic_certificate', 'gender']).where('source', '=', 'import').orderBy('registration_no').execute();
  t.deepEqual(rows, [
    { registration_no: '沪231161800057', source: 'import', holder_id: null, has_electronic_certificate: false, gender: 'male' },
    { registration_no: '沪231161800058', source: 'import', holder_id: null, has_electronic_certificate: false, gender: 'female' },
  ]);
  t.is((await db().selectFrom('certificates').select('id').where('registration_no', 'in', ['沪231161800057', '沪231161800058']).execute()).length, 0);
  // audited once per upload, with counts and nothing personal
  const audits = await db().selectFrom('audit_log').select(['actor_role', 'details']).where('action', '=', 'registration.imported').execute();
  t.is(audits.length, 1);
  t.like(audits[0], { actor_role: 'reviewer', details: { format: 'csv', rows: 11, imported: 3, refused: 8 } });
  const logged = JSON.stringify(await db().selectFrom('audit_log').select('details').execute()) + JSON.stringify(await db().selectFrom('registration_events').select(['before', 'after']).execute());
  for (const n of Object.values(id)) t.false(logged.includes(n));
});

test.serial('XLSX (built with exceljs): text and date cells, a title row above the header; duplicates of the register and registered people refused', async (t) => {
  const reviewer = await reviewerClient(s);
  // a person registered through the platform, and a verified person whose paper registration is loaded now
  const registered = await registeredConstructor(s, undefined, '孙浩');
  const verified = { name: '何静', idNumber: makeIdNumber('19870909', '108') };
  const vc = await login(s, freshPhone());
  t.is((await vc.put('/api/me/identity', verified)).status, 200);
  await verifyInPerson(s, verified.idNumber);

  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('注册信息');
  sheet.addRow(['上海市二级建造师注册信息（纸质证书）']);
  sheet.addRow(['序号', ...HEADER]);
  const date = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const others = { a: makeIdNumber('19890101', '111'), b: makeIdNumber('19890202', '122'), c: makeIdNumber('19890303', '133'), d: makeIdNumber('19890404', '144') };
  sheet.addRow([1, '沪231170000001', verified.name, verified.idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '水利水电工程', date('2020-05-06'), date('2026-05-05')]); // row 3: good, holder linked
  sheet.addRow([2, '沪231170000002', '钱多', others.a, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2020-05-06', '20260505']); // row 4: good, dates as text
  sheet.addRow([3, '沪231161800057', '许诺', others.b, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', date('2020-05-06'), date('2026-05-05')]); // row 5: number already in the register
  sheet.addRow([4, '沪231170000003', '孙浩', registered.idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '公路工程', date('2020-05-06'), date('2026-05-05')]); // row 6: already registered
  sheet.addRow([5, '沪231170000004', '吕梁', Number(others.c.slice(0, 17)), ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', date('2020-05-06'), date('2026-05-05')]); // row 7: ID typed as a number
  sheet.addRow([6, '沪231170000005', '施展', others.d, ENTERPRISE.name, '91310115MA1K3YJH5A', '建筑工程', date('2020-05-06'), date('2026-05-05')]); // row 8: good
  sheet.addRow([7, '沪231170000006', '施展', others.d, ENTERPRISE.name, ENTERPRISE.uscc, '机电工程', date('2020-05-06'), date('2026-05-05')]); // row 9: same person, second number
  sheet.addRow([8, '沪232600000099', '秦川', makeIdNumber('19900505', '155'), ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', date('2020-05-06'), date('2026-05-05')]); // row 10: shaped like this platform's 2026 numbers
  sheet.addRow([9, '沪231170000007', '卫东', makeIdNumber('19900606', '167'), '另一家企业有限公司', ENTERPRISE.uscc, '建筑工程', date('2020-05-06'), date('2026-05-05')]); // row 11: USCC of another name
  sheet.getColumn(4).numFmt = '@';
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());

  const res = await upload(reviewer, bytes, 'register.xlsx');
  t.is(res.status, 200, JSON.stringify(res.body));
  const report = res.body as Report;
  t.log(`XLSX: ${report.imported} rows imported, ${report.refused} refused`);
  t.deepEqual(report.rows.map((r) => [r.row, r.status]), [
    [3, 'imported'], [4, 'imported'], [5, 'refused'], [6, 'refused'], [7, 'refused'], [8, 'imported'], [9, 'refused'], [10, 'refused'], [11, 'refused'],
  ]);
  t.like(report, { imported: 3, refused: 6 });
  t.deepEqual(rowOf(report, 5).reasons, ['注册编号 沪231161800057 已在注册信息库中']);
  t.regex(rowOf(report, 6).reasons[0], new RegExp(`^该人员已有二级建造师注册（注册编号 ${registered.registration.registrationNo}）`));
  t.regex(rowOf(report, 7).reasons[0], /身份证号码须以文本格式填写/);
  t.regex(rowOf(report, 9).reasons[0], /该人员在文件中已有注册编号 沪231170000005（第 8 行）/);
  t.regex(rowOf(report, 10).reasons[0], /与本平台 2026 年起核发的注册编号格式相同/);
  t.regex(rowOf(report, 11).reasons[0], /已登记为“上海建和工程咨询有限公司”，与所填聘用企业名称不一致/);
  t.false(JSON.stringify(report).includes(verified.idNumber));

  // the verified person is linked as the holder at once; the others wait for their holder
  const linked = await db().selectFrom('registrations').select(['holder_id', 'holder_name']).where('registration_no', '=', '沪231170000001').executeTakeFirstOrThrow();
  t.is(linked.holder_id, vc.userId);
  const [reg] = (await vc.get('/api/registrations')).body;
  t.like(reg, { registrationNo: '沪231170000001', hasElectronicCertificate: false, specialties: [{ specialty: 'water_conservancy', registeredOn: '2020-05-06', validUntil: '2026-05-05' }] });
  const [qian] = await registerOf('钱多', others.a);
  t.like(qian, { specialties: [{ registeredOn: '2020-05-06', validUntil: '2026-05-05' }] });
});

test.serial('the file as a whole: missing columns, GBK, empty, not a reviewer, no file', async (t) => {
  const reviewer = await reviewerClient(s);
  const missing = await upload(reviewer, csv([HEADER.filter((h) => h !== '有效期至' && h !== '注册专业'), ['沪231161800099', '王五', id.wang, ENTERPRISE.name, ENTERPRISE.uscc, '2019-01-01']]), 'a.csv');
  t.is(missing.status, 422);
  t.is(missing.body.error.code, 'import_columns_missing');
  t.regex(missing.body.error.fields.file, /缺少列：注册专业、有效期至/);

  // 注册编号,姓名 in GBK: not UTF-8
  const gbk = Buffer.from([0xd7, 0xa2, 0xb2, 0xe1, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb, 0x0d, 0x0a]);
  const notUtf8 = await upload(reviewer, gbk, 'gbk.csv');
  t.is(notUtf8.status, 422);
  t.is(notUtf8.body.error.code, 'upload_invalid');
  t.regex(notUtf8.body.error.fields.file, /UTF-8/);

  const empty = await upload(reviewer, csv([HEADER], false), 'empty.csv');
  t.is(empty.status, 422);
  t.is(empty.body.error.code, 'import_empty');

  const applicant = await login(s, freshPhone());
  const forbidden = await upload(applicant, csv([HEADER]), 'a.csv');
  t.is(forbidden.status, 403);

  const noFile = await fetch(`${reviewer.baseUrl}/api/review/registrations/imports`, { method: 'POST', body: (() => { const f = new FormData(); f.append('note', 'x'); return f; })(), headers: { authorization: `Bearer ${reviewer.token}` } });
  t.is(noFile.status, 422);
  t.is((await noFile.json()).error.code, 'upload_invalid');

  const architects = await upload(reviewer, csv([HEADER]), 'a.csv', '?profession=architect');
  t.is(architects.status, 422);

  const tooMany = await upload(reviewer, csv([HEADER, ...Array.from({ length: 5001 }, (_, i) => [`沪2311${String(i).padStart(8, '0')}`, '王五', id.wang, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-01-01', '2027-01-01'])]), 'big.csv');
  t.is(tooMany.status, 422);
  t.is(tooMany.body.error.code, 'import_too_many_rows');
});

test.serial('a name that differs from the verified real-name record of that ID number is refused', async (t) => {
  const reviewer = await reviewerClient(s);
  const person = { name: '蒋文', idNumber: makeIdNumber('19750101', '191') };
  const c = await login(s, freshPhone());
  t.is((await c.put('/api/me/identity', person)).status, 200);
  await verifyInPerson(s, person.idNumber);
  const res = await upload(reviewer, csv([HEADER, ['沪231180000001', '蒋雯', person.idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2019-01-01', '2027-01-01']]), 'a.csv');
  t.deepEqual(res.body.rows.map((r: { status: string; reasons: string[] }) => [r.status, r.reasons]), [['refused', ['姓名与该身份证号码的实名认证信息不一致，请核对']]]);
});

test.serial('a file of 300 registrations (600 rows) is imported in one request', async (t) => {
  const reviewer = await reviewerClient(s);
  const rows: string[][] = [HEADER];
  for (let i = 0; i < 300; i++) {
    const idNumber = makeIdNumber('19700101', String(i).padStart(3, '0'), '310104');
    const no = `沪2315${String(i).padStart(8, '0')}`;
    rows.push([no, '孔明', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '建筑工程', '2015-01-01', '2027-01-01'], [no, '孔明', idNumber, ENTERPRISE.name, ENTERPRISE.uscc, '市政公用工程', '2016-01-01', '2027-01-01']);
  }
  const started = performance.now();
  const res = await upload(reviewer, csv(rows), 'many.csv');
  const ms = performance.now() - started;
  t.is(res.status, 200);
  t.like(res.body, { imported: 600, refused: 0, registrationsImported: 300 });
  t.log(`300 registrations (600 rows) imported in ${Math.round(ms)} ms (${(ms / 300).toFixed(1)} ms each)`);
});
