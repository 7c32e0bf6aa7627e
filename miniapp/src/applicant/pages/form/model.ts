import { SPECIALTIES, isLateRegistration, type ConstructorSpecialty, type InitialRegistrationForm } from '@zhiyetong/shared'

export type SpecialtyState = { checked: boolean; issueDate: string; dateIsApprovalDate: boolean }
export type CeState = { compulsoryHours: string; electiveHours: string }

/** What the screen edits: strings as typed, one entry per constructor specialty. */
export interface FormState {
  employer: { name: string; uscc: string; phone: string }
  specialties: Record<ConstructorSpecialty, SpecialtyState>
  ce: Record<ConstructorSpecialty, CeState>
  declarations: boolean[]
}

export const CONSTRUCTOR_SPECIALTIES = SPECIALTIES.constructor

export function emptyState(): FormState {
  const specialties = {} as FormState['specialties']
  const ce = {} as FormState['ce']
  for (const s of CONSTRUCTOR_SPECIALTIES) {
    specialties[s] = { checked: false, issueDate: '', dateIsApprovalDate: false }
    ce[s] = { compulsoryHours: '', electiveHours: '' }
  }
  return { employer: { name: '', uscc: '', phone: '' }, specialties, ce, declarations: [false, false, false] }
}

export function stateFromForm(form: Partial<InitialRegistrationForm> | null | undefined): FormState {
  const st = emptyState()
  if (!form) return st
  if (form.employer) st.employer = { name: form.employer.name || '', uscc: form.employer.uscc || '', phone: form.employer.phone || '' }
  for (const s of form.specialties || []) {
    if (s.specialty in st.specialties) st.specialties[s.specialty as ConstructorSpecialty] = { checked: true, issueDate: s.issueDate || '', dateIsApprovalDate: !!s.dateIsApprovalDate }
  }
  for (const c of form.continuingEducation || []) {
    if (c.specialty in st.ce) st.ce[c.specialty as ConstructorSpecialty] = { compulsoryHours: c.compulsoryHours == null ? '' : String(c.compulsoryHours), electiveHours: c.electiveHours == null ? '' : String(c.electiveHours) }
  }
  if (form.declarationAccepted) st.declarations = [true, true, true]
  return st
}

export function checkedSpecialties(st: FormState): ConstructorSpecialty[] {
  return CONSTRUCTOR_SPECIALTIES.filter((s) => st.specialties[s].checked)
}

/** Checked specialties registered more than three years after their issue date (shared isLateRegistration). */
export function lateSpecialties(st: FormState, today: Date): ConstructorSpecialty[] {
  return checkedSpecialties(st).filter((s) => st.specialties[s].issueDate && isLateRegistration(st.specialties[s].issueDate, today))
}

const hours = (v: string) => (v.trim() === '' ? undefined : Number(v))

/**
 * The form as the API takes it. Specialties go in the fixed constructor order, so `specialties.N` paths in
 * errors map back to the N-th checked specialty; continuing education likewise follows the late ones.
 * `partial` leaves out what is still empty (a draft save).
 */
export function buildForm(st: FormState, today: Date, partial = false): Record<string, unknown> {
  const checked = checkedSpecialties(st)
  const late = lateSpecialties(st, today)
  const employer: Record<string, string> = {}
  for (const k of ['name', 'uscc', 'phone'] as const) {
    const v = st.employer[k].trim()
    if (v || !partial) employer[k] = k === 'uscc' ? v.toUpperCase() : v
  }
  const form: Record<string, unknown> = {
    employer,
    specialties: checked.map((s) => {
      const row: Record<string, unknown> = { specialty: s }
      if (st.specialties[s].issueDate || !partial) row.issueDate = st.specialties[s].issueDate || undefined
      if (st.specialties[s].dateIsApprovalDate) row.dateIsApprovalDate = true
      return row
    }),
    continuingEducation: late.map((s) => ({ specialty: s, compulsoryHours: hours(st.ce[s].compulsoryHours), electiveHours: hours(st.ce[s].electiveHours) })),
  }
  const accepted = st.declarations.every(Boolean)
  if (accepted || !partial) form.declarationAccepted = accepted ? true : undefined
  if (partial && !Object.keys(employer).length) delete form.employer
  return form
}

/** Which error path belongs to which control. */
export function errorFor(fields: Record<string, string>, st: FormState, today: Date) {
  const checked = checkedSpecialties(st)
  const late = lateSpecialties(st, today)
  return {
    employer: (k: 'name' | 'uscc' | 'phone') => fields[`employer.${k}`] || (k === 'name' ? fields.employer : undefined),
    specialtiesGeneral: fields.specialties,
    specialty: (s: ConstructorSpecialty) => {
      const i = checked.indexOf(s)
      if (i < 0) return undefined
      return fields[`specialties.${i}.issueDate`] || fields[`specialties.${i}.specialty`] || fields[`specialties.${i}`]
    },
    ceGeneral: fields.continuingEducation,
    ce: (s: ConstructorSpecialty, k: 'compulsoryHours' | 'electiveHours') => {
      const i = late.indexOf(s)
      return i < 0 ? undefined : fields[`continuingEducation.${i}.${k}`] || fields[`continuingEducation.${i}.specialty`] || fields[`continuingEducation.${i}`]
    },
    declaration: fields.declarationAccepted,
    other: Object.entries(fields)
      .filter(([k]) => !/^(employer|specialties|continuingEducation|declarationAccepted)/.test(k))
      .map(([, v]) => v),
  }
}
