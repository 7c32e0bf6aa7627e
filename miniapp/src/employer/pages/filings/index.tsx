import { useState } from 'react'
import { View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import type { ApplicationListItem } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { useLoader } from '../../../lib/hooks'
import { go } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Empty, ErrorBlock, LoadingBlock, Segments } from '../../../components/ui'
import { FilingCard } from '../../components/FilingCard'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

type Filter = 'all' | 'employer_draft' | 'awaiting_applicant' | 'awaiting_employer' | 'refused'

/** 代为申报 (GET /api/enterprise/filings): the enterprise's own filings by status, and a new one. */
export default function Filings() {
  const [status, setStatus] = useState<Filter>('all')
  const { data, error, loading, reload } = useLoader(() => api.get<ApplicationListItem[]>('/api/enterprise/filings', { query: { status } }), [status])
  // as the old employer (003 §3.2.3.9): other enterprises' transfers of its temporary constructors waiting for its release
  const releases = useLoader(() => api.get<ApplicationListItem[]>('/api/enterprise/releases').catch(() => [] as ApplicationListItem[]))
  usePullDownRefresh(() => {
    reload()
    releases.reload()
  })
  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <Segments
        items={[
          { value: 'all', label: '全部' },
          { value: 'employer_draft', label: '待上报' },
          { value: 'awaiting_applicant', label: '待个人确认' },
          { value: 'awaiting_employer', label: '待企业确认' },
          { value: 'refused', label: '已拒绝' },
        ]}
        value={status}
        onChange={setStatus}
      />
      <View className='stack mt'>
        {!!releases.data?.length && (
          <View className='banner banner--warn' onClick={() => go('/employer/pages/releases/index')} data-testid='filings-releases' {...a11y({ role: 'link' })}>
            {releases.data.length} 份临时建造师变更待本企业同意转出（转入企业：{[...new Set(releases.data.map((a) => a.employerName ?? ''))].join('、')}）›
          </View>
        )}
        <Button block type='primary' className='big-btn' onClick={() => go('/employer/pages/person/index')} data-testid='new-filing'>
          新建代为申报
        </Button>
        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.length === 0 && <Empty text='暂无代为申报的申请' />}
        {data?.map((a) => <FilingCard key={a.id} a={a} url={`/employer/pages/filing/index?id=${a.id}`} />)}
      </View>
    </View>
  )
}
