import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { isH5 } from './platform'

/**
 * Whether the phone is online, for the offline banner on every screen and for the retries (api.ts, uploads).
 * H5: navigator.onLine and the window's online/offline events; mini program: Taro.getNetworkType and
 * onNetworkStatusChange. A request that gets no answer at all also counts as offline until the next answer.
 */
let online = true
let noAnswer = false
const listeners = new Set<() => void>()
const emit = () => listeners.forEach((l) => l())

let started = false
function start() {
  if (started) return
  started = true
  if (isH5 && typeof window !== 'undefined') {
    online = navigator.onLine !== false
    window.addEventListener('online', () => {
      online = true
      noAnswer = false
      emit()
    })
    window.addEventListener('offline', () => {
      online = false
      emit()
    })
    return
  }
  Taro.getNetworkType()
    .then((r) => {
      online = r.networkType !== 'none'
      emit()
    })
    .catch(() => undefined)
  Taro.onNetworkStatusChange((r) => {
    online = r.isConnected
    if (online) noAnswer = false
    emit()
  })
}

/** What the phone itself says (no request failure counted): offline means a retry would only wait. */
export function isDeviceOnline(): boolean {
  start()
  return online
}

export function isOnline(): boolean {
  start()
  return online && !noAnswer
}

/** api.ts reports each request's fate: `false` when no answer came (network error), `true` on any answer. */
export function reportAnswer(answered: boolean) {
  start()
  if (noAnswer === !answered) return
  noAnswer = !answered
  emit()
}

export function onNetChange(fn: () => void): () => void {
  start()
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Resolves when the phone is online again (at once when it is), or after `maxMs`. */
export function waitOnline(maxMs = 60_000): Promise<void> {
  start()
  if (online) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      off()
      clearTimeout(t)
      resolve()
    }
    const off = onNetChange(() => online && done())
    const t = setTimeout(done, maxMs)
  })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Re-renders with the current online state. */
export function useOnline(): boolean {
  const [value, setValue] = useState(isOnline)
  useEffect(() => {
    setValue(isOnline())
    return onNetChange(() => setValue(isOnline()))
  }, [])
  return value
}
