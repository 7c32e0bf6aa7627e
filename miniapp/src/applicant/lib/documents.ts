import Taro from '@tarojs/taro'
import { documentUploadPath } from './upload-target'
import { DOCUMENT_RULES, type DocumentKind } from '@zhiyetong/shared'
import { apiBase, toApiError } from '../../lib/api'
import { ConnectionDropped, uploadWithRetry, type UploadProgress } from '../../lib/upload-retry'

/**
 * weapp: an application's document (any shared DOCUMENT_KINDS kind) goes up with Taro.uploadFile (multipart POST, field `file`) to
 * POST /api/applications/:id/documents/:kind, reporting progress (UploadTask.onProgressUpdate) and sent again
 * after a dropped connection (uploadWithRetry). The H5 build uses documents.h5.ts (PUT with XMLHttpRequest).
 */
export type ApplicationDocumentKind = DocumentKind

/** The largest file of any kind but the signature image (shared DOCUMENT_RULES[kind].maxBytes is each kind's). */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

/** The H5 file input's `accept` (unused in the mini program, where DocumentSlot picks by DOCUMENT_RULES). */
export function acceptFor(kind: ApplicationDocumentKind): string {
  return DOCUMENT_RULES[kind].types.join(',')
}

function parseBody(data: unknown): unknown {
  try {
    return typeof data === 'string' && data ? JSON.parse(data) : data
  } catch {
    return undefined
  }
}

/** `file` is a temp file path (chooseMedia / chooseMessageFile). */
export async function uploadApplicationDocument(applicationId: string, kind: ApplicationDocumentKind, file: string | Blob, onProgress?: (p: UploadProgress) => void): Promise<void> {
  const res = await uploadWithRetry(
    (authorization, onPercent) =>
      new Promise<Taro.uploadFile.SuccessCallbackResult>((resolve, reject) => {
        const task = Taro.uploadFile({
          url: `${apiBase}${documentUploadPath(applicationId, kind)}`,
          filePath: String(file),
          name: 'file',
          header: authorization,
          success: resolve,
          fail: (e) => reject(new ConnectionDropped(e?.errMsg || '网络连接中断')),
        })
        task?.onProgressUpdate?.((p) => onPercent(Math.min(99, p.progress)))
      }),
    onProgress,
  )
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, parseBody(res.data))
}
