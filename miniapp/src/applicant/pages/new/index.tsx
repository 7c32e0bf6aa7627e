import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { APPLICATION_STATUS_LABELS, PROFESSIONS, PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, isInProgress, type ApplicationListItem, type MatterAvailabilityView, type MeResponse, type Profession, type RegistrationType, type RegistrationView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { loadMe } from '../../../lib/me'
import { go } from '../../../lib/platform'
import { useLoader } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock } from '../../../components/ui'
import { RegistrationCard, registrationSummary } from '../../../components/Registration'
import { VERIFY_URL, startMatter } from '../../lib/create'
import { matterModel } from '../../components/forms'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

interface Entry {
  key: string
  name: string
  reason: string | null
  /** What a tap does when the entry is open. */
  open: () => void
}

/** 新增注册申请 (000 §3.2.1 step 2): the current registration on top, then every matter — open, or disabled with the reason. */
export default function NewApplication() {
  const { data, error, loading, reload } = useLoader(async () => {
    const [me, apps, matters, registrations] = await Promise.all([loadMe(), api.get<ApplicationListItem[]>('/api/applications'), api.get<MatterAvailabilityView[]>('/api/matters'), api.get<RegistrationView[]>('/api/registrations')])
    return { me, apps, matters, registrations } as { me: MeResponse; apps: ApplicationListItem[]; matters: MatterAvailabilityView[]; registrations: RegistrationView[] }
  })

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const unverified = !!data.me.identity && !data.me.identity.verifiedAt
  const current = data.apps.find((a) => isInProgress(a.status))

  async function create(profession: Profession, type: RegistrationType, query = '') {
    if (!data!.me.identity) {
      const r = await Taro.showModal({ title: '请先实名', content: '办理注册申请前，请先登记姓名和身份证号码。', confirmText: '去登记' })
      if (r.confirm) go('/applicant/pages/identity/index')
      return
    }
    if (!(await startMatter(profession, type, query))) reload()
  }

  function entries(p: Profession): Entry[] {
    const inProgress = data!.apps.find((a) => a.profession === p && isInProgress(a.status))
    const blocked = (m: MatterAvailabilityView): string | null => {
      if (m.code === 'application_type_unsupported') return m.reason ?? '暂不支持在线办理'
      // a matter the BFF takes but this app has no form page for yet (re-registration, replacement): not started here
      if (!matterModel(p, m.type)) return '手机端暂不支持该事项（尚无表单），请到注册机构窗口办理'
      if (unverified) return '实名信息尚未核验：请完成人脸识别，或到注册机构现场核验身份'
      if (inProgress) return `您有正在办理的${REGISTRATION_TYPE_LABELS[inProgress.type]}申请（${APPLICATION_STATUS_LABELS[inProgress.status]}），请先完成该申请`
      return m.available ? null : (m.reason ?? '当前不能办理')
    }
    const list: Entry[] = []
    for (const m of data!.matters.filter((x) => x.profession === p)) {
      if (m.type === 'change' && m.available) {
        // a change of employer is its own guided flow (Shanghai: cancel, then initial at the new employer)
        list.push({ key: 'change-employer', name: '变更聘用企业', reason: unverified ? blocked(m) : null, open: () => go(`/applicant/pages/employer-change/index?profession=${p}`) })
        list.push({ key: 'change-details', name: '变更姓名或身份证号码', reason: blocked({ ...m, code: undefined }), open: () => create(p, 'change', 'kind=details') })
        continue
      }
      list.push({ key: m.type, name: REGISTRATION_TYPE_LABELS[m.type], reason: blocked(m), open: () => create(p, m.type) })
    }
    return list
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {!data.me.identity && (
        <View className='banner banner--warn' onClick={() => go('/applicant/pages/identity/index')}>
          请先完成实名信息登记 ›
        </View>
      )}
      {unverified && (
        <View className='banner banner--warn' onClick={() => go(VERIFY_URL)} data-testid='go-verify'>
          实名信息待核验：完成人脸识别或到注册机构现场核验后，才能提交注册申请。去人脸识别核验 ›
        </View>
      )}
      {current && (
        <View className='banner banner--info' onClick={() => go(`/applicant/pages/detail/index?id=${current.id}`)}>
          您有一项正在办理的申请（{current.statusLabel}），同一时间只能办理一项注册申请。查看 ›
        </View>
      )}
      {data.registrations.map((r) => (
        <RegistrationCard key={r.id} registration={registrationSummary(r)} title={`我的注册 · ${PROFESSION_LABELS[r.profession]}`} paper={!r.hasElectronicCertificate}>
          <View className='field__help' onClick={() => go('/certificates/pages/registration/index')}>
            查看注册变更记录 ›
          </View>
        </RegistrationCard>
      ))}
      {PROFESSIONS.map((p) => (
        <View key={p} className='card'>
          <View className='card__title'>{PROFESSION_LABELS[p]}</View>
          {entries(p).map((e) => (
            <View
              key={e.key}
              className={`reg-type ${e.reason ? 'reg-type--disabled' : ''}`}
              onClick={() => (!e.reason ? e.open() : unverified && !/暂不支持/.test(e.reason) ? go(VERIFY_URL) : undefined)}
              data-testid={`type-${p}-${e.key}`}
              aria-disabled={!!e.reason}
            >
              <View className='reg-type__main'>
                <View className='reg-type__name'>{e.name}</View>
                {e.reason ? <View className='reg-type__reason'>{e.reason}</View> : <View className='reg-type__ok'>可在线办理</View>}
                {e.reason && unverified && !/暂不支持/.test(e.reason) && <View className='reg-type__link'>去人脸识别核验 ›</View>}
              </View>
              <View className='reg-type__arrow'>{e.reason ? '' : '›'}</View>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
