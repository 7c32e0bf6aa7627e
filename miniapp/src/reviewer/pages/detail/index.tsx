import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { REVIEW_REASONS, REVIEW_REASON_CODES, REVIEW_STAGES, applicationFormTitle, type ApplicationView, type ReviewReasonCode, type ReviewStage } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { confirm, toast } from '../../../lib/platform'
import { useDraft, useLoader, useRouterParams } from '../../../lib/hooks'
import { Chips, ErrorBlock, LoadingBlock } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { PdfPreview } from '../../../components/PdfPreview'
import { AcceptanceNotice } from '../../../components/AcceptanceNotice'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { a11y } from '../../../lib/a11y'
import { NetBanner } from '../../../components/NetBanner'
import '../queue/index.scss'
import { provinceSettings, stageName } from '../../lib/reviewer'
import { Objections } from '../../components/Objections'

type Outcome = 'pass' | 'fail' | 'return'
/** The reasons an objection's upholding uses are not offered for a stage decision. */
const DECISION_REASONS = REVIEW_REASON_CODES.filter((c) => c !== 'objection_upheld')

/**
 * 审核详情 (issue 11): the application, its signed form and acceptance notice, the stage decision — pass, refuse
 * (不予受理 / 不通过) or return for correction (退回补正) with a reason from the shared list (REVIEW_REASONS, the
 * BFF's codes) plus text — and, during a public notice, its objections to resolve.
 */
export default function ReviewDetail() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/review/applications/${id}`), [id], { onShow: false })
  const { data: province } = useLoader(() => provinceSettings(), [], { onShow: false })
  const [outcome, setOutcome] = useState<Outcome>('pass')
  const [reasonCode, setReasonCode] = useState<ReviewReasonCode | ''>('')
  const [reason, setReason, clearReason] = useDraft(`review-reason:${id}`, '')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [actionError, setActionError] = useState('')
  const [busy, setBusy] = useState(false)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const stage = (REVIEW_STAGES as readonly string[]).includes(app.status) ? (app.status as ReviewStage) : null
  const label = stage ? stageName(province, stage) : ''
  const refuseLabel = stage === 'acceptance' ? '不予受理' : '不通过'
  const reasons = DECISION_REASONS.filter((c) => outcome !== 'return' || REVIEW_REASONS[c].correctable)

  function pick(o: Outcome) {
    setOutcome(o)
    if (o === 'return' && reasonCode && !REVIEW_REASONS[reasonCode].correctable) setReasonCode('')
    setErrors({})
  }

  async function decide() {
    if (!stage) return
    setActionError('')
    if (outcome !== 'pass') {
      const e: Record<string, string> = {}
      if (!reasonCode) e.reasonCode = '请选择原因'
      if ((reasonCode === 'other' || !reasonCode) && reason.trim().length < 2) e.reason = '请填写具体原因（至少 2 个字）'
      if (Object.keys(e).length) {
        setErrors(e)
        return
      }
    }
    setErrors({})
    const text =
      outcome === 'pass'
        ? `确定${label}通过吗？`
        : outcome === 'return'
          ? `确定退回补正吗？申请人修改并重新签名、企业确认后，将回到受理环节（受理编号不变）。`
          : `确定${label}${refuseLabel}吗？${stage === 'acceptance' ? '将作不予受理处理。' : '将作审核不通过处理。'}原因将通知申请人和聘用企业。`
    if (!(await confirm(text, `${label}决定`, '确定'))) return
    setBusy(true)
    try {
      const body = {
        stage,
        outcome: outcome === 'pass' ? 'pass' : 'fail',
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(outcome !== 'pass' && reasonCode ? { reasonCode } : {}),
        ...(outcome === 'return' ? { correction: true } : {}),
      }
      await api.post(`/api/review/applications/${id}/decisions`, body, { loading: '正在提交' })
      toast('已提交', 'success')
      clearReason()
      setTimeout(() => Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/reviewer/pages/queue/index' })), 700)
    } catch (e) {
      if (e instanceof ApiError && e.fields) setErrors(e.fields)
      setActionError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const opt = (o: Outcome, text: string, cls: string) => (
    <View className={`decision__opt ${outcome === o ? `decision__opt--${cls}` : ''}`} onClick={() => pick(o)} data-testid={`decision-${o}`} {...a11y({ role: 'button', pressed: outcome === o })}>
      {outcome === o ? '✓ ' : ''}
      {text}
    </View>
  )

  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: stage ? '200px' : undefined }}>
      <NetBanner />
      <ApplicationDetails app={app} />
      <AcceptanceNotice app={app} path={`/api/review/applications/${id}/acceptance-notice.pdf`} />
      {app.form && <PdfPreview path={`/api/applications/${id}/form.pdf`} fileName={`${applicationFormTitle(app.profession, app.type)}.pdf`} title='申请表（含签名）' />}
      {app.publicNotice && <Objections applicationId={id} notice={app.publicNotice} onResolved={reload} />}
      {stage ? (
        <>
          <View className='card'>
            <View className='card__title'>{label}意见</View>
            <View className='decision'>
              {opt('pass', '通过', 'pass')}
              {opt('fail', refuseLabel, 'fail')}
              {opt('return', '退回补正', 'return')}
            </View>
            {outcome !== 'pass' && (
              <View className='mt' data-testid='decision-reasons'>
                <Chips label={outcome === 'return' ? '退回原因（可补正的）' : `${refuseLabel}原因`} testId='reason' items={reasons.map((c) => ({ value: c, label: REVIEW_REASONS[c].label }))} value={reasonCode} onChange={(v) => setReasonCode(v)} />
                {errors.reasonCode && <View className='field__error'>{errors.reasonCode}</View>}
                {errors.correction && <View className='field__error'>{errors.correction}</View>}
              </View>
            )}
            <Textarea
              className={`textarea ${errors.reason ? 'field__input--error' : ''}`}
              placeholder={outcome === 'pass' ? '审核意见（选填）' : reasonCode === 'other' ? '请填写具体原因（必填）' : '具体说明（选填，将一并通知申请人和企业）'}
              maxlength={500}
              value={reason}
              onInput={(e) => setReason(e.detail.value)}
              data-testid='decision-reason'
              aria-label={outcome === 'pass' ? '审核意见' : '具体原因'}
            />
            {errors.reason && <View className='field__error'>{errors.reason}</View>}
            {actionError && <View className='banner banner--error mt'>{actionError}</View>}
          </View>
          <View className='btn-bar'>
            <Button className='big-btn' type={outcome === 'pass' ? 'primary' : 'danger'} loading={busy} onClick={decide} data-testid='decision-submit'>
              {outcome === 'return' ? '提交退回补正' : `提交${label}决定`}
            </Button>
          </View>
        </>
      ) : (
        <View className='banner banner--info'>该申请当前为“{app.statusLabel}”，不在审核环节。</View>
      )}
    </View>
  )
}
