import { Input, Picker, Textarea, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { SPECIALTY_LABELS, TEMPORARY_REGISTRATION_LABEL, renewableSpecialties, type Specialty } from '@zhiyetong/shared'
import { Check, Field } from '../../../components/ui'
import { DatePick, EmployerPhone } from './common'
import type { MatterFormProps, MatterModel } from './types'

/**
 * The three forms of a temporary constructor (临时建造师, seed 003 §3.2.3.8-11), filed by the enterprise alone
 * (FILING_PATHS.employer_alone: the person does not sign), on the person's form page in employer mode. Their
 * starred fields (shared temporaryTransferFormSchema and the others): 毕业院校, 所学专业, 毕业时间, 学历, 学位,
 * 聘用开始时间, 聘用结束时间 or 是否长期; 处罚或不良情形 (optional); and
 *  - transfer (变更申报 §3.2.3.8): 现聘用企业 = the filing enterprise (the new one), with its contact phone;
 *  - extension (延期申报 §3.2.3.10, titled 延续注册申报): the specialties to extend (renewal's window);
 *  - cancellation (注销申报 §3.2.3.11): the whole temporary registration.
 * The seed gives no list of 学历/学位 values, so they are typed (as the schema takes them).
 */
export interface TemporaryState {
  kind: 'transfer' | 'extension' | 'cancellation'
  employer: { name: string; uscc: string; phone: string }
  specialties: Specialty[]
  education: { school: string; major: string; graduatedOn: string; level: string; degree: string }
  employment: { startOn: string; endOn: string; longTerm: boolean }
  penalties: string
}

const registeredOf = (register: MatterFormProps<unknown>['register']) => (register?.specialties ?? []).filter((s) => s.status === 'registered').map((s) => s.specialty)

/** A date that may lie ahead (聘用开始/结束时间), unlike common DatePick (at most today). */
function AnyDatePick({ value, onChange, disabled, error, testId }: { value: string; onChange: (v: string) => void; disabled?: boolean; error?: string; testId: string }) {
  return (
    <Picker mode='date' value={value || dayjs().format('YYYY-MM-DD')} start='1990-01-01' end='2099-12-31' disabled={disabled} onChange={(ev) => onChange(ev.detail.value)}>
      <View className={`picker-value ${value ? '' : 'picker-value--placeholder'} ${error ? 'picker-value--error' : ''}`} data-testid={testId}>
        {value || '请选择日期'}
      </View>
    </Picker>
  )
}

function TextField({ label, value, onChange, error, disabled, testId, max, placeholder }: { label: string; value: string; onChange: (v: string) => void; error?: string; disabled?: boolean; testId: string; max: number; placeholder?: string }) {
  return (
    <Field label={label} required error={error}>
      <Input className={`field__input ${error ? 'field__input--error' : ''}`} maxlength={max} placeholder={placeholder ?? label} value={value} disabled={disabled} onInput={(e) => onChange(e.detail.value)} data-testid={testId} aria-label={label} />
    </Field>
  )
}

function TemporaryForm({ app, register, ctx, st, set, fields, editable }: MatterFormProps<TemporaryState>) {
  const setEdu = (k: keyof TemporaryState['education']) => (v: string) =>
    set((d) => {
      d.education[k] = v
    })
  const registered = registeredOf(register)
  const renewable = st.kind === 'extension' ? renewableSpecialties(ctx).map((s) => s.specialty) : []
  const specialtyError = fields.specialties || Object.entries(fields).find(([k]) => /^specialties\.\d+/.test(k))?.[1]
  return (
    <>
      <View className='banner banner--info' data-testid='temporary-note'>
        注册类型：{TEMPORARY_REGISTRATION_LABEL}。本事项由企业申报并用企业经办人短信验证码签名，无需本人签名
        {st.kind === 'transfer' ? `；签名后由原聘用企业${app.releasingEmployer?.name ?? ''}同意转出，再由省住房城乡建设厅审核。` : '；签名后报送注册机构审核。'}
      </View>
      {st.kind === 'transfer' ? (
        <EmployerPhone
          title='现聘用企业信息（转入企业）'
          testId='temporary-employer'
          name={st.employer.name}
          uscc={st.employer.uscc}
          phone={st.employer.phone}
          error={fields['employer.phone']}
          help='手机号或带区号的固定电话，如 0731-85556789'
          disabled={!editable}
          onPhone={(v) =>
            set((d) => {
              d.employer.phone = v
            })
          }
        >
          <View className='card__hint'>转出企业（原聘用企业）：{app.releasingEmployer?.name ?? register?.employer?.name ?? '—'}</View>
          {(fields['employer.name'] || fields['employer.uscc']) && <View className='field__error'>{fields['employer.name'] || fields['employer.uscc']}</View>}
        </EmployerPhone>
      ) : (
        <EmployerPhone
          name={register?.employer?.name ?? app.employer?.name ?? ''}
          uscc={register?.employer?.uscc ?? app.employer?.uscc}
          phone={st.employer.phone}
          error={fields['employer.phone']}
          disabled={!editable}
          onPhone={(v) =>
            set((d) => {
              d.employer.phone = v
            })
          }
        />
      )}
      {st.kind === 'extension' && (
        <View className='card'>
          <View className='card__title'>延续专业</View>
          <View className='card__hint'>按延续注册的规定：有效期届满前 {ctx.rules.renewalWindowDays} 日内可申请延期，延期后有效期自原有效期届满之日起计算。</View>
          {registered.map((s) => (
            <Check
              key={s}
              checked={st.specialties.includes(s)}
              disabled={!editable || !renewable.includes(s)}
              onChange={(v) =>
                set((d) => {
                  d.specialties = registered.filter((x) => (x === s ? v : d.specialties.includes(x)))
                })
              }
              testId={`extend-${s}`}
            >
              {SPECIALTY_LABELS[s]}
              <View className='small muted'>
                有效期至 {register?.specialties.find((x) => x.specialty === s)?.validUntil}
                {renewable.includes(s) ? '' : '（尚未到可延期时间）'}
              </View>
            </Check>
          ))}
          {specialtyError && <View className='field__error'>{specialtyError}</View>}
        </View>
      )}
      {st.kind === 'cancellation' && (
        <View className='card' data-testid='temporary-cancel'>
          <View className='card__title'>申请注销临时建造师注册</View>
          <View className='banner banner--error mt'>审核通过后该临时建造师注册即注销，其注册证书作废。</View>
        </View>
      )}
      <View className='card'>
        <View className='card__title'>学历信息</View>
        <TextField label='毕业院校' value={st.education.school} onChange={setEdu('school')} error={fields['education.school']} disabled={!editable} testId='edu-school' max={50} />
        <TextField label='所学专业' value={st.education.major} onChange={setEdu('major')} error={fields['education.major']} disabled={!editable} testId='edu-major' max={50} />
        <Field label='毕业时间' required error={fields['education.graduatedOn']}>
          <DatePick value={st.education.graduatedOn} fallback='2000-06-30' disabled={!editable} error={fields['education.graduatedOn']} testId='edu-graduated' onChange={setEdu('graduatedOn')} />
        </Field>
        <TextField label='学历' value={st.education.level} onChange={setEdu('level')} error={fields['education.level']} disabled={!editable} testId='edu-level' max={20} placeholder='如：本科' />
        <TextField label='学位' value={st.education.degree} onChange={setEdu('degree')} error={fields['education.degree']} disabled={!editable} testId='edu-degree' max={20} placeholder='如：学士' />
      </View>
      <View className='card'>
        <View className='card__title'>聘用情况</View>
        <Field label='聘用开始时间' required error={fields['employment.startOn']}>
          <AnyDatePick
            value={st.employment.startOn}
            disabled={!editable}
            error={fields['employment.startOn']}
            testId='employment-start'
            onChange={(v) =>
              set((d) => {
                d.employment.startOn = v
              })
            }
          />
        </Field>
        <Check
          checked={st.employment.longTerm}
          disabled={!editable}
          onChange={(v) =>
            set((d) => {
              d.employment.longTerm = v
            })
          }
          testId='employment-long-term'
        >
          是否长期（无固定聘用结束时间）
        </Check>
        {!st.employment.longTerm && (
          <Field label='聘用结束时间' required error={fields['employment.endOn']}>
            <AnyDatePick
              value={st.employment.endOn}
              disabled={!editable}
              error={fields['employment.endOn']}
              testId='employment-end'
              onChange={(v) =>
                set((d) => {
                  d.employment.endOn = v
                })
              }
            />
          </Field>
        )}
      </View>
      <View className='card'>
        <View className='card__title'>处罚或不良情形</View>
        <Field label='处罚或不良情形（没有可不填）' error={fields.penalties}>
          <Textarea
            className={`textarea ${fields.penalties ? 'field__input--error' : ''}`}
            maxlength={500}
            placeholder='没有可不填'
            value={st.penalties}
            disabled={!editable}
            onInput={(e) =>
              set((d) => {
                d.penalties = e.detail.value
              })
            }
            data-testid='penalties'
            aria-label='处罚或不良情形'
          />
        </Field>
      </View>
    </>
  )
}

const KIND = { temporary_transfer: 'transfer', temporary_extension: 'extension', temporary_cancellation: 'cancellation' } as const

function model(type: keyof typeof KIND): MatterModel<TemporaryState> {
  const kind = KIND[type]
  return {
    // the transfer's 现聘用企业 is the filing enterprise (ApplicationView.employer), not typed
    init: (_register, _params, _profession, app) => ({
      kind,
      employer: { name: kind === 'transfer' ? (app?.employer?.name ?? '') : '', uscc: kind === 'transfer' ? (app?.employer?.uscc ?? '') : '', phone: '' },
      specialties: [],
      education: { school: '', major: '', graduatedOn: '', level: '', degree: '' },
      employment: { startOn: dayjs().format('YYYY-MM-DD'), endOn: '', longTerm: true },
      penalties: '',
    }),
    fromForm: (form, _register, _profession, app) => ({
      kind,
      employer: { name: form?.employer?.name ?? app?.employer?.name ?? '', uscc: form?.employer?.uscc ?? app?.employer?.uscc ?? '', phone: form?.employer?.phone ?? '' },
      specialties: form?.specialties ?? [],
      education: { school: form?.education?.school ?? '', major: form?.education?.major ?? '', graduatedOn: form?.education?.graduatedOn ?? '', level: form?.education?.level ?? '', degree: form?.education?.degree ?? '' },
      employment: { startOn: form?.employment?.startOn ?? '', endOn: form?.employment?.endOn ?? '', longTerm: form?.employment ? form.employment.endOn === null : true },
      penalties: form?.penalties ?? '',
    }),
    toForm: (st) => ({
      employer: kind === 'transfer' ? { name: st.employer.name, uscc: st.employer.uscc, phone: st.employer.phone.trim() } : { phone: st.employer.phone.trim() },
      ...(kind === 'extension' ? { specialties: st.specialties } : {}),
      education: { school: st.education.school.trim(), major: st.education.major.trim(), graduatedOn: st.education.graduatedOn || undefined, level: st.education.level.trim(), degree: st.education.degree.trim() },
      employment: { startOn: st.employment.startOn || undefined, endOn: st.employment.longTerm ? null : st.employment.endOn || undefined },
      ...(st.penalties.trim() ? { penalties: st.penalties.trim() } : {}),
    }),
    paths: /^(employer|specialties|education|employment|penalties)/,
    Form: TemporaryForm,
  }
}

export const temporaryTransferModel = model('temporary_transfer')
export const temporaryExtensionModel = model('temporary_extension')
export const temporaryCancellationModel = model('temporary_cancellation')
