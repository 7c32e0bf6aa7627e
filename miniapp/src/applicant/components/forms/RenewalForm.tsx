import { View } from '@tarojs/components'
import { PROFESSION_RULES, SPECIALTY_LABELS, applicantDeclaration, isCurrentSpecialty, renewableSpecialties, type Profession, type Specialty } from '@zhiyetong/shared'
import { Check } from '../../../components/ui'
import { Declarations, EmployerPhone, HoursInputs, PhotoCard, TrainingInputs, tickDeclaration } from './common'
import type { MatterFormProps, MatterModel } from './types'

type Row = { checked: boolean; compulsoryHours: string; electiveHours: string; trainingDate?: string; trainingInstitution?: string }

/**
 * What the renewal screen edits. `rows` per specialty (000, 001); a profession registered as a whole (002,
 * PROFESSION_RULES.specialties false) renews everything with one pair of hours in `whole`.
 */
export interface RenewalState {
  profession?: Profession
  phone: string
  rows: Partial<Record<Specialty, Row>>
  whole?: { compulsoryHours: string; electiveHours: string }
  declarations: boolean[]
}

const hours = (v: string) => (v.trim() === '' ? undefined : Number(v))
const str = (v: unknown) => (v == null ? '' : String(v))
const opt = (v: string | undefined) => (!v || v.trim() === '' ? undefined : v.trim())
const chosen = (st: RenewalState) => (Object.keys(st.rows) as Specialty[]).filter((s) => st.rows[s]?.checked)

/** 延续注册 (000 §3.3.1 figure 33): only specialties still valid and within the renewal window, each with its continuing-education hours. */
function RenewalForm({ app, register, ctx, st, set, fields, editable, onUploaded }: MatterFormProps<RenewalState>) {
  const renewable = renewableSpecialties(ctx).map((s) => s.specialty)
  const rules = PROFESSION_RULES[app.profession]
  const window = ctx.rules.renewalWindowDays
  const order = chosen(st)
  const wholeUntil = ctx.register?.specialties.find((s) => s.status === 'registered')?.validUntil
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
      {!rules.specialties ? (
        <View className='card' data-testid='renew-whole'>
          <View className='card__title'>申请延续注册</View>
          <View className='card__hint'>
            按整体注册延续（不分专业）：现有效期至 {wholeUntil ?? '—'}，自届满前 {window} 日起可申请。请填写继续教育学时（必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时），并在下方上传继续教育证明等材料。新的有效期自原有效期届满之日起计算。
          </View>
          {fields.continuingEducation && <View className='field__error'>{fields.continuingEducation}</View>}
          <HoursInputs
            value={st.whole ?? { compulsoryHours: '', electiveHours: '' }}
            disabled={!editable}
            error={(k) => fields[`continuingEducation.${k}`]}
            testId={(k) => `renew-whole-${k}`}
            onChange={(k, v) =>
              set((d) => {
                d.whole = { ...(d.whole ?? { compulsoryHours: '', electiveHours: '' }), [k]: v }
              })
            }
          />
        </View>
      ) : (
      <View className='card'>
        <View className='card__title'>申请延续专业</View>
        <View className='card__hint'>
          延续注册的专业须在有效期内，自届满前 {window} 日起可申请；每个专业须填写继续教育学时（必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时）{rules.trainingDetails ? '及培训日期、培训机构' : ''}。新的有效期自原有效期届满之日起计算。
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
                    {rules.trainingDetails && (
                      <TrainingInputs
                        value={{ trainingDate: row.trainingDate ?? '', trainingInstitution: row.trainingInstitution ?? '' }}
                        disabled={!editable}
                        error={(k) => err(s.specialty, k)}
                        testId={(k) => `renew-${s.specialty}-${k}`}
                        onChange={(k, v) =>
                          set((d) => {
                            d.rows[s.specialty]![k] = v
                          })
                        }
                      />
                    )}
                  </View>
                )}
              </View>
            )
          })}
      </View>
      )}
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
  init: (_register, _params, profession) => ({ profession, phone: '', rows: {}, whole: { compulsoryHours: '', electiveHours: '' }, declarations: [false, false, false] }),
  fromForm(form, _register, profession) {
    const st: RenewalState = { profession, phone: form?.employer?.phone ?? '', rows: {}, whole: { compulsoryHours: str(form?.continuingEducation?.compulsoryHours), electiveHours: str(form?.continuingEducation?.electiveHours) }, declarations: form?.declarationAccepted ? [true, true, true] : [false, false, false] }
    for (const s of form?.specialties ?? []) st.rows[s.specialty as Specialty] = { checked: true, compulsoryHours: str(s.compulsoryHours), electiveHours: str(s.electiveHours), trainingDate: str(s.trainingDate), trainingInstitution: str(s.trainingInstitution) }
    return st
  },
  toForm(st) {
    const rules = PROFESSION_RULES[st.profession ?? 'constructor']
    const employer = { phone: st.phone.trim() }
    const declarationAccepted = st.declarations.every(Boolean) ? true : undefined
    if (!rules.specialties) return { employer, continuingEducation: { compulsoryHours: hours(st.whole?.compulsoryHours ?? ''), electiveHours: hours(st.whole?.electiveHours ?? '') }, declarationAccepted }
    return {
      employer,
      specialties: chosen(st).map((s) => {
        const r = st.rows[s]!
        return { specialty: s, compulsoryHours: hours(r.compulsoryHours), electiveHours: hours(r.electiveHours), ...(rules.trainingDetails ? { trainingDate: opt(r.trainingDate), trainingInstitution: opt(r.trainingInstitution) } : {}) }
      }),
      declarationAccepted,
    }
  },
  paths: /^(employer|specialties|continuingEducation|declarationAccepted)/,
  Form: RenewalForm,
}
