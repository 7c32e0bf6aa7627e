import { Input, Picker, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { PROFESSION_RULES, SPECIALTY_LABELS, type ConstructorSpecialty } from '@zhiyetong/shared'
import { Check, Field } from '../../../components/ui'
import { DocumentSlot } from '../DocumentSlot'
import type { FormState } from '../../pages/form/model'
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
export function EmployerPhone({ name, uscc, phone, onPhone, error, disabled, title = '聘用企业' }: { name: string; uscc?: string; phone: string; onPhone: (v: string) => void; error?: string; disabled?: boolean; title?: string }) {
  return (
    <View className='card'>
      <View className='card__title'>{title}</View>
      <View className='card__hint'>
        {name || '—'}
        {uscc ? ` · ${uscc}` : ''}
      </View>
      <Field label='企业联系电话' required error={error} help='手机号或带区号的固定电话，如 021-12345678'>
        <Input className={`field__input ${error ? 'field__input--error' : ''}`} maxlength={13} placeholder='企业联系电话' value={phone} disabled={disabled} onInput={(e) => onPhone(e.detail.value.trim())} data-testid='employer-phone' />
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

/**
 * The specialties to register (initial, additional specialty): each offered one with its qualification date
 * (or approval date), and for late ones the continuing-education hours. Error paths follow the order of the
 * checked specialties (model.ts errorFor).
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
  offered: readonly ConstructorSpecialty[]
  st: FormState
  set: (fn: (d: FormState) => void) => void
  err: { specialtiesGeneral?: string; specialty: (s: ConstructorSpecialty) => string | undefined; ceGeneral?: string; ce: (s: ConstructorSpecialty, k: 'compulsoryHours' | 'electiveHours') => string | undefined }
  late: ConstructorSpecialty[]
  editable: boolean
  title?: string
  hint?: string
}) {
  const rules = PROFESSION_RULES.constructor
  return (
    <>
      <View className='card'>
        <View className='card__title'>{title}</View>
        {hint && <View className='card__hint'>{hint}</View>}
        {err.specialtiesGeneral && <View className='field__error'>{err.specialtiesGeneral}</View>}
        {offered.map((s) => {
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
                  <Check
                    checked={row.dateIsApprovalDate}
                    disabled={!editable}
                    onChange={(v) =>
                      set((d) => {
                        d.specialties[s].dateIsApprovalDate = v
                      })
                    }
                    testId={`approval-date-${s}`}
                  >
                    若没有签发日期则填写批准日期
                  </Check>
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
              <HoursInputs
                value={st.ce[s]}
                disabled={!editable}
                error={(k) => err.ce(s, k)}
                testId={(k) => `ce-${s}-${k}`}
                onChange={(k, v) =>
                  set((d) => {
                    d.ce[s][k] = v
                  })
                }
              />
            </View>
          ))}
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
