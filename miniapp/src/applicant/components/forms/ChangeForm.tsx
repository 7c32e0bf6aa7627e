import { useState } from 'react'
import { Input, Picker, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { applicantDeclaration, type EnterpriseView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { go } from '../../../lib/platform'
import { Check, Field, Segments } from '../../../components/ui'
import { DocumentSlot } from '../DocumentSlot'
import { Declarations, EmployerPhone, tickDeclaration } from './common'
import { EmployerLookup } from './InitialForm'
import type { MatterFormProps, MatterModel } from './types'

export interface ChangeState {
  kind: 'employer' | 'details'
  employer: { name: string; uscc: string; phone: string }
  changeName: boolean
  name: string
  changeIdNumber: boolean
  idNumber: string
  changedOn: string
  declarations: boolean[]
}

/**
 * 变更注册: a change of employer to the new employer (004: validity kept; where the province allows it as one
 * application), or of the name or ID number with the evidence, reported within the province's days (004: 30).
 */
function ChangeForm({ app, register, ctx, st, set, fields, editable, changeMatter, onUploaded }: MatterFormProps<ChangeState>) {
  const [lookup, setLookup] = useState<{ state: 'idle' | 'loading' | 'ok' | 'fail'; message?: string }>({ state: 'idle' })
  const within = ctx.rules.detailsChangeWithinDays
  const employerClosed = changeMatter?.code === 'employer_change_by_cancellation' || changeMatter?.code === 'employer_change_too_soon'
  const evidence = app.documents.find((d) => d.kind === 'evidence')

  async function verify() {
    const name = st.employer.name.trim()
    if (name.length < 2) return setLookup({ state: 'fail', message: '请填写营业执照上的企业全称' })
    setLookup({ state: 'loading' })
    try {
      const hit = (await api.get<EnterpriseView[]>('/api/enterprises', { query: { name } })).find((e) => e.name === name)
      if (!hit) return setLookup({ state: 'fail', message: '未找到该企业，请填写营业执照上的企业全称' })
      set((d) => {
        d.employer.name = hit.name
        d.employer.uscc = hit.uscc
      })
      setLookup({ state: 'ok', message: `已验证：${hit.name}` })
    } catch (e) {
      setLookup({ state: 'fail', message: errorMessage(e) })
    }
  }

  return (
    <>
      <View className='card'>
        <View className='card__title'>变更内容</View>
        <Segments
          items={[
            { value: 'details', label: '姓名或身份证号码' },
            { value: 'employer', label: '聘用企业' },
          ]}
          value={st.kind}
          onChange={(v) =>
            editable &&
            set((d) => {
              d.kind = v
            })
          }
        />
        {st.kind === 'employer' && employerClosed && (
          <View className='banner banner--warn mt' onClick={() => go('/applicant/pages/employer-change/index')}>
            {changeMatter?.reason} 查看变更聘用企业办理指引 ›
          </View>
        )}
        {fields.kind && <View className='field__error'>{fields.kind}</View>}
      </View>
      {st.kind === 'employer' ? (
        <>
          <View className='card'>
            <View className='card__title'>现聘用企业</View>
            <View className='card__hint'>
              {register?.employer?.name ?? '—'} · {register?.employer?.uscc ?? ''}
            </View>
            <View className='card__hint'>变更后注册专业的有效期按原注册有效期计算。</View>
          </View>
          <EmployerLookup
            title='新聘用企业'
            st={st}
            set={set}
            err={(k) => fields[`employer.${k}`]}
            editable={editable}
            lookup={lookup}
            setLookup={setLookup}
            verify={verify}
          />
        </>
      ) : (
        <>
          <EmployerPhone
            name={register?.employer?.name ?? ''}
            uscc={register?.employer?.uscc}
            phone={st.employer.phone}
            error={fields['employer.phone']}
            disabled={!editable}
            onPhone={(v) =>
              set((d) => {
                d.employer.phone = v
              })
            }
          />
          <View className='card'>
            <View className='card__title'>变更后的个人信息</View>
            <View className='banner banner--info'>
              姓名或身份证号码变更后，请在变更之日起 {within ?? 30} 日内申请，并上传户籍管理部门的变更证明或新身份证；审批通过后，注册信息与实名信息一并更新，并换发新的电子证书。
            </View>
            <Check
              checked={st.changeName}
              disabled={!editable}
              onChange={(v) =>
                set((d) => {
                  d.changeName = v
                })
              }
              testId='change-name'
            >
              变更姓名（现为 {register?.holderName ?? app.applicant.name}）
            </Check>
            {st.changeName && (
              <Field label='变更后的姓名' required error={fields.name}>
                <Input
                  className={`field__input ${fields.name ? 'field__input--error' : ''}`}
                  placeholder='新身份证上的姓名'
                  value={st.name}
                  disabled={!editable}
                  onInput={(e) =>
                    set((d) => {
                      d.name = e.detail.value.trim()
                    })
                  }
                  data-testid='new-name'
                />
              </Field>
            )}
            <Check
              checked={st.changeIdNumber}
              disabled={!editable}
              onChange={(v) =>
                set((d) => {
                  d.changeIdNumber = v
                })
              }
              testId='change-id'
            >
              变更身份证号码
            </Check>
            {st.changeIdNumber && (
              <Field label='变更后的身份证号码' required error={fields.idNumber}>
                <Input
                  className={`field__input ${fields.idNumber ? 'field__input--error' : ''}`}
                  type='idcard'
                  maxlength={18}
                  placeholder='18 位居民身份证号码'
                  value={st.idNumber}
                  disabled={!editable}
                  onInput={(e) =>
                    set((d) => {
                      d.idNumber = e.detail.value.trim().toUpperCase()
                    })
                  }
                  data-testid='new-id'
                />
              </Field>
            )}
            {!st.changeName && !st.changeIdNumber && fields.name && <View className='field__error'>{fields.name}</View>}
            <Field label='变更日期' required error={fields.changedOn} help={`户籍或身份证变更的日期；须在 ${within ?? 30} 日内申请`}>
              <Picker
                mode='date'
                value={st.changedOn || dayjs().format('YYYY-MM-DD')}
                start={dayjs().subtract(1, 'year').format('YYYY-MM-DD')}
                end={dayjs().format('YYYY-MM-DD')}
                disabled={!editable}
                onChange={(e) =>
                  set((d) => {
                    d.changedOn = e.detail.value
                  })
                }
              >
                <View className={`picker-value ${st.changedOn ? '' : 'picker-value--placeholder'} ${fields.changedOn ? 'picker-value--error' : ''}`} data-testid='changed-on'>
                  {st.changedOn || '请选择日期'}
                </View>
              </Picker>
            </Field>
          </View>
        </>
      )}
      <View className='card'>
        <View className='card__title'>证明材料</View>
        <View className='card__hint'>{st.kind === 'employer' ? '请上传与原聘用企业解除劳动合同的证明（或退休证明）及与新聘用企业签订的劳动合同。' : '请上传户籍管理部门出具的姓名（身份证号码）变更证明，或变更后的身份证人像面照片。'}</View>
        <DocumentSlot applicationId={app.id} kind='evidence' title='变更证明材料' desc='PDF、JPG 或 PNG，不超过 2 MB' required uploaded={evidence} disabled={!editable} onUploaded={onUploaded} />
      </View>
      <Declarations
        texts={applicantDeclaration({ applicantName: app.applicant.name, employerName: '', profession: app.profession, type: app.type })}
        value={st.declarations}
        disabled={!editable}
        error={fields.declarationAccepted}
        onChange={tickDeclaration(set)}
      />
    </>
  )
}

export const changeModel: MatterModel<ChangeState> = {
  init: (_r, params) => ({ kind: params.kind === 'employer' ? 'employer' : 'details', employer: { name: '', uscc: '', phone: '' }, changeName: false, name: '', changeIdNumber: false, idNumber: '', changedOn: '', declarations: [false] }),
  fromForm: (form) => ({
    kind: form?.kind === 'employer' ? 'employer' : 'details',
    employer: { name: form?.employer?.name ?? '', uscc: form?.employer?.uscc ?? '', phone: form?.employer?.phone ?? '' },
    changeName: form?.name !== undefined,
    name: form?.name ?? '',
    changeIdNumber: form?.idNumber !== undefined,
    // a saved new ID number comes back masked (the server keeps it sealed): it is typed again to change the form
    idNumber: typeof form?.idNumber === 'string' && !form.idNumber.includes('*') ? form.idNumber : '',
    changedOn: form?.changedOn ?? '',
    declarations: [!!form?.declarationAccepted],
  }),
  toForm: (st) => {
    const declarationAccepted = st.declarations.every(Boolean) ? true : undefined
    if (st.kind === 'employer') return { kind: 'employer', employer: { name: st.employer.name.trim(), uscc: st.employer.uscc.trim().toUpperCase(), phone: st.employer.phone.trim() }, declarationAccepted }
    return {
      kind: 'details',
      employer: { phone: st.employer.phone.trim() },
      ...(st.changeName ? { name: st.name } : {}),
      ...(st.changeIdNumber ? { idNumber: st.idNumber } : {}),
      changedOn: st.changedOn || undefined,
      declarationAccepted,
    }
  },
  paths: /^(kind|employer|name|idNumber|changedOn|declarationAccepted)/,
  Form: ChangeForm,
}
