import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { APPLICATION_STATUS_LABELS, PROFESSIONS, PROFESSION_LABELS, REGISTRATION_TYPES, REGISTRATION_TYPE_LABELS, isInProgress, isSupportedApplication, type ApplicationListItem, type ApplicationView, type MeResponse, type Profession, type RegistrationType } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { loadMe } from '../../../lib/me'
import { alertMessage, go } from '../../../lib/platform'
import { useLoader } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock } from '../../../components/ui'
import './index.scss'

const VERIFY_URL = '/applicant/pages/verify/index'

export default function NewApplication() {
  const { data, error, loading, reload } = useLoader(async () => {
    const [me, apps] = await Promise.all([loadMe(), api.get<ApplicationListItem[]>('/api/applications')])
    return { me, apps } as { me: MeResponse; apps: ApplicationListItem[] }
  })

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const current = data.apps.find((a) => isInProgress(a.status))

  const unverified = !!data.me.identity && !data.me.identity.verifiedAt
  function reasonFor(p: Profession, t: RegistrationType): string | null {
    if (!isSupportedApplication(p, t)) return '暂不支持在线办理，请到注册机构窗口办理'
    if (unverified) return '实名信息尚未核验：请完成人脸识别，或到注册机构现场核验身份'
    if (current) return `您有正在办理的${REGISTRATION_TYPE_LABELS[current.type]}申请（${APPLICATION_STATUS_LABELS[current.status]}），请先完成该申请`
    return null
  }

  async function create(profession: Profession, type: RegistrationType) {
    if (!data!.me.identity) {
      const r = await Taro.showModal({ title: '请先实名', content: '办理注册申请前，请先登记姓名和身份证号码。', confirmText: '去登记' })
      if (r.confirm) go('/applicant/pages/identity/index')
      return
    }
    try {
      const app = await api.post<ApplicationView>('/api/applications', { profession, type }, { loading: '正在创建' })
      Taro.redirectTo({ url: `/applicant/pages/form/index?id=${app.id}` })
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'identity_required' || e.code === 'identity_unverified')) {
        await alertMessage(e.message)
        go(e.code === 'identity_unverified' ? VERIFY_URL : '/applicant/pages/identity/index')
        return
      }
      alertMessage(errorMessage(e))
      reload()
    }
  }

  return (
    <View className='page page--padded'>
      {!data.me.identity && (
        <View className='banner banner--warn' onClick={() => go('/applicant/pages/identity/index')}>
          请先完成实名信息登记 ›
        </View>
      )}
      {data.me.identity && !data.me.identity.verifiedAt && (
        <View className='banner banner--warn' onClick={() => go(VERIFY_URL)} data-testid='go-verify'>
          实名信息待核验：完成人脸识别或到注册机构现场核验后，才能提交注册申请。去人脸识别核验 ›
        </View>
      )}
      {current && (
        <View className='banner banner--info' onClick={() => go(`/applicant/pages/detail/index?id=${current.id}`)}>
          您有一项正在办理的申请（{current.statusLabel}），同一时间只能办理一项注册申请。查看 ›
        </View>
      )}
      {PROFESSIONS.map((p) => (
        <View key={p} className='card'>
          <View className='card__title'>{PROFESSION_LABELS[p]}</View>
          {REGISTRATION_TYPES.map((t) => {
            const reason = reasonFor(p, t)
            return (
              <View
                key={t}
                className={`reg-type ${reason ? 'reg-type--disabled' : ''}`}
                onClick={() => (!reason ? create(p, t) : unverified && isSupportedApplication(p, t) ? go(VERIFY_URL) : undefined)}
                data-testid={`type-${p}-${t}`}
                aria-disabled={!!reason}
              >
                <View className='reg-type__main'>
                  <View className='reg-type__name'>{REGISTRATION_TYPE_LABELS[t]}</View>
                  {reason ? <View className='reg-type__reason'>{reason}</View> : <View className='reg-type__ok'>可在线办理</View>}
                  {reason && unverified && isSupportedApplication(p, t) && <View className='reg-type__link'>去人脸识别核验 ›</View>}
                </View>
                <View className='reg-type__arrow'>{reason ? '' : '›'}</View>
              </View>
            )
          })}
        </View>
      ))}
    </View>
  )
}
