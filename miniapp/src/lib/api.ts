import Taro from '@tarojs/taro'
import type { ApiErrorBody, SessionResponse } from '@zhiyetong/shared'
import { clearSession, getSession, setSession } from './session'
import { isH5, taroCall } from './platform'
import { isDeviceOnline, reportAnswer, sleep, waitOnline } from './net'
import { enterpriseHeader } from './enterprise'

/** H5 calls its own origin (`/api/...`); the mini program needs an absolute base set at build time. */
export const apiBase = isH5 ? '' : API_BASE.replace(/\/$/, '')

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields?: Record<string, string>,
  ) {
    super(message)
  }
}

export const NETWORK_ERROR = '网络连接失败，请检查网络后重试'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
export interface RequestOptions {
  /** Send the bearer token (default true). */
  auth?: boolean
  /** Show a blocking loading toast with this text while the request runs. */
  loading?: string
  query?: Record<string, string | number | undefined | null>
  /**
   * Tries after "no answer" (a network error) while the phone says it is online. Default: GET 3 (it is
   * idempotent), others 0 (a POST that may have reached the server is not sent twice; the user retries).
   */
  retries?: number
}

/** Waits before retry `attempt` (1, 2, 3…): 0.5 s, 1 s, 2 s … at most 8 s, and until the phone is online again (at most 30 s). */
export async function backoff(attempt: number) {
  await sleep(Math.min(8000, 500 * 2 ** (attempt - 1)))
  await waitOnline(30_000)
}

function buildQuery(query?: RequestOptions['query']) {
  if (!query) return ''
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

let refreshing: Promise<boolean> | null = null

/** Rotates the token pair once; concurrent 401s share one refresh. */
export function refreshSession(): Promise<boolean> {
  const s = getSession()
  if (!s) return Promise.resolve(false)
  refreshing ??= (async () => {
    try {
      const res = await Taro.request<SessionResponse>({
        url: `${apiBase}/api/auth/refresh`,
        method: 'POST',
        data: { refreshToken: s.refreshToken },
        header: { 'content-type': 'application/json' },
      })
      if (res.statusCode === 200 && res.data?.accessToken) {
        setSession(res.data)
        return true
      }
      clearSession()
      return false
    } catch {
      return false
    } finally {
      setTimeout(() => (refreshing = null), 0)
    }
  })()
  return refreshing
}

/** The bearer token and, when the person chose one (lib/enterprise.ts), the enterprise they act for. */
function authHeader(): Record<string, string> {
  const s = getSession()
  return s ? { Authorization: `Bearer ${s.accessToken}`, ...enterpriseHeader() } : {}
}

/** Taro's responses (request, downloadFile, uploadFile) carry `statusCode`, fetch's `status`. */
type Answer = { statusCode: number } | { status: number }
const statusOf = (res: Answer) => ('statusCode' in res ? res.statusCode : res.status)

/**
 * Sends with the current bearer header; when the answer is 401 while signed in, rotates the token pair once
 * (refreshSession) and sends again with the new header. For every authenticated call: Taro.request,
 * Taro.downloadFile, Taro.uploadFile and H5 fetch. A throw from `send` (no answer) is passed on.
 */
export async function withFreshToken<T extends Answer>(send: (authorization: Record<string, string>) => Promise<T>): Promise<T> {
  const res = await send(authHeader())
  if (statusOf(res) === 401 && getSession() && (await refreshSession())) return send(authHeader())
  return res
}

export function toApiError(statusCode: number, data: unknown): ApiError {
  const body = data as Partial<ApiErrorBody> | undefined
  if (body && typeof body === 'object' && body.error?.message) {
    return new ApiError(statusCode, body.error.code, body.error.message, body.error.fields)
  }
  if (statusCode === 404) return new ApiError(404, 'not_found', '服务暂不可用（接口不存在），请稍后再试')
  if (statusCode >= 500) return new ApiError(statusCode, 'internal', '系统繁忙，请稍后再试')
  return new ApiError(statusCode, 'unknown', `请求失败（${statusCode}）`)
}

function onSessionLost() {
  clearSession()
  const pages = Taro.getCurrentPages()
  const current = pages[pages.length - 1]?.route || ''
  if (!current.includes('auth/pages/login')) {
    Taro.navigateTo({ url: '/auth/pages/login/index?expired=1' }).catch(() => Taro.reLaunch({ url: '/auth/pages/login/index?expired=1' }))
  }
}

export async function request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const { auth = true, loading } = opts
  if (loading) Taro.showLoading({ title: loading, mask: true })
  try {
    const send = (authorization: Record<string, string>) =>
      Taro.request({
        url: `${apiBase}${path}${buildQuery(opts.query)}`,
        method,
        data: body === undefined ? undefined : (body as any),
        header: { 'content-type': 'application/json', ...authorization },
        dataType: 'json',
      })
    const retries = opts.retries ?? (method === 'GET' ? 3 : 0)
    let res
    for (let attempt = 0; ; attempt++) {
      try {
        res = auth ? await withFreshToken(send) : await send({})
        reportAnswer(true)
        break
      } catch (e) {
        reportAnswer(false)
        // offline: answer at once, so that the screen shows what it has (the offline verdict, the banner)
        if (attempt >= retries || !isDeviceOnline()) throw new ApiError(0, 'network', NETWORK_ERROR)
        await backoff(attempt + 1)
      }
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res.data as T
    const err = toApiError(res.statusCode, res.data)
    if (res.statusCode === 401 && auth) onSessionLost()
    throw err
  } finally {
    if (loading) Taro.hideLoading()
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
}

/** Readable message for anything thrown by a call. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message) return e.message
  return '操作失败，请稍后再试'
}

/**
 * H5: `fetch` with the bearer token, refreshing it once on 401; a non-2xx answer throws the API's error.
 * `init` is a function so that a retried request gets a fresh body.
 */
export async function authedFetch(path: string, init: () => RequestInit = () => ({})): Promise<Response> {
  const doFetch = (authorization: Record<string, string>) => {
    const i = init()
    return fetch(`${apiBase}${path}`, { ...i, headers: { ...authorization, ...(i.headers as Record<string, string> | undefined) } })
  }
  let res: Response
  try {
    res = await withFreshToken(doFetch)
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR)
  }
  if (!res.ok) {
    let data: unknown
    try {
      data = await res.json()
    } catch {
      data = undefined
    }
    throw toApiError(res.status, data)
  }
  return res
}

/**
 * weapp: downloads an authenticated file (a PDF, a photo, the statistics chart) to a temporary path
 * (Taro.downloadFile with the bearer header, refreshed once on 401). No answer: ApiError `network`; another
 * status than 200: its ApiError (toApiError). The H5 counterpart is fetchBlob.
 */
export async function downloadFile(path: string): Promise<string> {
  let res: Taro.downloadFile.FileSuccessCallbackResult
  try {
    res = await withFreshToken((authorization) => taroCall(() => Taro.downloadFile({ url: `${apiBase}${path}`, header: authorization })))
  } catch (e: any) {
    throw new ApiError(0, 'network', e?.message || NETWORK_ERROR)
  }
  if (res.statusCode !== 200) throw toApiError(res.statusCode, undefined)
  return res.tempFilePath
}

/** Downloads an authenticated binary (PDF) in H5 as a Blob. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await authedFetch(path)).blob()
}
