import { PROFESSION_RULES, SPECIALTIES, isLateRegistration, type Profession, type Specialty } from '@zhiyetong/shared'

/** One offered specialty as typed: ticked, its qualification date, and (001: qualificationOrigin 'place') 资格取得所在地. */
export type SpecialtyState = { checked: boolean; issueDate: string; dateIsApprovalDate: boolean; obtainedIn: string }
/** Continuing-education hours as typed; 培训日期 and 培训机构 where the profession records them (001: trainingDetails). */
export type CeState = { compulsoryHours: string; electiveHours: string; trainingDate: string; trainingInstitution: string }
/** A qualification of a profession without specialties (002): issued in the province, or elsewhere and typed by hand. */
export type QualificationState = { issuedIn: 'province' | 'elsewhere'; issueDate: string; dateIsApprovalDate: boolean; certificateNo: string; issuingProvince: string }

/**
 * What the screen edits for a new qualification (initial, additional specialty): strings as typed. Which parts
 * are used is read from PROFESSION_RULES[profession]: `specialties` (one entry per specialty of the profession)
 * or, for a profession registered as a whole (architects), `qualification` and one pair of hours in `wholeCe`.
 */
export interface FormState {
  profession: Profession
  employer: { name: string; uscc: string; phone: string }
  specialties: Partial<Record<Specialty, SpecialtyState>>
  ce: Partial<Record<Specialty, CeState>>
  qualification: QualificationState
  wholeCe: CeState
  declarations: boolean[]
}

export const emptyCe = (): CeState => ({ compulsoryHours: '', electiveHours: '', trainingDate: '', trainingInstitution: '' })

/** The specialties a profession offers on its forms (none for one registered as a whole). */
export const offeredSpecialties = (profession: Profession): Specialty[] => (PROFESSION_RULES[profession].specialties ? [...(SPECIALTIES[profession] as readonly Specialty[])] : [])

export function emptyState(profession: Profession = 'constructor'): FormState {
  const specialties: FormState['specialties'] = {}
  const ce: FormState['ce'] = {}
  for (const s of offeredSpecialties(profession)) {
    specialties[s] = { checked: false, issueDate: '', dateIsApprovalDate: false, obtainedIn: '' }
    ce[s] = emptyCe()
  }
  return {
    profession,
    employer: { name: '', uscc: '', phone: '' },
    specialties,
    ce,
    qualification: { issuedIn: 'province', issueDate: '', dateIsApprovalDate: false, certificateNo: '', issuingProvince: '' },
    wholeCe: emptyCe(),
    declarations: [false, false, false],
  }
}

const str = (v: unknown) => (v == null ? '' : String(v))
const ceFrom = (c: any): CeState => ({ compulsoryHours: str(c?.compulsoryHours), electiveHours: str(c?.electiveHours), trainingDate: str(c?.trainingDate), trainingInstitution: str(c?.trainingInstitution) })

export function stateFromForm(form: any, profession: Profession = 'constructor'): FormState {
  const st = emptyState(profession)
  if (!form) return st
  if (form.employer) st.employer = { name: form.employer.name || '', uscc: form.employer.uscc || '', phone: form.employer.phone || '' }
  for (const s of form.specialties || []) {
    if (st.specialties[s.specialty as Specialty]) st.specialties[s.specialty as Specialty] = { checked: true, issueDate: s.issueDate || '', dateIsApprovalDate: !!s.dateIsApprovalDate, obtainedIn: s.obtainedIn || '' }
  }
  if (Array.isArray(form.continuingEducation)) {
    for (const c of form.continuingEducation) if (st.ce[c.specialty as Specialty]) st.ce[c.specialty as Specialty] = ceFrom(c)
  } else if (form.continuingEducation) st.wholeCe = ceFrom(form.continuingEducation)
  if (form.qualification) {
    const q = form.qualification
    st.qualification = { issuedIn: q.issuedIn === 'elsewhere' ? 'elsewhere' : 'province', issueDate: q.issueDate || '', dateIsApprovalDate: !!q.dateIsApprovalDate, certificateNo: q.certificateNo || '', issuingProvince: q.issuingProvince || '' }
  }
  if (form.declarationAccepted) st.declarations = [true, true, true]
  return st
}

export function checkedSpecialties(st: FormState): Specialty[] {
  return offeredSpecialties(st.profession).filter((s) => st.specialties[s]?.checked)
}

/** Checked specialties registered more than lateAfterYears after their issue date (shared isLateRegistration). */
export function lateSpecialties(st: FormState, today: Date): Specialty[] {
  return checkedSpecialties(st).filter((s) => st.specialties[s]!.issueDate && isLateRegistration(st.specialties[s]!.issueDate, today, st.profession))
}

/** A profession registered as a whole (002): whether its qualification is late. */
export function qualificationLate(st: FormState, today: Date): boolean {
  return !!st.qualification.issueDate && isLateRegistration(st.qualification.issueDate, today, st.profession)
}

const hours = (v: string) => (v.trim() === '' ? undefined : Number(v))
const opt = (v: string) => (v.trim() === '' ? undefined : v.trim())

/** The hours of one continuing-education entry, with the training details where the profession records them. */
function ceBody(c: CeState, profession: Profession): Record<string, unknown> {
  const body: Record<string, unknown> = { compulsoryHours: hours(c.compulsoryHours), electiveHours: hours(c.electiveHours) }
  if (PROFESSION_RULES[profession].trainingDetails) {
    body.trainingDate = opt(c.trainingDate)
    body.trainingInstitution = opt(c.trainingInstitution)
  }
  return body
}

/**
 * The form as the API takes it (shared matterFormSchema(profession, type)). With specialties: in the
 * profession's fixed order, so `specialties.N` paths in errors map back to the N-th checked specialty, and
 * continuing education follows the late ones; `obtainedIn` where the rules say 'place'. Without (architects):
 * `qualification` and `continuingEducation` as one pair of hours or null. `partial` leaves out what is empty.
 */
export function buildForm(st: FormState, today: Date, partial = false): Record<string, unknown> {
  const rules = PROFESSION_RULES[st.profession]
  const employer: Record<string, string> = {}
  for (const k of ['name', 'uscc', 'phone'] as const) {
    const v = st.employer[k].trim()
    if (v || !partial) employer[k] = k === 'uscc' ? v.toUpperCase() : v
  }
  const form: Record<string, unknown> = { employer }
  if (rules.specialties) {
    form.specialties = checkedSpecialties(st).map((s) => {
      const sp = st.specialties[s]!
      const row: Record<string, unknown> = { specialty: s }
      if (sp.issueDate || !partial) row.issueDate = sp.issueDate || undefined
      if (sp.dateIsApprovalDate) row.dateIsApprovalDate = true
      if (rules.qualificationOrigin === 'place') row.obtainedIn = opt(sp.obtainedIn)
      return row
    })
    form.continuingEducation = lateSpecialties(st, today).map((s) => ({ specialty: s, ...ceBody(st.ce[s] ?? emptyCe(), st.profession) }))
  } else {
    const q = st.qualification
    const qualification: Record<string, unknown> = { issuedIn: q.issuedIn, issueDate: q.issueDate || undefined }
    if (q.dateIsApprovalDate) qualification.dateIsApprovalDate = true
    if (q.issuedIn === 'elsewhere') {
      qualification.certificateNo = opt(q.certificateNo)
      qualification.issuingProvince = opt(q.issuingProvince)
    }
    form.qualification = qualification
    form.continuingEducation = qualificationLate(st, today) ? { compulsoryHours: hours(st.wholeCe.compulsoryHours), electiveHours: hours(st.wholeCe.electiveHours) } : null
  }
  const accepted = st.declarations.every(Boolean)
  if (accepted || !partial) form.declarationAccepted = accepted ? true : undefined
  if (partial && !Object.keys(employer).length) delete form.employer
  return form
}

export type CeKey = 'compulsoryHours' | 'electiveHours' | 'trainingDate' | 'trainingInstitution'

/** Which error path belongs to which control. */
export function errorFor(fields: Record<string, string>, st: FormState, today: Date) {
  const checked = checkedSpecialties(st)
  const late = lateSpecialties(st, today)
  return {
    employer: (k: 'name' | 'uscc' | 'phone') => fields[`employer.${k}`] || (k === 'name' ? fields.employer : undefined),
    specialtiesGeneral: fields.specialties,
    specialty: (s: Specialty) => {
      const i = checked.indexOf(s)
      if (i < 0) return undefined
      return fields[`specialties.${i}.issueDate`] || fields[`specialties.${i}.specialty`] || fields[`specialties.${i}`]
    },
    obtainedIn: (s: Specialty) => {
      const i = checked.indexOf(s)
      return i < 0 ? undefined : fields[`specialties.${i}.obtainedIn`]
    },
    ceGeneral: typeof fields.continuingEducation === 'string' ? fields.continuingEducation : undefined,
    ce: (s: Specialty, k: CeKey) => {
      const i = late.indexOf(s)
      return i < 0 ? undefined : fields[`continuingEducation.${i}.${k}`] || (k === 'compulsoryHours' ? fields[`continuingEducation.${i}.specialty`] || fields[`continuingEducation.${i}`] : undefined)
    },
    qualification: (k: keyof QualificationState) => fields[`qualification.${k}`] || (k === 'issuedIn' ? fields.qualification : undefined),
    wholeCe: (k: CeKey) => fields[`continuingEducation.${k}`],
    declaration: fields.declarationAccepted,
    other: Object.entries(fields)
      .filter(([k]) => !/^(employer|specialties|continuingEducation|qualification|declarationAccepted)/.test(k))
      .map(([, v]) => v),
  }
}
