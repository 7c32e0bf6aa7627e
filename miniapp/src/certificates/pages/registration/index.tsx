import { View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import { PROFESSION_LABELS, type RegistrationView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { go } from '../../../lib/platform'
import { useLoader } from '../../../lib/hooks'
import { describeChange, matterLabel } from '../../../lib/register'
import { Empty, ErrorBlock, LoadingBlock } from '../../../components/ui'
import { RegistrationCard, registrationSummary } from '../../../components/Registration'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/** One register event: which matter changed what, when (newest first). */
function HistoryItem({ h, first }: { h: RegistrationView['history'][number]; first: boolean }) {
  return (
    <View className={`timeline__item ${first ? 'timeline__item--first' : ''}`} data-testid='register-event' onClick={() => h.applicationId && go(`/applicant/pages/detail/index?id=${h.applicationId}`)}>
      <View className='timeline__dot' />
      <View className='timeline__label'>{matterLabel(h.matter)}</View>
      <View className='timeline__meta'>{fmtDateTime(h.at)}</View>
      {describeChange(h.before, h.after).map((line) => (
        <View key={line} className='timeline__note'>
          {line}
        </View>
      ))}
      {h.applicationId && <View className='field__help'>查看申请 ›</View>}
    </View>
  )
}

/** 我的注册: the register as it is now and its history (GET /api/registrations). */
export default function MyRegistration() {
  const { data, error, loading, reload } = useLoader(() => api.get<RegistrationView[]>('/api/registrations'))
  usePullDownRefresh(() => {
    reload()
  })
  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {data.length === 0 && <Empty text='您还没有注册信息。初始注册审批通过后，注册信息显示在这里。' />}
      {data.map((r) => (
        <View key={r.id}>
          <RegistrationCard registration={registrationSummary(r)} title={`${PROFESSION_LABELS[r.profession]}注册信息`} paper={!r.hasElectronicCertificate} />
          <View className='card'>
            <View className='card__title'>注册变更记录</View>
            <View className='timeline'>
              {[...r.history].reverse().map((h, i) => (
                <HistoryItem key={`${h.at}-${i}`} h={h} first={i === 0} />
              ))}
            </View>
          </View>
        </View>
      ))}
    </View>
  )
}
