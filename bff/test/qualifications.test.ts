/**
 * Qualification data under Hunan's settings (003 §3.2.4.4: the authority holds the qualification holders;
 * qualificationData: true): the reviewer imports them from CSV and XLSX with a per-row report (ID numbers
 * masked); an application for a specialty without a record, or with a date that differs from the record, is
 * refused with a field error naming the record expected or found, when saved and again when signed; a
 * matching one goes Hunan's route
 * (受理 → 初审 → 复审, then the public notice) to a 湘 registration.
 */
import test from 'ava';
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from './helpers/server.js';
import { makeIdNumber, validForm } from './helpers/data.js';
import { applicantWithDraft, completeApplication, reviewerClient } from './helpers/flow.js';

let s: TestServer;
// applicantWithDraft numbers the people of this file 001, 002, … in order
const ID_A = makeIdNumber('19870415', '001');
const ID_B = makeIdNumber('19870415', '002');

test.before(async () => {
  s = await startTestServer({ PROVINCE: 'hunan' });
});
test.after.always(async () => {
  await s?.stop();
});

async function upload(bytes: Buffer, name: string) {
  const reviewer = await reviewerClient(s);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${s.baseUrl}/api/review/qualifications/imports?profession=constructor`, { method: 'POST', headers: { authorization: `Bearer ${reviewer.token}` }, body: form });
  return { status: res.status, body: await res.json() };
}

test.serial('import report per row (CSV and XLSX), then a specialty without a qualification record is refused with the field error', async (t) => {
  const badId = ID_A.slice(0, 17) + (ID_A[17] === '0' ? '1' : '0');
  const csv = [
    '序号,姓名,身份证号码,专业,证书编号,签发日期,取得地',
    `1,蒋九,${ID_A},建筑工程,HN2025001,2025-03-21,湖南省`,
    `2,韩十,${ID_B},市政公用工程,HN2025002,2025/3/21,湖南省`,
    `3,错号,${badId},建筑工程,HN2025003,2025-03-21,湖南省`,
    `4,杨一,${makeIdNumber('19800101', '555')},园林,HN2025004,2025-13-01,湖南省`,
    `5,蒋九,${ID_A},building,HN2025001,2025-03-21,湖南省`,
  ].join('\n');
  const r = await upload(Buffer.from('\ufeff' + csv), 'qualifications.csv');
  t.is(r.status, 200, JSON.stringify(r.body));
  t.deepEqual([r.body.imported, r.body.updated, r.body.refused], [2, 0, 3]);
  t.deepEqual(r.body.rows.map((x: { row: number; status: string }) => [x.row, x.status]), [[2, 'imported'], [3, 'imported'], [4, 'refused'], [5, 'refused'], [6, 'refused']]);
  t.deepEqual(r.body.rows[2].reasons, ['身份证号码校验位错误，请核对']);
  t.true(r.body.rows[3].reasons.some((x: string) => x.startsWith('专业“园林”不是二级建造师的专业')));
  t.true(r.body.rows[3].reasons.some((x: string) => x.includes('签发日期“2025-13-01”无效')));
  t.regex(r.body.rows[4].reasons[0], /与第 2 行重复/);
  t.false(JSON.stringify(r.body).includes(ID_A), 'ID numbers only masked');
  t.is(r.body.rows[0].idNumberMasked, `${ID_A.slice(0, 3)}***********${ID_A.slice(-4)}`);
  t.is((await upload(Buffer.from('姓名,身份证号码\n张三,1'), 'x.csv')).body.error.code, 'import_columns_missing');

  // XLSX: the same person and specialty again replaces the record (a corrected date)
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('资格');
  ws.addRow(['姓名', '身份证号码', '专业', '证书编号', '签发日期', '取得地']);
  ws.addRow(['韩十', ID_B, '市政公用工程', 'HN2025002', new Date(Date.UTC(2025, 2, 22)), '湖南省']);
  const x = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'qualifications.xlsx');
  t.is(x.status, 200, JSON.stringify(x.body));
  t.deepEqual([x.body.imported, x.body.updated, x.body.refused], [0, 1, 0]);

  // A holds building (2025-03-21): the matching form is saved
  const a = await applicantWithDraft(s, validForm(), '蒋九');
  t.is(a.idNumber, ID_A);
  // a date that differs from the record: the field names the record found
  const view = (await a.c.get(`/api/applications/${a.id}`)).body;
  const mismatch = await a.c.put(`/api/applications/${a.id}`, { version: view.version, form: validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-20' }] }) });
  t.is(mismatch.status, 422);
  t.is(mismatch.body.error.code, 'qualification_mismatch');
  t.regex(mismatch.body.error.fields['specialties.0.issueDate'], /资格证书 HN2025001（建筑工程，签发日期 2025-03-21，取得地 湖南省）.*签发日期应为 2025-03-21/);
  // a specialty A holds no qualification for: the field names the record expected
  const missing = await a.c.put(`/api/applications/${a.id}`, { version: view.version, form: validForm({ specialties: [{ specialty: 'building', issueDate: '2025-03-21' }, { specialty: 'mining', issueDate: '2025-03-21' }] }) });
  t.is(missing.status, 422);
  t.is(missing.body.error.code, 'qualification_not_found');
  t.regex(missing.body.error.fields['specialties.1.specialty'], /资格证书数据中没有您（蒋九）二级建造师“矿业工程”专业的资格记录：应有姓名 蒋九、本人身份证号码、专业 矿业工程 的资格证书/);
  t.falsy(missing.body.error.fields['specialties.0.specialty']);

  // B has no building record at all (only municipal)
  const b = await applicantWithDraft(s, validForm({ specialties: [{ specialty: 'municipal', issueDate: '2025-03-22' }] }), '韩十');
  t.is(b.idNumber, ID_B);
  const bView = (await b.c.get(`/api/applications/${b.id}`)).body;
  const noRecord = await b.c.put(`/api/applications/${b.id}`, { version: bView.version, form: validForm() });
  t.is(noRecord.body.error?.code, 'qualification_not_found');
  t.truthy(noRecord.body.error.fields['specialties.0.specialty']);

  // the data changes after the save (a corrected import): signing checks again, before the code is sent
  const csvFor = (date: string) => Buffer.from(`姓名,身份证号码,专业,证书编号,签发日期,取得地\n蒋九,${ID_A},建筑工程,HN2025001,${date},湖南省`);
  t.is((await upload(csvFor('2025-03-19'), 'fix.csv')).body.updated, 1);
  const early = await a.c.post(`/api/applications/${a.id}/signatures/sms-code`);
  t.is(early.status, 422);
  t.is(early.body.error.code, 'qualification_mismatch');
  t.is((await upload(csvFor('2025-03-21'), 'fix.csv')).body.updated, 1);

  // the matching application follows Hunan's route: 受理 → 初审 → 复审, then the notice, then a 湘 registration
  const reviewer = await reviewerClient(s);
  const done = await completeApplication(s, a.c, a.phone, a.id);
  t.is(done.status, 'public_notice', 'after 复审 the approved initial registration is announced (003 §1.1.2)');
  const reg = (await a.c.get('/api/registrations')).body[0];
  t.regex(reg.registrationNo, /^湘23/);
  const history = (await a.c.get(`/api/applications/${a.id}`)).body.history.filter((h: { event: string }) => h.event === 'review_passed').map((h: { stage: string }) => h.stage);
  t.deepEqual(history, ['acceptance', 'first_review', 'second_review']);
  t.is((await reviewer.get(`/api/review/applications/${a.id}`)).body.status, 'approved');
});
