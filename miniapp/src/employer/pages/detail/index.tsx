import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { MATTERS, REGISTRATION_TYPE_LABELS, applicationFormTitle, canRefuse, employerOpinion, filingPath, type ApplicationView, type OtpSentResponse, type SigningResult } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { confirm, toast } from '../../../lib/platform'
import { useAction, useDraft, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, ResultCard, signingRows } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { PdfPreview } from '../../../components/PdfPreview'
import { AcceptanceNotice } from '../../../components/AcceptanceNotice'
import { Signers } from '../../../components/Signers'
import { SignWithCode, checkSignInput, signFailure, type SignErrors } from '../../../components/SignWithCode'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function EmployerDetail() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/enterprise/applications/${id}`), [id], { onShow: false })
  const [mode, setMode] = useState<'view' | 'return' | 'refuse'>('view')
  const [opinion, setOpinion] = useState(false)
  const [code, setCode] = useState('')
  // one action for the signature and the return / refusal: the same busy flag, field errors and banner
  const action = useAction<SignErrors>({ failure: signFailure })
  const { errors, message: actionError, busy } = action
  const [reason, setReason, clearReason] = useDraft(`employer-return:${id}`, '')
  const [result, setResult] = useState<SigningResult | null>(null)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const employerName = app.employer?.name || app.registration?.employerName || '聘用企业'
  const noReview = MATTERS[app.type].route.length === 0
  const awaiting = app.status === 'awaiting_employer'
  // FILING_PATHS (issue 10): an employer's own filing cannot be sent back; the person's may be refused (the matter ends)
  const path = filingPath(app.filedBy, MATTERS[app.type].signers)
  const returnable = path.employerReturns
  const refusable = canRefuse(path, app.status, 'enterprise_operator')

  async function sign() {
    if (!action.check(checkSignInput(opinion, code))) return
    await action.run(async () => setResult(await api.post<SigningResult>(`/api/enterprise/applications/${id}/signatures`, { code, opinionAccepted: true }, { loading: '正在签署' })))
  }

  async function doReturn() {
    const refusing = mode === 'refuse'
    if (!action.check(reason.trim().length < 2 ? { reason: refusing ? '请填写拒绝原因' : '请填写退回原因' } : {})) return
    if (refusing) {
      if (!(await confirm(`拒绝确认后 ${app!.applicant.name} 的这份${REGISTRATION_TYPE_LABELS[app!.type]}申请即终止，申请人将收到短信通知。确定拒绝吗？`, '拒绝确认', '拒绝'))) return
    } else if (!(await confirm(`确定将 ${app!.applicant.name} 的申请退回吗？申请人修改后可重新提交。`, '退回申请', '退回'))) return
    await action.run(async () => {
      if (refusing) await api.post(`/api/enterprise/applications/${id}/refusals`, { reason: reason.trim() }, { loading: '正在提交' })
      else await api.post(`/api/enterprise/applications/${id}/returns`, { reason: reason.trim() }, { loading: '正在退回' })
      toast(refusing ? '已拒绝，申请已终止' : '已退回', 'success')
      clearReason()
      setTimeout(() => Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/employer/pages/queue/index' })), 800)
    })
  }

  if (result) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          testId='employer-sign-result'
          title={result.status === 'completed' ? '已办结' : '企业确认完成'}
          note={
            result.status === 'completed'
              ? `${REGISTRATION_TYPE_LABELS[app.type]}已办结，注册信息已更新（无需注册机构审批）。`
              : result.status === 'awaiting_release'
                ? `已签名上报，等待原聘用企业${app.releasingEmployer?.name ?? ''}同意转出；原单位同意后报送注册机构审核。`
                : '申请已报送注册机构受理。'
          }
          noteTestId='employer-result-note'
          rows={signingRows(result)}
          actions={[{ label: '返回待确认列表', onClick: () => Taro.redirectTo({ url: '/employer/pages/queue/index' }), testId: 'employer-done' }]}
        />
      </View>
    )
  }

  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: awaiting ? '200px' : undefined }}>
      <NetBanner />
      <ApplicationDetails app={app} />
      <AcceptanceNotice app={app} path={`/api/enterprise/applications/${app.id}/acceptance-notice.pdf`} />
      {app.form && <PdfPreview path={`/api/applications/${id}/form.pdf`} fileName={`${applicationFormTitle(app.profession, app.type)}.pdf`} />}
      {awaiting && mode === 'view' && (
        <>
          {noReview && <View className='banner banner--warn'>{REGISTRATION_TYPE_LABELS[app.type]}无需注册机构审批：企业签名确认后即办结，注册信息随即更新。</View>}
          <Signers type={app.type} applicantName={app.applicant.name} employerName={employerName} releasingEmployerName={app.releasingEmployer?.name} refusal={app.refusal} signatures={app.signatures} current='employer' />
          <SignWithCode
            opinion={opinion}
            onOpinion={setOpinion}
            opinionText={employerOpinion({ applicantName: app.applicant.name, employerName, type: app.type })}
            opinionTestId='employer-opinion'
            errors={errors}
            actionError={actionError}
            send={() => api.post<OtpSentResponse>(`/api/enterprise/applications/${id}/signatures/sms-code`)}
            code={code}
            onCode={setCode}
          />
          <View className='btn-bar'>
            {refusable && (
              <Button className='big-btn' fill='outline' color='#b42318' onClick={() => setMode('refuse')} data-testid='employer-refuse'>
                拒绝
              </Button>
            )}
            {returnable && (
              <Button className='big-btn' fill='outline' color='#b42318' onClick={() => setMode('return')} data-testid='employer-return'>
                退回
              </Button>
            )}
            <Button className='big-btn' type='primary' loading={busy} onClick={sign} data-testid='employer-sign'>
              确认并签名
            </Button>
          </View>
        </>
      )}
      {awaiting && mode !== 'view' && (
        <>
          <View className='card'>
            <View className='card__title'>{mode === 'refuse' ? '拒绝确认' : '退回申请'}</View>
            <View className='card__hint'>{mode === 'refuse' ? '请写明拒绝原因，申请人将收到短信。拒绝后申请终止（不能修改后再提交），需要时由申请人重新申请。' : '请写明退回原因，申请人将看到此原因并修改后重新提交。'}</View>
            {actionError && <View className='banner banner--error mt'>{actionError}</View>}
            <Textarea className={`textarea ${errors.reason ? 'field__input--error' : ''}`} placeholder='如：聘用合同信息与申请表不一致' maxlength={500} value={reason} onInput={(e) => setReason(e.detail.value)} data-testid='return-reason' aria-label={mode === 'refuse' ? '拒绝原因' : '退回原因'} />
            {errors.reason && <View className='field__error'>{errors.reason}</View>}
          </View>
          <View className='btn-bar'>
            <Button className='big-btn' fill='outline' onClick={() => setMode('view')}>
              取消
            </Button>
            <Button className='big-btn' type='danger' loading={busy} onClick={doReturn} data-testid='return-submit'>
              {mode === 'refuse' ? '确认拒绝' : '确认退回'}
            </Button>
          </View>
        </>
      )}
    </View>
  )
}
