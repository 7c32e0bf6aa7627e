import Taro from '@tarojs/taro'
import type { MeResponse, Role, SessionResponse } from '@zhiyetong/shared'
import { setActingEnterprise } from './enterprise'

const KEY = 'zyt:session'

export interface StoredSession {
  accessToken: string
  refreshToken: string
  /** Epoch ms when the access token expires. */
  expiresAt: number
  user: { id: string; roles: Role[] }
}

let cached: StoredSession | null | undefined

export function getSession(): StoredSession | null {
  if (cached !== undefined) return cached
  try {
    cached = (Taro.getStorageSync(KEY) as StoredSession) || null
  } catch {
    cached = null
  }
  return cached
}

export function setSession(s: SessionResponse): StoredSession {
  const stored: StoredSession = {
    accessToken: s.accessToken,
    refreshToken: s.refreshToken,
    expiresAt: Date.now() + s.expiresIn * 1000,
    user: s.user,
  }
  cached = stored
  Taro.setStorageSync(KEY, stored)
  return stored
}

export function clearSession() {
  cached = null
  meCache = null
  Taro.removeStorageSync(KEY)
  setActingEnterprise(null)
}

export function isLoggedIn() {
  return !!getSession()
}

export function hasRole(role: Role) {
  return !!getSession()?.user.roles.includes(role)
}

let meCache: MeResponse | null = null
export function rememberMe(me: MeResponse) {
  meCache = me
}
export function cachedMe() {
  return meCache
}

/** Where a user lands after login (issue: applicant → 我的申请; enterprise_operator → 待企业确认; reviewer → 审核). */
export function homeUrlFor(roles: Role[]): { url: string; tab: boolean } {
  if (roles.includes('reviewer')) return { url: '/reviewer/pages/queue/index', tab: false }
  if (roles.includes('enterprise_operator')) return { url: '/employer/pages/queue/index', tab: false }
  return { url: '/pages/home/index', tab: true }
}

/** Lands on the role's home: tab pages directly; queues on top of the 首页 tab so 返回 leads somewhere. */
export async function goRoleHome(roles: Role[]) {
  const home = homeUrlFor(roles)
  // the 首页 tab opens the queue once it is shown (navigating during switchTab races in H5)
  if (!home.tab) pendingHome = home.url
  await Taro.switchTab({ url: '/pages/home/index' })
}

let pendingHome: string | null = null
/** The role home still to open after login, once (called by the 首页 tab when shown). */
export function takePendingHome(): string | null {
  const url = pendingHome
  pendingHome = null
  return url
}
