import { View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { MATTERS, applicationFormTitle, filingPath, type ApplicationView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { confirm, go, toast } from '../../../lib/platform'
import { useAction, useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, ProgressSteps } from '../../../components/ui'
import { ApplicationDetails } from '../../../components/ApplicationDetails'
import { PdfPreview } from '../../../components/PdfPreview'
import { Signers } from '../../../components/Signers'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/**
 * An application of the enterprise (GET /api/enterprise/applications/:id), as the enterprise that filed it sees
 * it: what it may do now is FILING_PATHS.employer — fill in or change the draft (the person's own form page, in
 * employer mode), delete it, 上报 it to the person; once the person signed, counter-sign it on the employer's
 * detail page. The person's refusal is shown with its reason. A matter the person does not sign (temporary
 * constructors, FILING_PATHS.employer_alone) goes from 上报 straight to the enterprise's signature; a transfer then
 * waits for the old employer's release (待原单位确认), whose refusal is shown with its reason.
 */
export default function Filing() {
  const { id = '' } = useRouterParams()
  const { data: app, error, loading, reload } = useLoader(() => api.get<ApplicationView>(`/api/enterprise/applications/${id}`), [id])
  const action = useAction()
  const { message: actionError, busy } = action
  usePullDownRefresh(() => {
    reload()
  })

  if (loading && !app) return <LoadingBlock />
  if (error && !app) return <ErrorBlock message={error} onRetry={reload} />
  if (!app) return null
  const path = filingPath(app.filedBy, MATTERS[app.type].signers)
  const personSigns = path.applicantSigns.length > 0
  const editable = app.filedBy === 'employer' && path.editable.includes(app.status)
  const deletable = app.filedBy === 'employer' && path.deletable.includes(app.status)
  const fileable = app.filedBy === 'employer' && path.file?.from === app.status
  const employerName = app.employer?.name || app.registration?.employerName || '聘用企业'

  async function remove() {
    if (!(await confirm(`删除 ${app!.applicant.name} 的这份申请草稿吗？删除后不能恢复。`, '删除草稿', '删除'))) return
    await action.run(async () => {
      await api.del(`/api/enterprise/filings/${id}`, { loading: '正在删除' })
      toast('已删除', 'success')
      setTimeout(() => Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/employer/pages/filings/index' })), 600)
    })
  }

  async function file() {
    action.setMessage('')
    const note = personSigns ? `上报后将短信通知 ${app!.applicant.name} 核对并签名确认，上报后不能再修改或删除。` : '上报后由本企业用经办人短信验证码签名确认，上报后不能再修改或删除。'
    if (!(await confirm(note, '上报申请', '上报'))) return
    await action.run(async () => {
      await api.post<ApplicationView>(`/api/enterprise/filings/${id}/submissions`, undefined, { loading: '正在上报' })
      toast(personSigns ? '已上报，待个人确认' : '已上报，请签名确认', 'success')
      await reload()
    })
  }

  const actions = editable || deletable || fileable || app.status === 'awaiting_employer'
  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: actions ? '200px' : undefined }}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>办理进度</View>
        <ProgressSteps status={app.status} type={app.type} filedBy={app.filedBy} />
      </View>
      {app.status === 'employer_draft' && (
        <View className='banner banner--info' data-testid='filing-draft-note'>
          {app.form ? (personSigns ? '草稿已保存。核对无误后点“上报”，由本人核对并签名确认。' : '草稿已保存。核对无误后点“上报”，再由本企业签名确认。') : '请先填写申请表，保存后上报。'}
        </View>
      )}
      {app.status === 'awaiting_applicant' && (
        <View className='banner banner--warn' data-testid='filing-awaiting-applicant'>
          已上报，等待 {app.applicant.name} 核对并用短信验证码签名确认。
        </View>
      )}
      {app.status === 'awaiting_release' && (
        <View className='banner banner--warn' data-testid='filing-awaiting-release'>
          本企业已签名，等待原聘用企业 {app.releasingEmployer?.name ?? ''} 同意转出；同意后报送注册机构审核。
        </View>
      )}
      {app.status === 'refused' && (
        <View className='banner banner--error' data-testid='filing-refused'>
          {app.releasingEmployer ? `原聘用企业${app.releasingEmployer.name}不同意转出` : app.filedBy === 'employer' ? `${app.applicant.name}拒绝确认` : '本企业已拒绝确认'}，申请已终止。原因：{app.refusalReason}
        </View>
      )}
      {actionError && (
        <View className='banner banner--error' data-testid='filing-error'>
          {actionError}
        </View>
      )}
      <ApplicationDetails app={app} />
      {app.form && <PdfPreview path={`/api/applications/${id}/form.pdf?v=${app.version}`} fileName={`${applicationFormTitle(app.profession, app.type)}.pdf`} />}
      {app.form && MATTERS[app.type].signers.includes('employer') && <Signers type={app.type} applicantName={app.applicant.name} employerName={employerName} releasingEmployerName={app.releasingEmployer?.name} refusal={app.refusal} signatures={app.signatures} current={app.status === 'awaiting_employer' ? 'employer' : app.status === 'awaiting_applicant' ? 'applicant' : app.status === 'awaiting_release' ? 'releasing_employer' : null} />}
      {actions && (
        <View className='btn-bar'>
          {deletable && (
            <Button className='big-btn' fill='outline' color='#b42318' disabled={busy} onClick={remove} data-testid='filing-delete'>
              删除
            </Button>
          )}
          {editable && (
            <Button className='big-btn' fill='outline' type='primary' onClick={() => go(`/applicant/pages/form/index?id=${id}&by=employer`)} data-testid='filing-edit'>
              {app.form ? '修改' : '填写申请表'}
            </Button>
          )}
          {fileable && app.form && (
            <Button className='big-btn' type='primary' loading={busy} onClick={file} data-testid='filing-submit'>
              上报
            </Button>
          )}
          {app.status === 'awaiting_employer' && (
            <Button className='big-btn' type='primary' onClick={() => go(`/employer/pages/detail/index?id=${id}`)} data-testid='filing-countersign'>
              企业签名确认
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
