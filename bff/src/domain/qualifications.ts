/**
 * The authority's qualification data (资格证书; Hunan 003 §3.2.4.4 二级建造师资格证信息查询: "数据已经导入新系统";
 * §3.2.3.1: the person must hold a qualification that passed the exam and the review). The authority imports
 * the holders from a CSV or XLSX file (one row per person and specialty) with a per-row report; where the
 * province's settings say it holds such data (qualificationData), an application naming a specialty
 * (initial, additional specialty, re-registration) is checked against it when saved and again when signed: a specialty with no
 * record is refused, and a record whose date differs is a mismatch, each a field error naming the record.
 * Elsewhere (Shanghai 000-002, Sichuan 004) the applicant's typed data stands.
 *
 * Columns (header row: the one holding 证书编号): 姓名, 身份证号码, 专业 (Chinese name or code), 证书编号
 * (资格证书管理号), 签发日期 (issue or approval date), 取得地 (where the qualification was obtained, e.g. 湖南省).
 * ID numbers are stored encrypted (AES-256-GCM) with a keyed hash for lookup, shown only masked.
 */
import type { QualificationImportReport } from '@zhiyetong/shared';
import {
  PROFESSION_LABELS,
  SPECIALTIES,
  SPECIALTY_LABELS,
  checkIdNumber,
  identityRequest,
  maskIdNumber,
  type MatterForm,
  type Profession,
  type Specialty,
} from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { appError } from '../errors.js';
import { shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { settingsOf } from './province.js';
import { parseImportDate } from './register-import.js';
import { readTableFile } from './table-file.js';

export const QUALIFICATION_COLUMNS = ['姓名', '身份证号码', '专业', '证书编号', '签发日期', '取得地'] as const;
type Column = (typeof QUALIFICATION_COLUMNS)[number];
export const QUALIFICATION_MAX_ROWS = 5000;
export const QUALIFICATION_MAX_BYTES = 5 * 1024 * 1024;

export type QualificationRowReport = QualificationImportReport['rows'][number];

export type { QualificationImportReport };

function specialtyOf(profession: Profession, text: string): Specialty | null {
  const list = SPECIALTIES[profession] as readonly Specialty[];
  const compact = text.replace(/\s/g, '');
  return list.find((s) => s === compact.toLowerCase() || SPECIALTY_LABELS[s] === compact || SPECIALTY_LABELS[s] === `${compact}工程`) ?? null;
}

const ID_PROBLEMS = { format: '身份证号码应为 18 位（末位可为 X）', birth_date: '身份证号码中的出生日期无效', check_digit: '身份证号码校验位错误，请核对' } as const;

/**
 * Imports the qualification holders in `file` for `profession`; each row is checked and written (inserted,
 * or replacing the record of the same person and specialty) on its own, so a bad row never blocks the good
 * ones. Returns the per-row report; audits the upload ('qualification.imported', counts only).
 * Errors (the whole file): 422 upload_invalid, import_columns_missing, import_empty, import_too_many_rows.
 */
export async function importQualifications(deps: Pick<Deps, 'db' | 'pii' | 'now'>, actor: Actor, profession: Profession, file: Buffer): Promise<QualificationImportReport> {
  const { format, rows } = await readTableFile<Column>(file, QUALIFICATION_COLUMNS, '证书编号', QUALIFICATION_MAX_ROWS);
  const today = shanghaiDate(deps.now());
  const seen = new Map<string, number>();
  const report: QualificationRowReport[] = [];
  for (const r of rows) {
    const c = r.cells;
    const reasons: string[] = [];
    const name = identityRequest.shape.name.safeParse(c['姓名']);
    if (!c['姓名']) reasons.push('请填写姓名');
    else if (!name.success) reasons.push('姓名应为身份证上的中文姓名');
    const idNumber = c['身份证号码'].toUpperCase();
    if (!idNumber) reasons.push('请填写身份证号码');
    else if (r.numberColumns.has('身份证号码')) reasons.push('身份证号码须以文本格式填写（Excel 数字格式会丢失末几位），请将该列设为文本后重新填写');
    else {
      const problem = checkIdNumber(idNumber, deps.now());
      if (problem) reasons.push(ID_PROBLEMS[problem]);
    }
    const specialty = c['专业'] ? specialtyOf(profession, c['专业']) : null;
    if (!c['专业']) reasons.push('请填写专业');
    else if (!specialty) reasons.push(`专业“${c['专业']}”不是${PROFESSION_LABELS[profession]}的专业，应为：${(SPECIALTIES[profession] as readonly Specialty[]).map((s) => SPECIALTY_LABELS[s]).join('、')}`);
    const certificateNo = c['证书编号'];
    if (!certificateNo) reasons.push('请填写资格证书编号');
    else if (certificateNo.length > 40) reasons.push('资格证书编号过长');
    const issuedOn = c['签发日期'] ? parseImportDate(c['签发日期']) : null;
    if (!c['签发日期']) reasons.push('请填写签发日期（或批准日期）');
    else if (!issuedOn) reasons.push(`签发日期“${c['签发日期']}”无效，请填写如 2019-06-14 的日期`);
    else if (issuedOn > today) reasons.push('签发日期不能晚于今天');
    const obtainedIn = c['取得地'];
    if (!obtainedIn || obtainedIn.length < 2) reasons.push('请填写资格取得地（如 湖南省）');
    const key = `${idNumber}|${specialty}`;
    if (!reasons.length && seen.has(key)) reasons.push(`与第 ${seen.get(key)} 行重复（同一人员、同一专业）`);
    let status: QualificationRowReport['status'] = 'refused';
    if (!reasons.length) {
      seen.set(key, r.row);
      const hash = deps.pii.lookupHash(idNumber);
      try {
        status = await deps.db.transaction().execute(async (tx) => {
          const existing = await tx.selectFrom('qualifications').select('id').where('id_number_hash', '=', hash).where('profession', '=', profession).where('specialty', '=', specialty!).forUpdate().executeTakeFirst();
          const values = { holder_name: name.data!, id_number_enc: deps.pii.encrypt(idNumber), certificate_no: certificateNo, issued_on: issuedOn!, obtained_in: obtainedIn };
          if (existing) {
            await tx.updateTable('qualifications').set(values).where('id', '=', existing.id).execute();
            return 'updated' as const;
          }
          await tx.insertInto('qualifications').values({ ...values, profession, specialty: specialty!, id_number_hash: hash }).execute();
          return 'imported' as const;
        });
      } catch (e) {
        if ((e as { code?: string }).code !== '23505') throw e;
        reasons.push(`资格证书编号 ${certificateNo} 已属于其他人员的资格记录，请核对`);
      }
    }
    report.push({ row: r.row, idNumberMasked: idNumber ? maskIdNumber(idNumber) : '', certificateNo, status, reasons });
  }
  const count = (s: QualificationRowReport['status']) => report.filter((r) => r.status === s).length;
  const result = { imported: count('imported'), updated: count('updated'), refused: count('refused'), rows: report };
  await audit(deps.db, { actor, action: 'qualification.imported', objectType: 'qualification_import', details: { profession, format, bytes: file.length, rows: report.length, imported: result.imported, updated: result.updated, refused: result.refused } });
  return result;
}

/**
 * Where the province holds qualification data: every specialty the form of `app` registers (its
 * `specialties[]` with `issueDate`) must have the applicant's record (same ID number, profession and
 * specialty) with the same date and the same name. Errors: 422 qualification_not_found (a specialty without
 * a record: `specialties.N.specialty` names the record expected) or qualification_mismatch (the field that
 * differs names the record found: certificate number, date, where obtained). No-op elsewhere.
 */
export async function checkQualifications(deps: Pick<Deps, 'config'>, tx: DbOrTx, app: ApplicationRow, form: unknown): Promise<void> {
  if (!settingsOf(deps.config).qualificationData) return;
  const entries = (form as MatterForm & { specialties?: unknown[] }).specialties;
  if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'object' && e !== null && 'issueDate' in e)) return;
  const identity = await tx.selectFrom('identities').select(['name', 'id_number_hash', 'id_number_enc']).where('user_id', '=', app.applicant_id).executeTakeFirst();
  if (!identity) return;
  const records = await tx.selectFrom('qualifications').selectAll().where('id_number_hash', '=', identity.id_number_hash).where('profession', '=', app.profession).execute();
  const missing: Record<string, string> = {};
  const mismatched: Record<string, string> = {};
  (entries as { specialty: Specialty; issueDate: string }[]).forEach((e, i) => {
    const label = SPECIALTY_LABELS[e.specialty] ?? e.specialty;
    const q = records.find((r) => r.specialty === e.specialty);
    if (!q) {
      missing[`specialties.${i}.specialty`] = `资格证书数据中没有您（${identity.name}）${PROFESSION_LABELS[app.profession as Profession]}“${label}”专业的资格记录：应有姓名 ${identity.name}、本人身份证号码、专业 ${label} 的资格证书，请核对专业或联系注册机构`;
      return;
    }
    const record = `资格证书 ${q.certificate_no}（${label}，签发日期 ${q.issued_on}，取得地 ${q.obtained_in}）`;
    if (q.issued_on !== e.issueDate) mismatched[`specialties.${i}.issueDate`] = `与${record}不一致：签发日期应为 ${q.issued_on}`;
    if (q.holder_name !== identity.name) mismatched[`specialties.${i}.specialty`] = `${record}的姓名为“${q.holder_name}”，与您的实名信息不一致，请联系注册机构`;
  });
  if (Object.keys(missing).length) throw appError('qualification_not_found', { ...mismatched, ...missing });
  if (Object.keys(mismatched).length) throw appError('qualification_mismatch', mismatched);
}
