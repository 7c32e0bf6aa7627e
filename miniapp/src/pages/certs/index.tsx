import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, type CertificateView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../lib/api'
import { fmtDate } from '../../lib/format'
import { go } from '../../lib/platform'
import { getSession } from '../../lib/session'
import { CERT_STATUS } from '../../lib/labels'
import { Empty, ErrorBlock, LoadingBlock, Segments, Tag } from '../../components/ui'

export default function Certs() {
  const [tab, setTab] = useState<'unclaimed' | 'claimed'>('unclaimed')
  const [certs, setCerts] = useState<CertificateView[] | null>(null)
  const [error, setError] = useState('')
  const [loading, setLoading] = useState(false)
  const loggedIn = !!getSession()

  async function load() {
    if (!getSession()) return
    setLoading(true)
    setError('')
    try {
      const list = await api.get<CertificateView[]>('/api/certificates')
      setCerts(list)
      if (list.length && list.every((c) => c.claimedAt)) setTab('claimed')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoading(false)
      Taro.stopPullDownRefresh()
    }
  }
  useDidShow(() => {
    load()
  })
  usePullDownRefresh(() => {
    load()
  })

  const shown = (certs || []).filter((c) => (tab === 'claimed' ? !!c.claimedAt : !c.claimedAt))

  return (
    <View className='page'>
      <View className='hero'>
        <View className='hero__title'>电子证书</View>
        <View className='hero__sub'>领取、查看、下载证书；扫码查验他人证书</View>
      </View>
      <View className='stack'>
        <View className='card'>
          <View className='card__title'>扫码验证</View>
          <View className='card__hint'>扫描注册证书上的二维码，核验证书真伪与状态。</View>
          <View className='mt'>
            <Button type='primary' block className='big-btn' onClick={() => go('/verify/pages/scan/index')} data-testid='go-scan'>
              扫一扫 验证证书
            </Button>
          </View>
        </View>
        {!loggedIn && (
          <View className='card'>
            <View className='card__title'>我的证书</View>
            <View className='card__hint'>登录后查看和领取您的电子注册证书。</View>
            <View className='mt'>
              <Button type='primary' fill='outline' block onClick={() => go('/auth/pages/login/index')}>
                登录
              </Button>
            </View>
          </View>
        )}
      </View>
      {loggedIn && (
        <>
          <Segments
            items={[
              { value: 'unclaimed', label: `未领证${certs ? `（${certs.filter((c) => !c.claimedAt).length}）` : ''}` },
              { value: 'claimed', label: `已领证${certs ? `（${certs.filter((c) => c.claimedAt).length}）` : ''}` },
            ]}
            value={tab}
            onChange={setTab}
          />
          <View className='stack mt'>
            {error && <ErrorBlock message={error} onRetry={load} />}
            {loading && !certs && <LoadingBlock />}
            {certs && shown.length === 0 && <Empty text={tab === 'claimed' ? '暂无已领取的证书' : '暂无待领取的证书'} />}
            {shown.map((c) => (
              <View key={c.id} className='card card--tap' onClick={() => go(`/certificates/pages/detail/index?id=${c.id}`)} data-testid='certificate-card'>
                <View className='card__title'>
                  <View>{PROFESSION_LABELS[c.profession]}注册证书</View>
                  {c.claimedAt ? <Tag color={CERT_STATUS[c.status].color}>{CERT_STATUS[c.status].label}</Tag> : <Tag color='orange'>未领证</Tag>}
                </View>
                <View className='card__hint'>注册编号 {c.registrationNo}</View>
                <View className='card__hint'>
                  {c.specialties.map((s) => s.label).join('、')} · 发证日期 {fmtDate(c.issueDate)}
                </View>
                {!c.claimedAt && <View className='field__help'>点击确认证书信息并领取 ›</View>}
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
