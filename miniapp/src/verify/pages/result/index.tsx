import { useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, SPECIALTY_LABELS, isClaimsToken, verifyClaimsOffline, type OfflineVerification, type VerifyResponse } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDate, fmtDateTime } from '../../../lib/format'
import { VERIFY_STATUS } from '../../../lib/labels'
import { useRouterParams } from '../../../lib/hooks'
import { LoadingBlock, Row } from '../../../components/ui'
import { cachedTrustList, refreshTrustList } from '../../lib/trust-list'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/** The offline verdict as a person reads it (issue 12). */
const OFFLINE_TEXT: Record<OfflineVerification['outcome'], { label: string; desc: string; color: 'green' | 'orange' | 'red' | 'gray' }> = {
  valid: { label: '签名有效', desc: '二维码内容由注册机构签名，未被篡改；本件在使用有效期内', color: 'green' },
  copy_expired: { label: '本件已过使用有效期', desc: '签名有效，但本件电子证书的使用有效期已届满或未开始，请向持证人索取新下载的证书', color: 'orange' },
  registration_expired: { label: '注册已过有效期', desc: '签名有效，但证书上的注册专业均已超过有效期', color: 'orange' },
  retired_key: { label: '签名密钥已停用', desc: '签发该二维码的密钥已停用，请向持证人索取新下载的证书', color: 'red' },
  unknown_key: { label: '签名密钥未知', desc: '信任列表中没有该签名密钥：二维码不是本平台签发，或信任列表需要联网更新', color: 'gray' },
  invalid: { label: '签名无效', desc: '二维码内容被篡改，或不是本平台签发', color: 'red' },
  malformed: { label: '无法识别', desc: '这不是执业通电子证书的二维码', color: 'gray' },
}

type Online = { state: 'loading' } | { state: 'offline' } | { state: 'done'; data: VerifyResponse }

export default function VerifyResult() {
  const { token: raw = '' } = useRouterParams()
  const token = decodeURIComponent(raw)
  const claimsToken = isClaimsToken(token)
  const [offline, setOffline] = useState<{ result: OfflineVerification | null; trustListAt: string | null } | null>(null)
  const [online, setOnline] = useState<Online>({ state: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    // offline first, from the cached trust list: no network needed
    const cached = claimsToken ? cachedTrustList() : null
    if (claimsToken) setOffline({ result: cached ? verifyClaimsOffline(token, cached.list, new Date()) : null, trustListAt: cached?.list.issuedAt ?? null })
    setOnline({ state: 'loading' })
    ;(async () => {
      try {
        const data = await api.get<VerifyResponse>('/api/public/certificates/verify', { auth: false, query: { token } })
        if (live) setOnline({ state: 'done', data })
      } catch {
        if (live) setOnline({ state: 'offline' })
      }
      // and a fresh trust list when online (a rotated key verifies from the next scan on, or now)
      if (claimsToken) {
        const fresh = await refreshTrustList()
        if (live && fresh && fresh.list.issuedAt !== cached?.list.issuedAt) setOffline({ result: verifyClaimsOffline(token, fresh.list, new Date()), trustListAt: fresh.list.issuedAt })
      }
    })()
    return () => {
      live = false
    }
  }, [token, attempt])

  const scanAgain = (
    <Button block fill='outline' type='primary' className='big-btn' onClick={() => Taro.redirectTo({ url: '/verify/pages/scan/index' })}>
      继续扫码
    </Button>
  )

  // an old-style QR (a pointer to the certificate): only the online answer exists
  if (!claimsToken) {
    if (online.state === 'loading') return <LoadingBlock text='正在查验…' />
    if (online.state === 'offline')
      return (
        <View className={pageClass('page page--padded')}>
          <NetBanner />
          <View className='verdict verdict--gray' data-testid='verify-status'>
            <View className='verdict__label'>需联网查验</View>
            <View className='verdict__desc'>该二维码为旧版证书二维码，只能联网查验，请连接网络后重试</View>
          </View>
          <Button block type='primary' className='big-btn' onClick={() => setAttempt((n) => n + 1)}>重试</Button>
          {scanAgain}
        </View>
      )
    return <OnlineResult data={online.data} scanAgain={scanAgain} />
  }

  const o = offline?.result ?? null
  const st = o ? OFFLINE_TEXT[o.outcome] : { label: '无法离线查验', desc: '手机上还没有信任列表：请联网查验一次', color: 'gray' as const }
  const c = o?.claims ?? null
  const live = online.state === 'done' ? online.data : null
  const liveSt = live ? VERIFY_STATUS[live.status] : null

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className={`verdict verdict--${st.color}`} data-testid='verify-offline' data-outcome={o?.outcome ?? 'no_trust_list'}>
        <View className='verdict__icon'>{o?.outcome === 'valid' ? '✓' : '!'}</View>
        <View className='verdict__label'>{st.label}</View>
        <View className='verdict__desc'>{st.desc}</View>
        {offline?.trustListAt && <View className='verdict__time' data-testid='trust-list-date'>离线验签 · 信任列表 {fmtDateTime(offline.trustListAt)}</View>}
      </View>
      <View className='card' data-testid='verify-live'>
        <View className='card__title'>实时状态</View>
        {online.state === 'loading' && <Row label='状态'>正在联网查询…</Row>}
        {online.state === 'offline' && (
          <Row label='状态'>
            <View data-testid='verify-status' data-status='offline'>未联网：仅显示离线验签结果</View>
          </Row>
        )}
        {live && liveSt && (
          <Row label='状态'>
            <View data-testid='verify-status' data-status={live.status}>
              {liveSt.label}：{liveSt.desc}
            </View>
          </Row>
        )}
        {live?.copy && !live.copy.inUse && <Row label='本件'>使用有效期已届满</Row>}
        <Row label='查验时间'>{fmtDateTime(new Date().toISOString())}</Row>
      </View>
      {c && (
        <View className='card'>
          <View className='card__title'>
            {/* the offline claims carry no registration type (token format unchanged): the live answer says it */}
            {certificateTitle(c.profession, live?.certificate?.registrationType)} · 第 {c.version} 版
          </View>
          <CertificateRows c={c} />
          <Row label='本件使用有效期'>
            {fmtDate(c.copy.validFrom)} 至 {fmtDate(c.copy.validUntil)}
          </Row>
        </View>
      )}
      {scanAgain}
    </View>
  )
}

/** What both results show of a certificate (the offline claims and the online answer alike): holder, number, employer, each specialty's validity, the issue date. */
function CertificateRows({ c }: { c: Pick<NonNullable<VerifyResponse['certificate']>, 'holderName' | 'registrationNo' | 'employerName' | 'specialties' | 'issueDate'> }) {
  return (
    <>
      <Row label='姓名'>{c.holderName}</Row>
      <Row label='注册编号'>{c.registrationNo}</Row>
      <Row label='聘用企业'>{c.employerName}</Row>
      {c.specialties.map((s) => (
        <Row key={s.specialty} label={`注册专业 · ${SPECIALTY_LABELS[s.specialty]}`}>
          有效期至 {fmtDate(s.validUntil)}
        </Row>
      ))}
      <Row label='发证日期'>{fmtDate(c.issueDate)}</Row>
    </>
  )
}

/** 二级建造师注册证书, or for a temporary constructor 二级注册临时建造师证书 (the registration type the certificate prints, 0018). */
function certificateTitle(profession: keyof typeof PROFESSION_LABELS, registrationType: string | null | undefined): string {
  return registrationType ? `${registrationType}证书` : `${PROFESSION_LABELS[profession]}注册证书`
}

function OnlineResult({ data, scanAgain }: { data: VerifyResponse; scanAgain: JSX.Element }) {
  const st = VERIFY_STATUS[data.status]
  const c = data.certificate
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className={`verdict verdict--${st.color}`} data-testid='verify-status' data-status={data.status}>
        <View className='verdict__icon'>{data.status === 'valid' ? '✓' : data.status === 'invalid' ? '?' : '!'}</View>
        <View className='verdict__label'>{st.label}</View>
        <View className='verdict__desc'>{st.desc}</View>
        <View className='verdict__time'>查验时间 {fmtDateTime(new Date().toISOString())}</View>
      </View>
      {c && (
        <View className='card'>
          <View className='card__title' data-testid='verify-registration-type'>{certificateTitle(c.profession, c.registrationType)}</View>
          <CertificateRows c={c} />
        </View>
      )}
      {scanAgain}
    </View>
  )
}
