import { useEffect, useState } from 'react'
import { Input, Picker, Textarea, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { CAPITAL_CURRENCIES, ENTERPRISE_LOCALITIES, ENTERPRISE_REGISTRATION_TYPES, REQUIRED_PROFILE_FIELDS, enterpriseProfileSchema, type EnterpriseMembershipView, type EnterpriseProfileView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { issuesByField, useAction, useLoader } from '../../../lib/hooks'
import { toast } from '../../../lib/platform'
import { ErrorBlock, Field, LoadingBlock, Row } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { loadMemberships } from '../../lib/memberships'

type Kind = 'text' | 'date' | 'number' | 'long' | { options: Record<string, string> }
/** 企业基本信息 (003 §3.2.2.1) in the seed's order; the starred ones are REQUIRED_PROFILE_FIELDS. */
const FIELDS: { key: string; label: string; kind: Kind; placeholder?: string }[] = [
  { key: 'establishedOn', label: '成立日期', kind: 'date' },
  { key: 'formerNames', label: '曾用名', kind: 'text' },
  { key: 'locality', label: '企业类型', kind: { options: ENTERPRISE_LOCALITIES } },
  { key: 'province', label: '注册所在省', kind: 'text' },
  { key: 'city', label: '注册所在地市', kind: 'text' },
  { key: 'district', label: '注册所在区县', kind: 'text' },
  { key: 'businessAddress', label: '企业营业地址', kind: 'text' },
  { key: 'registrationType', label: '企业登记注册类型', kind: { options: ENTERPRISE_REGISTRATION_TYPES } },
  { key: 'registeredCapital', label: '注册资本金（万元）', kind: 'number', placeholder: '如 500' },
  { key: 'capitalCurrency', label: '注册资本币种', kind: { options: CAPITAL_CURRENCIES } },
  { key: 'officePhone', label: '办公电话', kind: 'text', placeholder: '如 021-12345678' },
  { key: 'fax', label: '传真号码', kind: 'text' },
  { key: 'contactName', label: '联系人姓名', kind: 'text' },
  { key: 'contactMobile', label: '联系人手机号码', kind: 'text', placeholder: '11 位手机号' },
  { key: 'website', label: '企业网址', kind: 'text' },
  { key: 'email', label: '电子邮箱', kind: 'text' },
  { key: 'qualificationType', label: '企业资质类型', kind: 'text' },
  { key: 'businessScope', label: '营业执照经营范围', kind: 'long' },
]
const required = new Set(Object.keys(REQUIRED_PROFILE_FIELDS))

const shown = (v: unknown) => (v === null || v === undefined ? '' : String(v))

/**
 * 企业基本信息 (GET/PUT /api/enterprise/profile): every member sees it, the legal representative edits it. The
 * starred fields gate filings and confirmations: while any is missing the page names them with the BFF's
 * message (enterprise_profile_incomplete).
 */
export default function EnterpriseProfile() {
  const { data, error, loading, reload, setData } = useLoader(async () => {
    const [view, m] = await Promise.all([api.get<EnterpriseProfileView>('/api/enterprise/profile'), loadMemberships()])
    return { view, membership: m.current as EnterpriseMembershipView | null }
  })
  const [values, setValues] = useState<Record<string, string>>({})
  const [editing, setEditing] = useState(false)
  const saving = useAction()
  const { errors: fields, message: saveError } = saving

  useEffect(() => {
    if (data) setValues(Object.fromEntries(FIELDS.map((f) => [f.key, shown((data.view.profile as Record<string, unknown>)[f.key])])))
  }, [data])

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const { view, membership } = data
  const legal = membership?.role === 'legal_representative'
  const set = (key: string, v: string) => {
    setValues({ ...values, [key]: v })
    saving.setErrors({ ...fields, [key]: '' })
  }

  async function save() {
    const body: Record<string, unknown> = {}
    for (const f of FIELDS) {
      const v = (values[f.key] ?? '').trim()
      body[f.key] = v === '' ? null : f.kind === 'number' ? Number(v) : v
    }
    const parsed = enterpriseProfileSchema.safeParse(body)
    if (!parsed.success) {
      saving.check(issuesByField(parsed.error.issues))
      saving.setMessage('填写的信息有误，请按红色提示修改')
      return
    }
    await saving.run(async () => {
      const saved = await api.put<EnterpriseProfileView>('/api/enterprise/profile', parsed.data, { loading: '正在保存' })
      setData({ view: saved, membership })
      setEditing(false)
      toast(saved.missing.length ? '已保存，仍有必填项未填写' : '已保存', saved.missing.length ? 'none' : 'success')
    })
  }

  const label = (f: (typeof FIELDS)[number], v: string) => (typeof f.kind === 'object' ? (f.kind.options[v] ?? '') : v)

  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: legal ? '200px' : undefined }}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>{view.name}</View>
        <Row label='统一社会信用代码'>{view.uscc}</Row>
        <Row label='法定代表人'>{view.legalRepresentativeName ?? '—'}</Row>
        {view.updatedAt && <Row label='更新时间'>{fmtDateTime(view.updatedAt)}</Row>}
      </View>
      {view.missing.length > 0 && (
        <View className='banner banner--warn' data-testid='profile-missing'>
          请先由法定代表人完善企业基本信息（带 * 的必填项）后再办理申报：{view.missing.map((m) => m.message.replace(/^请(填写|选择)/, '')).join('、')}
        </View>
      )}
      <View className='card' data-testid='profile-card'>
        <View className='card__title'>企业基本信息</View>
        <View className='card__hint'>带 * 的为必填项。{legal ? '' : '仅法定代表人可以修改。'}</View>
        {FIELDS.map((f) =>
          editing ? (
            <Field key={f.key} label={f.label} required={required.has(f.key)} error={fields[f.key]}>
              {f.kind === 'date' ? (
                <Picker mode='date' value={values[f.key] || ''} onChange={(e) => set(f.key, e.detail.value)}>
                  <View className={`picker-value ${values[f.key] ? '' : 'picker-value--placeholder'}`}>
                    {values[f.key] || '请选择日期'}
                  </View>
                </Picker>
              ) : typeof f.kind === 'object' ? (
                <Picker mode='selector' range={Object.values(f.kind.options)} value={Math.max(0, Object.keys(f.kind.options).indexOf(values[f.key]))} onChange={(e) => set(f.key, Object.keys((f.kind as { options: Record<string, string> }).options)[Number(e.detail.value)])}>
                  <View className={`picker-value ${values[f.key] ? '' : 'picker-value--placeholder'}`}>
                    {label(f, values[f.key]) || '请选择'}
                  </View>
                </Picker>
              ) : f.kind === 'long' ? (
                <Textarea className='textarea' maxlength={2000} value={values[f.key]} onInput={(e) => set(f.key, e.detail.value)} aria-label={f.label} />
              ) : (
                <Input className={`field__input ${fields[f.key] ? 'field__input--error' : ''}`} type={f.kind === 'number' ? 'digit' : 'text'} placeholder={f.placeholder ?? ''} value={values[f.key]} onInput={(e) => set(f.key, e.detail.value)} data-testid={`profile-${f.key}`} aria-label={f.label} />
              )}
            </Field>
          ) : (
            <Row key={f.key} label={`${required.has(f.key) ? '* ' : ''}${f.label}`}>
              {label(f, values[f.key]) || <View className='muted'>{required.has(f.key) ? '未填写（必填）' : '—'}</View>}
            </Row>
          ),
        )}
        {saveError && <View className='banner banner--error mt'>{saveError}</View>}
      </View>
      {legal && (
        <View className='btn-bar'>
          {editing ? (
            <>
              <Button className='big-btn' fill='outline' onClick={() => setEditing(false)}>
                取消
              </Button>
              <Button className='big-btn' type='primary' loading={saving.busy} onClick={save} data-testid='profile-save'>
                保存
              </Button>
            </>
          ) : (
            <Button className='big-btn' type='primary' onClick={() => setEditing(true)} data-testid='profile-edit'>
              修改基本信息
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
