import Taro from '@tarojs/taro'

/**
 * The enterprise the person acts for (issue 10: one person may be the legal representative or an operator of
 * several): its id goes in the `X-Enterprise-Id` header of every call (lib/api.ts authHeader), so the BFF's
 * operatorEnterpriseId uses it; without a choice the person's only enterprise is used. Kept on the device
 * (`zyt:enterprise`) until changed or the session ends (session.ts clearSession).
 */
export const ENTERPRISE_KEY = 'zyt:enterprise'

export interface ActingEnterprise {
  enterpriseId: string
  name: string
}

let cached: ActingEnterprise | null | undefined

export function getActingEnterprise(): ActingEnterprise | null {
  if (cached !== undefined) return cached
  try {
    cached = (Taro.getStorageSync(ENTERPRISE_KEY) as ActingEnterprise) || null
  } catch {
    cached = null
  }
  return cached
}

/** Chooses the enterprise to act for (null: none chosen, the BFF uses the only one). */
export function setActingEnterprise(e: ActingEnterprise | null) {
  cached = e
  if (e) Taro.setStorageSync(ENTERPRISE_KEY, e)
  else Taro.removeStorageSync(ENTERPRISE_KEY)
}

/** The header naming the acting enterprise, or none. */
export function enterpriseHeader(): Record<string, string> {
  const e = getActingEnterprise()
  return e ? { 'X-Enterprise-Id': e.enterpriseId } : {}
}
