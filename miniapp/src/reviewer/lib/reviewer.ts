/**
 * What the reviewer's pages share (issue 11): who I am at the authority (GET /api/review/me), the province's
 * stages and labels (GET /api/province), and the wording of waiting times and stage limits.
 */
import { REVIEW_STAGES, REVIEW_STAGE_LABELS, type ProvinceSettings, type ReviewStage, type ReviewerMeView } from '@zhiyetong/shared'
import { api } from '../../lib/api'

let meCache: Promise<ReviewerMeView> | null = null
let provinceCache: Promise<ProvinceSettings> | null = null

/** GET /api/review/me, once per app start (a failed answer is asked again next time). */
export function reviewerMe(): Promise<ReviewerMeView> {
  meCache ??= api.get<ReviewerMeView>('/api/review/me').catch((e) => {
    meCache = null
    throw e
  })
  return meCache
}

/** GET /api/province (public): routes and stage labels in force. */
export function provinceSettings(): Promise<ProvinceSettings> {
  provinceCache ??= api.get<ProvinceSettings>('/api/province', { auth: false }).catch((e) => {
    provinceCache = null
    throw e
  })
  return provinceCache
}

/** The stages any matter's route passes in this province, in order (Sichuan: 受理, 审查, 审批). */
export function provinceStages(p: ProvinceSettings | undefined): ReviewStage[] {
  if (!p) return [...REVIEW_STAGES]
  const used = new Set<ReviewStage>([...p.route, ...Object.values(p.routes ?? {}).flat()] as ReviewStage[])
  return REVIEW_STAGES.filter((s) => used.has(s))
}

/** The province's label of a stage (Sichuan first_review: 审查). */
export function stageName(p: ProvinceSettings | undefined, stage: ReviewStage): string {
  return (p?.stageLabels as Partial<Record<ReviewStage, string>> | undefined)?.[stage] ?? REVIEW_STAGE_LABELS[stage]
}

/** 2 天 3 小时 / 5 小时 / 不到 1 小时. */
export function hoursText(h: number | null | undefined): string {
  if (h === null || h === undefined) return '—'
  if (h < 1) return '不到 1 小时'
  const d = Math.floor(h / 24)
  const r = Math.floor(h % 24)
  return d ? `${d} 天${r ? ` ${r} 小时` : ''}` : `${r} 小时`
}

/** 时限 5 个工作日 / 时限 24 小时. */
export function limitText(x: { limitHours: number | null; limitWorkingDays: number | null }): string {
  if (x.limitWorkingDays !== null) return `${x.limitWorkingDays} 个工作日`
  if (x.limitHours !== null) return `${x.limitHours} 小时`
  return '不限'
}
