import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, isInProgress, type ApplicationListItem, type MeResponse, type TodoList } from '@zhiyetong/shared'
import { api, errorMessage } from '../../lib/api'
import { fmtDateTime } from '../../lib/format'
import { ensurePrivacyConsent, loadMe } from '../../lib/me'
import { go } from '../../lib/platform'
import { getSession, takePendingHome } from '../../lib/session'
import { Empty, ErrorBlock, LoadingBlock, ProgressSteps, StatusTag } from '../../components/ui'
import { Todos, showTodoBadge } from '../../components/Todos'
import { pageClass } from '../../lib/prefs'
import { NetBanner } from '../../components/NetBanner'

export default function Home() {
  const [me, setMe] = useState<MeResponse | null>(null)
  const [apps, setApps] = useState<ApplicationListItem[] | null>(null)
  const [todos, setTodos] = useState<TodoList | null>(null)
  const [error, setError] = useState('')
  const [loading, setLoading] = useState(false)
  const [loggedIn, setLoggedIn] = useState(!!getSession())

  async function load() {
    const session = getSession()
    setLoggedIn(!!session)
    if (!session) {
      showTodoBadge(0)
      return
    }
    setLoading(true)
    setError('')
    try {
      const m = await loadMe()
      setMe(m)
      if (!ensurePrivacyConsent(m)) return
      // the to-do list is extra: the applications still show when it cannot be loaded
      const [t, a] = await Promise.all([api.get<TodoList>('/api/todos').catch(() => null), m.roles.includes('applicant') ? api.get<ApplicationListItem[]>('/api/applications') : Promise.resolve(null)])
      setTodos(t)
      if (t) showTodoBadge(t.count)
      if (a) setApps(a)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoading(false)
      Taro.stopPullDownRefresh()
    }
  }

  useDidShow(() => {
    const pending = takePendingHome()
    if (pending) setTimeout(() => go(pending), 50)
    load()
  })
  usePullDownRefresh(() => {
    load()
  })

  if (!loggedIn) {
    return (
      <View className={pageClass('page')}>
        <NetBanner />
        <View className='hero'>
          <View className='hero__title'>执业通</View>
          <View className='hero__sub'>二级建造师等执业资格注册 · 掌上办理</View>
        </View>
        <View className='stack'>
          <View className='card'>
            <View className='card__title'>登录后办理</View>
            <View className='card__hint'>注册申请、企业确认、审核、电子证书领取，均需先用手机号登录。</View>
            <View className='mt'>
              <Button type='primary' block className='big-btn' onClick={() => go('/auth/pages/login/index')} data-testid='go-login'>
                手机号登录
              </Button>
            </View>
          </View>
          <View className='card card--tap' onClick={() => go('/verify/pages/scan/index')}>
            <View className='card__title'>扫码验证证书</View>
            <View className='card__hint'>扫描电子证书上的二维码，查验证书是否有效，无需登录。</View>
          </View>
        </View>
      </View>
    )
  }

  const roles = me?.roles || getSession()?.user.roles || []
  const inProgress = apps?.some((a) => isInProgress(a.status))

  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <View className='hero'>
        <View className='hero__title'>{me?.identity ? `您好，${me.identity.name}` : '您好'}</View>
        <View className='hero__sub elder-hide'>{me ? `已登录 ${me.phoneMasked}` : '正在加载…'}</View>
      </View>
      <View className='stack'>
        {error && <ErrorBlock message={error} onRetry={load} />}
        {todos && <Todos list={todos} />}

        {roles.includes('enterprise_operator') && (
          <View className='card card--tap' onClick={() => go('/employer/pages/home/index')} data-testid='entry-enterprise'>
            <View className='card__title'>企业服务</View>
            <View className='card__hint'>代为申报、批量确认、申报查询、企业基本信息与经办人。</View>
          </View>
        )}
        {roles.includes('enterprise_operator') && (
          <View className='card card--tap' onClick={() => go('/employer/pages/queue/index')} data-testid='entry-employer'>
            <View className='card__title'>待企业确认</View>
            <View className='card__hint'>{me?.enterprise ? me.enterprise.name : '聘用企业'}：查看员工提交的注册申请，签名确认或退回。</View>
          </View>
        )}
        {roles.includes('enterprise_operator') && (
          <View className='card card--tap' onClick={() => go('/employer/pages/rename/index')} data-testid='entry-employer-rename'>
            <View className='card__title'>企业名称变更</View>
            <View className='card__hint'>工商注册名称变更后，批量更新本企业注册人员的电子证书。</View>
          </View>
        )}
        {roles.includes('reviewer') && (
          <View className='card card--tap' onClick={() => go('/reviewer/pages/queue/index')} data-testid='entry-reviewer'>
            <View className='card__title'>审核</View>
            <View className='card__hint'>受理、初审、复审、审批：按环节处理注册申请。</View>
          </View>
        )}

        {roles.includes('applicant') && (
          <>
            {me && !me.identity && (
              <View className='banner banner--warn' onClick={() => go('/applicant/pages/identity/index')}>
                办理注册前请先完成实名信息登记 ›
              </View>
            )}
            {me?.identity && !me.identity.verifiedAt && (
              <View className='banner banner--warn' onClick={() => go('/applicant/pages/verify/index')} data-testid='home-verify'>
                实名信息待核验：完成人脸识别核验后即可办理注册申请 ›
              </View>
            )}
            <View className='card'>
              <View className='card__title'>
                <View>我的申请</View>
              </View>
              <Button type='primary' block className='big-btn' onClick={() => go('/applicant/pages/new/index')} data-testid='new-application'>
                新增注册申请
              </Button>
              {inProgress && <View className='field__help center'>您有正在办理的申请，完成后才能再申请同类事项</View>}
              <View className='link-row' onClick={() => go('/certificates/pages/registration/index')} data-testid='home-registration'>
                我的注册信息与变更记录 ›
              </View>
              {me?.identity?.verifiedAt && !roles.includes('enterprise_operator') && (
                <View className='link-row' onClick={() => go('/employer/pages/bind/index')} data-testid='home-bind'>
                  我是企业法定代表人：绑定企业 ›
                </View>
              )}
            </View>
            {loading && !apps && <LoadingBlock />}
            {apps && apps.length === 0 && <Empty text='还没有注册申请' />}
            {apps?.map((a) => (
              <View key={a.id} className='card card--tap' onClick={() => go(`/applicant/pages/detail/index?id=${a.id}`)} data-testid='application-card'>
                <View className='card__title'>
                  <View>
                    {PROFESSION_LABELS[a.profession]}
                    {REGISTRATION_TYPE_LABELS[a.type]}
                  </View>
                  <StatusTag status={a.status} label={a.statusLabel} />
                </View>
                <View className='card__hint'>
                  {a.acceptanceNo ? `受理编号 ${a.acceptanceNo} · ` : ''}
                  {a.employerName || '未填写聘用企业'}
                </View>
                <View className='card__hint'>更新于 {fmtDateTime(a.updatedAt)}</View>
                <View className='elder-hide'>
                  <ProgressSteps status={a.status} type={a.type} />
                </View>
              </View>
            ))}
          </>
        )}
      </View>
    </View>
  )
}
