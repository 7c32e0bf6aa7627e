import { useState } from 'react'
import { View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import type { ApplicationListItem } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { getActingEnterprise } from '../../../lib/enterprise'
import { useLoader } from '../../../lib/hooks'
import { Empty, ErrorBlock, LoadingBlock, Segments } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { FilingCard } from '../../components/FilingCard'

/**
 * 二级临时建造师变更确认 (seed 003 §3.2.3.9) as the old employer (转出单位) sees it: the transfers of its temporary
 * constructors that their new employers (转入单位) filed and signed, waiting for its release (GET
 * /api/enterprise/releases) or all of them with their state and the authority's stages after the release (?status=all,
 * 二级临时建造师变更查询); each opens read-only on the release page, to agree (同意转出) or refuse.
 */
export default function Releases() {
  const [status, setStatus] = useState<'awaiting' | 'all'>('awaiting')
  const { data, error, loading, reload } = useLoader(() => api.get<ApplicationListItem[]>('/api/enterprise/releases', { query: { status } }), [status])
  usePullDownRefresh(() => {
    reload()
  })
  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <Segments
        items={[
          { value: 'awaiting', label: '待原单位确认' },
          { value: 'all', label: '全部' },
        ]}
        value={status}
        onChange={setStatus}
      />
      <View className='stack mt'>
        <View className='card__hint'>{getActingEnterprise()?.name ?? '本企业'}的临时建造师由其他企业申请转入（二级临时建造师变更），须由本企业同意转出后才报送省住房城乡建设厅审核。</View>
        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.length === 0 && <Empty text={status === 'awaiting' ? '暂无待本企业同意转出的临时建造师' : '暂无临时建造师转出记录'} />}
        {data?.map((a) => (
          <View key={a.id} data-testid='release-card'>
            <FilingCard a={a} url={`/employer/pages/release/index?id=${a.id}`} note={`转入企业：${a.employerName ?? '—'}`} />
          </View>
        ))}
      </View>
    </View>
  )
}
