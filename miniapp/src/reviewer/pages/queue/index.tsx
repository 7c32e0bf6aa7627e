import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, REVIEW_STAGES, REVIEW_STAGE_LABELS, type ApplicationListItem, type ReviewStage } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { go } from '../../../lib/platform'
import { Empty, ErrorBlock, LoadingBlock, Segments, StatusTag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

const STAGE_KEY = 'zyt:review-stage'

export default function ReviewQueue() {
  const params = useRouterParams()
  const [stage, setStage] = useState<ReviewStage>((params.stage as ReviewStage) || (Taro.getStorageSync(STAGE_KEY) as ReviewStage) || 'acceptance')
  const { data, error, loading, reload } = useLoader(() => api.get<ApplicationListItem[]>('/api/review/applications', { query: { stage } }), [stage])
  usePullDownRefresh(() => {
    reload()
  })

  function choose(s: ReviewStage) {
    setStage(s)
    Taro.setStorageSync(STAGE_KEY, s)
  }

  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <Segments items={REVIEW_STAGES.map((s) => ({ value: s, label: REVIEW_STAGE_LABELS[s] }))} value={stage} onChange={choose} />
      <View className='stack mt'>
        <View className='card card--tap' onClick={() => go('/reviewer/pages/identity/index')}>
          <View className='card__title'>
            <View>现场核验身份</View>
            <View className='muted'>›</View>
          </View>
          <View className='card__hint'>申请人无法人脸识别时，当面核对后登记</View>
        </View>
        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.length === 0 && <Empty text={`暂无待${REVIEW_STAGE_LABELS[stage]}的申请`} />}
        {data?.map((a) => (
          <View key={a.id} className='card card--tap' onClick={() => go(`/reviewer/pages/detail/index?id=${a.id}`)} data-testid='review-app'>
            <View className='card__title'>
              <View>{a.applicantName}</View>
              <StatusTag status={a.status} label={a.statusLabel} />
            </View>
            <View className='card__hint'>
              {PROFESSION_LABELS[a.profession]}
              {REGISTRATION_TYPE_LABELS[a.type]} · {a.employerName || ''}
            </View>
            <View className='card__hint'>
              受理编号 {a.acceptanceNo || '—'} · 更新 {fmtDateTime(a.updatedAt)}
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
