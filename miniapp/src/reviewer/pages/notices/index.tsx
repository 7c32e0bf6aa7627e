import { View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { fmtDateTime } from '../../../lib/format'
import { useLoader } from '../../../lib/hooks'
import { go } from '../../../lib/platform'
import { Empty, ErrorBlock, LoadingBlock, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import '../queue/index.scss'
import { OBJECTION_STATUS, loadObjections } from '../../components/Objections'

/** 公示与异议 (issue 11): the objections waiting for a decision (tap: the application's detail, where they are resolved), and the public list. */
export default function ReviewNotices() {
  const { data, error, loading, reload } = useLoader(() => loadObjections(), [])
  usePullDownRefresh(() => {
    reload()
  })
  const open = data?.filter((o) => o.status === 'open') ?? []
  const done = data?.filter((o) => o.status !== 'open') ?? []
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>注册公示名单</View>
        <View className='card__hint'>公众看到的公示页面：姓名、企业、资格、专业和公示期（不含身份证号码），可在其中提出异议。</View>
        <View className='mt'>
          <Button block fill='outline' type='primary' onClick={() => go('/verify/pages/notices/index')} data-testid='go-public-notices'>
            查看公示名单
          </Button>
        </View>
      </View>
      {error && <ErrorBlock message={error} onRetry={reload} />}
      {loading && !data && <LoadingBlock />}
      <View className='card'>
        <View className='card__title'>待处理异议 {data ? `${open.length} 件` : ''}</View>
        {data && open.length === 0 && <Empty text='暂无待处理的异议' />}
        {[...open, ...done].map((o) => (
          <View key={o.id} className='objection' onClick={() => go(`/reviewer/pages/detail/index?id=${o.applicationId}`)} data-testid='objection-row'>
            <View className='card__title'>
              <View>
                {o.holderName} · {o.acceptanceNo ?? '—'}
              </View>
              <Tag color={OBJECTION_STATUS[o.status][0]}>{OBJECTION_STATUS[o.status][1]}</Tag>
            </View>
            <View className='objection__text'>{o.text}</View>
            <View className='card__hint'>提出于 {fmtDateTime(o.lodgedAt)} · 点击查看申请并处理 ›</View>
          </View>
        ))}
      </View>
    </View>
  )
}
