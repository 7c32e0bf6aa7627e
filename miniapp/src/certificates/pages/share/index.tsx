import { useState } from 'react'
import Taro from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { api, errorMessage } from '../../../lib/api'
import type { ShareLinkView } from '@zhiyetong/shared'
import { fmtDateTime } from '../../../lib/format'
import { alertMessage, confirm, toast } from '../../../lib/platform'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { Empty, ErrorBlock, LoadingBlock, Row, Segments, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import './index.scss'

/** A link as GET /api/certificates/:id/share-links returns it. */
type ShareLink = ShareLinkView

const DURATIONS = [
  { value: '1', label: '1 天' },
  { value: '7', label: '7 天' },
  { value: '30', label: '30 天' },
] as const

const LINK_STATUS: Record<ShareLink['status'], { label: string; color: 'green' | 'gray' | 'red' }> = {
  active: { label: '有效', color: 'green' },
  expired: { label: '已过期', color: 'gray' },
  revoked: { label: '已撤销', color: 'red' },
}

async function copy(url: string) {
  try {
    await Taro.setClipboardData({ data: url })
    toast('链接已复制', 'success')
  } catch {
    alertMessage(`请手动复制链接：${url}`)
  }
}

/** 分享证书 (issue 12): make a link valid for a chosen time, copy it, see who opened it how often, revoke it. */
export default function ShareCertificate() {
  const { id = '' } = useRouterParams()
  const { data: links, error, loading, reload, setData } = useLoader(() => api.get<ShareLink[]>(`/api/certificates/${id}/share-links`), [id])
  const [days, setDays] = useState<(typeof DURATIONS)[number]['value']>('7')
  const [busy, setBusy] = useState(false)

  if (loading && !links) return <LoadingBlock />
  if (error && !links) return <ErrorBlock message={error} onRetry={reload} />

  async function create() {
    setBusy(true)
    try {
      const link = await api.post<ShareLink>(`/api/certificates/${id}/share-links`, { days: Number(days) }, { loading: '正在生成' })
      setData([link, ...(links ?? [])])
      await copy(link.url)
    } catch (e) {
      alertMessage(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  async function revoke(link: ShareLink) {
    if (!(await confirm('撤销后，收到该链接的人将无法再查看或下载您的证书。', '撤销分享链接', '撤销'))) return
    try {
      const updated = await api.del<ShareLink>(`/api/certificates/${id}/share-links/${link.id}`)
      setData((links ?? []).map((l) => (l.id === link.id ? updated : l)))
      toast('已撤销', 'success')
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>生成分享链接</View>
        <View className='small muted'>收到链接的人可查看证书的实时状态并下载证书副本，副本的使用有效期随链接一同到期。链接不含身份证号码。</View>
        <View className='field__label' id='share-days-label'>链接有效期</View>
        <Segments items={[...DURATIONS]} value={days} onChange={setDays} />
        <View className='btn-bar'>
          <Button className='big-btn' type='primary' loading={busy} onClick={create} data-testid='share-create'>
            生成并复制链接
          </Button>
        </View>
      </View>
      <View className='card' data-testid='share-links'>
        <View className='card__title'>我分享的链接</View>
        {!links?.length ? (
          <Empty text='还没有分享过该证书' />
        ) : (
          links.map((l) => (
            <View key={l.id} className='share-link' data-testid='share-link'>
              <Row label='状态'>
                <Tag color={LINK_STATUS[l.status].color}>{LINK_STATUS[l.status].label}</Tag>
              </Row>
              <Row label={l.status === 'revoked' ? '撤销时间' : '有效期至'}>{fmtDateTime(l.status === 'revoked' ? l.revokedAt : l.expiresAt)}</Row>
              <Row label='打开次数'>{l.opens} 次{l.lastOpenedAt ? `（最近 ${fmtDateTime(l.lastOpenedAt)}）` : ''}</Row>
              <View className='share-link__url' data-testid='share-link-url'>{l.url}</View>
              {l.status === 'active' && (
                <View className='share-link__actions'>
                  <Button size='small' onClick={() => copy(l.url)} data-testid='share-copy'>
                    复制链接
                  </Button>
                  <Button size='small' type='danger' fill='outline' onClick={() => revoke(l)} data-testid='share-revoke'>
                    撤销
                  </Button>
                </View>
              )}
            </View>
          ))
        )}
      </View>
    </View>
  )
}
