import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { operatorInviteRequest, type EnterpriseMemberView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { oneFieldFailure, useAction, useLoader } from '../../../lib/hooks'
import { confirm, toast } from '../../../lib/platform'
import { getActingEnterprise } from '../../../lib/enterprise'
import { ErrorBlock, Field, LoadingBlock, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { ROLE_LABELS } from '../../lib/memberships'
import './index.scss'

/**
 * 经办人管理 (legal representative only; GET/POST/DELETE /api/enterprise/operators): invite an operator by mobile
 * number (they log in with it; no SMS invitation yet), list the members with masked phones, remove an operator
 * (at once: they get 404 on everything of this enterprise).
 */
export default function Operators() {
  const { data, error, loading, reload } = useLoader(() => api.get<EnterpriseMemberView[]>('/api/enterprise/operators'))
  const [phone, setPhone] = useState('')
  // one action for the invitation and the removal: the phone's error under it, any other in the banner
  const action = useAction({ failure: oneFieldFailure('phone') })
  const { message: actionError, busy } = action
  const phoneError = action.errors.phone

  async function invite() {
    const parsed = operatorInviteRequest.safeParse({ phone: phone.trim() })
    if (!parsed.success) return void action.check({ phone: parsed.error.issues[0]?.message ?? '请输入 11 位手机号' })
    await action.run(async () => {
      await api.post('/api/enterprise/operators', parsed.data, { loading: '正在邀请' })
      setPhone('')
      toast('已邀请，对方用该手机号登录即可办理', 'success')
      await reload()
    })
  }

  async function remove(m: EnterpriseMemberView) {
    action.setMessage('')
    if (!(await confirm(`移除经办人 ${m.name ?? ''} ${m.phoneMasked}？移除后对方立即不能再为本企业办理业务。`, '移除经办人', '移除'))) return
    await action.run(async () => {
      await api.del(`/api/enterprise/operators/${m.userId}`, { loading: '正在移除' })
      toast('已移除', 'success')
      await reload()
    })
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>邀请经办人</View>
        <View className='card__hint'>{getActingEnterprise()?.name ?? '本企业'}：经办人用该手机号登录执业通后即可为本企业代为申报和确认。</View>
        <Field label='经办人手机号' required error={phoneError}>
          <Input className={`field__input ${phoneError ? 'field__input--error' : ''}`} type='number' maxlength={11} placeholder='11 位手机号' value={phone} onInput={(e) => setPhone(e.detail.value.replace(/\D/g, ''))} data-testid='invite-phone' aria-label='经办人手机号' />
        </Field>
        {actionError && (
          <View className='banner banner--error mt' data-testid='operators-error'>
            {actionError}
          </View>
        )}
        <Button block type='primary' className='big-btn' loading={busy} onClick={invite} data-testid='invite-submit'>
          邀请
        </Button>
      </View>
      {error && <ErrorBlock message={error} onRetry={reload} />}
      {loading && !data && <LoadingBlock />}
      {data && (
        <View className='card'>
          <View className='card__title'>本企业人员（{data.length}）</View>
          {data.map((m) => (
            <View key={m.userId} className='member' data-testid='member'>
              <View className='member__main'>
                <View>
                  {m.name ?? '未实名'} <Tag color={m.role === 'legal_representative' ? 'blue' : 'gray'}>{ROLE_LABELS[m.role]}</Tag>
                </View>
                <View className='small muted'>
                  {m.phoneMasked} · {fmtDateTime(m.invitedAt)} 加入
                </View>
              </View>
              {m.role === 'operator' && (
                <Button size='small' fill='outline' color='#b42318' onClick={() => remove(m)} data-testid='member-remove' aria-label={`移除 ${m.phoneMasked}`}>
                  移除
                </Button>
              )}
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
