import { Input, Picker, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import dayjs from 'dayjs'
import { PROFESSION_RULES, SPECIALTY_LABELS, type Specialty } from '@zhiyetong/shared'
import { Check, Field } from '../../../components/ui'
import { DocumentSlot } from '../DocumentSlot'
import { emptyCe, type CeKey, type CeState, type FormState, type QualificationState } from '../../pages/form/model'
import type { MatterFormProps } from './types'

/** 申请人员意见: each sentence ticked on its own (seed 000: 勾选文字前的单选框同意该内容后, 方可继续). */
/** The onChange of Declarations for a form state that keeps its ticks in `declarations`. */
export const tickDeclaration =
  <S extends { declarations: boolean[] }>(set: (fn: (draft: S) => void) => void) =>
  (i: number, v: boolean) =>
    set((d) => {
      d.declarations[i] = v
    })

export function Declarations({ texts, value, onChange, error, disabled }: { texts: string[]; value: boolean[]; onChange: (i: number, v: boolean) => void; error?: string; disabled?: boolean }) {
  return (
    <View className='card'>
      <View className='card__title'>申请人员意见</View>
      <View className='card__hint'>请逐条阅读并勾选：</View>
      {texts.map((text, i) => (
        <Check key={i} checked={!!value[i]} disabled={disabled} onChange={(v) => onChange(i, v)} testId={`declaration-${i}`}>
          {text}
        </Check>
      ))}
      {error && <View className='field__error'>{error}</View>}
    </View>
  )
}

/** The registration's employer (not typed again) and its contact phone (企业联系电话). */
/**
 * The employer card of a form: its name and USCC as filed, `children` (further lines, e.g. the releasing
 * employer of a transfer) and the one field the person fills, 企业联系电话.
 */
export function EmployerPhone({ name, uscc, phone, onPhone, error, disabled, title = '聘用企业', help = '手机号或带区号的固定电话，如 021-12345678', testId, children }: { name: string; uscc?: string; phone: string; onPhone: (v: string) => void; error?: string; disabled?: boolean; title?: string; help?: string; testId?: string; children?: ReactNode }) {
  return (
    <View className='card' data-testid={testId}>
      <View className='card__title'>{title}</View>
      <View className='card__hint'>
        {name || '—'}
        {uscc ? ` · ${uscc}` : ''}
      </View>
      {children}
      <Field label='企业联系电话' required error={error} help={help}>
        <Input className={`field__input ${error ? 'field__input--error' : ''}`} maxlength={13} placeholder='企业联系电话' value={phone} disabled={disabled} onInput={(e) => onPhone(e.detail.value.trim())} data-testid='employer-phone' aria-label='企业联系电话' />
      </Field>
    </View>
  )
}

/** The photo printed on the certificate (000 §3.1.1 step 4), optional unless the matter needs it. */
export function PhotoCard({ app, editable, onUploaded, required }: { app: MatterFormProps<unknown>['app']; editable: boolean; onUploaded: () => void; required?: boolean }) {
  return (
    <View className='card'>
      <View className='card__title'>本人照片</View>
      <View className='card__hint'>{required ? '请上传本人近期证件照，该照片将显示在电子版注册证书上。' : '可根据需要重新上传照片（该照片最终显示在电子版注册证书上），不上传则沿用原照片。'}</View>
      <DocumentSlot applicationId={app.id} kind='photo' title='本人证件照' desc='JPG 或 PNG，白底或蓝底正面免冠，不超过 2 MB' required={required} uploaded={app.documents.find((d) => d.kind === 'photo')} disabled={!editable} onUploaded={onUploaded} />
    </View>
  )
}


/** A date picker (Taro Picker mode date) shown as a tappable value, at most today. */
export function DatePick({ value, onChange, disabled, error, testId, fallback }: { value: string; onChange: (v: string) => void; disabled?: boolean; error?: string; testId: string; fallback?: string }) {
  return (
    <Picker mode='date' value={value || fallback || dayjs().subtract(1, 'year').format('YYYY-MM-DD')} start='1990-01-01' end={dayjs().format('YYYY-MM-DD')} disabled={disabled} onChange={(ev) => onChange(ev.detail.value)}>
      <View className={`picker-value ${value ? '' : 'picker-value--placeholder'} ${error ? 'picker-value--error' : ''}`} data-testid={testId}>
        {value || '请选择日期'}
      </View>
    </Picker>
  )
}

/** 培训日期 and 培训机构 of one continuing-education entry (001: PROFESSION_RULES.trainingDetails). */
export function TrainingInputs({ value, onChange, error, disabled, testId }: { value: Pick<CeState, 'trainingDate' | 'trainingInstitution'>; onChange: (k: 'trainingDate' | 'trainingInstitution', v: string) => void; error: (k: 'trainingDate' | 'trainingInstitution') => string | undefined; disabled?: boolean; testId: (k: string) => string }) {
  return (
    <>
      <Field label='培训日期' required error={error('trainingDate')}>
        <DatePick value={value.trainingDate} fallback={dayjs().subtract(1, 'month').format('YYYY-MM-DD')} disabled={disabled} error={error('trainingDate')} testId={testId('trainingDate')} onChange={(v) => onChange('trainingDate', v)} />
      </Field>
      <Field label='培训机构' required error={error('trainingInstitution')}>
        <Input className={`field__input ${error('trainingInstitution') ? 'field__input--error' : ''}`} maxlength={100} placeholder='如：上海市建设工程咨询行业协会' value={value.trainingInstitution} disabled={disabled} onInput={(e) => onChange('trainingInstitution', e.detail.value)} data-testid={testId('trainingInstitution')} />
      </Field>
    </>
  )
}

type PickerErrors = {
  specialtiesGeneral?: string
  specialty: (s: Specialty) => string | undefined
  obtainedIn: (s: Specialty) => string | undefined
  ceGeneral?: string
  ce: (s: Specialty, k: CeKey) => string | undefined
}

/**
 * The specialties to register (initial, additional specialty), as the profession's rules say
 * (PROFESSION_RULES): each offered one with its qualification date (or approval date) and, where the rules
 * say 'place', 资格取得所在地; one at a time where maxSpecialtiesPerApplication is 1 (ticking one clears the
 * other); late ones ask for continuing-education hours, with 培训日期/培训机构 where trainingDetails. Error
 * paths follow the order of the checked specialties (model.ts errorFor).
 */
export function SpecialtyPicker({
  offered,
  st,
  set,
  err,
  late,
  editable,
  title = '申请注册专业',
  hint,
}: {
  offered: readonly Specialty[]
  st: FormState
  set: (fn: (d: FormState) => void) => void
  err: PickerErrors
  late: Specialty[]
  editable: boolean
  title?: string
  hint?: string
}) {
  const rules = PROFESSION_RULES[st.profession]
  const single = rules.maxSpecialtiesPerApplication === 1
  return (
    <>
      <View className='card'>
        <View className='card__title'>{title}</View>
        {(hint || single) && <View className='card__hint'>{hint ?? '每次申请只能选择一个专业。'}</View>}
        {err.specialtiesGeneral && <View className='field__error'>{err.specialtiesGeneral}</View>}
        {offered.map((s) => {
          const row = st.specialties[s] ?? { checked: false, issueDate: '', dateIsApprovalDate: false, obtainedIn: '' }
          const e = err.specialty(s)
          return (
            <View key={s} className={`specialty ${row.checked ? 'specialty--on' : ''}`}>
              <Check
                checked={row.checked}
                disabled={!editable}
                onChange={(v) =>
                  set((d) => {
                    if (v && single) for (const o of Object.values(d.specialties)) if (o) o.checked = false
                    d.specialties[s] = { ...row, checked: v }
                  })
                }
                testId={`specialty-${s}`}
              >
                {SPECIALTY_LABELS[s]}
              </Check>
              {row.checked && (
                <View className='specialty__detail'>
                  <Field label={row.dateIsApprovalDate ? '资格证书批准日期' : '资格证书签发日期'} required error={e} help={late.includes(s) ? `距签发日期已超过 ${rules.lateAfterYears} 年，属于逾期注册，须填写继续教育学时` : undefined}>
                    <DatePick
                      value={row.issueDate}
                      disabled={!editable}
                      error={e}
                      testId={`issue-date-${s}`}
                      onChange={(v) =>
                        set((d) => {
                          d.specialties[s]!.issueDate = v
                        })
                      }
                    />
                  </Field>
                  <Check
                    checked={row.dateIsApprovalDate}
                    disabled={!editable}
                    onChange={(v) =>
                      set((d) => {
                        d.specialties[s]!.dateIsApprovalDate = v
                      })
                    }
                    testId={`approval-date-${s}`}
                  >
                    若没有签发日期则填写批准日期
                  </Check>
                  {rules.qualificationOrigin === 'place' && (
                    <Field label='资格取得所在地' required error={err.obtainedIn(s)} help='取得该专业资格证书的省（自治区、直辖市），如：上海市'>
                      <Input
                        className={`field__input ${err.obtainedIn(s) ? 'field__input--error' : ''}`}
                        maxlength={30}
                        placeholder='如：上海市'
                        value={row.obtainedIn}
                        disabled={!editable}
                        onInput={(ev) =>
                          set((d) => {
                            d.specialties[s]!.obtainedIn = ev.detail.value
                          })
                        }
                        data-testid={`obtained-in-${s}`}
                      />
                    </Field>
                  )}
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
            以下专业距签发日期已超过 {rules.lateAfterYears} 年，请填写继续教育学时：必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时
            {rules.trainingDetails ? '，并填写培训日期和培训机构' : ''}。
          </View>
          {err.ceGeneral && <View className='field__error'>{err.ceGeneral}</View>}
          {late.map((s) => {
            const value = st.ce[s] ?? emptyCe()
            const change = (k: CeKey, v: string) =>
              set((d) => {
                d.ce[s] = { ...(d.ce[s] ?? emptyCe()), [k]: v }
              })
            return (
              <View key={s} className='ce'>
                <View className='ce__name'>{SPECIALTY_LABELS[s]}</View>
                <HoursInputs value={value} disabled={!editable} error={(k) => err.ce(s, k)} testId={(k) => `ce-${s}-${k}`} onChange={change} />
                {rules.trainingDetails && <TrainingInputs value={value} disabled={!editable} error={(k) => err.ce(s, k)} testId={(k) => `ce-${s}-${k}`} onChange={change} />}
              </View>
            )
          })}
        </View>
      )}
    </>
  )
}

/**
 * The qualification of a profession registered as a whole (002 §3.1 notes 1-2, PROFESSION_RULES
 * qualificationOrigin 'province_or_scan'): issued in the province (the authority's qualification data has it),
 * or elsewhere — certificate number and issuing province typed by hand, and the scan uploaded below. A late
 * one asks for the hours (one pair; the proof is a document).
 */
export function QualificationCard({ st, set, err, late, editable }: { st: FormState; set: (fn: (d: FormState) => void) => void; err: { qualification: (k: keyof QualificationState) => string | undefined; ceGeneral?: string; wholeCe: (k: CeKey) => string | undefined }; late: boolean; editable: boolean }) {
  const rules = PROFESSION_RULES[st.profession]
  const q = st.qualification
  const put = <K extends keyof QualificationState>(k: K, v: QualificationState[K]) =>
    set((d) => {
      d.qualification[k] = v
    })
  return (
    <>
      <View className='card' data-testid='qualification'>
        <View className='card__title'>资格证书</View>
        <View className='card__hint'>{PROFESSION_RULES[st.profession].specialties ? '' : '本职业不分专业，按整体注册。'}请选择资格证书的签发地。</View>
        <Check checked={q.issuedIn === 'province'} disabled={!editable} onChange={() => put('issuedIn', 'province')} testId='issued-in-province'>
          本省市签发（由注册机构按资格库核对）
        </Check>
        <Check checked={q.issuedIn === 'elsewhere'} disabled={!editable} onChange={() => put('issuedIn', 'elsewhere')} testId='issued-in-elsewhere'>
          外省市签发（须手工填写证书信息并上传 PDF 扫描件）
        </Check>
        {err.qualification('issuedIn') && <View className='field__error'>{err.qualification('issuedIn')}</View>}
        <Field label={q.dateIsApprovalDate ? '资格证书批准日期' : '资格证书签发日期'} required error={err.qualification('issueDate')} help={late ? `距签发日期已超过 ${rules.lateAfterYears} 年，属于逾期注册，须填写继续教育学时并上传继续教育证明` : undefined}>
          <DatePick value={q.issueDate} disabled={!editable} error={err.qualification('issueDate')} testId='qualification-issue-date' onChange={(v) => put('issueDate', v)} />
        </Field>
        <Check checked={q.dateIsApprovalDate} disabled={!editable} onChange={(v) => put('dateIsApprovalDate', v)} testId='qualification-approval-date'>
          若没有签发日期则填写批准日期
        </Check>
        {q.issuedIn === 'elsewhere' && (
          <>
            <Field label='资格证书编号' required error={err.qualification('certificateNo')}>
              <Input className={`field__input ${err.qualification('certificateNo') ? 'field__input--error' : ''}`} maxlength={40} placeholder='资格证书上的编号' value={q.certificateNo} disabled={!editable} onInput={(e) => put('certificateNo', e.detail.value)} data-testid='qualification-certificate-no' />
            </Field>
            <Field label='签发省市' required error={err.qualification('issuingProvince')}>
              <Input className={`field__input ${err.qualification('issuingProvince') ? 'field__input--error' : ''}`} maxlength={30} placeholder='如：江苏省' value={q.issuingProvince} disabled={!editable} onInput={(e) => put('issuingProvince', e.detail.value)} data-testid='qualification-issuing-province' />
            </Field>
          </>
        )}
      </View>
      {late && (
        <View className='card' data-testid='continuing-education'>
          <View className='card__title'>继续教育（逾期注册）</View>
          <View className='card__hint'>
            请填写继续教育学时：必修课不少于 {rules.minimumHours.compulsory} 学时，选修课不少于 {rules.minimumHours.elective} 学时，并在下方上传继续教育证明。
          </View>
          {err.ceGeneral && <View className='field__error'>{err.ceGeneral}</View>}
          <HoursInputs
            value={st.wholeCe}
            disabled={!editable}
            error={(k) => err.wholeCe(k)}
            testId={(k) => `ce-${k}`}
            onChange={(k, v) =>
              set((d) => {
                d.wholeCe[k] = v
              })
            }
          />
        </View>
      )}
    </>
  )
}
/** 必修课学时 / 选修课学时 side by side. */
export function HoursInputs({ value, onChange, error, disabled, testId }: { value: { compulsoryHours: string; electiveHours: string }; onChange: (k: 'compulsoryHours' | 'electiveHours', v: string) => void; error: (k: 'compulsoryHours' | 'electiveHours') => string | undefined; disabled?: boolean; testId: (k: string) => string }) {
  return (
    <View className='ce__row'>
      {(['compulsoryHours', 'electiveHours'] as const).map((k) => (
        <View key={k} className='ce__cell'>
          <Field label={k === 'compulsoryHours' ? '必修课学时' : '选修课学时'} required error={error(k)}>
            <Input className={`field__input ${error(k) ? 'field__input--error' : ''}`} type='number' maxlength={4} placeholder='学时' value={value[k]} disabled={disabled} onInput={(e) => onChange(k, e.detail.value.replace(/\D/g, ''))} data-testid={testId(k)} />
          </Field>
        </View>
      ))}
    </View>
  )
}
