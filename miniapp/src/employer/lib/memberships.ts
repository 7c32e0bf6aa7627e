import type { EnterpriseMembershipView } from '@zhiyetong/shared'
import { api } from '../../lib/api'
import { getActingEnterprise, setActingEnterprise } from '../../lib/enterprise'

export const ROLE_LABELS = { legal_representative: '法定代表人', operator: '经办人' } as const

/**
 * The enterprises the person acts for (GET /api/enterprise/memberships) and the one chosen: a stale choice
 * (the person was removed) is dropped, and a person of one enterprise acts for it without choosing.
 * `current` is null when there are several and none is chosen yet.
 */
export async function loadMemberships(): Promise<{ list: EnterpriseMembershipView[]; current: EnterpriseMembershipView | null }> {
  const list = await api.get<EnterpriseMembershipView[]>('/api/enterprise/memberships')
  const chosen = getActingEnterprise()
  let current = list.find((m) => m.enterpriseId === chosen?.enterpriseId) ?? null
  if (!current && list.length === 1) current = list[0]
  if (current) setActingEnterprise({ enterpriseId: current.enterpriseId, name: current.name })
  else if (chosen) setActingEnterprise(null)
  return { list, current }
}

/** Items of a matter the miniapp has a form page for (applicant/components/forms); the others are shown disabled. */
export const MATTERS_WITH_FORM = ['initial', 'add_specialty', 'renewal', 'cancellation', 'change', 'temporary_transfer', 'temporary_extension', 'temporary_cancellation'] as const
export const NO_FORM_REASON = '手机端暂不支持该事项（尚无表单），请在电脑端办理'
