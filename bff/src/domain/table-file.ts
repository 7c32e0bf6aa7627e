/**
 * Reading an authority's upload as a table: a CSV (UTF-8, BOM optional, RFC 4180) or an XLSX (first sheet)
 * with a header row among the first ten non-empty rows, found by one marker column; columns in any order,
 * extra ones ignored, optional ones read when present. Used by the register import (register-import.ts) and the
 * qualification import (qualifications.ts).
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { appError } from '../errors.js';
import { dayjs } from '../time.js';

export interface TableRow<C extends string> {
  /** The XLSX row number, or the CSV line the record starts on. */
  row: number;
  cells: Record<C, string>;
  /** Columns whose XLSX cell was a number (an ID number there has lost digits). */
  numberColumns: Set<C>;
}

export const cleanCell = (s: string) => s.normalize('NFKC').replace(/[\u200b\ufeff]/g, '').trim();
const headerName = (v: string) => cleanCell(v).replace(/[*＊\s]/g, '');

function toRows<C extends string, O extends string>(rows: { row: number; values: string[]; numberColumns?: Set<number> }[], columns: readonly C[], marker: C, maxRows: number, optional: readonly O[]): TableRow<C | O>[] {
  const nonEmpty = rows.filter((r) => r.values.some((v) => cleanCell(v) !== ''));
  const header = nonEmpty.slice(0, 10).find((r) => r.values.some((v) => headerName(v) === marker));
  if (!header) throw appError('import_columns_missing', { file: `未找到表头行，表头须包含：${columns.join('、')}` });
  const names = header.values.map(headerName);
  const index = {} as Record<C | O, number>;
  const missing = columns.filter((c) => {
    const i = names.indexOf(c);
    if (i >= 0) index[c] = i;
    return i < 0;
  });
  for (const c of optional) if (names.includes(c)) index[c] = names.indexOf(c);
  if (missing.length) throw appError('import_columns_missing', { file: `缺少列：${missing.join('、')}（表头须包含：${columns.join('、')}）` });
  const data = nonEmpty.filter((r) => r.row > header.row);
  if (data.length === 0) throw appError('import_empty');
  if (data.length > maxRows) throw appError('import_too_many_rows', { file: `文件有 ${data.length} 行数据，每次最多导入 ${maxRows} 行，请分批上传` });
  const all = [...columns, ...optional];
  return data.map((r) => ({
    row: r.row,
    cells: Object.fromEntries(all.map((c) => [c, index[c] === undefined ? '' : cleanCell(r.values[index[c]] ?? '')])) as Record<C | O, string>,
    numberColumns: new Set(all.filter((c) => index[c] !== undefined && r.numberColumns?.has(index[c]))),
  }));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return dayjs.utc(value).format('YYYY-MM-DD');
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return value.result === undefined || (typeof value.result === 'object' && !(value.result instanceof Date)) ? '' : cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

/**
 * Reads `bytes` (XLSX by its ZIP signature, else CSV) as rows of `columns` (and of the `optional` columns, ''
 * when the file has no such column), the header being the row that holds `marker`. Errors: 422 upload_invalid (not UTF-8, bad quoting, unreadable workbook),
 * import_columns_missing, import_empty, import_too_many_rows.
 */
export async function readTableFile<C extends string, O extends string = never>(bytes: Buffer, columns: readonly C[], marker: C, maxRows: number, optional: readonly O[] = []): Promise<{ format: 'xlsx' | 'csv'; rows: TableRow<C | O>[] }> {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    } catch {
      throw appError('upload_invalid', { file: '无法读取该 XLSX 文件，请用 Excel 另存后重新上传' }, 'XLSX 文件无法读取');
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw appError('import_empty');
    const rows: { row: number; values: string[]; numberColumns: Set<number> }[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values: string[] = [];
      const numberColumns = new Set<number>();
      for (let col = 1; col <= row.cellCount; col++) {
        const value = row.getCell(col).value;
        if (typeof value === 'number') numberColumns.add(col - 1);
        values.push(cellText(value));
      }
      rows.push({ row: rowNumber, values, numberColumns });
    });
    return { format: 'xlsx', rows: toRows(rows, columns, marker, maxRows, optional) };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw appError('upload_invalid', { file: '文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或直接上传 XLSX 文件' }, 'CSV 文件须为 UTF-8 编码');
  }
  let records: { record: string[]; info: { lines: number }; raw?: string }[];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw appError('upload_invalid', { file: `CSV 格式有误${line ? `（第 ${line} 行附近）` : ''}，请检查引号是否成对` }, 'CSV 文件格式有误');
  }
  return { format: 'csv', rows: toRows(records.map((r) => ({ row: r.info.lines - ((r.raw ?? '').replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0), values: r.record })), columns, marker, maxRows, optional) };
}
