/**
 * Date formatting for the PDFs. All wall-clock times are China Standard Time (IANA zone
 * Asia/Shanghai, UTC+08:00), computed through ICU (`Intl`), never from the host's zone.
 */

const SHANGHAI = 'Asia/Shanghai';

const partsFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: SHANGHAI,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Calendar fields of `date` in Asia/Shanghai (month 1-12). @throws RangeError on an invalid Date. */
export function shanghaiParts(date: Date): {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
} {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid Date');
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(partsFormatter.formatToParts(date).find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** e.g. `2026年11月21日 15:36:00` (Asia/Shanghai; month/day not zero-padded, time zero-padded). */
export function formatShanghaiDateTime(date: Date): string {
  const p = shanghaiParts(date);
  return `${p.year}年${p.month}月${p.day}日 ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/**
 * PDF date string (ISO 32000-1 §7.9.4) in Asia/Shanghai: `D:20261121153600+08'00'`.
 */
export function pdfDateString(date: Date): string {
  const p = shanghaiParts(date);
  return `D:${p.year}${pad2(p.month)}${pad2(p.day)}${pad2(p.hour)}${pad2(p.minute)}${pad2(p.second)}+08'00'`;
}

/**
 * `YYYY-MM-DD` → `YYYY年M月D日` (the certificate's style, e.g. 有效期至2029年11月20日).
 * @throws RangeError if `isoDate` is not `YYYY-MM-DD`.
 */
export function chineseDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(isoDate)}`);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}
