import Taro from '@tarojs/taro'
import { ApiError, NETWORK_ERROR, apiBase, toApiError, withFreshToken } from '../../lib/api'

/**
 * weapp: an application's photo or evidence goes up with Taro.uploadFile (multipart POST, field `file`) to
 * POST /api/applications/:id/documents/:kind. The H5 build uses documents.h5.ts (PUT with fetch).
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
export async function uploadApplicationDocument(applicationId: string, kind: ApplicationDocumentKind, file: string | Blob): Promise<void> {
  let res: Taro.uploadFile.SuccessCallbackResult
  try {
    res = await withFreshToken((authorization) => Taro.uploadFile({ url: `${apiBase}/api/applications/${applicationId}/documents/${kind}`, filePath: String(file), name: 'file', header: authorization }))
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR)
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, parseBody(res.data))
}
