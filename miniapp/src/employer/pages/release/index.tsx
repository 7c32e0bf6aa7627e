import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { applicationFormTitle, canRefuse, releaseOpinion, type ApplicationView, type OtpSentResponse, type SigningResult } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { confirm, toast } from '../../../lib/platform'
import { useAction, useDraft, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, ProgressSteps, ResultCard, signingRows } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { PdfPreview } from '../../../components/PdfPreview'
import { Signers } from '../../../components/Signers'
import { SignWithCode, checkSignInput, signFailure, type SignErrors } from '../../../components/SignWithCode'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/**
 * 二级临时建造师变更确认 (seed 003 §3.2.3.9: 新单位发起二级临时建造师变更数据后，原单位…点同意转出。最后在由省厅进行审核):
 * one transfer as its old employer sees it, read-only (GET /api/enterprise/releases/:id: the form, the new
 * employer's signature, the signed PDF at …/form.pdf). While it waits (awaiting_release): 同意转出 with the opinion
 * ticked and the operator's own SMS code (…/signatures/sms-code, …/signatures: the old employer's incremental
 * signature; then the authority reviews), or 不同意转出 with a reason (…/refusals: the transfer ends, the new employer
 * and the person are told by SMS). Afterwards: its state and the authority's stages.
 */
export default function Release() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/enterprise/releases/${id}`), [id], { onShow: false })
  const [mode, setMode] = useState<'view' | 'refuse'>('view')
  const [opinion, setOpinion] = useState(false)
  const [code, setCode] = useState('')
  // one action for the release and the refusal: the same busy flag, field errors and banner
  const action = useAction<SignErrors>({ failure: signFailure })
  const { errors, message: actionError, busy } = action
  const [reason, setReason, clearReason] = useDraft(`release-refusal:${id}`, '')
  const [result, setResult] = useState<SigningResult | null>(null)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const awaiting = app.status === 'awaiting_release'
  const refusable = canRefuse('employer_alone', app.status, 'releasing_employer')
  const newEmployer = app.employer?.name ?? '转入企业'
  const releasing = app.releasingEmployer?.name ?? '本企业'

  async function release() {
    if (!action.check(checkSignInput(opinion, code, { opinionMessage: '请阅读并勾选原聘用企业意见' }))) return
    await action.run(async () => setResult(await api.post<SigningResult>(`/api/enterprise/releases/${id}/signatures`, { code, opinionAccepted: true }, { loading: '正在签署' })))
  }

  async function refuse() {
    if (!action.check(reason.trim().length < 2 ? { reason: '请填写不同意转出的原因' } : {})) return
    if (!(await confirm(`不同意 ${app!.applicant.name} 转出后，${newEmployer}的这份临时建造师变更申请即终止，对方企业和本人将收到短信通知。确定不同意转出吗？`, '不同意转出', '不同意'))) return
    await action.run(async () => {
      await api.post(`/api/enterprise/releases/${id}/refusals`, { reason: reason.trim() }, { loading: '正在提交' })
      toast('已提交，申请已终止', 'success')
      clearReason()
      setMode('view')
      await reload()
    })
  }

  if (result) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          testId='release-result'
          title='已同意转出'
          note={`${app.applicant.name}的临时建造师变更已报送注册机构审核，审核通过后其注册聘用企业变更为${newEmployer}。`}
          rows={signingRows(result)}
          actions={[{ label: '返回变更确认列表', onClick: () => Taro.redirectTo({ url: '/employer/pages/releases/index' }), testId: 'release-done' }]}
        />
      </View>
    )
  }

  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: awaiting ? '200px' : undefined }}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>办理进度</View>
        <ProgressSteps status={app.status} type={app.type} filedBy={app.filedBy} />
      </View>
      {awaiting && (
        <View className='banner banner--warn' data-testid='release-awaiting'>
          {newEmployer}申请将本企业临时建造师 {app.applicant.name} 转入，并已签名上报。请核对后同意转出或不同意转出。
        </View>
      )}
      {app.status === 'refused' && (
        <View className='banner banner--error' data-testid='release-refused'>
          本企业不同意转出，申请已终止。原因：{app.refusalReason}
        </View>
      )}
      <ApplicationDetails app={app} />
      {app.form && <PdfPreview path={`/api/enterprise/releases/${id}/form.pdf`} fileName={`${applicationFormTitle(app.profession, app.type)}.pdf`} />}
      <Signers type={app.type} applicantName={app.applicant.name} employerName={newEmployer} releasingEmployerName={releasing} refusal={app.refusal} signatures={app.signatures} current={awaiting ? 'releasing_employer' : null} />
      {awaiting && mode === 'view' && (
        <>
          <SignWithCode
            title='原聘用企业意见'
            opinion={opinion}
            onOpinion={setOpinion}
            opinionText={releaseOpinion({ applicantName: app.applicant.name, releasingEmployerName: releasing, employerName: newEmployer })}
            opinionTestId='release-opinion'
            errors={errors}
            actionError={actionError}
            actionErrorTestId='release-error'
            send={() => api.post<OtpSentResponse>(`/api/enterprise/releases/${id}/signatures/sms-code`)}
            code={code}
            onCode={setCode}
            testId='release-sign'
          />
          <View className='btn-bar'>
            {refusable && (
              <Button className='big-btn' fill='outline' color='#b42318' onClick={() => setMode('refuse')} data-testid='release-refuse'>
                不同意转出
              </Button>
            )}
            <Button className='big-btn' type='primary' loading={busy} onClick={release} data-testid='release-submit'>
              同意转出并签名
            </Button>
          </View>
        </>
      )}
      {awaiting && mode === 'refuse' && (
        <>
          <View className='card'>
            <View className='card__title'>不同意转出</View>
            <View className='card__hint'>请写明原因，{newEmployer}和 {app.applicant.name} 将收到短信。不同意后申请终止，需要时由转入企业重新申报。</View>
            {actionError && <View className='banner banner--error mt'>{actionError}</View>}
            <Textarea className={`textarea ${errors.reason ? 'field__input--error' : ''}`} placeholder='如：劳动合同未到期' maxlength={500} value={reason} onInput={(e) => setReason(e.detail.value)} data-testid='refusal-reason' aria-label='不同意转出的原因' />
            {errors.reason && <View className='field__error'>{errors.reason}</View>}
          </View>
          <View className='btn-bar'>
            <Button className='big-btn' fill='outline' onClick={() => setMode('view')}>
              取消
            </Button>
            <Button className='big-btn' type='danger' loading={busy} onClick={refuse} data-testid='refusal-submit'>
              确认不同意
            </Button>
          </View>
        </>
      )}
    </View>
  )
}
