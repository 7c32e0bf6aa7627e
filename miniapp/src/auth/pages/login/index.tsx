import { useEffect, useState } from 'react'
import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { MOBILE_PATTERN, type OtpSentResponse, type SessionResponse } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { ensurePrivacyConsent, loadMe } from '../../../lib/me'
import { isWeapp, taroCall, toast } from '../../../lib/platform'
import { goRoleHome, setSession } from '../../../lib/session'
import { SmsCode } from '../../../components/SmsCode'
import { useRouterParams } from '../../../lib/hooks'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/** After any login: the privacy guide on first use, then the role's home. */
export async function afterLogin(session: SessionResponse) {
  setSession(session)
  const me = await loadMe()
  if (!ensurePrivacyConsent(me)) return
  await goRoleHome(me.roles)
}

export default function Login() {
  const params = useRouterParams()
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [submitting, setSubmitting] = useState(false)
  const [formError, setFormError] = useState(params.expired ? '登录已过期，请重新登录' : '')
  // weapp: a wx.login code whose openid is not bound yet; sent along with the phone login to bind it.
  const [wechatCode, setWechatCode] = useState<string | null>(null)
  const [wechatState, setWechatState] = useState<'idle' | 'trying' | 'unbound' | 'failed'>('idle')

  async function wechatLogin(silent: boolean) {
    if (!isWeapp) return
    setWechatState('trying')
    try {
      const { code: wxCode } = await taroCall(() => Taro.login())
      try {
        const session = await api.post<SessionResponse>('/api/auth/wechat', { code: wxCode }, { auth: false, loading: silent ? undefined : '微信登录中' })
        await afterLogin(session)
      } catch (e) {
        if (e instanceof ApiError && e.code === 'wechat_not_bound') {
          setWechatCode(wxCode)
          setWechatState('unbound')
          if (!silent) toast(e.message)
          return
        }
        throw e
      }
    } catch (e) {
      setWechatState('failed')
      if (!silent) setFormError(errorMessage(e))
    }
  }

  useEffect(() => {
    wechatLogin(true)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  function sendCode(): Promise<OtpSentResponse> {
    if (!MOBILE_PATTERN.test(phone)) {
      setErrors({ phone: '请填写正确的 11 位手机号' })
      return Promise.reject(new Error('请填写正确的 11 位手机号'))
    }
    setErrors({})
    return api.post<OtpSentResponse>('/api/auth/sms-codes', { phone }, { auth: false })
  }

  async function submit() {
    const errs: Record<string, string> = {}
    if (!MOBILE_PATTERN.test(phone)) errs.phone = '请填写正确的 11 位手机号'
    if (!/^\d{6}$/.test(code)) errs.code = '验证码为 6 位数字'
    setErrors(errs)
    setFormError('')
    if (Object.keys(errs).length) return
    setSubmitting(true)
    try {
      const body: Record<string, string> = { phone, code }
      if (wechatCode) body.wechatCode = wechatCode
      const session = await api.post<SessionResponse>('/api/auth/sessions', body, { auth: false, loading: '登录中' })
      await afterLogin(session)
    } catch (e) {
      if (e instanceof ApiError && e.fields) setErrors(e.fields)
      setFormError(errorMessage(e))
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <View className={pageClass('page login')}>
      <NetBanner />
      <View className='hero'>
        <View className='hero__title'>欢迎使用执业通</View>
        <View className='hero__sub'>二级注册建造师等执业资格注册服务</View>
      </View>
      <View className='stack'>
        <View className='card'>
          {formError && <View className='banner banner--error' data-testid='form-error'>{formError}</View>}
          {wechatState === 'unbound' && <View className='banner banner--info'>首次使用微信登录，请先用手机号验证，登录后将自动绑定微信。</View>}
          <View className='field'>
            <View className='field__label field__label--required'>手机号</View>
            <Input
              className={`field__input ${errors.phone ? 'field__input--error' : ''}`}
              type='number'
              maxlength={11}
              placeholder='请输入 11 位手机号'
              value={phone}
              onInput={(e) => setPhone(e.detail.value.replace(/\D/g, '').slice(0, 11))}
              data-testid='phone'
            />
            {errors.phone && <View className='field__error'>{errors.phone}</View>}
          </View>
          <SmsCode send={sendCode} code={code} onCode={setCode} error={errors.code} />
          <View className='mt'>
            <Button type='primary' block className='big-btn' loading={submitting} onClick={submit} data-testid='login-submit'>
              登录
            </Button>
          </View>
          {isWeapp && (
            <View className='mt'>
              <Button block fill='outline' type='primary' className='big-btn' onClick={() => wechatLogin(false)} loading={wechatState === 'trying'}>
                微信快捷登录
              </Button>
            </View>
          )}
          <View className='field__help center mt'>未注册的手机号验证后将自动创建账号</View>
        </View>
      </View>
    </View>
  )
}
