import dayjs from 'dayjs'
import { PROFESSION_RULES, addableSpecialties, applicantDeclaration } from '@zhiyetong/shared'
import { Empty } from '../../../components/ui'
import { buildForm, emptyState, errorFor, lateSpecialties, stateFromForm, type FormState } from '../../pages/form/model'
import { Declarations, EmployerPhone, PhotoCard, SpecialtyPicker, tickDeclaration } from './common'
import type { MatterFormProps, MatterModel } from './types'

/** 增项注册 (000 §3.2.1 figure 19): only specialties not registered (or no longer valid); late ones ask for continuing education. */
function AddSpecialtyForm({ app, register, ctx, st, set, fields, editable, onUploaded }: MatterFormProps<FormState>) {
  const today = dayjs(ctx.today).hour(12).toDate()
  const offered = addableSpecialties(app.profession, ctx)
  const err = errorFor(fields, st, today)
  const late = lateSpecialties(st, today)
  const employerName = register?.employer?.name ?? ''
  return (
    <>
      <EmployerPhone
        name={employerName}
        uscc={register?.employer?.uscc}
        phone={st.employer.phone}
        error={err.employer('phone')}
        disabled={!editable}
        onPhone={(v) =>
          set((d) => {
            d.employer.phone = v
          })
        }
      />
      {offered.length ? (
        <SpecialtyPicker offered={offered} st={st} set={set} err={err} late={late} editable={editable} title='申请增项注册专业' hint={`以下为未注册的专业，请选择专业提交增项申请（${PROFESSION_RULES[app.profession].maxSpecialtiesPerApplication === 1 ? '每次申请只能选择一个专业' : '一次可选择多个专业'}）。`} />
      ) : (
        <Empty text='您的全部专业均已注册且在有效期内，无可增项的专业' />
      )}
      <PhotoCard app={app} editable={editable} onUploaded={onUploaded} />
      <Declarations
        texts={applicantDeclaration({ applicantName: app.applicant.name, employerName, profession: app.profession, type: app.type })}
        value={st.declarations}
        disabled={!editable}
        error={err.declaration}
        onChange={tickDeclaration(set)}
      />
    </>
  )
}

export const addSpecialtyModel: MatterModel<FormState> = {
  init: (_register, _params, profession) => emptyState(profession),
  fromForm: (form, _register, profession) => stateFromForm({ ...form, employer: { name: '', uscc: '', phone: form?.employer?.phone ?? '' } }, profession),
  toForm(st, ctx) {
    const f = buildForm(st, dayjs(ctx.today).hour(12).toDate())
    return { ...f, employer: { phone: st.employer.phone.trim() } }
  },
  paths: /^(employer|specialties|continuingEducation|declarationAccepted)/,
  Form: AddSpecialtyForm,
}
