import { useState } from 'react'
import { Picker, Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import {
  PROFESSIONS,
  PROFESSION_LABELS,
  REGISTRATION_TYPES,
  REVIEW_STAGES,
  REGISTRATION_TYPE_LABELS,
  SPECIALTIES,
  SPECIALTY_LABELS,
  type BatchDecisionItem,
  type BatchDecisionResult,
  type Profession,
  type ReviewQueueItem,
  type ReviewStage,
  type StageCount,
} from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { fmtDateTime, today } from '../../../lib/format'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { confirm, go, toast } from '../../../lib/platform'
import { Check, Chips, Empty, ErrorBlock, LoadingBlock, Segments, StatusTag, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { a11y } from '../../../lib/a11y'
import { NetBanner } from '../../../components/NetBanner'
import { hoursText, limitText, provinceSettings, provinceStages, reviewerMe, stageName } from '../../lib/reviewer'
import './index.scss'

const STAGE_KEY = 'zyt:review-stage'

interface Filters {
  matter: string
  profession: string
  specialty: string
  authorityId: string
  from: string
  to: string
  /** '' | minimum waiting hours ('24', '72', '168') | 'overdue' */
  wait: string
  sort: 'updated' | 'waiting'
}
const NO_FILTERS: Filters = { matter: '', profession: '', specialty: '', authorityId: '', from: '', to: '', wait: '', sort: 'updated' }

const WAIT_CHOICES = [
  { value: '', label: '全部' },
  { value: '24', label: '≥1 天' },
  { value: '72', label: '≥3 天' },
  { value: '168', label: '≥7 天' },
  { value: 'overdue', label: '仅超期' },
]

/** The query of GET /api/review/applications and /stage-counts (shared reviewQueueQuery). */
function queryOf(stage: ReviewStage, f: Filters) {
  return {
    stage,
    matter: f.matter,
    profession: f.profession,
    specialty: f.specialty,
    authorityId: f.authorityId,
    from: f.from,
    to: f.to,
    sort: f.sort,
    ...(f.wait === 'overdue' ? { overdue: 'true' } : f.wait ? { minWaitingHours: f.wait } : {}),
  }
}

function activeFilters(f: Filters): number {
  return [f.matter, f.profession, f.specialty, f.authorityId, f.from || f.to, f.wait].filter(Boolean).length
}

/**
 * 审核队列 (issue 11): one stage of the reviewer's jurisdiction with its count per stage, filters (matter,
 * profession, specialty, city, date of submission, waiting time), sorting by waiting time, overdue items
 * marked with ⚠ and a sentence, and at the routine stages (settings batchStages) a multi-select with one batch
 * decision whose result is shown per application.
 */
export default function ReviewQueue() {
  const params = useRouterParams()
  const [stage, setStage] = useState<ReviewStage>((params.stage as ReviewStage) || (Taro.getStorageSync(STAGE_KEY) as ReviewStage) || 'acceptance')
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [showFilters, setShowFilters] = useState(false)
  const [selecting, setSelecting] = useState(false)
  const [selected, setSelected] = useState<string[]>([])
  const [batch, setBatch] = useState<{ result: BatchDecisionResult; names: Record<string, string>; stage: ReviewStage } | null>(null)
  const [batchError, setBatchError] = useState('')
  const [busy, setBusy] = useState(false)

  const { data: me } = useLoader(() => reviewerMe(), [], { onShow: false })
  const { data: province } = useLoader(() => provinceSettings(), [], { onShow: false })
  const { data, error, loading, reload } = useLoader(async () => {
    const q = queryOf(stage, filters)
    const [items, counts] = await Promise.all([api.get<ReviewQueueItem[]>('/api/review/applications', { query: q }), api.get<StageCount[]>('/api/review/stage-counts', { query: q })])
    return { items, counts }
  }, [stage, filters])
  usePullDownRefresh(() => {
    reload()
  })

  const stages = provinceStages(province)
  const countOf = (s: ReviewStage) => data?.counts.find((c) => c.stage === s)
  const canBatch = !!me && me.settings.batchStages.includes(stage) && me.stages.includes(stage)
  const label = stageName(province, stage)
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }))

  function choose(s: ReviewStage) {
    setStage(s)
    setSelected([])
    setSelecting(false)
    Taro.setStorageSync(STAGE_KEY, s)
  }

  function toggle(id: string) {
    setSelected((sel) => (sel.includes(id) ? sel.filter((x) => x !== id) : [...sel, id]))
  }

  async function decideBatch() {
    if (!data || !selected.length) return
    setBatchError('')
    if (!(await confirm(`确定对已选的 ${selected.length} 件申请作出“${label}通过”决定吗？每件申请分别办理和记录。`, `批量${label}`, '确定'))) return
    const names = Object.fromEntries(data.items.filter((i) => selected.includes(i.id)).map((i) => [i.id, `${i.applicantName}（${i.acceptanceNo ?? '—'}）`]))
    setBusy(true)
    try {
      const result = await api.post<BatchDecisionResult>('/api/review/decisions/batch', { stage, outcome: 'pass', ids: selected }, { loading: '正在提交' })
      setBatch({ result, names, stage })
      setSelected(result.results.filter((r) => !r.ok).map((r) => r.id))
      if (!result.refused) setSelecting(false)
      toast(result.refused ? `${result.decided} 件已办理，${result.refused} 件未能办理` : `${result.decided} 件已办理`, result.refused ? 'none' : 'success')
      reload()
    } catch (e) {
      setBatchError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const specialtyChoices = filters.profession ? (SPECIALTIES[filters.profession as Profession] as readonly string[]) : []
  const resultOf = (id: string): BatchDecisionItem | undefined => batch?.result.results.find((r) => r.id === id)

  return (
    <View className={pageClass('page')} style={{ paddingBottom: selecting ? '200px' : undefined }}>
      <NetBanner />
      <Segments
        items={stages.map((s) => {
          const c = countOf(s)
          return { value: s, label: c ? `${stageName(province, s)} ${c.count}${c.overdue ? ` ⚠${c.overdue}` : ''}` : stageName(province, s) }
        })}
        value={stage}
        onChange={choose}
      />
      <View className='stack mt'>
        <View className='entry-grid'>
          <View className='entry-grid__item' onClick={() => go('/reviewer/pages/identity/index')} data-testid='entry-identity' {...a11y({ role: 'link' })}>
            <View className='entry-grid__title'>现场核验身份</View>
            <View className='entry-grid__desc'>无法人脸识别时当面核对</View>
          </View>
          <View className='entry-grid__item' onClick={() => go('/reviewer/pages/notices/index')} data-testid='entry-notices' {...a11y({ role: 'link' })}>
            <View className='entry-grid__title'>公示与异议</View>
            <View className='entry-grid__desc'>公示名单、待处理异议</View>
          </View>
          <View className='entry-grid__item' onClick={() => go('/reviewer/pages/statistics/index')} data-testid='entry-statistics' {...a11y({ role: 'link' })}>
            <View className='entry-grid__title'>办件统计</View>
            <View className='entry-grid__desc'>各事项、各环节、超期</View>
          </View>
          {me?.staff.isAdmin && (
            <View className='entry-grid__item' onClick={() => go('/reviewer/pages/staff/index')} data-testid='entry-staff' {...a11y({ role: 'link' })}>
              <View className='entry-grid__title'>工作人员</View>
              <View className='entry-grid__desc'>邀请人员、分配岗位</View>
            </View>
          )}
        </View>

        <View className='card mt'>
          <View className='card__title'>
            <View>
              待{label}
              {countOf(stage) ? ` ${countOf(stage)!.count} 件` : ''}
              {countOf(stage)?.overdue ? `，其中超期 ${countOf(stage)!.overdue} 件` : ''}
            </View>
            <View className='queue-tools'>
              <View className='link-btn' onClick={() => set({ sort: filters.sort === 'waiting' ? 'updated' : 'waiting' })} data-testid='sort-waiting' {...a11y({ role: 'button', pressed: filters.sort === 'waiting' })}>
                {filters.sort === 'waiting' ? '✓ 等待最久在前' : '按等待时间排序'}
              </View>
              <View className='link-btn' onClick={() => setShowFilters(!showFilters)} data-testid='toggle-filters' {...a11y({ role: 'button', pressed: showFilters })}>
                筛选{activeFilters(filters) ? `（${activeFilters(filters)}）` : ''}
              </View>
            </View>
          </View>
          {countOf(stage) && <View className='card__hint'>本环节时限 {limitText(countOf(stage)!)}（自进入本环节起计）</View>}
          {showFilters && (
            <View className='mt' data-testid='filters'>
              <Chips label='申请事项' testId='f-matter' items={[{ value: '', label: '全部' }, ...REGISTRATION_TYPES.filter((t) => t !== 'cancellation' && t !== 'paper_exchange').map((t) => ({ value: t, label: REGISTRATION_TYPE_LABELS[t] }))]} value={filters.matter} onChange={(v) => set({ matter: v })} />
              <Chips label='职业资格' testId='f-profession' items={[{ value: '', label: '全部' }, ...PROFESSIONS.map((p) => ({ value: p, label: PROFESSION_LABELS[p] }))]} value={filters.profession} onChange={(v) => set({ profession: v, specialty: '' })} />
              {specialtyChoices.length > 0 && (
                <Chips label='专业' testId='f-specialty' items={[{ value: '', label: '全部' }, ...specialtyChoices.map((s) => ({ value: s, label: SPECIALTY_LABELS[s as keyof typeof SPECIALTY_LABELS] }))]} value={filters.specialty} onChange={(v) => set({ specialty: v })} />
              )}
              {me && me.jurisdiction.length > 1 && (
                <Chips label='注册机构（市）' testId='f-authority' items={[{ value: '', label: '全部' }, ...me.jurisdiction.map((a) => ({ value: a.id, label: a.name }))]} value={filters.authorityId} onChange={(v) => set({ authorityId: v })} />
              )}
              <View className='chips'>
                <View className='chips__label'>报送日期（企业确认日）</View>
                <View className='date-range'>
                  <Picker mode='date' value={filters.from || today()} onChange={(e) => set({ from: e.detail.value })}>
                    <View className={`picker-value ${filters.from ? '' : 'picker-value--placeholder'}`} data-testid='f-from' {...a11y({ role: 'button', label: `起始日期 ${filters.from || '不限'}` })}>
                      {filters.from || '起始日期'}
                    </View>
                  </Picker>
                  <Text className='muted'>至</Text>
                  <Picker mode='date' value={filters.to || today()} onChange={(e) => set({ to: e.detail.value })}>
                    <View className={`picker-value ${filters.to ? '' : 'picker-value--placeholder'}`} data-testid='f-to' {...a11y({ role: 'button', label: `截止日期 ${filters.to || '不限'}` })}>
                      {filters.to || '截止日期'}
                    </View>
                  </Picker>
                  {(filters.from || filters.to) && (
                    <View className='link-btn' onClick={() => set({ from: '', to: '' })} {...a11y({ role: 'button', label: '清除日期' })}>
                      清除
                    </View>
                  )}
                </View>
              </View>
              <Chips label='等待时间' testId='f-wait' items={WAIT_CHOICES} value={filters.wait} onChange={(v) => set({ wait: v })} />
              {activeFilters(filters) > 0 && (
                <Button fill='outline' type='primary' block onClick={() => setFilters({ ...NO_FILTERS, sort: filters.sort })} data-testid='clear-filters'>
                  清除筛选
                </Button>
              )}
            </View>
          )}
          {canBatch && (
            <View className='mt'>
              <Button
                fill='outline'
                type='primary'
                block
                onClick={() => {
                  setSelecting(!selecting)
                  setSelected([])
                }}
                data-testid='batch-toggle'
              >
                {selecting ? '退出批量处理' : `批量${label}`}
              </Button>
            </View>
          )}
        </View>

        {batch && (
          <View className='card' data-testid='batch-result' {...a11y({ live: 'polite' })}>
            <View className='card__title'>
              <View>
                批量{stageName(province, batch.stage)}结果：已办理 {batch.result.decided} 件{batch.result.refused ? `，未能办理 ${batch.result.refused} 件` : ''}
              </View>
              <View className='link-btn' onClick={() => setBatch(null)} {...a11y({ role: 'button', label: '关闭批量结果' })}>
                关闭
              </View>
            </View>
            {batch.result.results.map((r) => (
              <View key={r.id} className='batch-line' data-testid='batch-result-item'>
                <Tag color={r.ok ? 'green' : 'red'}>{r.ok ? '已办理' : '未办理'}</Tag>
                <Text className='batch-line__name'>{batch.names[r.id] ?? r.id}</Text>
                <Text className='muted small'>{r.ok ? `已转入“${r.status && (REVIEW_STAGES as readonly string[]).includes(r.status) ? stageName(province, r.status as ReviewStage) : r.statusLabel}”` : r.error?.message}</Text>
              </View>
            ))}
          </View>
        )}
        {batchError && <View className='banner banner--error'>{batchError}</View>}

        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.items.length === 0 && <Empty text={activeFilters(filters) ? `没有符合筛选条件的待${label}申请` : `暂无待${label}的申请`} />}
        {data?.items.map((a) => {
          const on = selected.includes(a.id)
          const failed = resultOf(a.id)
          return (
            <View
              key={a.id}
              className={`card card--tap ${a.overdue ? 'card--overdue' : ''} ${on ? 'card--selected' : ''}`}
              onClick={() => (selecting ? toggle(a.id) : go(`/reviewer/pages/detail/index?id=${a.id}`))}
              data-testid='review-app'
              data-acceptance-no={a.acceptanceNo ?? ''}
              data-overdue={a.overdue ? 'true' : 'false'}
            >
              <View className='card__title'>
                <View className='queue-name'>
                  {selecting && (
                    <Check checked={on} testId='review-select'>
                      <Text className='sr-only'>选择</Text>
                    </Check>
                  )}
                  <Text>{a.applicantName}</Text>
                </View>
                {a.overdue ? <Text className='status status--overdue'>⚠ 已超期</Text> : <StatusTag status={a.status} label={a.statusLabel} />}
              </View>
              <View className='card__hint'>
                {PROFESSION_LABELS[a.profession]}
                {REGISTRATION_TYPE_LABELS[a.type]}
                {a.specialties.length ? ` · ${a.specialties.map((s) => SPECIALTY_LABELS[s]).join('、')}` : ''}
              </View>
              <View className='card__hint'>
                {a.employerName || '—'} · {a.authority.name}
              </View>
              <View className='card__hint'>
                受理编号 {a.acceptanceNo || '—'} · 报送 {fmtDateTime(a.submittedAt)}
              </View>
              <View className={`card__hint ${a.overdue ? 'overdue-text' : ''}`} data-testid='review-waiting'>
                {a.overdue ? '⚠ 已超过时限：' : ''}已等待 {hoursText(a.waitingHours)}（时限 {limitText(a)}，{a.overdue ? '已于' : ''} {fmtDateTime(a.deadline)} {a.overdue ? '到期' : '前办理'}）
              </View>
              {failed && !failed.ok && <View className='banner banner--error mt'>批量办理未成功：{failed.error?.message}</View>}
            </View>
          )
        })}
      </View>
      {selecting && (
        <View className='btn-bar'>
          <Button
            className='big-btn'
            fill='outline'
            type='primary'
            onClick={() => setSelected(selected.length === (data?.items.length ?? 0) ? [] : (data?.items ?? []).slice(0, 50).map((i) => i.id))}
            data-testid='batch-select-all'
          >
            {selected.length && selected.length === (data?.items.length ?? 0) ? '全不选' : '全选'}
          </Button>
          <Button className='big-btn' type='primary' disabled={!selected.length} loading={busy} onClick={decideBatch} data-testid='batch-submit'>
            {label}通过（{selected.length}）
          </Button>
        </View>
      )}
    </View>
  )
}
