import { useCallback, useEffect, useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { ApiError, errorMessage } from './api'
import { alertMessage } from './platform'

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

/** A failed action as the page shows it: errors by form field, and a message ('' for none). */
export interface ActionFailure<E extends Record<string, string> = Record<string, string>> {
  errors: E
  message: string
}

/** The usual reading of a failure: the server's field errors (ApiError.fields) by field, and its message (errorMessage). */
export function fieldFailure(e: unknown): ActionFailure {
  return { errors: e instanceof ApiError && e.fields ? e.fields : {}, message: errorMessage(e) }
}

/** A form's own check (a zod schema's safeParse) by field, as useAction's `check` takes it: one message for each top-level key (the last, as Object.fromEntries gave it). */
export function issuesByField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errs: Record<string, string> = {}
  for (const i of issues) errs[String(i.path[0])] = i.message
  return errs
}

/**
 * A form of one field the server may refuse (a phone number, a credit code): the server's error for `field` goes
 * under that field and nothing in the banner; any other failure is the banner's message.
 */
export function oneFieldFailure(field: string): (e: unknown) => ActionFailure {
  return (e) => (e instanceof ApiError && e.fields?.[field] ? { errors: { [field]: e.fields[field] }, message: '' } : { errors: {}, message: errorMessage(e) })
}

/**
 * What a page runs from a button (sign, return, refuse, save, invite, search…), once for all of them:
 * - `busy` while it runs (the button's `loading`); a second tap meanwhile is ignored;
 * - `errors` by form field: the page's own checks through `check(errors)` (which also clears the message and
 *   answers whether there were none), the server's through `failure` (default fieldFailure; signFailure for an SMS
 *   signature, oneFieldFailure for a one-field form);
 * - `message` of the last failure for the page's banner, and `code`, the ApiError code of that failure ('unknown'
 *   for one that is not an ApiError, '' after a success or a page's own check); with `show: 'alert'` the message
 *   is shown in a modal (alertMessage) instead and `message` stays ''.
 * `run(call)` clears errors and message, runs `call` (the request and what the page does when it succeeds) and
 * answers true, or false after a failure (thrown by any part of `call`).
 */
export function useAction<E extends Record<string, string> = Record<string, string>>(opts: { failure?: (e: unknown) => ActionFailure<E>; show?: 'inline' | 'alert' } = {}) {
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<E>({} as E)
  const [message, setMessage] = useState('')
  const [code, setCode] = useState('')
  const running = useRef(false)
  const optsRef = useRef(opts)
  optsRef.current = opts
  const check = useCallback((errs: E) => {
    setErrors(errs)
    setMessage('')
    setCode('')
    return Object.keys(errs).length === 0
  }, [])
  const run = useCallback(async (call: () => Promise<unknown>): Promise<boolean> => {
    if (running.current) return false
    running.current = true
    setErrors({} as E)
    setMessage('')
    setCode('')
    setBusy(true)
    try {
      await call()
      return true
    } catch (e) {
      const { failure = fieldFailure as (e: unknown) => ActionFailure<E>, show = 'inline' } = optsRef.current
      const f = failure(e)
      setErrors(f.errors)
      setCode(e instanceof ApiError ? e.code : 'unknown')
      if (show === 'alert') {
        if (f.message) alertMessage(f.message)
      } else setMessage(f.message)
      return false
    } finally {
      running.current = false
      setBusy(false)
    }
  }, [])
  return { busy, errors, setErrors, message, setMessage, code, check, run }
}
