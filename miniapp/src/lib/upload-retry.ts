import { ApiError, NETWORK_ERROR, backoff, withFreshToken } from './api'
import { reportAnswer } from './net'

/** Where an upload stands, for the tile: sending with a percentage, or waiting for the network to retry. */
export type UploadProgress = { state: 'sending'; percent: number } | { state: 'waiting'; attempt: number }

/** Thrown by a `send` that got no answer at all (the connection dropped): the upload is tried again. */
export class ConnectionDropped extends Error {}

/**
 * Sends an upload until it is answered: after a dropped connection it waits (backoff: 0.5 s, 1 s, 2 s …, and
 * until the phone is online again) and sends the whole file again, up to `tries` times (the files are at most
 * a few MB and the server has no resumable upload, so a retry starts from the first byte; a PUT or a
 * document POST replaces the same document, so a second arrival does no harm). The bearer token is
 * refreshed once on 401 (withFreshToken). Answers with any HTTP status are returned to the caller.
 */
export async function uploadWithRetry<T extends { statusCode: number }>(send: (authorization: Record<string, string>, onPercent: (p: number) => void) => Promise<T>, onProgress?: (p: UploadProgress) => void, tries = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      onProgress?.({ state: 'sending', percent: 0 })
      const res = await withFreshToken((authorization) => send(authorization, (percent) => onProgress?.({ state: 'sending', percent })))
      reportAnswer(true)
      return res
    } catch (e) {
      if (!(e instanceof ConnectionDropped)) throw e
      reportAnswer(false)
      if (attempt >= tries) throw new ApiError(0, 'network', NETWORK_ERROR)
      onProgress?.({ state: 'waiting', attempt })
      await backoff(attempt)
    }
  }
}

/** The tile's text for a progress state. */
export function progressText(p: UploadProgress | null | undefined): string {
  if (!p) return '上传中…'
  return p.state === 'sending' ? `上传中 ${p.percent}%` : `网络中断，恢复后自动重试（第 ${p.attempt} 次）`
}
