import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { STAGE_ROLES, STAGE_ROLE_LABELS, type StaffView, type StageRole } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { useLoader } from '../../../lib/hooks'
import { toast } from '../../../lib/platform'
import { Check, Chips, ErrorBlock, Field, LoadingBlock, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import '../queue/index.scss'
import { reviewerMe } from '../../lib/reviewer'

/**
 * 工作人员 (issue 11, administrators of an authority): the staff of my authority and those below it with their
 * stage roles, and an invitation by mobile number with stage roles (受理, 审核, 审批), the administrator flag and,
 * for a province administrator, the city (POST /api/review/staff). The person then logs in with that number.
 */
export default function StaffPage() {
  const { data: me } = useLoader(() => reviewerMe(), [], { onShow: false })
  const { data, error, loading, reload } = useLoader(() => api.get<StaffView[]>('/api/review/staff'), [])
  const [phone, setPhone] = useState('')
  const [roles, setRoles] = useState<StageRole[]>([])
  const [isAdmin, setIsAdmin] = useState(false)
  const [authorityId, setAuthorityId] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [actionError, setActionError] = useState('')
  const [busy, setBusy] = useState(false)

  async function invite() {
    setActionError('')
    if (!/^1[3-9]\d{9}$/.test(phone)) return setErrors({ phone: '请输入 11 位手机号码' })
    setErrors({})
    setBusy(true)
    try {
      await api.post('/api/review/staff', { phone, stageRoles: roles, isAdmin, ...(authorityId ? { authorityId } : {}) }, { loading: '正在邀请' })
      toast('已邀请', 'success')
      setPhone('')
      setRoles([])
      setIsAdmin(false)
      reload()
    } catch (e) {
      if (e instanceof ApiError && e.fields) setErrors(e.fields)
      setActionError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>邀请工作人员</View>
        <Field label='手机号' required error={errors.phone}>
          <Input className={`field__input ${errors.phone ? 'field__input--error' : ''}`} type='number' maxlength={11} placeholder='请输入 11 位手机号' value={phone} onInput={(e) => setPhone(e.detail.value.replace(/\D/g, '').slice(0, 11))} aria-label='手机号' data-testid='staff-phone' />
        </Field>
        <Field label='岗位' help='同一申请的审核和审批是否须由不同人员办理，由省份设置决定'>
          {STAGE_ROLES.map((r) => (
            <Check key={r} checked={roles.includes(r)} onChange={(v) => setRoles(v ? [...roles, r] : roles.filter((x) => x !== r))} testId={`staff-role-${r}`}>
              {STAGE_ROLE_LABELS[r]}
            </Check>
          ))}
          <Check checked={isAdmin} onChange={setIsAdmin} testId='staff-admin'>
            本机构管理员（可邀请和管理人员）
          </Check>
        </Field>
        {me && me.authority.level === 'province' && me.jurisdiction.length > 1 && (
          <Chips label='所属注册机构' testId='staff-authority' items={[{ value: '', label: me.authority.name }, ...me.jurisdiction.filter((a) => a.id !== me.authority.id).map((a) => ({ value: a.id, label: a.name }))]} value={authorityId} onChange={setAuthorityId} />
        )}
        {actionError && <View className='banner banner--error'>{actionError}</View>}
        <Button block type='primary' loading={busy} onClick={invite} data-testid='staff-invite'>
          邀请
        </Button>
        <View className='card__hint mt'>被邀请人用该手机号短信登录后即可办理（目前不发送邀请短信，请另行告知）。</View>
      </View>
      <View className='card'>
        <View className='card__title'>工作人员 {data ? `${data.length} 人` : ''}</View>
        {loading && !data && <LoadingBlock />}
        {data?.map((s) => (
          <View key={s.userId} className='objection' data-testid='staff-row'>
            <View className='card__title'>
              <View>{s.phoneMasked}</View>
              {s.isAdmin && <Tag color='blue'>管理员</Tag>}
            </View>
            <View className='card__hint'>{s.authority.name}</View>
            <View className='card__hint'>岗位：{s.stageRoles.length ? s.stageRoles.map((r) => STAGE_ROLE_LABELS[r]).join('、') : '无'} · 邀请于 {fmtDateTime(s.invitedAt)}</View>
          </View>
        ))}
      </View>
    </View>
  )
}
