import { useEffect, useState } from 'react'
import { Picker, Text, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { REVIEW_STAGES, type ReviewStage, type ReviewStatistics } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { go } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Chips, DataTable, ErrorBlock, LoadingBlock } from '../../../components/ui'
import { Img } from '../../../components/Img'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { hoursText, limitText, provinceSettings, provinceStages, reviewerMe, stageName } from '../../lib/reviewer'
import { authedImage } from '../../lib/chart'
import '../queue/index.scss'

const STATUS_SHORT: Record<string, string> = {
  public_notice: '公示中',
  approved: '已发证',
  completed: '已办结',
  not_accepted: '不予受理',
  rejected: '不通过',
  returned: '退回补正',
}

/**
 * 办件统计 (issue 11): for a date range (default the last 30 days) and optionally one city, the counts per matter
 * and stage, the median time per stage and the overdue items (GET /api/review/statistics) as tables, and the
 * BFF's server-rendered SVG chart of the same figures (GET /api/review/statistics.svg). `?from=&to=` (YYYY-MM-DD)
 * open it on another range.
 */
export default function ReviewStatisticsPage() {
  const params = useRouterParams()
  const ymd = /^\d{4}-\d{2}-\d{2}$/
  const [from, setFrom] = useState(params.from && ymd.test(params.from) ? params.from : dayjs().subtract(30, 'day').format('YYYY-MM-DD'))
  const [to, setTo] = useState(params.to && ymd.test(params.to) ? params.to : dayjs().format('YYYY-MM-DD'))
  const [authorityId, setAuthorityId] = useState('')
  const { data: me } = useLoader(() => reviewerMe(), [], { onShow: false })
  const query = { from, to, authorityId }
  const { data, error, loading, reload } = useLoader(() => api.get<ReviewStatistics>('/api/review/statistics', { query }), [from, to, authorityId])
  const { data: province } = useLoader(() => provinceSettings(), [], { onShow: false })
  // the stages of the province's routes (Sichuan has no 复审), with its labels (审查)
  const stages = data ? data.stages.filter((s) => provinceStages(province).includes(s.stage)) : []
  const [chart, setChart] = useState('')
  const [chartError, setChartError] = useState('')

  useEffect(() => {
    let revoke = () => undefined as void
    let gone = false
    setChartError('')
    const qs = `from=${from}&to=${to}${authorityId ? `&authorityId=${authorityId}` : ''}`
    authedImage(`/api/review/statistics.svg?${qs}`)
      .then((img) => {
        if (gone) return img.revoke()
        revoke = img.revoke
        setChart(img.src)
      })
      .catch((e) => setChartError(errorMessage(e)))
    return () => {
      gone = true
      revoke()
    }
  }, [from, to, authorityId])

  const pickers = (
    <View className='date-range'>
      <Picker mode='date' value={from} end={to} onChange={(e) => setFrom(e.detail.value)}>
        <View className='picker-value' data-testid='stats-from' {...a11y({ role: 'button', label: `起始日期 ${from}` })}>
          {from}
        </View>
      </Picker>
      <Text className='muted'>至</Text>
      <Picker mode='date' value={to} start={from} onChange={(e) => setTo(e.detail.value)}>
        <View className='picker-value' data-testid='stats-to' {...a11y({ role: 'button', label: `截止日期 ${to}` })}>
          {to}
        </View>
      </Picker>
    </View>
  )

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>统计期间</View>
        {pickers}
        <View className='card__hint mt'>收件数按企业确认报送日期统计；各环节办理数和中位用时按决定日期统计；待办和超期为当前数。</View>
        {me && me.jurisdiction.length > 1 && (
          <View className='mt'>
            <Chips label='注册机构' testId='stats-authority' items={[{ value: '', label: '全部' }, ...me.jurisdiction.map((a) => ({ value: a.id, label: a.name }))]} value={authorityId} onChange={setAuthorityId} />
          </View>
        )}
      </View>
      <View className='card'>
        <View className='card__title'>统计图</View>
        {chartError && <View className='banner banner--error'>{chartError}</View>}
        {chart ? <Img src={chart} alt={`办件统计图 ${from} 至 ${to}`} className='stats-chart' mode='widthFix' testId='stats-chart' /> : !chartError && <LoadingBlock text='正在生成统计图…' />}
      </View>
      {error && <ErrorBlock message={error} onRetry={reload} />}
      {loading && !data && <LoadingBlock />}
      {data && (
        <>
          <View className='card'>
            <View className='card__title'>各环节</View>
            <DataTable
              caption='各环节办理情况'
              testId='stats-stages'
              head={['环节', '通过', '不通过', '中位用时', '待办', '超期']}
              rows={stages.map((s) => [stageName(province, s.stage), s.passed, s.failed, s.medianHours === null ? '—' : hoursText(s.medianHours), s.waiting, s.overdue ? `⚠ ${s.overdue}` : 0])}
            />
            <View className='card__hint mt'>时限：{stages.map((s) => `${stageName(province, s.stage)} ${limitText(s)}`).join('，')}（自进入该环节起计）</View>
          </View>
          <View className='card'>
            <View className='card__title'>各事项收件</View>
            {data.matters.length ? (
              <DataTable
                caption='各事项收件及办理状态'
                testId='stats-matters'
                head={['事项', '收件', '目前状态']}
                rows={data.matters.map((m) => [m.label, m.submitted, Object.entries(m.byStatus).map(([st, n]) => `${(REVIEW_STAGES as readonly string[]).includes(st) ? stageName(province, st as ReviewStage) : (STATUS_SHORT[st] ?? st)} ${n}`).join('，')])}
              />
            ) : (
              <View className='card__hint'>期间内没有收件</View>
            )}
          </View>
          <View className='card'>
            <View className='card__title'>超期件 {data.overdue.length}</View>
            {data.overdue.length === 0 && <View className='card__hint'>当前没有超期件</View>}
            {data.overdue.map((o) => (
              <View key={o.id} className='objection' onClick={() => go(`/reviewer/pages/detail/index?id=${o.id}`)} data-testid='stats-overdue' {...a11y({ role: 'link' })}>
                <View className='overdue-text'>
                  ⚠ {o.acceptanceNo ?? '—'} · {stageName(province, o.stage)}
                </View>
                <View className='card__hint'>
                  已等待 {hoursText(o.waitingHours)}（时限 {limitText(o)}）· {o.authorityName}
                </View>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
