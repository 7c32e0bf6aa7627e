/**
 * Per-province settings (issue 11 "Per-province settings"): one JSON file per province in
 * shared/src/provinces/ (shanghai.json from seeds 000-002, hunan.json from 003, sichuan.json from 004),
 * validated with `provinceSettingsSchema` when this module loads (a bad bundled file fails at start with the
 * file and field named), and the national working-day calendar (provinces/calendar-cn.json) every province
 * uses unless its file lists its own holidays too. The BFF may replace a province's file at start with
 * PROVINCE_SETTINGS_FILE (validated the same way, bff/src/config.ts). Both sides read the result: the BFF for
 * routes, notices, qualification checks and registration numbers; the miniapp for availability.
 *
 * Dates are Asia/Shanghai calendar dates 'YYYY-MM-DD'.
 */
import dayjs from 'dayjs';
import { z } from 'zod';
import { REGISTRATION_TYPES, type RegistrationType } from './professions.js';
import { REVIEW_STAGES, REVIEW_STAGE_LABELS, type ReviewStage } from './workflow.js';
import calendarCn from './provinces/calendar-cn.json';
import shanghai from './provinces/shanghai.json';
import hunan from './provinces/hunan.json';
import sichuan from './provinces/sichuan.json';

export const PROVINCES = ['shanghai', 'sichuan', 'hunan'] as const;
export type Province = (typeof PROVINCES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期应为 YYYY-MM-DD' }).refine((d) => dayjs(d).format('YYYY-MM-DD') === d, { error: '不是有效日期' });

/** A working-day calendar: Monday-Friday work, except `holidays`; a Saturday or Sunday in `adjustedWorkingDays` (调休上班) is worked. */
export const workingDayCalendarSchema = z.strictObject({
  $comment: z.string().optional(),
  holidays: z.array(isoDate),
  adjustedWorkingDays: z.array(isoDate),
});
export type WorkingDayCalendar = z.infer<typeof workingDayCalendarSchema>;

const stage = z.enum(REVIEW_STAGES);
const inOrder = (r: readonly ReviewStage[]) => r.every((x, i) => i === 0 || REVIEW_STAGES.indexOf(x) > REVIEW_STAGES.indexOf(r[i - 1]));
const routeSchema = z.array(stage).refine(inOrder, { error: `阶段须按 ${REVIEW_STAGES.join(' → ')} 的顺序且不重复` });
const matterType = z.enum(REGISTRATION_TYPES);

/**
 * One province's settings file. Fields:
 * - registrationNoPrefix: the province abbreviation that starts registration numbers (沪, 湘, 川).
 * - authority.name: who approves and signs certificates and acceptance notices; acceptingOffice: who accepts
 *   (004: 省建岗培注册中心 accepts and reviews, 住房城乡建设厅 approves).
 * - employerChange, employerChangeMinIntervalDays (004: a year), renewalWindowDays, detailsChangeWithinDays
 *   (004: 30 days): the matter rules of shared/src/matters.ts ProvinceRules.
 * - route: the authority's stages for every matter that has a route (cancellation and paper exchange have
 *   none anywhere); routes: per-matter exceptions; stageLabels: what the province calls a stage (004: 审查).
 * - publicNotice: which matters are announced after approval (公示) and for how many working days.
 * - stageTimeLimitsWorkingDays: the time limit per stage (the queue marks items over it overdue).
 * - fourEyes: true = one person may not decide two stages of one application (the jurisdictions work).
 * - qualificationData: true = the authority holds the qualification holders (003 §3.2.4.4) and an
 *   application's specialties must match them; false = the applicant's typed data stands (000-002).
 * - calendar: the province's own holidays and adjusted working days, replacing the national calendar.
 * - notOffered: matters the province does not take (the catalogue's seeds for it do not have them), each with
 *   the reason shown with the disabled matter; e.g. Shanghai (000) has no re-registration nor replacement.
 */
export const provinceSettingsSchema = z
  .strictObject({
    $comment: z.string().optional(),
    province: z.enum(PROVINCES),
    label: z.string().min(1),
    registrationNoPrefix: z.string().length(1, { error: '应为一个汉字（省份简称）' }),
    authority: z.strictObject({ name: z.string().min(2), acceptingOffice: z.string().min(2) }),
    employerChange: z.enum(['cancel_then_initial', 'change_application']),
    employerChangeMinIntervalDays: z.number().int().min(1).nullable(),
    renewalWindowDays: z.number().int().min(1).max(3650),
    detailsChangeWithinDays: z.number().int().min(1).nullable(),
    route: routeSchema.min(1),
    routes: z.partialRecord(matterType, routeSchema).optional(),
    stageLabels: z.partialRecord(stage, z.string().min(1)).optional(),
    publicNotice: z.strictObject({ matters: z.array(matterType), workingDays: z.number().int().min(1).max(60) }),
    stageTimeLimitsWorkingDays: z.partialRecord(stage, z.number().int().min(1).max(365)),
    fourEyes: z.boolean(),
    qualificationData: z.boolean(),
    calendar: workingDayCalendarSchema.optional(),
    notOffered: z.partialRecord(matterType, z.string().min(2)).optional(),
  });

export type ProvinceSettingsFile = z.infer<typeof provinceSettingsSchema>;
/** A province's settings in force: its file with the calendar resolved. */
export type ProvinceSettings = Omit<ProvinceSettingsFile, 'calendar' | '$comment'> & { calendar: WorkingDayCalendar };

export class ProvinceSettingsError extends Error {}

/**
 * Validates a settings file's content (parsed JSON) named `source` (a path, for the message).
 * @throws ProvinceSettingsError naming the file and each bad field, e.g. "hunan.json: publicNotice.workingDays: …".
 */
export function parseProvinceSettings(input: unknown, source: string): ProvinceSettings {
  const r = provinceSettingsSchema.safeParse(input);
  if (!r.success) throw new ProvinceSettingsError(`省份设置文件 ${source} 有误 (invalid province settings):\n${r.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n')}`);
  const { calendar, $comment: _c, ...rest } = r.data;
  return { ...rest, calendar: calendar ?? NATIONAL_CALENDAR };
}

const NATIONAL_CALENDAR: WorkingDayCalendar = (() => {
  const r = workingDayCalendarSchema.safeParse(calendarCn);
  if (!r.success) throw new ProvinceSettingsError(`calendar-cn.json 有误: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
})();

/** The bundled settings of every province (shared/src/provinces/*.json), validated at load. */
export const PROVINCE_SETTINGS: Record<Province, ProvinceSettings> = {
  shanghai: parseProvinceSettings(shanghai, 'shared/src/provinces/shanghai.json'),
  hunan: parseProvinceSettings(hunan, 'shared/src/provinces/hunan.json'),
  sichuan: parseProvinceSettings(sichuan, 'shared/src/provinces/sichuan.json'),
};

// ---- routes and notices ----

/**
 * The authority's route of matter `type` in this province: none for a matter that has none everywhere
 * (`matterRoute` [] from the catalogue: cancellation, paper exchange), else the province's per-matter route
 * or its general one.
 */
export function provinceRoute(settings: Pick<ProvinceSettings, 'route' | 'routes'>, type: RegistrationType, catalogueRoute: readonly ReviewStage[]): readonly ReviewStage[] {
  if (catalogueRoute.length === 0) return [];
  return settings.routes?.[type] ?? settings.route;
}

/** Whether an approved application of `type` is announced (公示) before its certificate is issued. */
export function hasPublicNotice(settings: Pick<ProvinceSettings, 'publicNotice'>, type: RegistrationType): boolean {
  return settings.publicNotice.matters.includes(type);
}

/** What the province calls `stage` (004's 审查 for the review), else the common label. */
export function stageLabel(settings: Pick<ProvinceSettings, 'stageLabels'>, stage: ReviewStage): string {
  return settings.stageLabels?.[stage] ?? REVIEW_STAGE_LABELS[stage];
}

// ---- working days ----

/** Whether `date` ('YYYY-MM-DD') is a working day under `calendar`. */
export function isWorkingDay(date: string, calendar: WorkingDayCalendar): boolean {
  if (calendar.adjustedWorkingDays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const dow = dayjs(date).day();
  return dow !== 0 && dow !== 6;
}

/**
 * The date `n` working days after `date` (n ≥ 1): the last day of a period of n working days that starts on
 * the first working day after `date`. E.g. a notice begun on Friday 2026-12-04 for 5 working days runs
 * Monday 12-07 to Friday 12-11.
 */
export function addWorkingDays(date: string, n: number, calendar: WorkingDayCalendar): string {
  let d = dayjs(date);
  let left = n;
  while (left > 0) {
    d = d.add(1, 'day');
    if (isWorkingDay(d.format('YYYY-MM-DD'), calendar)) left--;
  }
  return d.format('YYYY-MM-DD');
}
