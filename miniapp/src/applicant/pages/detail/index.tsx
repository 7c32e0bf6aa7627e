import { useState } from 'react'
import { Textarea, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { EDITABLE_STATUSES, FILING_PATHS, MATTERS, REGISTRATION_TYPE_LABELS, applicationFormTitle, canRefuse, type ApplicationView } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { openPdf } from '../../../lib/pdf'
import { alertMessage, confirm, go, toast } from '../../../lib/platform'
import { useDraft, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, ProgressSteps } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { AcceptanceNotice } from '../../../components/AcceptanceNotice'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function ApplicationDetail() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/applications/${id}`), [id])
  usePullDownRefresh(() => {
    reload()
  })
  const [refusing, setRefusing] = useState(false)
  const [reason, setReason, clearReason] = useDraft(`applicant-refusal:${id}`, '')
  const [reasonError, setReasonError] = useState('')
  const [busy, setBusy] = useState(false)

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const byEmployer = app.filedBy === 'employer'
  // an employer's filing is the enterprise's to edit; the person checks it and signs or refuses (FILING_PATHS)
  const editable = !byEmployer && EDITABLE_STATUSES.has(app.status)
  const applicantSigned = app.signatures.some((s) => s.signer === 'applicant')
  const toConfirm = byEmployer && FILING_PATHS.employer.applicantSigns.includes(app.status) && !applicantSigned
  const refusable = canRefuse(app.filedBy, app.status, 'applicant')
  const employerName = app.employer?.name || app.registration?.employerName || '聘用企业'

  async function refuse() {
    if (reason.trim().length < 2) return setReasonError('请填写拒绝原因（至少 2 个字）')
    setReasonError('')
    if (!(await confirm(`拒绝后这份${REGISTRATION_TYPE_LABELS[app!.type]}申请即终止，${employerName}将收到短信通知。确定拒绝吗？`, '拒绝确认', '拒绝'))) return
    setBusy(true)
    try {
      await api.post<ApplicationView>(`/api/applications/${id}/refusals`, { reason: reason.trim() }, { loading: '正在提交' })
      clearReason()
      setRefusing(false)
      toast('已拒绝，申请已终止')
      await reload()
    } catch (e) {
      setReasonError(e instanceof ApiError && e.fields?.reason ? e.fields.reason : errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  async function preview() {
    try {
      await openPdf(`/api/applications/${id}/form.pdf`, `${applicationFormTitle(app!.profession, app!.type)}.pdf`)
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {error && <View className='banner banner--error'>{error}</View>}
      <View className='card'>
        <View className='card__title'>办理进度</View>
        <ProgressSteps status={app.status} type={app.type} filedBy={app.filedBy} />
      </View>
      {app.status === 'completed' && (
        <View className='banner banner--ok' data-testid='completed-note'>
          已办结：
          {app.registration?.status === 'cancelled' ? '注册已注销，原电子证书作废。' : app.history.some((h) => h.event === 'certificate_issued') ? '注册信息已更新，已换发新的电子证书，请到“证书”中领取。' : '注册信息已更新。'}
        </View>
      )}
      {toConfirm && (
        <View className='banner banner--warn' data-testid='employer-filed-note'>
          {employerName}为您填报了这份{REGISTRATION_TYPE_LABELS[app.type]}申请。请核对申请表，无误后用短信验证码签名确认；有误请拒绝并写明原因。
        </View>
      )}
      {app.status === 'refused' && (
        <View className='banner banner--error' data-testid='refused-note'>
          {byEmployer ? '您已拒绝确认' : `${employerName}拒绝确认`}，申请已终止。原因：{app.refusalReason}
        </View>
      )}
      <ApplicationDetails app={app} />
      <AcceptanceNotice app={app} path={`/api/applications/${app.id}/acceptance-notice.pdf`} />
      {refusing && (
        <View className='card'>
          <View className='card__title'>拒绝确认</View>
          <View className='card__hint'>请写明原因，{employerName}将看到此原因。拒绝后申请终止，需要时由企业重新申报。</View>
          <Textarea className={`textarea ${reasonError ? 'field__input--error' : ''}`} placeholder='如：申请表中的注销专业与本人意愿不符' maxlength={500} value={reason} onInput={(e) => setReason(e.detail.value)} data-testid='refusal-reason' aria-label='拒绝原因' />
          {reasonError && <View className='field__error'>{reasonError}</View>}
        </View>
      )}
      <View style={{ height: '200px' }} />
      <View className='btn-bar'>
        {refusable && !refusing && (
          <Button className='big-btn' fill='outline' color='#b42318' onClick={() => setRefusing(true)} data-testid='refuse'>
            拒绝
          </Button>
        )}
        {refusing && (
          <>
            <Button className='big-btn' fill='outline' onClick={() => setRefusing(false)}>
              取消
            </Button>
            <Button className='big-btn' type='danger' loading={busy} onClick={refuse} data-testid='refusal-submit'>
              确认拒绝
            </Button>
          </>
        )}
        {toConfirm && !refusing && (
          <Button className='big-btn' type='primary' onClick={() => go(`/applicant/pages/sign/index?id=${id}`)} data-testid='go-sign'>
            核对并签名
          </Button>
        )}
        {app.form && !refusing && !toConfirm && (
          <Button className='big-btn' fill='outline' type='primary' onClick={preview}>
            查看申请表
          </Button>
        )}
        {editable && (
          <Button className='big-btn' fill='outline' type='primary' onClick={() => go(`/applicant/pages/form/index?id=${id}`)} data-testid='edit-form'>
            {app.form ? '修改申请表' : '填写申请表'}
          </Button>
        )}
        {editable && app.form && !applicantSigned && (
          <Button className='big-btn' type='primary' onClick={() => go(`/applicant/pages/sign/index?id=${id}`)} data-testid='go-sign'>
            {MATTERS[app.type].signers.includes('employer') ? '去签名' : '去确认'}
          </Button>
        )}
        {(app.status === 'approved' || (app.status === 'completed' && app.history.some((h) => h.event === 'certificate_issued'))) && (
          <Button className='big-btn' type='primary' onClick={() => Taro.switchTab({ url: '/pages/certs/index' })}>
            领取证书
          </Button>
        )}
      </View>
    </View>
  )
}
