import Taro from '@tarojs/taro'
import type { MeResponse } from '@zhiyetong/shared'
import { api } from './api'
import { rememberMe } from './session'

export const PRIVACY_VERSION = '2026.1'

export async function loadMe(): Promise<MeResponse> {
  const me = await api.get<MeResponse>('/api/me')
  rememberMe(me)
  return me
}

/** First use: the privacy guide comes before anything else. Returns false when it navigated there. */
export function ensurePrivacyConsent(me: MeResponse): boolean {
  if (me.privacyConsent) return true
  Taro.redirectTo({ url: '/auth/pages/privacy/index' }).catch(() => Taro.navigateTo({ url: '/auth/pages/privacy/index' }))
  return false
}
