import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { enterpriseBindingRequest, type EnterpriseMembershipView } from '@zhiyetong/shared'
import { api, refreshSession } from '../../../lib/api'
import { oneFieldFailure, useAction } from '../../../lib/hooks'
import { setActingEnterprise } from '../../../lib/enterprise'
import { Field, ResultCard } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { go } from '../../../lib/platform'

interface BindingResult {
  membership: EnterpriseMembershipView
  outcome: 'created' | 'claimed' | 'already'
  sessionRefreshRequired?: boolean
}

/** What to do after each refusal of POST /api/enterprise/bindings (the BFF's message comes first). */
const NEXT_STEP: Record<string, string> = {
  not_legal_representative: '只有工商登记的法定代表人本人可以绑定企业；经办人请由法定代表人在“经办人管理”中按手机号邀请。',
  enterprise_not_in_registry: '请按营业执照核对 18 位统一社会信用代码。',
  enterprise_inactive: '已注销、吊销或停业的企业不能在执业通办理业务。',
  registry_unavailable: '企业未绑定，请稍后重试。',
  identity_required: '请先在“首页”登记实名信息并完成实名认证。',
  identity_unverified: '完成人脸识别核验（或到注册机构现场核验）后再绑定。',
}

/**
 * 绑定企业 (003 §3.2.2): a real-name-verified person, the enterprise's legal representative, enters the
 * unified social credit code; the BFF checks the code and the business registry. Refusals show the BFF's
 * message and what to do; a bound enterprise becomes the one acted for, and the session is refreshed for
 * the operator role.
 */
export default function BindEnterprise() {
  const [uscc, setUscc] = useState('')
  // the code's error under the field; a refusal (its message and code: NEXT_STEP) in the banner
  const binding = useAction({ failure: oneFieldFailure('uscc') })
  const error = binding.errors.uscc
  const [result, setResult] = useState<BindingResult | null>(null)

  async function submit() {
    const parsed = enterpriseBindingRequest.safeParse({ uscc: uscc.trim().toUpperCase() })
    if (!parsed.success) return void binding.check({ uscc: parsed.error.issues[0]?.message ?? '请输入 18 位统一社会信用代码' })
    await binding.run(async () => {
      const r = await api.post<BindingResult>('/api/enterprise/bindings', parsed.data, { loading: '正在核验工商登记信息' })
      if (r.sessionRefreshRequired) await refreshSession()
      setActingEnterprise({ enterpriseId: r.membership.enterpriseId, name: r.membership.name })
      setResult(r)
    })
  }

  if (result) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          testId='bind-result'
          title={result.outcome === 'already' ? '企业已由您绑定' : '企业绑定成功'}
          rows={[
            { label: '企业名称', value: result.membership.name },
            { label: '统一社会信用代码', value: result.membership.uscc },
            { label: '身份', value: '法定代表人' },
          ]}
          actions={[
            { label: '完善企业基本信息', onClick: () => go('/employer/pages/profile/index'), testId: 'bind-profile' },
            { label: '进入企业服务', onClick: () => Taro.redirectTo({ url: '/employer/pages/home/index' }) },
          ]}
        >
          {!result.membership.profileComplete && <View className='banner banner--warn mt'>请先完善企业基本信息（带 * 的必填项），完善后才能办理申报和企业确认。</View>}
        </ResultCard>
      </View>
    )
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>法定代表人绑定企业</View>
        <View className='card__hint'>请由企业的法定代表人本人操作：须已完成个人实名认证，平台将向工商登记信息核验您是否为该企业的法定代表人。</View>
        <Field label='统一社会信用代码' required error={error} help='营业执照上的 18 位代码，字母不区分大小写'>
          <Input className={`field__input ${error ? 'field__input--error' : ''}`} maxlength={18} placeholder='如 91310115MA1K3YJH5A' value={uscc} onInput={(e) => setUscc(e.detail.value.toUpperCase())} data-testid='bind-uscc' aria-label='统一社会信用代码' />
        </Field>
        {binding.message && (
          <View className='banner banner--error mt' data-testid='bind-error' data-code={binding.code}>
            {binding.message}
            {NEXT_STEP[binding.code] && <View className='small mt'>{NEXT_STEP[binding.code]}</View>}
          </View>
        )}
      </View>
      <Button block type='primary' className='big-btn' loading={binding.busy} onClick={submit} data-testid='bind-submit'>
        核验并绑定
      </Button>
    </View>
  )
}
