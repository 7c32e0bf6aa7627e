import type { RegistrationType } from '@zhiyetong/shared'
import { addSpecialtyModel } from './AddSpecialtyForm'
import { cancellationModel } from './CancellationForm'
import { changeModel } from './ChangeForm'
import { initialModel } from './InitialForm'
import { paperExchangeModel } from './PaperExchangeForm'
import { renewalModel } from './RenewalForm'
import type { MatterModel } from './types'

/** The form of each matter the miniapp takes (shared SUPPORTED_APPLICATIONS); the others are shown disabled. */
export const MATTER_MODELS: Partial<Record<RegistrationType, MatterModel<any>>> = {
  initial: initialModel,
  add_specialty: addSpecialtyModel,
  renewal: renewalModel,
  cancellation: cancellationModel,
  change: changeModel,
  paper_exchange: paperExchangeModel,
}
