import type { Profession, RegistrationType } from '@zhiyetong/shared'
import { addSpecialtyModel } from './AddSpecialtyForm'
import { cancellationModel } from './CancellationForm'
import { changeModel } from './ChangeForm'
import { initialModel } from './InitialForm'
import { paperExchangeModel } from './PaperExchangeForm'
import { renewalModel } from './RenewalForm'
import { temporaryCancellationModel, temporaryExtensionModel, temporaryTransferModel } from './TemporaryForms'
import type { MatterModel } from './types'

/** The form of each matter the miniapp takes (shared SUPPORTED_APPLICATIONS); the others are shown disabled. */
export const MATTER_MODELS: Partial<Record<RegistrationType, MatterModel<any>>> = {
  initial: initialModel,
  add_specialty: addSpecialtyModel,
  renewal: renewalModel,
  cancellation: cancellationModel,
  change: changeModel,
  paper_exchange: paperExchangeModel,
  // temporary constructors (003 §3.2.3.8-11): filed by the enterprise only, in employer mode
  temporary_transfer: temporaryTransferModel,
  temporary_extension: temporaryExtensionModel,
  temporary_cancellation: temporaryCancellationModel,
}

/**
 * The form model of `type` for `profession`, or undefined when the miniapp has no form for it. Every form reads
 * the profession's rules (PROFESSION_RULES: specialties or none, 资格取得所在地, one specialty per application,
 * training details), so one model serves every profession.
 */
export function matterModel(_profession: Profession, type: RegistrationType): MatterModel<any> | undefined {
  return MATTER_MODELS[type]
}
