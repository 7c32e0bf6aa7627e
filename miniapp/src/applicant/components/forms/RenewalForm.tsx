import { View } from '@tarojs/components'
import { PROFESSION_RULES, SPECIALTY_LABELS, applicantDeclaration, isCurrentSpecialty, renewableSpecialties, type Specialty } from '@zhiyetong/shared'
import { Check } from '../../../components/ui'
import { Declarations, EmployerPhone, HoursInputs, PhotoCard, tickDeclaration } from './common'
import type { MatterFormProps, MatterModel } from './types'

export interface RenewalState {
  phone: string
  rows: Partial<Record<Specialty, { checked: boolean; compulsoryHours: string; electiveHours: string }>>
  declarations: boolean[]
}

const hours = (v: string) => (v.trim() === '' ? undefined : Number(v))
const chosen = (st: RenewalState) => (Object.keys(st.rows) as Specialty[]).filter((s) => st.rows[s]?.checked)

/** 延续注册 (000 §3.3.1 figure 33): only specialties still valid and within the renewal window, each with its continuing-education hours. */
function RenewalForm({ app, register, ctx, st, set, fields, editable, onUploaded }: MatterFormProps<RenewalState>) {
  const renewable = renewableSpecialties(ctx).map((s) => s.specialty)
  const rules = PROFESSION_RULES[app.profession]
  const window = ctx.rules.renewalWindowDays
  const order = chosen(st)
  const err = (s: Specialty, k: string) => {
    const i = order.indexOf(s)
    return i < 0 ? undefined : fields[`specialties.${i}.${k}`] || (k === 'specialty' ? fields[`specialties.${i}`] : undefined)
  }
  return (
    <>
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
      <View className='card'>
        <View className='card__title'>申请延续专业</View>
        <View className='card__hint'>
          延续注册的专业须在有效期内，自届满前 {window} 日起可申请；每个专业须填写继续教育学时（必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时）。新的有效期自原有效期届满之日起计算。
        </View>
        {fields.specialties && <View className='field__error'>{fields.specialties}</View>}
        {(register?.specialties ?? [])
          .filter((s) => s.status === 'registered')
          .map((s) => {
            const row = st.rows[s.specialty]
            const ok = renewable.includes(s.specialty)
            const reason = ok ? `有效期至 ${s.validUntil}` : isCurrentSpecialty(s, ctx.today) ? `有效期至 ${s.validUntil}，届满前 ${window} 日内方可延续` : `已超过有效期（${s.validUntil}），请通过初始注册或增项注册申请`
            return (
              <View key={s.specialty} className={`specialty ${row?.checked ? 'specialty--on' : ''}`}>
                <Check
                  checked={!!row?.checked}
                  disabled={!editable || !ok}
                  onChange={(v) =>
                    set((d) => {
                      d.rows[s.specialty] = { ...(d.rows[s.specialty] ?? { compulsoryHours: '', electiveHours: '' }), checked: v }
                    })
                  }
                  testId={`renew-${s.specialty}`}
                >
                  {SPECIALTY_LABELS[s.specialty]}
                  <View className='small muted'>{reason}</View>
                </Check>
                {err(s.specialty, 'specialty') && <View className='field__error'>{err(s.specialty, 'specialty')}</View>}
                {row?.checked && (
                  <View className='specialty__detail'>
                    <HoursInputs
                      value={row}
                      disabled={!editable}
                      error={(k) => err(s.specialty, k)}
                      testId={(k) => `renew-${s.specialty}-${k}`}
                      onChange={(k, v) =>
                        set((d) => {
                          d.rows[s.specialty]![k] = v
                        })
                      }
                    />
                  </View>
                )}
              </View>
            )
          })}
      </View>
      <PhotoCard app={app} editable={editable} onUploaded={onUploaded} />
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

export const renewalModel: MatterModel<RenewalState> = {
  init: () => ({ phone: '', rows: {}, declarations: [false, false, false] }),
  fromForm(form) {
    const st: RenewalState = { phone: form?.employer?.phone ?? '', rows: {}, declarations: form?.declarationAccepted ? [true, true, true] : [false, false, false] }
    for (const s of form?.specialties ?? []) st.rows[s.specialty as Specialty] = { checked: true, compulsoryHours: String(s.compulsoryHours ?? ''), electiveHours: String(s.electiveHours ?? '') }
    return st
  },
  toForm: (st) => ({
    employer: { phone: st.phone.trim() },
    specialties: chosen(st).map((s) => ({ specialty: s, compulsoryHours: hours(st.rows[s]!.compulsoryHours), electiveHours: hours(st.rows[s]!.electiveHours) })),
    declarationAccepted: st.declarations.every(Boolean) ? true : undefined,
  }),
  paths: /^(employer|specialties|declarationAccepted)/,
  Form: RenewalForm,
}
