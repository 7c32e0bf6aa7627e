import { useState } from 'react'
import { Input, Picker, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, REGISTRATION_TYPES, REGISTRATION_TYPE_LABELS, type ApplicationListItem } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { useLoader } from '../../../lib/hooks'
import { go, isWeapp, taroCall, toast } from '../../../lib/platform'
import { Empty, ErrorBlock, LoadingBlock, Segments, StatusTag } from '../../../components/ui'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

type Filters = { name: string; idNumber: string; type: string; signedFrom: string; signedTo: string }
const EMPTY: Filters = { name: '', idNumber: '', type: '', signedFrom: '', signedTo: '' }

export default function EmployerQueue() {
  const [status, setStatus] = useState<'awaiting' | 'confirmed'>('awaiting')
  const [draft, setDraft] = useState<Filters>(EMPTY)
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [showFilters, setShowFilters] = useState(false)
  const { data, error, loading, reload } = useLoader(
    () => api.get<ApplicationListItem[]>('/api/enterprise/applications', { query: { status, ...filters } }),
    [status, filters],
  )
  usePullDownRefresh(() => {
    reload()
  })

  async function subscribe() {
    if (!SUBSCRIBE_TEMPLATE_ID) {
      toast('未配置订阅消息模板')
      return
    }
    try {
      const res: any = await taroCall(() => Taro.requestSubscribeMessage({ tmplIds: [SUBSCRIBE_TEMPLATE_ID] } as any) as any)
      toast(res?.[SUBSCRIBE_TEMPLATE_ID] === 'accept' ? '已开启新申请提醒' : '未开启提醒', res?.[SUBSCRIBE_TEMPLATE_ID] === 'accept' ? 'success' : 'none')
    } catch (e: any) {
      toast(e?.message || '订阅失败')
    }
  }

  const typeIndex = REGISTRATION_TYPES.indexOf(draft.type as any)
  const active = Object.values(filters).filter(Boolean).length

  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <Segments
        items={[
          { value: 'awaiting', label: '待确认' },
          { value: 'confirmed', label: '已确认' },
        ]}
        value={status}
        onChange={setStatus}
      />
      <View className='stack mt'>
        <View className='queue-tools'>
          <View className='queue-tools__btn' onClick={() => setShowFilters(!showFilters)} data-testid='toggle-filters'>
            筛选{active ? `（${active}）` : ''} {showFilters ? '▲' : '▼'}
          </View>
          {isWeapp && (
            <View className='queue-tools__btn' onClick={subscribe}>
              🔔 新申请提醒
            </View>
          )}
        </View>
        {showFilters && (
          <View className='card'>
            <View className='field'>
              <View className='field__label'>申请人姓名</View>
              <Input className='field__input' placeholder='姓名' value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.detail.value })} />
            </View>
            <View className='field'>
              <View className='field__label'>身份证号码</View>
              <Input className='field__input' type='idcard' placeholder='完整身份证号码' value={draft.idNumber} onInput={(e) => setDraft({ ...draft, idNumber: e.detail.value.trim() })} />
            </View>
            <View className='field'>
              <View className='field__label'>注册类型</View>
              <Picker mode='selector' range={['全部', ...REGISTRATION_TYPES.map((t) => REGISTRATION_TYPE_LABELS[t])]} value={typeIndex + 1} onChange={(e) => setDraft({ ...draft, type: Number(e.detail.value) === 0 ? '' : REGISTRATION_TYPES[Number(e.detail.value) - 1] })}>
                <View className='picker-value'>{draft.type ? REGISTRATION_TYPE_LABELS[draft.type as keyof typeof REGISTRATION_TYPE_LABELS] : '全部'}</View>
              </Picker>
            </View>
            <View className='field'>
              <View className='field__label'>个人签名时间</View>
              <View className='queue-range'>
                <Picker mode='date' value={draft.signedFrom || ''} onChange={(e) => setDraft({ ...draft, signedFrom: e.detail.value })}>
                  <View className={`picker-value ${draft.signedFrom ? '' : 'picker-value--placeholder'}`}>{draft.signedFrom || '开始日期'}</View>
                </Picker>
                <View className='queue-range__sep'>至</View>
                <Picker mode='date' value={draft.signedTo || ''} onChange={(e) => setDraft({ ...draft, signedTo: e.detail.value })}>
                  <View className={`picker-value ${draft.signedTo ? '' : 'picker-value--placeholder'}`}>{draft.signedTo || '结束日期'}</View>
                </Picker>
              </View>
            </View>
            <View className='queue-actions'>
              <Button
                fill='outline'
                onClick={() => {
                  setDraft(EMPTY)
                  setFilters(EMPTY)
                }}
              >
                重置
              </Button>
              <Button
                type='primary'
                onClick={() => {
                  setFilters(draft)
                  setShowFilters(false)
                }}
              >
                查询
              </Button>
            </View>
          </View>
        )}
        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.length === 0 && <Empty text={status === 'awaiting' ? '暂无待确认的申请' : '暂无已确认的申请'} />}
        {data?.map((a) => (
          <View key={a.id} className='card card--tap' onClick={() => go(`/employer/pages/detail/index?id=${a.id}`)} data-testid='employer-app'>
            <View className='card__title'>
              <View>{a.applicantName}</View>
              <StatusTag status={a.status} label={a.statusLabel} />
            </View>
            <View className='card__hint'>
              {PROFESSION_LABELS[a.profession]}
              {REGISTRATION_TYPE_LABELS[a.type]} · 身份证 {a.idNumberMasked}
            </View>
            <View className='card__hint'>
              {a.acceptanceNo ? `受理编号 ${a.acceptanceNo} · ` : ''}个人签名 {fmtDateTime(a.applicantSignedAt)}
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
