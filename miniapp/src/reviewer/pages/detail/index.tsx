import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { REVIEW_STAGES, REVIEW_STAGE_LABELS, applicationFormTitle, type ApplicationView, type ReviewStage } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { confirm, toast } from '../../../lib/platform'
import { useDraft, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { PdfPreview } from '../../../components/PdfPreview'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function ReviewDetail() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/review/applications/${id}`), [id], { onShow: false })
  const [outcome, setOutcome] = useState<'pass' | 'fail'>('pass')
  const [reason, setReason, clearReason] = useDraft(`review-reason:${id}`, '')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [actionError, setActionError] = useState('')
  const [busy, setBusy] = useState(false)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const stage = (REVIEW_STAGES as readonly string[]).includes(app.status) ? (app.status as ReviewStage) : null

  async function decide() {
    if (!stage) return
    setActionError('')
    if (outcome === 'fail' && reason.trim().length < 2) {
      setErrors({ reason: '不通过时请填写原因' })
      return
    }
    setErrors({})
    const label = REVIEW_STAGE_LABELS[stage]
    const text = outcome === 'pass' ? `确定${label}通过吗？` : `确定${label}不通过吗？${stage === 'acceptance' ? '将作不予受理处理。' : '将作审核不通过处理。'}`
    if (!(await confirm(text, `${label}决定`, '确定'))) return
    setBusy(true)
    try {
      await api.post(`/api/review/applications/${id}/decisions`, { stage, outcome, ...(reason.trim() ? { reason: reason.trim() } : {}) }, { loading: '正在提交' })
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

  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: stage ? '200px' : undefined }}>
      <NetBanner />
      <ApplicationDetails app={app} />
      {app.form && <PdfPreview path={`/api/applications/${id}/form.pdf`} fileName={`${applicationFormTitle(app.profession, app.type)}.pdf`} title='申请表（含签名）' />}
      {stage ? (
        <>
          <View className='card'>
            <View className='card__title'>{REVIEW_STAGE_LABELS[stage]}意见</View>
            <View className='decision'>
              <View className={`decision__opt ${outcome === 'pass' ? 'decision__opt--pass' : ''}`} onClick={() => setOutcome('pass')} data-testid='decision-pass'>
                通过
              </View>
              <View className={`decision__opt ${outcome === 'fail' ? 'decision__opt--fail' : ''}`} onClick={() => setOutcome('fail')} data-testid='decision-fail'>
                {stage === 'acceptance' ? '不予受理' : '不通过'}
              </View>
            </View>
            <Textarea
              className={`textarea ${errors.reason ? 'field__input--error' : ''}`}
              placeholder={outcome === 'fail' ? '请填写原因（必填）' : '审核意见（选填）'}
              maxlength={500}
              value={reason}
              onInput={(e) => setReason(e.detail.value)}
              data-testid='decision-reason'
              aria-label='审核意见'
            />
            {errors.reason && <View className='field__error'>{errors.reason}</View>}
            {actionError && <View className='banner banner--error mt'>{actionError}</View>}
          </View>
          <View className='btn-bar'>
            <Button className='big-btn' type={outcome === 'pass' ? 'primary' : 'danger'} loading={busy} onClick={decide} data-testid='decision-submit'>
              提交{REVIEW_STAGE_LABELS[stage]}决定
            </Button>
          </View>
        </>
      ) : (
        <View className='banner banner--info'>该申请当前为“{app.statusLabel}”，不在审核环节。</View>
      )}
    </View>
  )
}
