import Taro from '@tarojs/taro'
import { documentUploadPath } from './upload-target'
import { apiBase, toApiError } from '../../lib/api'
import { ConnectionDropped, uploadWithRetry, type UploadProgress } from '../../lib/upload-retry'

/**
 * weapp: an application's photo or evidence goes up with Taro.uploadFile (multipart POST, field `file`) to
 * POST /api/applications/:id/documents/:kind, reporting progress (UploadTask.onProgressUpdate) and sent again
 * after a dropped connection (uploadWithRetry). The H5 build uses documents.h5.ts (PUT with XMLHttpRequest).
 */
export type ApplicationDocumentKind = 'photo' | 'evidence'

/** What the server takes (bff application-documents DOCUMENT_RULES): 2 MB; the photo JPEG or PNG, evidence also PDF. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

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
