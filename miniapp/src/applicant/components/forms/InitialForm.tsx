import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { applicantDeclaration, type EnterpriseView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { Field } from '../../../components/ui'
import { PROFESSION_RULES } from '@zhiyetong/shared'
import { buildForm, emptyState, errorFor, lateSpecialties, offeredSpecialties, qualificationLate, stateFromForm, type FormState } from '../../pages/form/model'
import { Declarations, PhotoCard, QualificationCard, SpecialtyPicker, tickDeclaration } from './common'
import type { MatterFormProps, MatterModel } from './types'

/**
 * 初始注册 (000 §3.1.1 figure 7; 001 and 002 likewise): the employer by its full name (验证企业名称), then as
 * the profession's rules say (PROFESSION_RULES): the specialties with late ones' hours, or for a profession
 * registered as a whole the qualification (province or elsewhere); the photo. The documents, and the
 * signature image where the rules ask for it, follow on the form page.
 */
function InitialForm({ app, st, set, fields, editable, ctx, onUploaded }: MatterFormProps<FormState>) {
  const [lookup, setLookup] = useState<{ state: 'idle' | 'loading' | 'ok' | 'fail'; message?: string }>({ state: 'idle' })
  const today = dayjs(ctx.today).hour(12).toDate()
  const err = errorFor(fields, st, today)
  const late = lateSpecialties(st, today)
  const declarations = applicantDeclaration({ applicantName: app.applicant.name, employerName: st.employer.name.trim() || '（聘用企业）', profession: app.profession, type: app.type })

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

  return (
    <>
      <EmployerLookup st={st} set={set} err={err.employer} editable={editable} lookup={lookup} setLookup={setLookup} verify={verifyEmployer} />
      {PROFESSION_RULES[st.profession].specialties ? (
        <SpecialtyPicker offered={offeredSpecialties(st.profession)} st={st} set={set} err={err} late={late} editable={editable} />
      ) : (
        <QualificationCard st={st} set={set} err={err} late={qualificationLate(st, today)} editable={editable} />
      )}
      <PhotoCard app={app} editable={editable} onUploaded={onUploaded} />
      <Declarations
        texts={declarations}
        value={st.declarations}
        disabled={!editable}
        error={err.declaration}
        onChange={tickDeclaration(set)}
      />
    </>
  )
}

type Lookup = { state: 'idle' | 'loading' | 'ok' | 'fail'; message?: string }

/** 聘用企业: full name, verified against the enterprise list to fill in the USCC, and the contact phone. */
export function EmployerLookup({ st, set, err, editable, lookup, setLookup, verify, title = '聘用企业' }: { st: { employer: { name: string; uscc: string; phone: string } }; set: (fn: (d: any) => void) => void; err: (k: 'name' | 'uscc' | 'phone') => string | undefined; editable: boolean; lookup: Lookup; setLookup: (l: Lookup) => void; verify: () => void; title?: string }) {
  return (
    <View className='card'>
      <View className='card__title'>{title}</View>
      <Field label='企业名称（全称）' required error={err('name')} help={lookup.state === 'ok' ? lookup.message : '填写营业执照上的企业全称，点“验证企业名称”自动带出统一社会信用代码'}>
        <View className='field__control'>
          <Input
            className={`field__input ${err('name') ? 'field__input--error' : ''}`}
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
          <View className={`sms-btn ${lookup.state === 'loading' ? 'sms-btn--disabled' : ''}`} onClick={() => editable && verify()} data-testid='verify-employer'>
            {lookup.state === 'loading' ? '验证中…' : '验证企业名称'}
          </View>
        </View>
        {lookup.state === 'fail' && <View className='field__error'>{lookup.message}</View>}
      </Field>
      <Field label='统一社会信用代码' required error={err('uscc')}>
        <Input
          className={`field__input ${err('uscc') ? 'field__input--error' : ''} ${lookup.state === 'ok' ? 'field__input--readonly' : ''}`}
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
      <Field label='企业联系电话' required error={err('phone')} help='手机号或带区号的固定电话，如 021-12345678'>
        <Input
          className={`field__input ${err('phone') ? 'field__input--error' : ''}`}
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
  )
}

export const initialModel: MatterModel<FormState> = {
  init: (_register, _params, profession) => emptyState(profession),
  fromForm: (form, _register, profession) => stateFromForm(form, profession),
  toForm: (st, ctx) => buildForm(st, dayjs(ctx.today).hour(12).toDate()),
  paths: /^(employer|specialties|continuingEducation|qualification|declarationAccepted)/,
  Form: InitialForm,
}
