import { apiBase } from './api'
import { ConnectionDropped } from './upload-retry'

/**
 * H5: one multipart upload with XMLHttpRequest (fetch has no upload progress). Resolves with the status and
 * the body text for any answer; rejects with ConnectionDropped when none came (offline, reset, timeout).
 */
export function xhrSend(method: 'PUT' | 'POST', path: string, body: FormData, headers: Record<string, string>, onPercent: (p: number) => void, timeoutMs = 120_000): Promise<{ statusCode: number; body: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(method, `${apiBase}${path}`)
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v)
    xhr.timeout = timeoutMs
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total) onPercent(Math.min(99, Math.round((e.loaded / e.total) * 100)))
    }
    xhr.onload = () => {
      onPercent(100)
      resolve({ statusCode: xhr.status, body: xhr.responseText })
    }
    const dropped = () => reject(new ConnectionDropped('网络连接中断'))
    xhr.onerror = dropped
    xhr.ontimeout = dropped
    xhr.onabort = dropped
    xhr.send(body)
  })
}

export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
