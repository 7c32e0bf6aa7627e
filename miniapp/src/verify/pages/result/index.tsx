import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, SPECIALTY_LABELS, type VerifyResponse } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDate, fmtDateTime } from '../../../lib/format'
import { VERIFY_STATUS } from '../../../lib/labels'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, Row } from '../../../components/ui'
import './index.scss'

export default function VerifyResult() {
  const { token = '' } = useRouterParams()
  const { data, error, loading, reload } = useLoader(
    () => (token ? api.get<VerifyResponse>('/api/public/certificates/verify', { auth: false, query: { token: decodeURIComponent(token) } }) : Promise.resolve<VerifyResponse>({ status: 'invalid', certificate: null })),
    [token],
    { onShow: false },
  )

  if (loading && !data) return <LoadingBlock text='正在查验…' />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const st = VERIFY_STATUS[data.status]
  const c = data.certificate

  return (
    <View className='page page--padded'>
      <View className={`verdict verdict--${st.color}`} data-testid='verify-status'>
        <View className='verdict__icon'>{data.status === 'valid' ? '✓' : data.status === 'invalid' ? '?' : '!'}</View>
        <View className='verdict__label'>{st.label}</View>
        <View className='verdict__desc'>{st.desc}</View>
        <View className='verdict__time'>查验时间 {fmtDateTime(new Date().toISOString())}</View>
      </View>
      {c && (
        <View className='card'>
          <View className='card__title'>{PROFESSION_LABELS[c.profession]}注册证书</View>
          <Row label='姓名'>{c.holderName}</Row>
          <Row label='注册编号'>{c.registrationNo}</Row>
          <Row label='聘用企业'>{c.employerName}</Row>
          {c.specialties.map((s) => (
            <Row key={s.specialty} label={`注册专业 · ${SPECIALTY_LABELS[s.specialty]}`}>
              有效期至 {fmtDate(s.validUntil)}
            </Row>
          ))}
          <Row label='发证日期'>{fmtDate(c.issueDate)}</Row>
        </View>
      )}
      <Button block fill='outline' type='primary' className='big-btn' onClick={() => Taro.redirectTo({ url: '/verify/pages/scan/index' })}>
        继续扫码
      </Button>
    </View>
  )
}
