import { useCallback, useEffect, useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { errorMessage } from './api'

/** Seconds left until a deadline, ticking every second; 0 when passed or unset. */
export function useCountdown() {
  const [deadline, setDeadline] = useState(0)
  const [left, setLeft] = useState(0)
  useEffect(() => {
    if (!deadline) return
    const tick = () => setLeft(Math.max(0, Math.ceil((deadline - Date.now()) / 1000)))
    tick()
    const t = setInterval(tick, 1000)
    return () => clearInterval(t)
  }, [deadline])
  const start = useCallback((seconds: number) => setDeadline(Date.now() + seconds * 1000), [])
  const reset = useCallback(() => {
    setDeadline(0)
    setLeft(0)
  }, [])
  return { left, start, reset }
}

export function formatSeconds(s: number) {
  const m = Math.floor(s / 60)
  const r = s % 60
  return m ? `${m} 分 ${String(r).padStart(2, '0')} 秒` : `${r} 秒`
}

/** Loads data on show (and on demand); keeps the last good data when a reload fails. */
export function useLoader<T>(load: () => Promise<T>, deps: unknown[] = [], opts: { onShow?: boolean } = { onShow: true }) {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string>('')
  const [loading, setLoading] = useState(true)
  const loadRef = useRef(load)
  loadRef.current = load
  const reload = useCallback(async () => {
    setLoading(true)
    setError('')
    try {
      const d = await loadRef.current()
      setData(d)
      return d
    } catch (e) {
      setError(errorMessage(e))
      return undefined
    } finally {
      setLoading(false)
      Taro.stopPullDownRefresh()
    }
  }, [])
  const first = useRef(true)
  useEffect(() => {
    first.current = true
    reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)
  useDidShow(() => {
    if (first.current) {
      first.current = false
      return
    }
    if (opts.onShow) reload()
  })
  return { data, setData, error, loading, reload }
}

export function useRouterParams() {
  return (Taro.getCurrentInstance().router?.params || {}) as Record<string, string | undefined>
}

/**
 * A text (or any JSON value) kept as a draft on the device while it is typed (Taro storage, `zyt:draft:<key>`),
 * so that nothing typed is lost when the app is killed or the network drops; `clear()` after it was sent.
 */
export function useDraft<T>(key: string, initial: T): [T, (v: T) => void, () => void] {
  const storageKey = `zyt:draft:${key}`
  const [value, setValue] = useState<T>(() => {
    try {
      const saved = Taro.getStorageSync(storageKey)
      return saved === '' || saved === undefined || saved === null ? initial : (saved as T)
    } catch {
      return initial
    }
  })
  const set = useCallback(
    (v: T) => {
      setValue(v)
      try {
        Taro.setStorageSync(storageKey, v)
      } catch {
        // storage full: the value stays in memory
      }
    },
    [storageKey],
  )
  const clear = useCallback(() => {
    setValue(initial)
    Taro.removeStorageSync(storageKey)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storageKey])
  return [value, set, clear]
}
