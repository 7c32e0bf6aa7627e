/**
 * The trust list on the phone (issue 12): fetched from GET /api/public/trust-list when online, its
 * signature checked against the pinned trust anchor, kept in storage so a scan verifies offline.
 *
 * The anchor: TARO_APP_TRUST_ANCHOR (a public JWK {x, y} set at build time) when the build has one;
 * otherwise the anchor of the first trust list fetched is pinned (trust on first use) and every later list
 * must be signed by it. A list that does not verify is not stored: the phone keeps the one it had.
 */
import Taro from '@tarojs/taro'
import { verifyTrustList, type TrustList } from '@zhiyetong/shared'
import { api } from '../../lib/api'

const KEY = 'zyt.trustList.v1'

interface Stored {
  jws: string
  anchor: { x: string; y: string }
  fetchedAt: string
}

function builtInAnchor(): { x: string; y: string } | null {
  try {
    const text = process.env.TARO_APP_TRUST_ANCHOR
    if (!text) return null
    const jwk = JSON.parse(text) as { x?: string; y?: string }
    return jwk.x && jwk.y ? { x: jwk.x, y: jwk.y } : null
  } catch {
    return null
  }
}

function stored(): Stored | null {
  try {
    return (Taro.getStorageSync(KEY) as Stored) || null
  } catch {
    return null
  }
}

/** The stored trust list, verified again against its pinned anchor; null when there is none. */
export function cachedTrustList(): { list: TrustList; fetchedAt: string } | null {
  const s = stored()
  if (!s) return null
  const anchor = builtInAnchor() ?? s.anchor
  const list = verifyTrustList(s.jws, anchor)
  return list ? { list, fetchedAt: s.fetchedAt } : null
}

/**
 * Fetches the trust list and stores it if it verifies against the pinned anchor. Returns the list in use
 * afterwards (the new one, or the cached one when offline or the new one does not verify).
 */
export async function refreshTrustList(): Promise<{ list: TrustList; fetchedAt: string } | null> {
  try {
    const res = await api.get<{ jws: string; issuedAt: string; anchor: { kid: string; publicKey: { x: string; y: string } } }>('/api/public/trust-list', { auth: false })
    const pinned = builtInAnchor() ?? stored()?.anchor ?? { x: res.anchor.publicKey.x, y: res.anchor.publicKey.y }
    if (verifyTrustList(res.jws, pinned)) {
      Taro.setStorageSync(KEY, { jws: res.jws, anchor: pinned, fetchedAt: new Date().toISOString() } satisfies Stored)
    }
  } catch {
    // offline: keep the cached list
  }
  return cachedTrustList()
}
