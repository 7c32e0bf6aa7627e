import { PROVINCE_RULES, type MatterAvailabilityView, type ProvinceRules } from '@zhiyetong/shared'

/**
 * The province rules to check a form with on the phone. The server's setting is not sent, but GET
 * /api/matters says how a change of employer is filed: `employer_change_by_cancellation` is Shanghai's rule;
 * otherwise a province with one change application (Sichuan's rules). The server checks with the exact ones
 * and its 4xx field errors are shown in the same places.
 */
export function clientRules(change: MatterAvailabilityView | undefined): ProvinceRules {
  return PROVINCE_RULES[change && change.available && change.code !== 'employer_change_by_cancellation' ? 'sichuan' : 'shanghai']
}
