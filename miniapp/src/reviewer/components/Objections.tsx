import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ApplicationView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../lib/api'
import { fmtDateTime } from '../../lib/format'
import { useLoader } from '../../lib/hooks'
import { confirm, toast } from '../../lib/platform'
import { Chips, Tag } from '../../components/ui'

/** GET /api/review/objections item (bff/src/domain/notices.ts listObjections). */
export interface ObjectionView {
  id: string
  applicationId: string
  acceptanceNo: string | null
  holderName: string
  text: string
  contact: string | null
  status: 'open' | 'upheld' | 'dismissed'
  resolution: string | null
  lodgedAt: string
}

/** All objections (open, upheld, dismissed), optionally of one application. */
export async function loadObjections(applicationId?: string): Promise<ObjectionView[]> {
  const lists = await Promise.all((['open', 'upheld', 'dismissed'] as const).map((status) => api.get<ObjectionView[]>('/api/review/objections', { query: { status } })))
  return lists.flat().filter((o) => !applicationId || o.applicationId === applicationId)
}

export const OBJECTION_STATUS = { open: ['orange', '待处理'], upheld: ['red', '异议成立'], dismissed: ['green', '异议不成立'] } as const

/** One objection with, while open, its resolution: 异议不成立 (the notice continues) or 异议成立 (the application is refused). */
function ObjectionItem({ o, onResolved }: { o: ObjectionView; onResolved: () => void }) {
  const [outcome, setOutcome] = useState<'dismissed' | 'upheld' | ''>('')
  const [resolution, setResolution] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  async function resolve() {
    setError('')
    if (!outcome) return setError('请选择处理结果')
    if (resolution.trim().length < 2) return setError('请填写处理意见（至少 2 个字）')
    const text = outcome === 'upheld' ? '异议成立：该申请将作审核不通过处理，并通知申请人和聘用企业。确定吗？' : '异议不成立：公示继续，期满无其他异议后发证。确定吗？'
    if (!(await confirm(text, '处理异议', '确定'))) return
    setBusy(true)
    try {
      await api.post(`/api/review/objections/${o.id}/resolutions`, { outcome, resolution: resolution.trim(), ...(outcome === 'upheld' ? { reasonCode: 'objection_upheld' } : {}) }, { loading: '正在提交' })
      toast('已处理', 'success')
      onResolved()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const [color, label] = OBJECTION_STATUS[o.status]
  return (
    <View className='objection' data-testid='objection'>
      <View className='card__title'>
        <View className='small muted'>提出于 {fmtDateTime(o.lodgedAt)}</View>
        <Tag color={color}>{label}</Tag>
      </View>
      <View className='objection__text'>{o.text}</View>
      <View className='card__hint'>联系方式：{o.contact || '未留'}</View>
      {o.resolution && <View className='card__hint'>处理意见：{o.resolution}</View>}
      {o.status === 'open' && (
        <View className='mt'>
          <Chips
            label='处理结果'
            testId='objection-outcome'
            items={[
              { value: 'dismissed', label: '异议不成立' },
              { value: 'upheld', label: '异议成立' },
            ]}
            value={outcome}
            onChange={(v) => setOutcome(v)}
          />
          <Textarea className='textarea' placeholder='处理意见（必填，核实情况）' maxlength={500} value={resolution} onInput={(e) => setResolution(e.detail.value)} data-testid='objection-resolution' aria-label='处理意见' />
          {error && <View className='banner banner--error mt'>{error}</View>}
          <View className='mt'>
            <Button block type={outcome === 'upheld' ? 'danger' : 'primary'} loading={busy} onClick={resolve} data-testid='objection-submit'>
              提交处理结果
            </Button>
          </View>
        </View>
      )}
    </View>
  )
}

/** 公示 of one application in the reviewer's detail: its period and every objection, the open ones to resolve. */
export function Objections({ applicationId, notice, onResolved }: { applicationId: string; notice: NonNullable<ApplicationView['publicNotice']>; onResolved: () => void }) {
  const { data, error, reload } = useLoader(() => loadObjections(applicationId), [applicationId], { onShow: false })
  const state = { open: '公示中', issued: '公示期满，已发证', refused: '已终止（异议成立）' }[notice.status]
  return (
    <View className='card' data-testid='notice-card'>
      <View className='card__title'>注册公示</View>
      <View className='card__hint'>
        {notice.startsOn} 至 {notice.endsOn}（{notice.workingDays} 个工作日）· {state}
      </View>
      {error && <View className='banner banner--error mt'>{error}</View>}
      {data && data.length === 0 && <View className='card__hint mt'>暂无异议</View>}
      {data?.map((o) => (
        <ObjectionItem
          key={o.id}
          o={o}
          onResolved={() => {
            reload()
            onResolved()
          }}
        />
      ))}
    </View>
  )
}
