import { toApiError } from '../../lib/api'
import { redrawAsJpeg } from '../../lib/image.h5'
import { uploadWithRetry } from '../../lib/upload-retry'
import { parseJson, xhrSend } from '../../lib/xhr.h5'
import type { DocumentKind, LivenessVerdict, PromptTime } from './liveness'

/**
 * H5 uploads: XMLHttpRequest + FormData (the bearer token, one refresh on 401), sent again after a dropped
 * connection (uploadWithRetry); a non-2xx answer throws the API's error. Returns the parsed JSON body.
 */
async function send(method: 'PUT' | 'POST', path: string, form: () => FormData, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await uploadWithRetry((authorization, onPercent) => xhrSend(method, path, form(), { ...headers, ...authorization }, onPercent))
  const body = parseJson(res.body)
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, body)
  return body
}

const MAX_PHOTO = 5 * 1024 * 1024

/** Phone photos are often larger than the 5 MB limit or HEIC: redraw them as a JPEG of at most 2000 px. */
async function normalisePhoto(file: Blob): Promise<Blob> {
  if ((file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= 1.5 * 1024 * 1024) return file
  return redrawAsJpeg(file, 2000, { unreadable: '无法读取该照片，请重新拍摄或选择 JPG/PNG 照片', unencodable: '无法处理该照片，请重新拍摄' })
}

export async function uploadPhoto(kind: DocumentKind, photo: string | Blob): Promise<void> {
  const blob = await normalisePhoto(photo as Blob)
  if (blob.size > MAX_PHOTO) throw new Error('照片超过 5 MB，请重新拍摄')
  const name = blob.type === 'image/png' ? 'photo.png' : 'photo.jpg'
  await send('PUT', `/api/identity/documents/${kind}`, () => {
    const f = new FormData()
    f.append('photo', blob, name)
    return f
  })
}

export async function uploadVideo(sessionId: string, video: string | Blob, fields: { nonce: string; prompts: PromptTime[] }): Promise<LivenessVerdict> {
  const blob = video as Blob
  const name = /mp4/.test(blob.type) ? 'liveness.mp4' : 'liveness.webm'
  // the nonce travels in a header: the server checks it with the session before reading the video
  const res = await send(
    'POST',
    `/api/identity/liveness-sessions/${sessionId}/video`,
    () => {
      const f = new FormData()
      f.append('prompts', JSON.stringify(fields.prompts))
      f.append('video', blob, name)
      return f
    },
    { 'X-Liveness-Nonce': fields.nonce },
  )
  return res as LivenessVerdict
}
