import type { ComponentType } from 'react'
import type { ApplicationView, MatterAvailabilityView, MatterContext, Profession, RegistrationView } from '@zhiyetong/shared'

/** What every matter's form component gets from the form page (applicant/pages/form). */
export interface MatterFormProps<S> {
  app: ApplicationView
  /** The person's registration in this profession (GET /api/registrations), or null. */
  register: RegistrationView | null
  ctx: MatterContext
  st: S
  set: (fn: (draft: S) => void) => void
  /** The message for a field path (`specialties.0.issueDate`), from the shared check or the server's 4xx. */
  fields: Record<string, string>
  editable: boolean
  /** The change row of GET /api/matters (a change of employer not open carries its code and reason). */
  changeMatter?: MatterAvailabilityView
  /** Reload the application after an upload (the version changed and signatures are void). */
  onUploaded: () => void
}

/**
 * One matter's screen state and its mapping to the API's form (shared/src/matters.ts schemas): `init` for a
 * new draft (`params` are the page's query, e.g. preset=all), `fromForm` for a saved one, `toForm` for saving
 * and for the shared MATTERS[type].check. `paths` are the field paths the form shows inline; any other
 * message goes into a banner on top.
 */
export interface MatterModel<S> {
  /** `app`: the application (a temporary constructor's transfer takes its 现聘用企业 from ApplicationView.employer). */
  init(register: RegistrationView | null, params: Record<string, string | undefined>, profession: Profession, app?: ApplicationView): S
  fromForm(form: any, register: RegistrationView | null, profession: Profession, app?: ApplicationView): S
  toForm(st: S, ctx: MatterContext): Record<string, unknown>
  paths: RegExp
  Form: ComponentType<MatterFormProps<S>>
}
