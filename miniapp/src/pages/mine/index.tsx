import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@nutui/nutui-react-taro'
import { GENDER_LABELS, ROLE_LABELS, type MeResponse } from '@zhiyetong/shared'
import { api, errorMessage } from '../../lib/api'
import { fmtDate, fmtDateTime } from '../../lib/format'
import { loadMe } from '../../lib/me'
import { confirm, go, toast } from '../../lib/platform'
import { clearSession, getSession } from '../../lib/session'
import { ErrorBlock, LoadingBlock } from '../../components/ui'
import { ElderSwitch } from '../../components/ElderSwitch'
import { pageClass } from '../../lib/prefs'
import { NetBanner } from '../../components/NetBanner'

export default function Mine() {
  const [me, setMe] = useState<MeResponse | null>(null)
  const [error, setError] = useState('')
  const [loggedIn, setLoggedIn] = useState(!!getSession())

  async function load() {
    setLoggedIn(!!getSession())
    if (!getSession()) return
    setError('')
    try {
      setMe(await loadMe())
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  useDidShow(() => {
    load()
  })

  async function logout() {
    if (!(await confirm('确定退出登录吗？'))) return
    try {
      await api.del('/api/auth/sessions/current', { loading: '正在退出' })
    } catch {
      // the local session goes anyway
    }
    clearSession()
    setMe(null)
    setLoggedIn(false)
    toast('已退出登录', 'success')
    Taro.switchTab({ url: '/pages/home/index' })
  }

  if (!loggedIn) {
    return (
      <View className={pageClass('page')}>
        <NetBanner />
        <View className='hero'>
          <View className='hero__title'>我的</View>
          <View className='hero__sub'>登录后管理实名信息与申请</View>
        </View>
        <View className='stack'>
          <View className='card'>
            <Button type='primary' block className='big-btn' onClick={() => go('/auth/pages/login/index')}>
              手机号登录
            </Button>
          </View>
          <View className='card'>
            <ElderSwitch onChange={() => setLoggedIn(!!getSession())} />
          </View>
        </View>
      </View>
    )
  }

  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <View className='hero'>
        <View className='hero__title'>{me?.identity?.name || '未实名'}</View>
        <View className='hero__sub'>
          {me ? `${me.phoneMasked} · ${me.roles.map((r) => ROLE_LABELS[r]).join('、')}` : '正在加载…'}
        </View>
      </View>
      <View className='stack'>
        {error && <ErrorBlock message={error} onRetry={load} />}
        {!me && !error && <LoadingBlock />}
        <View className='card'>
          <ElderSwitch onChange={() => setMe(me ? { ...me } : me)} />
        </View>
        {me && (
          <>
            <CellGroup>
              {me.roles.includes('applicant') && (
                <Cell
                  title='实名信息'
                  description={
                    me.identity
                      ? `${me.identity.idNumberMasked} · ${GENDER_LABELS[me.identity.gender]}${me.identity.verifiedAt ? ` · ${me.identity.verificationMethod === 'in_person' ? '现场核验' : '人脸识别核验'} ${fmtDate(me.identity.verifiedAt)}` : ''}`
                      : '未登记'
                  }
                  extra={me.identity ? (me.identity.verifiedAt ? '已核验' : '待核验') : '去登记 ›'}
                  onClick={() => go(me.identity && !me.identity.verifiedAt ? '/applicant/pages/verify/index' : '/applicant/pages/identity/index')}
                  clickable
                  data-testid='mine-identity'
                />
              )}
              {me.enterprise && <Cell title='所属企业' description={`统一社会信用代码 ${me.enterprise.uscc}`} extra={me.enterprise.name} />}
              <Cell title='我的证书' extra='›' onClick={() => Taro.switchTab({ url: '/pages/certs/index' })} clickable />
              <View data-testid='mine-reminders' onClick={() => go('/settings/pages/reminders/index')}>
                <Cell title='提醒设置' description='有效期届满、证书领取、待签名等提醒' extra='›' clickable />
              </View>
              <Cell
                title='隐私保护指引'
                description={me.privacyConsent ? `已于 ${fmtDateTime(me.privacyConsent.at)} 同意（版本 ${me.privacyConsent.version}）` : '尚未同意'}
                extra='›'
                onClick={() => go('/auth/pages/privacy/index?view=1')}
                clickable
              />
              <Cell title='微信绑定' extra={me.wechatBound ? '已绑定' : '未绑定'} />
            </CellGroup>
            <View className='mt'>
              <Button block fill='outline' color='#b42318' className='big-btn' onClick={logout} data-testid='logout'>
                退出登录
              </Button>
            </View>
          </>
        )}
      </View>
    </View>
  )
}
