import { View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { EDITABLE_STATUSES, MATTERS, applicationFormTitle, type ApplicationView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { openPdf } from '../../../lib/pdf'
import { alertMessage, go } from '../../../lib/platform'
import { useLoader, useRouterParams } from '../../../lib/hooks'
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

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const editable = EDITABLE_STATUSES.has(app.status)
  const applicantSigned = app.signatures.some((s) => s.signer === 'applicant')

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
        <ProgressSteps status={app.status} type={app.type} />
      </View>
      {app.status === 'completed' && (
        <View className='banner banner--ok' data-testid='completed-note'>
          已办结：
          {app.registration?.status === 'cancelled' ? '注册已注销，原电子证书作废。' : app.history.some((h) => h.event === 'certificate_issued') ? '注册信息已更新，已换发新的电子证书，请到“证书”中领取。' : '注册信息已更新。'}
        </View>
      )}
      <ApplicationDetails app={app} />
      <AcceptanceNotice app={app} path={`/api/applications/${app.id}/acceptance-notice.pdf`} />
      <View className='btn-bar'>
        {app.form && (
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
