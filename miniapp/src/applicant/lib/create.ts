import Taro from '@tarojs/taro'
import type { ApplicationView, Profession, RegistrationType } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../lib/api'
import { alertMessage, go } from '../../lib/platform'

export const VERIFY_URL = '/applicant/pages/verify/index'

/**
 * Starts a matter (POST /api/applications) and opens its form; `query` goes to the form (kind=employer,
 * preset=all). Real-name problems lead to the identity or verification page; any other refusal is shown.
 * Returns false when nothing was created.
 */
export async function startMatter(profession: Profession, type: RegistrationType, query = '', opts: { redirect?: boolean } = {}): Promise<boolean> {
  try {
    const app = await api.post<ApplicationView>('/api/applications', { profession, type }, { loading: '正在创建' })
    const url = `/applicant/pages/form/index?id=${app.id}${query ? `&${query}` : ''}`
    if (opts.redirect === false) go(url)
    else Taro.redirectTo({ url })
    return true
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'identity_required' || e.code === 'identity_unverified')) {
      await alertMessage(e.message)
      go(e.code === 'identity_unverified' ? VERIFY_URL : '/applicant/pages/identity/index')
      return false
    }
    await alertMessage(errorMessage(e))
    return false
  }
}
