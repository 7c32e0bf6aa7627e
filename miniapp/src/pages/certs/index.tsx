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
import { Empty, ErrorBlock, LoadingBlock, Tag } from '../../components/ui'
import { matterLabel } from '../../lib/register'
import { pageClass } from '../../lib/prefs'
import { NetBanner } from '../../components/NetBanner'

/** Newest first within each registration; only the newest active version can be claimed (已换发新证书 and 已作废 ones are history). */
function ordered(certs: CertificateView[]) {
  return [...certs].sort((a, b) => (a.registrationNo === b.registrationNo ? b.version - a.version : a.registrationNo < b.registrationNo ? -1 : 1))
}

export default function Certs() {
  const [certs, setCerts] = useState<CertificateView[] | null>(null)
  const [error, setError] = useState('')
  const [loading, setLoading] = useState(false)
  const loggedIn = !!getSession()

  async function load() {
    if (!getSession()) return
    setLoading(true)
    setError('')
    try {
      setCerts(await api.get<CertificateView[]>('/api/certificates'))
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

  const list = ordered(certs || [])
  const unclaimed = list.filter((c) => !c.claimedAt && (c.status === 'valid' || c.status === 'expired')).length

  return (
    <View className={pageClass('page')}>
      <NetBanner />
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
        <View className='card card--tap' onClick={() => go('/verify/pages/notices/index')} data-testid='go-notices'>
          <View className='card__title'>
            <View>注册公示</View>
            <View className='muted'>›</View>
          </View>
          <View className='card__hint'>审批通过、正在公示的注册人员，可提出异议</View>
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
        {loggedIn && (
          <>
            <View className='card card--tap' onClick={() => go('/certificates/pages/registration/index')} data-testid='go-registration'>
              <View className='card__title'>
                <View>我的注册</View>
                <View className='muted'>›</View>
              </View>
              <View className='card__hint'>注册编号、聘用企业、各专业有效期，以及每次办理后的变更记录</View>
            </View>
            <View className='section-head'>
              我的证书{unclaimed ? `（${unclaimed} 份待领取）` : ''}
            </View>
            {error && <ErrorBlock message={error} onRetry={load} />}
            {loading && !certs && <LoadingBlock />}
            {certs && list.length === 0 && <Empty text='暂无电子证书' />}
            {list.map((c) => {
              const active = c.status === 'valid' || c.status === 'expired'
              const st = CERT_STATUS[c.status]
              return (
                <View key={c.id} className={`card card--tap ${active ? '' : 'card--history'}`} onClick={() => go(`/certificates/pages/detail/index?id=${c.id}`)} data-testid='certificate-card' data-version={c.version} data-status={c.status}>
                  <View className='card__title'>
                    <View>
                      {PROFESSION_LABELS[c.profession]}注册证书 · 第 {c.version} 版
                    </View>
                    {active && !c.claimedAt ? <Tag color='orange'>未领证</Tag> : <Tag color={st.color}>{st.label}</Tag>}
                  </View>
                  <View className='card__hint'>注册编号 {c.registrationNo}</View>
                  <View className='card__hint'>
                    {c.specialties.map((s) => s.label).join('、') || '无注册专业'} · 发证日期 {fmtDate(c.issueDate)}
                  </View>
                  <View className='card__hint'>{matterLabel(c.matter)}后发证</View>
                  {active && !c.claimedAt && <View className='field__help'>点击确认证书信息并领取 ›</View>}
                </View>
              )
            })}
          </>
        )}
      </View>
    </View>
  )
}
