import { Textarea, View } from '@tarojs/components'
import { CANCELLATION_REASONS, PROFESSION_RULES, SPECIALTY_LABELS, applicantDeclaration, type CancellationReason, type Profession, type Specialty } from '@zhiyetong/shared'
import { Check, Field } from '../../../components/ui'
import { Declarations, EmployerPhone, PhotoCard, tickDeclaration } from './common'
import type { MatterFormProps, MatterModel } from './types'

export interface CancellationState {
  /** A profession registered as a whole (002) cancels the whole registration: no specialties. */
  profession?: Profession
  phone: string
  specialties: Specialty[]
  reason: CancellationReason | ''
  reasonText: string
  declarations: boolean[]
}

const registeredOf = (register: MatterFormProps<unknown>['register']) => (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => s.specialty)

/**
 * 注销注册 (000 §3.4.1 figure 44): some or all registered specialties and a reason. All of them cancel the whole
 * registration and void the certificate; some leave a new certificate to claim. It completes when the employer
 * signs: no review by the authority (step 10).
 */
function CancellationForm({ app, register, st, set, fields, editable, onUploaded }: MatterFormProps<CancellationState>) {
  const registered = registeredOf(register)
  const whole = !PROFESSION_RULES[app.profession].specialties
  const all = whole || (registered.length > 0 && registered.every((s) => st.specialties.includes(s)))
  const toggle = (s: Specialty, v: boolean) =>
    set((d) => {
      d.specialties = registered.filter((x) => (x === s ? v : d.specialties.includes(x)))
    })
  const specialtyError = Object.entries(fields).find(([k]) => /^specialties\.\d+/.test(k))?.[1]
  return (
    <>
      <View className='banner banner--info'>注销注册由聘用企业签名确认后即办结，无需注册机构审批。</View>
      <EmployerPhone
        name={register?.employer?.name ?? ''}
        uscc={register?.employer?.uscc}
        phone={st.phone}
        error={fields['employer.phone']}
        disabled={!editable}
        onPhone={(v) =>
          set((d) => {
            d.phone = v
          })
        }
      />
      {whole ? (
        <View className='card' data-testid='cancel-whole'>
          <View className='card__title'>申请注销注册</View>
          <View className='card__hint'>按整体注册（不分专业）：注册编号 {register?.registrationNo ?? '—'}，有效期至 {register?.validUntil ?? '—'}。</View>
          <View className='banner banner--error mt' data-testid='cancel-all-warning'>
            办结后注册即注销，整本注册证书作废，不再提供电子证书领取。如需到新企业执业，须由新企业重新办理初始注册。
          </View>
        </View>
      ) : (
      <View className='card'>
        <View className='card__title'>申请注销专业</View>
        <View className='card__hint'>可多选。选中全部专业即注销整本注册证书；选择部分专业则仅注销所选专业。</View>
        <Check
          checked={all}
          disabled={!editable}
          onChange={(v) =>
            set((d) => {
              d.specialties = v ? [...registered] : []
            })
          }
          testId='cancel-all'
        >
          全部专业（注销整本注册证书）
        </Check>
        {registered.map((s) => (
          <Check key={s} checked={st.specialties.includes(s)} disabled={!editable} onChange={(v) => toggle(s, v)} testId={`cancel-${s}`}>
            {SPECIALTY_LABELS[s]}
            <View className='small muted'>有效期至 {register?.specialties.find((x) => x.specialty === s)?.validUntil}</View>
          </Check>
        ))}
        {(fields.specialties || specialtyError) && <View className='field__error'>{fields.specialties || specialtyError}</View>}
        {all ? (
          <View className='banner banner--error mt' data-testid='cancel-all-warning'>
            您选择了全部注册专业：办结后注册即注销，整本注册证书作废，不再提供电子证书领取。如需到新企业执业，须由新企业重新办理初始注册。
          </View>
        ) : st.specialties.length > 0 ? (
          <View className='banner banner--warn mt' data-testid='cancel-some-note'>
            注销部分专业：办结后将换发新的电子注册证书（不含已注销专业），原证书作废，请到“证书”中重新领取。
          </View>
        ) : null}
      </View>
      )}
      <View className='card'>
        <View className='card__title'>注销原因</View>
        {(Object.keys(CANCELLATION_REASONS) as CancellationReason[]).map((r) => (
          <Check
            key={r}
            checked={st.reason === r}
            disabled={!editable}
            onChange={() =>
              set((d) => {
                d.reason = r
              })
            }
            testId={`reason-${r}`}
          >
            {CANCELLATION_REASONS[r]}
          </Check>
        ))}
        {fields.reason && <View className='field__error'>{fields.reason}</View>}
        {st.reason === 'other' && (
          <Field label='请说明注销原因' required error={fields.reasonText}>
            <Textarea
              className={`textarea ${fields.reasonText ? 'field__input--error' : ''}`}
              maxlength={200}
              placeholder='请填写注销原因（不超过 200 字）'
              value={st.reasonText}
              disabled={!editable}
              onInput={(e) =>
                set((d) => {
                  d.reasonText = e.detail.value
                })
              }
              data-testid='reason-text'
            />
          </Field>
        )}
      </View>
      {!all && <PhotoCard app={app} editable={editable} onUploaded={onUploaded} />}
      <Declarations
        texts={applicantDeclaration({ applicantName: app.applicant.name, employerName: register?.employer?.name ?? '', profession: app.profession, type: app.type })}
        value={st.declarations}
        disabled={!editable}
        error={fields.declarationAccepted}
        onChange={tickDeclaration(set)}
      />
    </>
  )
}

export const cancellationModel: MatterModel<CancellationState> = {
  // preset=all: step 1 of a change of employer (Shanghai: cancel every specialty at the old employer)
  init: (register, params, profession) => ({ profession, phone: '', specialties: params.preset === 'all' ? registeredOf(register) : [], reason: params.preset === 'all' ? 'contract_ended' : '', reasonText: '', declarations: [false] }),
  fromForm: (form, _register, profession) => ({ profession, phone: form?.employer?.phone ?? '', specialties: form?.specialties ?? [], reason: form?.reason ?? '', reasonText: form?.reasonText ?? '', declarations: [!!form?.declarationAccepted] }),
  toForm: (st) => ({
    employer: { phone: st.phone.trim() },
    ...(PROFESSION_RULES[st.profession ?? 'constructor'].specialties ? { specialties: st.specialties } : {}),
    reason: st.reason || undefined,
    ...(st.reason === 'other' ? { reasonText: st.reasonText.trim() } : {}),
    declarationAccepted: st.declarations.every(Boolean) ? true : undefined,
  }),
  paths: /^(employer|specialties|reason|declarationAccepted)/,
  Form: CancellationForm,
}
