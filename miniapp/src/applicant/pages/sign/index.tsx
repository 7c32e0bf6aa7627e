import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { MATTERS, applicationFormTitle, maskPhone, type ApplicationView, type OtpSentResponse, type SigningResult } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { useAction, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, ResultCard, signingRows } from '../../../components/ui'
import { PdfPreview } from '../../../components/PdfPreview'
import { Signers } from '../../../components/Signers'
import { SmsCode } from '../../../components/SmsCode'
import { signFailure, type SignErrors } from '../../../components/SignWithCode'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function Sign() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/applications/${id}`), [id], { onShow: false })
  const [code, setCode] = useState('')
  const signing = useAction<SignErrors>({ failure: signFailure })
  const [result, setResult] = useState<SigningResult | null>(null)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const title = applicationFormTitle(app.profession, app.type)
  const employerName = app.employer?.name || (app.form as { employer?: { name?: string } } | null)?.employer?.name || app.registration?.employerName || '聘用企业'
  const withEmployer = MATTERS[app.type].signers.includes('employer')

  async function sign() {
    if (!signing.check(/^\d{6}$/.test(code) ? {} : { code: '请输入 6 位短信验证码' })) return
    await signing.run(async () => setResult(await api.post<SigningResult>(`/api/applications/${id}/signatures`, { code }, { loading: '正在签署' })))
  }

  if (result) {
    const completed = result.status === 'completed'
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          testId='sign-result'
          title={completed ? '已办结' : '签署成功'}
          note={
            completed
              ? '纸质证书换领电子证书已办结，请到“证书”中确认并领取电子注册证书。'
              : MATTERS[app.type].route.length
                ? '申请表已提交聘用企业确认，企业签名后报送注册机构受理。'
                : '申请表已提交聘用企业确认，企业签名确认后即办结（无需注册机构审批）。'
          }
          rows={signingRows(result)}
          actions={[
            completed
              ? { label: '去领取电子证书', onClick: () => Taro.switchTab({ url: '/pages/certs/index' }), testId: 'sign-done' }
              : { label: '查看申请进度', onClick: () => Taro.redirectTo({ url: `/applicant/pages/detail/index?id=${id}` }), testId: 'sign-done' },
          ]}
        />
      </View>
    )
  }

  const alreadySigned = app.signatures.some((s) => s.signer === 'applicant')
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <PdfPreview path={`/api/applications/${id}/form.pdf?v=${app.version}`} fileName={`${title}.pdf`} />
      <Signers type={app.type} applicantName={app.applicant.name} employerName={employerName} refusal={app.refusal} signatures={app.signatures} current={alreadySigned ? null : 'applicant'} />
      {alreadySigned ? (
        <View className='banner banner--ok'>{withEmployer ? '您已签署，等待聘用企业确认。' : '您已签署。'}</View>
      ) : (
        <View className='card'>
          <View className='card__title'>短信验证签署</View>
          <View className='card__hint'>验证码将发送到您登录的手机号 {maskPhone(app.applicant.phone)}，输入验证码即完成电子签名。</View>
          {signing.message && <View className='banner banner--error mt'>{signing.message}</View>}
          <SmsCode send={() => api.post<OtpSentResponse>(`/api/applications/${id}/signatures/sms-code`)} code={code} onCode={setCode} error={signing.errors.code} />
          <View className='mt'>
            <Button block type='primary' className='big-btn' loading={signing.busy} onClick={sign} data-testid='sign-submit'>
              确认签署
            </Button>
          </View>
        </View>
      )}
    </View>
  )
}
