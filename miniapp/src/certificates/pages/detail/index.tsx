import { useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { GENDER_LABELS, PROFESSION_LABELS, type CertificateView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { fmtDate, fmtDateTime } from '../../../lib/format'
import { downloadPdf } from '../../../lib/pdf'
import { qrSvgDataUri } from '../../../lib/qr'
import { CERT_STATUS } from '../../../lib/labels'
import { matterLabel } from '../../../lib/register'
import { alertMessage, confirm, go, toast } from '../../../lib/platform'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { Check, ErrorBlock, LoadingBlock, Row, Tag } from '../../../components/ui'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { Img } from '../../../components/Img'

export default function CertificateDetail() {
  const { id = '' } = useRouterParams()
  const { data: cert, error, loading, reload, setData } = useLoader(async () => {
    const list = await api.get<CertificateView[]>('/api/certificates')
    const c = list.find((x) => x.id === id)
    if (!c) throw new Error('没有找到该证书')
    return c
  }, [id])
  const [confirmed, setConfirmed] = useState(false)
  const [claimError, setClaimError] = useState('')
  const [busy, setBusy] = useState(false)

  if (loading && !cert) return <LoadingBlock />
  if (error && !cert) return <ErrorBlock message={error} onRetry={reload} />
  if (!cert) return null
  const fileName = `${PROFESSION_LABELS[cert.profession]}注册证书-${cert.holderName}-${cert.registrationNo}.pdf`

  async function claim() {
    if (!confirmed) {
      setClaimError('请核对证书信息并勾选确认')
      return
    }
    setClaimError('')
    setBusy(true)
    try {
      const claimed = await api.post<CertificateView>(`/api/certificates/${id}/claim`, {}, { loading: '正在领取' })
      setData(claimed)
      toast('领取成功', 'success')
      if (await confirm('证书已领取，是否立即下载电子证书 PDF？', '领取成功', '下载')) await download()
    } catch (e) {
      setClaimError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  async function download() {
    try {
      await downloadPdf(`/api/certificates/${id}/certificate.pdf`, fileName)
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }

  const details = (
    <>
      <Row label='姓名'>{cert.holderName}</Row>
      <Row label='性别'>{GENDER_LABELS[cert.gender]}</Row>
      <Row label='注册编号'>{cert.registrationNo}</Row>
      <Row label='聘用企业'>{cert.employerName}</Row>
      {cert.specialties.map((s) => (
        <Row key={s.specialty} label={`注册专业 · ${s.label}`}>
          有效期至 {fmtDate(s.validUntil)}
        </Row>
      ))}
      <Row label='发证日期'>{fmtDate(cert.issueDate)}</Row>
      <Row label='发证机关'>{cert.authorityName}</Row>
      <Row label='证书版本'>
        第 {cert.version} 版（{matterLabel(cert.matter)}）
      </Row>
    </>
  )

  const active = cert.status === 'valid' || cert.status === 'expired'
  const history = !active && (
    <View className='banner banner--warn' data-testid='certificate-history'>
      {cert.status === 'superseded'
        ? '此版本已换发新证书，不再有效，也不能领取。请在“证书”中领取最新版本。'
        : cert.status === 'void'
          ? '该注册已注销，此证书已作废。'
          : '该证书已被注册机构注销。'}
    </View>
  )

  if (!cert.claimedAt && !active) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        {history}
        <View className='card'>
          <View className='card__title'>
            <View>第 {cert.version} 版证书信息</View>
            <Tag color={CERT_STATUS[cert.status].color}>{CERT_STATUS[cert.status].label}</Tag>
          </View>
          {details}
        </View>
      </View>
    )
  }

  if (!cert.claimedAt) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <View className='banner banner--info'>{cert.version > 1 ? `注册信息已更新（${matterLabel(cert.matter)}），已换发第 ${cert.version} 版电子证书，原证书不再有效。` : '您的注册申请已办结。'}请核对以下证书信息，确认无误后领取电子证书。</View>
        <View className='card'>
          <View className='card__title'>
            <View>确认证书信息</View>
            <Tag color='orange'>未领证</Tag>
          </View>
          {details}
        </View>
        <View className='card'>
          <Check checked={confirmed} onChange={setConfirmed} testId='claim-confirm'>
            本人已核对证书信息，确认无误
          </Check>
          {claimError && <View className='field__error'>{claimError}</View>}
        </View>
        <View className='btn-bar'>
          <Button className='big-btn' type='primary' loading={busy} onClick={claim} data-testid='claim-submit'>
            确认领取
          </Button>
        </View>
      </View>
    )
  }

  const st = CERT_STATUS[cert.status]
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {history}
      <View className='cert'>
        <View className='cert__head'>
          <View className='cert__org'>中华人民共和国</View>
          <View className='cert__title'>{PROFESSION_LABELS[cert.profession]}注册证书</View>
          <View className='cert__status'>
            <Tag color={st.color}>{st.label}</Tag>
          </View>
        </View>
        <View className='cert__body'>{details}</View>
        <View className='cert__qr'>
          <Img className='cert__qr-img' src={qrSvgDataUri(cert.verifyUrl)} testId='certificate-qr' alt='证书二维码：扫码核验本证书' />
          <View className='cert__qr-hint'>扫码验证证书真伪</View>
        </View>
        <View className='small muted center'>领证时间 {fmtDateTime(cert.claimedAt)}</View>
      </View>
      <View className='btn-bar'>
        <Button className='big-btn' type='primary' onClick={download} data-testid='download-certificate'>
          下载电子证书 PDF
        </Button>
        {cert.status === 'valid' && (
          <Button className='big-btn' onClick={() => go(`/certificates/pages/share/index?id=${id}`)} data-testid='share-certificate'>
            分享证书
          </Button>
        )}
      </View>
    </View>
  )
}
