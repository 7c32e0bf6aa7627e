import Taro from '@tarojs/taro'
import { apiBase, toApiError, withFreshToken, ApiError, NETWORK_ERROR } from '../../lib/api'
import type { DocumentKind, LivenessVerdict, PromptTime } from './liveness'

/**
 * weapp uploads with Taro.uploadFile (multipart POST): the ID photos go to the POST form of
 * /api/identity/documents/:kind, the video to its liveness session with the text fields.
 */

/** Taro.uploadFile with the bearer token (one refresh on 401) and `headers`; no answer at all is a network error. */
async function upload(options: Omit<Taro.uploadFile.Option, 'header'>, headers: Record<string, string> = {}): Promise<Taro.uploadFile.SuccessCallbackResult> {
  try {
    return await withFreshToken((authorization) => Taro.uploadFile({ ...options, header: { ...headers, ...authorization } }))
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR)
  }
}

/** `photo` is the temp file path from Taro.chooseMedia. */
export async function uploadPhoto(kind: DocumentKind, photo: string | Blob): Promise<void> {
  const res = await upload({ url: `${apiBase}/api/identity/documents/${kind}`, filePath: String(photo), name: 'photo' })
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, parseBody(res.data))
}

function parseBody(data: unknown): unknown {
  try {
    return typeof data === 'string' && data ? JSON.parse(data) : data
  } catch {
    return undefined
  }
}

/** `video` is the tempVideoPath from CameraContext.stopRecord (mp4). */
export async function uploadVideo(sessionId: string, video: string | Blob, fields: { nonce: string; prompts: PromptTime[] }): Promise<LivenessVerdict> {
  // the nonce travels in a header: the server checks it with the session before reading the video
  const res = await upload(
    {
      url: `${apiBase}/api/identity/liveness-sessions/${sessionId}/video`,
      filePath: String(video),
      name: 'video',
      formData: { prompts: JSON.stringify(fields.prompts) },
    },
    { 'X-Liveness-Nonce': fields.nonce },
  )
  const data = parseBody(res.data)
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, data)
  return data as LivenessVerdict
}
