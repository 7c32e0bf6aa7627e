/**
 * The statistics as a server-rendered SVG chart (GET /api/review/statistics.svg), so the miniapp shows it in an
 * <Image> on weapp and H5 without a chart library: per stage, horizontal bars of the decisions taken in the
 * range, what waits now and what is overdue, with the median time; below, the applications submitted per
 * matter. Plain SVG 1.1, text in the system's CJK font, every label XML-escaped.
 */
import type { ReviewStatistics } from '@zhiyetong/shared';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

const WIDTH = 720;
const LABEL = 150;
const BAR_MAX = 420;
const COLORS = { decided: '#1677ff', waiting: '#faad14', overdue: '#ff4d4f', submitted: '#52c41a' };

export function statisticsSvg(s: ReviewStatistics): string {
  const parts: string[] = [];
  let y = 36;
  parts.push(`<text x="16" y="24" font-size="16" font-weight="bold">${esc(`${s.authority.name} 办件统计 ${s.from} 至 ${s.to}`)}</text>`);
  const max = Math.max(1, ...s.stages.flatMap((x) => [x.passed + x.failed, x.waiting]), ...s.matters.map((m) => m.submitted));
  const bar = (n: number) => Math.max(n > 0 ? 2 : 0, Math.round((n / max) * BAR_MAX));
  // legend
  const legend: [keyof typeof COLORS, string][] = [['decided', '已办理'], ['waiting', '待办'], ['overdue', '超期'], ['submitted', '收件']];
  legend.forEach(([k, label], i) => {
    parts.push(`<rect x="${16 + i * 110}" y="${y}" width="12" height="12" fill="${COLORS[k]}"/><text x="${32 + i * 110}" y="${y + 11}" font-size="12">${esc(label)}</text>`);
  });
  y += 28;
  for (const st of s.stages) {
    const decided = st.passed + st.failed;
    const median = st.medianHours === null ? '—' : `${st.medianHours} 小时`;
    parts.push(`<text x="16" y="${y + 12}" font-size="13">${esc(st.label)}</text>`);
    parts.push(`<text x="16" y="${y + 30}" font-size="11" fill="#666">${esc(`中位用时 ${median}`)}</text>`);
    const rows: [keyof typeof COLORS, number, string][] = [
      ['decided', decided, `${decided}（通过 ${st.passed}，不通过 ${st.failed}）`],
      ['waiting', st.waiting, `${st.waiting}（时限 ${st.limitHours !== null ? `${st.limitHours} 小时` : `${st.limitWorkingDays} 个工作日`}）`],
      ['overdue', st.overdue, String(st.overdue)],
    ];
    rows.forEach(([k, n, text], i) => {
      const by = y + i * 14;
      parts.push(`<rect x="${LABEL}" y="${by}" width="${bar(n)}" height="11" fill="${COLORS[k]}"/><text x="${LABEL + bar(n) + 6}" y="${by + 10}" font-size="11">${esc(text)}</text>`);
    });
    y += 52;
  }
  if (s.matters.length) {
    parts.push(`<text x="16" y="${y + 8}" font-size="14" font-weight="bold">${esc('各事项收件')}</text>`);
    y += 18;
    for (const m of s.matters) {
      parts.push(`<text x="16" y="${y + 10}" font-size="12">${esc(m.label)}</text><rect x="${LABEL}" y="${y}" width="${bar(m.submitted)}" height="12" fill="${COLORS.submitted}"/><text x="${LABEL + bar(m.submitted) + 6}" y="${y + 10}" font-size="11">${m.submitted}</text>`);
      y += 20;
    }
  }
  const height = y + 16;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif" role="img" aria-label="${esc(`${s.authority.name}办件统计`)}">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}
