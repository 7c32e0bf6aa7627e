import { useEffect, useMemo, useRef, useState } from 'react'
import { Input, Picker, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Switch } from '@nutui/nutui-react-taro'
import dayjs from 'dayjs'
import { EDITABLE_STATUSES, PROFESSION_RULES, SPECIALTY_LABELS, applicantDeclaration, applicationFormTitle, checkInitialRegistrationForm, type ApplicationView, type ConstructorSpecialty, type EnterpriseView } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { confirm, go, toast } from '../../../lib/platform'
import { useRouterParams } from '../../../lib/hooks'
import { Check, ErrorBlock, Field, LoadingBlock } from '../../../components/ui'
import { CONSTRUCTOR_SPECIALTIES, buildForm, emptyState, errorFor, lateSpecialties, stateFromForm, type FormState } from './model'
import './index.scss'

const draftKey = (id: string) => `zyt:form-draft:${id}`
type Draft = { state: FormState; at: string }

export default function ApplicationForm() {
  const { id = '' } = useRouterParams()
  const [app, setApp] = useState<ApplicationView | null>(null)
  const [loadError, setLoadError] = useState('')
  const [st, setSt] = useState<FormState>(emptyState)
  const [restored, setRestored] = useState<string | null>(null)
  const [showErrors, setShowErrors] = useState(false)
  const [serverFields, setServerFields] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState('')
  const [conflict, setConflict] = useState(false)
  const [saving, setSaving] = useState(false)
  const [lookup, setLookup] = useState<{ state: 'idle' | 'loading' | 'ok' | 'fail'; message?: string }>({ state: 'idle' })
  const loaded = useRef(false)
  const today = useMemo(() => new Date(), [])

  async function load(keepLocal = false) {
    setLoadError('')
    try {
      const a = await api.get<ApplicationView>(`/api/applications/${id}`)
      setApp(a)
      if (!keepLocal) {
        const draft = Taro.getStorageSync(draftKey(id)) as Draft | ''
        if (draft && draft.state) {
          setSt({ ...emptyState(), ...draft.state })
          setRestored(draft.at)
        } else setSt(stateFromForm(a.form))
      }
      loaded.current = true
    } catch (e) {
      setLoadError(errorMessage(e))
    }
  }
  useEffect(() => {
    load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])

  // Everything typed is kept on the device until the server has it.
  function change(next: FormState) {
    setSt(next)
    setServerFields({})
    if (loaded.current) Taro.setStorageSync(draftKey(id), { state: next, at: new Date().toISOString() } satisfies Draft)
  }
  const set = (fn: (d: FormState) => void) => {
    const next: FormState = JSON.parse(JSON.stringify(st))
    fn(next)
    change(next)
  }

  const check = useMemo(() => checkInitialRegistrationForm(buildForm(st, today), today), [st, today])
  const localFields = check.ok ? {} : check.fields
  const fields = { ...(showErrors ? localFields : {}), ...serverFields }
  const err = errorFor(fields, st, today)
  const late = lateSpecialties(st, today)
  const rules = PROFESSION_RULES.constructor

  async function verifyEmployer() {
    const name = st.employer.name.trim()
    if (name.length < 2) {
      setLookup({ state: 'fail', message: '请填写营业执照上的企业全称' })
      return
    }
    setLookup({ state: 'loading' })
    try {
      const list = await api.get<EnterpriseView[]>('/api/enterprises', { query: { name } })
      const hit = list.find((e) => e.name === name) || list[0]
      if (!hit) {
        setLookup({ state: 'fail', message: '未找到该企业，请填写营业执照上的企业全称' })
        return
      }
      set((d) => {
        d.employer.name = hit.name
        d.employer.uscc = hit.uscc
      })
      setLookup({ state: 'ok', message: `已验证：${hit.name}` })
    } catch (e) {
      setLookup({ state: 'fail', message: errorMessage(e) })
    }
  }

  async function save(thenSign: boolean) {
    if (!app) return
    setFormError('')
    // The server takes only a complete, valid form; until then the draft lives on this device.
    if (!check.ok) {
      Taro.setStorageSync(draftKey(id), { state: st, at: new Date().toISOString() } satisfies Draft)
      setShowErrors(true)
      if (thenSign) {
        setFormError('填写的信息有误，请按红色提示修改')
        Taro.pageScrollTo({ scrollTop: 0, duration: 200 })
      } else toast('已在本机保存草稿，补全后即可提交')
      return
    }
    if (app.status === 'awaiting_employer' || app.signatures.length) {
      if (!(await confirm('申请表已签名，保存修改后原签名作废，需要重新签名。确定保存吗？', '修改已签名的申请表', '保存'))) return
    }
    setSaving(true)
    try {
      const form = buildForm(st, today)
      const saved = await api.put<ApplicationView>(`/api/applications/${id}`, { version: app.version, form }, { loading: '正在保存' })
      setApp(saved)
      setConflict(false)
      Taro.removeStorageSync(draftKey(id))
      setRestored(null)
      toast('已保存', 'success')
      if (thenSign) go(`/applicant/pages/sign/index?id=${id}`)
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.fields) {
          setServerFields(e.fields)
          setShowErrors(true)
        }
        if (e.code === 'version_conflict') setConflict(true)
      }
      setFormError(errorMessage(e))
    } finally {
      setSaving(false)
    }
  }

  if (loadError && !app) return <ErrorBlock message={loadError} onRetry={() => load()} />
  if (!app) return <LoadingBlock />
  const editable = EDITABLE_STATUSES.has(app.status)
  const declarations = applicantDeclaration({ applicantName: app.applicant.name, employerName: st.employer.name.trim() || '（聘用企业）', profession: app.profession })

  return (
    <View className='page page--padded app-form'>
      <View className='app-form__title'>{applicationFormTitle(app.profession, app.type)}</View>
      {!editable && (
        <View className='banner banner--warn' onClick={() => Taro.redirectTo({ url: `/applicant/pages/detail/index?id=${id}` })}>
          申请已提交注册机构（{app.statusLabel}），不能再修改。查看申请 ›
        </View>
      )}
      {app.status === 'returned' && app.returnReason && <View className='banner banner--error'>企业退回原因：{app.returnReason}</View>}
      {app.status === 'awaiting_employer' && <View className='banner banner--warn'>申请表已签名并等待企业确认，修改并保存后原签名作废。</View>}
      {restored && <View className='banner banner--info'>已恢复本机于 {dayjs(restored).format('MM-DD HH:mm')} 未提交的填写内容</View>}
      {conflict && (
        <View className='banner banner--error' onClick={() => load(true)}>
          申请表已在其他地方修改。点此载入最新版本号（保留您本机填写的内容）后再保存 ›
        </View>
      )}
      {formError && !conflict && <View className='banner banner--error' data-testid='form-error'>{formError}</View>}
      {err.other.map((m) => (
        <View key={m} className='banner banner--error'>
          {m}
        </View>
      ))}

      <View className='card'>
        <View className='card__title'>申请人</View>
        <View className='card__hint'>
          {app.applicant.name} · {app.applicant.gender === 'male' ? '男' : '女'} · {app.applicant.birthDate} · 身份证 {app.applicant.idNumber}
        </View>
      </View>

      <View className='card'>
        <View className='card__title'>聘用企业</View>
        <Field label='企业名称（全称）' required error={err.employer('name')} help={lookup.state === 'ok' ? lookup.message : '填写营业执照上的企业全称，点“验证企业名称”自动带出统一社会信用代码'}>
          <View className='field__control'>
            <Input
              className={`field__input ${err.employer('name') ? 'field__input--error' : ''}`}
              placeholder='如：上海建和工程咨询有限公司'
              value={st.employer.name}
              disabled={!editable}
              onInput={(e) => {
                set((d) => {
                  d.employer.name = e.detail.value
                })
                if (lookup.state !== 'idle') setLookup({ state: 'idle' })
              }}
              data-testid='employer-name'
            />
            <View className={`sms-btn ${lookup.state === 'loading' ? 'sms-btn--disabled' : ''}`} onClick={() => editable && verifyEmployer()} data-testid='verify-employer'>
              {lookup.state === 'loading' ? '验证中…' : '验证企业名称'}
            </View>
          </View>
          {lookup.state === 'fail' && <View className='field__error'>{lookup.message}</View>}
        </Field>
        <Field label='统一社会信用代码' required error={err.employer('uscc')}>
          <Input
            className={`field__input ${err.employer('uscc') ? 'field__input--error' : ''} ${lookup.state === 'ok' ? 'field__input--readonly' : ''}`}
            placeholder='验证企业名称后自动填写'
            maxlength={18}
            value={st.employer.uscc}
            disabled={!editable || lookup.state === 'ok'}
            onInput={(e) =>
              set((d) => {
                d.employer.uscc = e.detail.value.toUpperCase()
              })
            }
            data-testid='employer-uscc'
          />
        </Field>
        <Field label='企业联系电话' required error={err.employer('phone')} help='手机号或带区号的固定电话，如 021-12345678'>
          <Input
            className={`field__input ${err.employer('phone') ? 'field__input--error' : ''}`}
            type='text'
            maxlength={13}
            placeholder='企业联系电话'
            value={st.employer.phone}
            disabled={!editable}
            onInput={(e) =>
              set((d) => {
                d.employer.phone = e.detail.value.trim()
              })
            }
            data-testid='employer-phone'
          />
        </Field>
      </View>

      <View className='card'>
        <View className='card__title'>申请注册专业</View>
        {err.specialtiesGeneral && <View className='field__error'>{err.specialtiesGeneral}</View>}
        {CONSTRUCTOR_SPECIALTIES.map((s: ConstructorSpecialty) => {
          const row = st.specialties[s]
          const e = err.specialty(s)
          return (
            <View key={s} className={`specialty ${row.checked ? 'specialty--on' : ''}`}>
              <Check
                checked={row.checked}
                disabled={!editable}
                onChange={(v) =>
                  set((d) => {
                    d.specialties[s].checked = v
                  })
                }
                testId={`specialty-${s}`}
              >
                {SPECIALTY_LABELS[s]}
              </Check>
              {row.checked && (
                <View className='specialty__detail'>
                  <Field label={row.dateIsApprovalDate ? '资格证书批准日期' : '资格证书签发日期'} required error={e} help={late.includes(s) ? `距签发日期已超过 ${rules.lateAfterYears} 年，属于逾期注册，须填写继续教育学时` : undefined}>
                    <Picker
                      mode='date'
                      value={row.issueDate || dayjs().subtract(1, 'year').format('YYYY-MM-DD')}
                      start='1990-01-01'
                      end={dayjs().format('YYYY-MM-DD')}
                      disabled={!editable}
                      onChange={(ev) =>
                        set((d) => {
                          d.specialties[s].issueDate = ev.detail.value
                        })
                      }
                    >
                      <View className={`picker-value ${row.issueDate ? '' : 'picker-value--placeholder'} ${e ? 'picker-value--error' : ''}`} data-testid={`issue-date-${s}`}>
                        {row.issueDate || '请选择日期'}
                      </View>
                    </Picker>
                  </Field>
                  <View className='specialty__toggle'>
                    <View className='specialty__toggle-text'>若没有签发日期则填写批准日期</View>
                    <Switch
                      checked={row.dateIsApprovalDate}
                      disabled={!editable}
                      onChange={(v) =>
                        set((d) => {
                          d.specialties[s].dateIsApprovalDate = v
                        })
                      }
                    />
                  </View>
                </View>
              )}
            </View>
          )
        })}
      </View>

      {late.length > 0 && (
        <View className='card' data-testid='continuing-education'>
          <View className='card__title'>继续教育（逾期注册）</View>
          <View className='card__hint'>
            以下专业距签发日期已超过 {rules.lateAfterYears} 年，请填写继续教育学时：必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时。
          </View>
          {err.ceGeneral && <View className='field__error'>{err.ceGeneral}</View>}
          {late.map((s) => (
            <View key={s} className='ce'>
              <View className='ce__name'>{SPECIALTY_LABELS[s]}</View>
              <View className='ce__row'>
                {(['compulsoryHours', 'electiveHours'] as const).map((k) => (
                  <View key={k} className='ce__cell'>
                    <Field label={k === 'compulsoryHours' ? '必修课学时' : '选修课学时'} required error={err.ce(s, k)}>
                      <Input
                        className={`field__input ${err.ce(s, k) ? 'field__input--error' : ''}`}
                        type='number'
                        maxlength={4}
                        placeholder='学时'
                        value={st.ce[s][k]}
                        disabled={!editable}
                        onInput={(e) =>
                          set((d) => {
                            d.ce[s][k] = e.detail.value.replace(/\D/g, '')
                          })
                        }
                        data-testid={`ce-${s}-${k}`}
                      />
                    </Field>
                  </View>
                ))}
              </View>
            </View>
          ))}
        </View>
      )}

      <View className='card'>
        <View className='card__title'>申请人员意见</View>
        <View className='card__hint'>请逐条阅读并勾选：</View>
        {declarations.map((text, i) => (
          <Check
            key={i}
            checked={st.declarations[i]}
            disabled={!editable}
            onChange={(v) =>
              set((d) => {
                d.declarations[i] = v
              })
            }
            testId={`declaration-${i}`}
          >
            {text}
          </Check>
        ))}
        {err.declaration && <View className='field__error'>{err.declaration}</View>}
      </View>

      {editable && (
        <View className='btn-bar'>
          <Button className='big-btn' fill='outline' type='primary' disabled={saving} onClick={() => save(false)} data-testid='save-draft'>
            保存
          </Button>
          <Button className='big-btn' type='primary' loading={saving} onClick={() => save(true)} data-testid='save-and-sign'>
            保存并签名
          </Button>
        </View>
      )}
    </View>
  )
}
