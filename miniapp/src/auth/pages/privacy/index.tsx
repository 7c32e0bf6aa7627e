import { useState } from 'react'
import { Button as TaroButton, ScrollView, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { api, errorMessage } from '../../../lib/api'
import { loadMe, PRIVACY_VERSION } from '../../../lib/me'
import { isWeapp, toast } from '../../../lib/platform'
import { clearSession, goRoleHome } from '../../../lib/session'
import { useRouterParams } from '../../../lib/hooks'
import { Check } from '../../../components/ui'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

const SECTIONS: { title: string; body: string }[] = [
  { title: '一、我们收集哪些信息', body: '为办理执业资格注册，我们会收集：手机号码（登录与签名验证）；姓名、身份证号码（实名登记，性别与出生日期由身份证号码推算）；聘用企业名称、统一社会信用代码和联系电话；注册专业、资格证书签发日期和继续教育学时。' },
  { title: '二、我们如何使用这些信息', body: '上述信息仅用于生成注册申请表、由您和聘用企业进行电子签名、注册机构受理审核及发放电子注册证书。我们不会将您的信息用于与注册无关的用途。' },
  { title: '三、信息共享', body: '您的申请表会提供给您填写的聘用企业确认，并报送注册机构审核。电子证书的二维码供他人扫码查验证书状态，查验结果只显示证书上的公开信息，身份证号码不会公开。' },
  { title: '四、存储与保护', body: '信息存储在中华人民共和国境内，身份证号码加密保存，操作全程留痕。您可以在“我的”中查看实名信息，如需更正已核验的信息，请联系注册机构。' },
  { title: '五、您的权利', body: '您可以查阅、复制、更正您的个人信息，撤回同意将导致无法继续在线办理注册。如有疑问，请联系注册机构。' },
]

export default function Privacy() {
  const params = useRouterParams()
  const viewOnly = params.view === '1'
  const [agreed, setAgreed] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')

  async function consent() {
    if (!isWeapp && !agreed) {
      setError('请先阅读并勾选同意隐私保护指引')
      return
    }
    setSubmitting(true)
    setError('')
    try {
      await api.post('/api/me/privacy-consents', { version: PRIVACY_VERSION }, { loading: '提交中' })
      const me = await loadMe()
      toast('已同意隐私保护指引', 'success')
      await goRoleHome(me.roles)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setSubmitting(false)
    }
  }

  function decline() {
    clearSession()
    Taro.switchTab({ url: '/pages/home/index' })
  }

  return (
    <View className={pageClass('page privacy')}>
      <NetBanner />
      <View className='hero'>
        <View className='hero__title'>执业通隐私保护指引</View>
        <View className='hero__sub'>版本 {PRIVACY_VERSION} · 请您仔细阅读</View>
      </View>
      <View className='stack'>
        <View className='card'>
          <ScrollView scrollY className='privacy__body'>
            {SECTIONS.map((s) => (
              <View key={s.title} className='privacy__section'>
                <View className='privacy__title'>{s.title}</View>
                <View className='privacy__text'>{s.body}</View>
              </View>
            ))}
          </ScrollView>
        </View>
        {!viewOnly && (
          <View className='card'>
            {error && <View className='banner banner--error'>{error}</View>}
            {!isWeapp && (
              <Check checked={agreed} onChange={setAgreed} testId='privacy-agree'>
                我已阅读并同意《执业通隐私保护指引》
              </Check>
            )}
            <View className='mt'>
              {isWeapp ? (
                // WeChat's own privacy consent: the tap on this button is the user's agreement.
                <TaroButton
                  className='privacy__wx-btn'
                  openType={'agreePrivacyAuthorization' as any}
                  onAgreePrivacyAuthorization={consent as any}
                  disabled={submitting}
                >
                  同意并继续
                </TaroButton>
              ) : (
                <Button type='primary' block className='big-btn' loading={submitting} disabled={!agreed} onClick={consent} data-testid='privacy-submit'>
                  同意并继续
                </Button>
              )}
            </View>
            <View className='mt center muted small' onClick={decline}>
              不同意，暂不使用
            </View>
          </View>
        )}
      </View>
    </View>
  )
}
