import { toApiError } from '../../lib/api'
import { documentUploadPath } from './upload-target'
import { redrawAsJpeg } from '../../lib/image.h5'
import { uploadWithRetry, type UploadProgress } from '../../lib/upload-retry'
import { parseJson, xhrSend } from '../../lib/xhr.h5'

/**
 * H5: an application's photo or evidence goes up as multipart (field `file`) to PUT
 * /api/applications/:id/documents/:kind with XMLHttpRequest, reporting progress, and is sent again after a
 * dropped connection (uploadWithRetry).
 */
export type ApplicationDocumentKind = 'photo' | 'evidence'

export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

/** A photo as a JPEG of at most 1200 px (phone photos are often over 2 MB, or HEIC). */
const asJpeg = (file: Blob) => redrawAsJpeg(file, 1200, { unreadable: '无法读取该图片，请选择 JPG、PNG 图片或 PDF 文件', unencodable: '无法处理该图片，请重新选择' })

export async function uploadApplicationDocument(applicationId: string, kind: ApplicationDocumentKind, file: string | Blob, onProgress?: (p: UploadProgress) => void): Promise<void> {
  let blob = file as Blob
  const pdf = blob.type === 'application/pdf'
  if (pdf && kind === 'photo') throw new Error('照片请选择 JPG 或 PNG 图片')
  if (!pdf && !((blob.type === 'image/jpeg' || blob.type === 'image/png') && blob.size <= MAX_DOCUMENT_BYTES)) blob = await asJpeg(blob)
  if (blob.size > MAX_DOCUMENT_BYTES) throw new Error('文件超过 2 MB，请压缩后重新上传')
  const name = pdf ? 'evidence.pdf' : blob.type === 'image/png' ? `${kind}.png` : `${kind}.jpg`
  const res = await uploadWithRetry((authorization, onPercent) => {
    const f = new FormData()
    f.append('file', blob, name)
    return xhrSend('PUT', documentUploadPath(applicationId, kind), f, authorization, onPercent)
  }, onProgress)
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, parseJson(res.body))
}
