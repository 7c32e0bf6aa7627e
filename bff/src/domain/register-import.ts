/**
 * Loading existing (paper) registrations into the register (注册信息库), so that a holder whose registration
 * predates the platform can exchange the paper certificate for an electronic one (000 §5, matter
 * `paper_exchange`). The registration authority uploads a CSV or XLSX file of its register; every
 * registration in it is checked and then written by `writeRegister` (matter 'import', source 'import', no
 * electronic certificate yet) or refused, each in its own transaction, so one bad registration never
 * blocks the good ones. The answer is a report per row of the file.
 *
 * The file (one row per registered specialty; the header row is the first row, within the first ten
 * non-empty ones, that holds a cell 注册编号; other columns are ignored, columns may come in any order):
 *
 * | column | content |
 * |---|---|
 * | 注册编号 | the registration number, e.g. 沪231161800057: province abbreviation + profession code (23 constructors, 25 cost engineers) + 8 to 12 digits |
 * | 姓名 | the holder's Chinese name as on the ID card |
 * | 身份证号码 | resident ID number (GB 11643-1999, 18 characters); in XLSX a text cell (a number cell has lost digits) |
 * | 聘用企业 | the employer's full name |
 * | 统一社会信用代码 | the employer's USCC (GB 32100-2015) |
 * | 注册专业 | one specialty of the profession, by its Chinese name (建筑工程) or its code (building) |
 * | 注册日期 | the date the specialty was registered |
 * | 有效期至 | its valid-until date |
 * | 注册类型 (optional) | 二级注册建造师 (or empty) or 二级注册临时建造师: a temporary constructor (003 §3.2.4.2 建造师历史数据; constructors only; migration 0017) |
 *
 * Dates: 2019-06-14, 2019/6/14, 2019.06.14, 20190614 or 2019年6月14日 (in XLSX also a date cell). Text is
 * trimmed and NFKC-normalised (full-width digits and letters become ASCII). CSV: UTF-8 with or without a
 * BOM, comma-separated, RFC 4180 quoting; a file in GBK (what Excel's "CSV" writes on Chinese Windows) is
 * refused with the hint to save it as "CSV UTF-8". XLSX: the first worksheet.
 *
 * Rows with the same 注册编号 form one registration (they need not be adjacent); they must agree on the
 * holder and the employer, and name each specialty once. A registration is refused, with every one of its
 * rows, when any row is wrong, when its number is already in the register or shaped like a number this
 * platform issues in the current or a later year (the counter would issue it again), when the person (by ID
 * number) already has a registration in the profession or a second one in the file, when the USCC belongs to
 * an enterprise of another name (or the name to another USCC), or when the name differs from a verified
 * real-name record with that ID number. The employer is created by its USCC when the platform does not know
 * it. The holder is linked to the verified person with that ID number, else left empty until that person
 * starts a matter (applications.ts createApplication).
 *
 * ID numbers never appear in the report, the audit log or the logs: the report shows them masked.
 */
import type { RegisterImportReport } from '@zhiyetong/shared';
import {
  PROFESSION_LABELS,
  TEMPORARY_REGISTRATION_LABEL,
  PROFESSION_RULES,
  SPECIALTIES,
  WHOLE_REGISTRATION,
  SPECIALTY_LABELS,
  checkIdNumber,
  checkUscc,
  identityRequest,
  maskIdNumber,
  parseIdNumber,
  type Profession,
  type RegisterState,
  type Specialty,
} from '@zhiyetong/shared';
import type { Actor, Deps } from '../context.js';
import type { Tx } from '../db/database.js';
import { appError } from '../errors.js';
import { dayjs, shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { findRegistration, writeRegister } from './register.js';
import { readTableFile } from './table-file.js';

type ImportDeps = Pick<Deps, 'db' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'pii' | 'log' | 'faults'>;

/** The columns of the import file, in the order the template lists them. */
export const IMPORT_COLUMNS = ['注册编号', '姓名', '身份证号码', '聘用企业', '统一社会信用代码', '注册专业', '注册日期', '有效期至'] as const;
/** Columns the file may have (003 §3.2.4.2: 注册类型). */
export const IMPORT_OPTIONAL_COLUMNS = ['注册类型'] as const;
type Column = (typeof IMPORT_COLUMNS)[number] | (typeof IMPORT_OPTIONAL_COLUMNS)[number];

/** At most this many data rows per file (a province's register of one profession is uploaded in parts). */
export const IMPORT_MAX_ROWS = 5000;
/** At most this many bytes per file. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export type ImportRowReport = RegisterImportReport['rows'][number];

export type ImportReport = RegisterImportReport;

/** One data row as read from the file: its row number and each column's text (a tag for an ID number typed as a number). */
interface RawRow {
  row: number;
  cells: Record<Column, string>;
  idNumberWasNumber: boolean;
}

interface CheckedRow {
  raw: RawRow;
  reasons: string[];
  registrationNo: string;
  name: string;
  idNumber: string;
  employerName: string;
  uscc: string;
  specialty: Specialty | null;
  registeredOn: string | null;
  validUntil: string | null;
  /** 注册类型 二级注册临时建造师. */
  temporary: boolean;
}

// ---- checking ----

/** A date as the file may write it → 'YYYY-MM-DD', or null. An XLSX date serial (days since 1899-12-30) is accepted too. */
export function parseImportDate(text: string): string | null {
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m && /^\d{5}$/.test(text)) {
    const serial = dayjs.utc('1899-12-30').add(Number(text), 'day');
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(serial.format('YYYY-MM-DD'));
  }
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = dayjs.utc(iso, 'YYYY-MM-DD', true);
  return d.isValid() && d.format('YYYY-MM-DD') === iso ? iso : null;
}

/** A specialty of `profession` by its Chinese name or its code, or null. */
function specialtyOf(profession: Profession, text: string): Specialty | null {
  const list = SPECIALTIES[profession] as readonly Specialty[];
  const compact = text.replace(/\s/g, '');
  return list.find((s) => s === compact.toLowerCase() || SPECIALTY_LABELS[s] === compact || SPECIALTY_LABELS[s] === `${compact}工程`) ?? null;
}

const ID_PROBLEMS = { format: '身份证号码应为 18 位（末位可为 X）', birth_date: '身份证号码中的出生日期无效', check_digit: '身份证号码校验位错误，请核对' } as const;
const USCC_PROBLEMS = { format: '统一社会信用代码应为 18 位数字或大写字母', check_character: '统一社会信用代码校验位错误，请核对' } as const;

function checkRow(deps: ImportDeps, profession: Profession, raw: RawRow): CheckedRow {
  const c = raw.cells;
  const reasons: string[] = [];
  const today = shanghaiDate(deps.now());
  const { provinceAbbr } = deps.config;
  const code = PROFESSION_RULES[profession].registrationNoCode;

  const registrationNo = c['注册编号'];
  if (!registrationNo) reasons.push('请填写注册编号');
  else if (!new RegExp(`^${provinceAbbr}${code}\\d{8,12}$`, 'u').test(registrationNo))
    reasons.push(`注册编号格式有误，应为“${provinceAbbr}${code}”加 8 至 12 位数字，如 ${provinceAbbr}${code}1161800057`);
  else {
    // the platform issues abbr + code + yy + 8 digits (certificates.ts newRegistrationNo): such a number of
    // this year or later would be issued again by the counter
    const ours = new RegExp(`^${provinceAbbr}${code}(\\d{2})\\d{8}$`, 'u').exec(registrationNo);
    if (ours && Number(ours[1]) >= Number(today.slice(2, 4)))
      reasons.push(`注册编号与本平台 20${ours[1]} 年起核发的注册编号格式相同，不是纸质证书的注册编号，请核对`);
  }

  const name = identityRequest.shape.name.safeParse(c['姓名']);
  if (!c['姓名']) reasons.push('请填写姓名');
  else if (!name.success) reasons.push('姓名应为身份证上的中文姓名');

  const idNumber = c['身份证号码'].toUpperCase();
  if (!idNumber) reasons.push('请填写身份证号码');
  else if (raw.idNumberWasNumber) reasons.push('身份证号码须以文本格式填写（Excel 数字格式会丢失末几位），请将该列设为文本后重新填写');
  else if (/^\d(\.\d+)?E\+?\d+$/.test(idNumber)) reasons.push('身份证号码被 Excel 转成了科学计数法，请将该列设为文本后重新填写');
  else {
    const problem = checkIdNumber(idNumber, deps.now());
    if (problem) reasons.push(ID_PROBLEMS[problem]);
  }

  const employerName = c['聘用企业'];
  if (!employerName) reasons.push('请填写聘用企业全称');
  else if (employerName.length < 2 || employerName.length > 100) reasons.push('聘用企业名称应为 2 至 100 个字');
  const uscc = c['统一社会信用代码'].toUpperCase();
  if (!uscc) reasons.push('请填写聘用企业的统一社会信用代码');
  else {
    const problem = checkUscc(uscc);
    if (problem) reasons.push(USCC_PROBLEMS[problem]);
  }

  // a profession registered as a whole (architects, 002) has no specialty: the column is left empty (or 无)
  const whole = !PROFESSION_RULES[profession].specialties;
  const specialty = whole ? WHOLE_REGISTRATION : c['注册专业'] ? specialtyOf(profession, c['注册专业']) : null;
  if (whole) {
    if (c['注册专业'] && !['无', '-', '—', '/'].includes(c['注册专业'])) reasons.push(`${PROFESSION_LABELS[profession]}不分专业，注册专业一栏请留空`);
  } else if (!c['注册专业']) reasons.push('请填写注册专业');
  else if (!specialty)
    reasons.push(`注册专业“${c['注册专业']}”不是${PROFESSION_LABELS[profession]}的专业，应为：${(SPECIALTIES[profession] as readonly Specialty[]).map((s) => SPECIALTY_LABELS[s]).join('、')}`);

  const registeredOn = c['注册日期'] ? parseImportDate(c['注册日期']) : null;
  if (!c['注册日期']) reasons.push('请填写注册日期');
  else if (!registeredOn) reasons.push(`注册日期“${c['注册日期']}”无效，请填写如 2019-06-14 的日期`);
  else if (registeredOn > today) reasons.push('注册日期不能晚于今天');

  const validUntil = c['有效期至'] ? parseImportDate(c['有效期至']) : null;
  const latest = dayjs(today).add(PROFESSION_RULES[profession].validityYears, 'year').format('YYYY-MM-DD');
  if (!c['有效期至']) reasons.push('请填写有效期至');
  else if (!validUntil) reasons.push(`有效期至“${c['有效期至']}”无效，请填写如 2027-06-13 的日期`);
  else if (registeredOn && validUntil <= registeredOn) reasons.push('有效期至应晚于注册日期');
  else if (validUntil > latest) reasons.push(`有效期至不能晚于 ${latest}（注册有效期为 ${PROFESSION_RULES[profession].validityYears} 年）`);

  // 注册类型 (003 §3.2.4.2): a temporary constructor's registration (二级注册临时建造师), constructors only
  const kind = c['注册类型'];
  const temporary = kind === TEMPORARY_REGISTRATION_LABEL || kind === '临时建造师';
  if (kind && !temporary && kind !== `${PROFESSION_LABELS[profession]}` && kind !== `二级注册${PROFESSION_LABELS[profession].replace(/^二级/, '')}`)
    reasons.push(`注册类型“${kind}”无效，应为空、二级注册${PROFESSION_LABELS[profession].replace(/^二级/, '')}${profession === 'constructor' ? `或${TEMPORARY_REGISTRATION_LABEL}` : ''}`);
  else if (temporary && profession !== 'constructor') reasons.push(`${TEMPORARY_REGISTRATION_LABEL}仅适用于二级建造师`);

  return { raw, reasons, registrationNo, name: name.success ? name.data : c['姓名'], idNumber, employerName, uscc, specialty, registeredOn, validUntil, temporary };
}

interface Group {
  registrationNo: string;
  rows: CheckedRow[];
  /** Reasons that refuse the whole registration (beyond its rows' own). */
  reasons: string[];
}

/** Groups rows by registration number and checks the rows of a group against each other and other groups. */
function groupRows(rows: CheckedRow[]): Group[] {
  const groups = new Map<string, Group>();
  const withoutNo: Group[] = [];
  for (const r of rows) {
    if (!r.registrationNo) {
      withoutNo.push({ registrationNo: '', rows: [r], reasons: [] });
      continue;
    }
    const g = groups.get(r.registrationNo) ?? { registrationNo: r.registrationNo, rows: [], reasons: [] };
    groups.set(r.registrationNo, g);
    const first = g.rows[0];
    if (first) {
      const differs = [
        first.name !== r.name && '姓名',
        first.idNumber !== r.idNumber && '身份证号码',
        (first.employerName !== r.employerName || first.uscc !== r.uscc) && '聘用企业',
        first.temporary !== r.temporary && '注册类型',
      ].filter(Boolean);
      if (differs.length) r.reasons.push(`注册编号重复：与第 ${first.raw.row} 行注册编号相同，但${differs.join('、')}不同`);
      const same = g.rows.find((x) => x.specialty && x.specialty === r.specialty);
      if (same && r.specialty) r.reasons.push(`${SPECIALTY_LABELS[r.specialty]}在该注册编号下重复（第 ${same.raw.row} 行已有）`);
    }
    g.rows.push(r);
  }
  // one registration per person and profession: a second registration number for one ID number is refused
  const byPerson = new Map<string, Group>();
  for (const g of groups.values()) {
    const id = g.rows[0].idNumber;
    if (!id || checkIdNumber(id) !== null) continue;
    const earlier = byPerson.get(id);
    if (earlier) g.reasons.push(`该人员在文件中已有注册编号 ${earlier.registrationNo}（第 ${earlier.rows[0].raw.row} 行），同一人员只能有一个注册`);
    else byPerson.set(id, g);
  }
  return [...groups.values(), ...withoutNo];
}

/** A refusal found while writing: the registration's rows all carry it. */
class Refusal extends Error {}

/** PostgreSQL unique violations of the register's and the enterprises' keys, as refusal reasons. */
function uniqueViolation(e: unknown, g: Group): string | null {
  const err = e as { code?: string; constraint?: string };
  if (err?.code !== '23505') return null;
  const c = err.constraint ?? '';
  if (c.includes('registration_no')) return `注册编号 ${g.registrationNo} 已在注册信息库中`;
  if (c.includes('holder_id_number_hash')) return '该人员已有注册';
  if (c.startsWith('enterprises')) return '聘用企业与已登记的企业名称或统一社会信用代码冲突，请核对';
  return null;
}

/** Writes one checked, consistent registration in its own transaction, or throws a Refusal. */
async function importRegistration(deps: ImportDeps, actor: Actor, profession: Profession, g: Group): Promise<void> {
  const first = g.rows[0];
  const hash = deps.pii.lookupHash(first.idNumber);
  await deps.db.transaction().execute(async (tx: Tx) => {
    const taken = await tx.selectFrom('registrations').select('id').where('registration_no', '=', g.registrationNo).executeTakeFirst();
    if (taken) throw new Refusal(`注册编号 ${g.registrationNo} 已在注册信息库中`);
    const existing = await findRegistration(tx, hash, profession, { lock: true });
    if (existing) throw new Refusal(`该人员已有${PROFESSION_LABELS[profession]}注册（注册编号 ${existing.state.registrationNo}），不能重复导入`);

    const identity = await tx.selectFrom('identities').select(['user_id', 'name', 'verified_at']).where('id_number_hash', '=', hash).executeTakeFirst();
    const verified = identity?.verified_at ? identity : null;
    if (verified && verified.name !== first.name) throw new Refusal('姓名与该身份证号码的实名认证信息不一致，请核对');

    let employer = await tx.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('uscc', '=', first.uscc).executeTakeFirst();
    if (employer && employer.name !== first.employerName) throw new Refusal(`统一社会信用代码 ${first.uscc} 已登记为“${employer.name}”，与所填聘用企业名称不一致`);
    if (!employer) {
      const sameName = await tx.selectFrom('enterprises').select(['uscc']).where('name', '=', first.employerName).executeTakeFirst();
      if (sameName) throw new Refusal(`企业“${first.employerName}”已登记的统一社会信用代码与所填不一致，请核对`);
      employer = await tx.insertInto('enterprises').values({ name: first.employerName, uscc: first.uscc }).returning(['id', 'name', 'uscc']).executeTakeFirstOrThrow();
    }

    const after: RegisterState = {
      profession,
      registrationNo: g.registrationNo,
      status: 'registered',
      holderName: first.name,
      employer,
      specialties: g.rows.map((r) => ({ specialty: r.specialty!, registeredOn: r.registeredOn!, validUntil: r.validUntil!, status: 'registered' as const })),
      lastEmployerChangeOn: null,
      hasElectronicCertificate: false,
      ...(first.temporary ? { temporary: true } : {}),
    };
    await writeRegister(deps, tx, null, after, {
      matter: 'import',
      actor,
      source: 'import',
      holder: { userId: verified?.user_id ?? null, idNumberEnc: deps.pii.encrypt(first.idNumber), idNumberHash: hash, gender: parseIdNumber(first.idNumber).gender },
    });
  });
}

/**
 * Imports the registrations in `file` (CSV or XLSX, see the module comment for the columns) for
 * `profession`: each registration checked and written in its own transaction, or refused. Returns the
 * per-row report; audits the upload ('registration.imported': format, rows, counts; no personal data).
 * Errors (the whole file): 422 upload_invalid (not UTF-8 CSV nor a readable XLSX), 422
 * import_columns_missing, 422 import_empty, 422 import_too_many_rows.
 */
export async function importRegistrations(deps: ImportDeps, actor: Actor, profession: Profession, file: Buffer): Promise<ImportReport> {
  const table = await readTableFile(file, IMPORT_COLUMNS, '注册编号', IMPORT_MAX_ROWS, IMPORT_OPTIONAL_COLUMNS);
  const { format } = table;
  const rows: RawRow[] = table.rows.map((r) => ({ row: r.row, cells: r.cells, idNumberWasNumber: r.numberColumns.has('身份证号码') }));
  const checkedRows = rows.map((r) => checkRow(deps, profession, r));
  const groups = groupRows(checkedRows);
  const refusedBy = new Map<CheckedRow, string[]>();
  let registrationsImported = 0;
  let registrationsRefused = 0;
  for (const g of groups) {
    const bad = g.rows.filter((r) => r.reasons.length);
    let groupReasons = [...g.reasons];
    if (!bad.length && !groupReasons.length) {
      try {
        await importRegistration(deps, actor, profession, g);
        registrationsImported++;
        continue;
      } catch (e) {
        const reason = e instanceof Refusal ? e.message : uniqueViolation(e, g);
        if (reason === null) throw e;
        groupReasons = [reason];
      }
    }
    registrationsRefused++;
    for (const r of g.rows) {
      const others = bad.filter((x) => x !== r).map((x) => x.raw.row);
      refusedBy.set(r, [...r.reasons, ...groupReasons, ...(others.length && !r.reasons.length ? [`同一注册编号的第 ${others.join('、')} 行有误，该注册整条未导入`] : [])]);
    }
  }
  const report: ImportRowReport[] = checkedRows.map((checked) => {
    const reasons = refusedBy.get(checked);
    const id = checked.idNumber;
    return { row: checked.raw.row, registrationNo: checked.registrationNo, idNumberMasked: id ? maskIdNumber(id) : '', status: reasons ? 'refused' : 'imported', reasons: reasons ?? [] };
  });
  const imported = report.filter((r) => r.status === 'imported').length;
  await audit(deps.db, {
    actor,
    action: 'registration.imported',
    objectType: 'registration_import',
    details: { profession, format, bytes: file.length, rows: report.length, imported, refused: report.length - imported, registrationsImported, registrationsRefused },
  });
  return { imported, refused: report.length - imported, registrationsImported, registrationsRefused, rows: report };
}
