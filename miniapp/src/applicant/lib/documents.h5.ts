import { DOCUMENT_RULES, type DocumentKind } from '@zhiyetong/shared'
import { toApiError } from '../../lib/api'
import { documentUploadPath } from './upload-target'
import { redrawAsJpeg } from '../../lib/image.h5'
import { uploadWithRetry, type UploadProgress } from '../../lib/upload-retry'
import { parseJson, xhrSend } from '../../lib/xhr.h5'

/**
 * H5: an application's document (any shared DOCUMENT_KINDS kind: photo, signature, evidence, the evidence
 * documents of the matter) goes up as multipart (field `file`) to PUT /api/applications/:id/documents/:kind
 * with XMLHttpRequest, reporting progress, and is sent again after a dropped connection (uploadWithRetry).
 * What each kind takes is the shared DOCUMENT_RULES (types, size); the BFF checks the bytes again (a PDF is
 * parsed) and its refusal comes back as an ApiError with its Chinese message.
 */
export type ApplicationDocumentKind = DocumentKind

export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${Math.round(bytes / 1024)} KB`)

/** A photo as a JPEG of at most 1200 px (phone photos are often over 2 MB, or HEIC). */
const asJpeg = (file: Blob) => redrawAsJpeg(file, 1200, { unreadable: '无法读取该图片，请选择 JPG、PNG 图片或 PDF 文件', unencodable: '无法处理该图片，请重新选择' })

/** The file input's `accept` for a kind (PDF-only kinds offer files only; image kinds the camera too). */
export function acceptFor(kind: ApplicationDocumentKind): string {
  const types = DOCUMENT_RULES[kind].types
  const pdf = types.includes('application/pdf')
  const image = types.some((t) => t.startsWith('image/'))
  return [image ? 'image/jpeg,image/png,image/*' : '', pdf ? 'application/pdf,.pdf' : ''].filter(Boolean).join(',')
}

export async function uploadApplicationDocument(applicationId: string, kind: ApplicationDocumentKind, file: string | Blob, onProgress?: (p: UploadProgress) => void): Promise<void> {
  const rule = DOCUMENT_RULES[kind]
  let blob = file as Blob
  const name0 = (file as File).name ?? ''
  const pdf = blob.type === 'application/pdf' || /\.pdf$/i.test(name0)
  const takesPdf = rule.types.includes('application/pdf')
  const takesImage = rule.types.some((t) => t.startsWith('image/'))
  if (pdf && !takesPdf) throw new Error(`${rule.label}请选择 JPG 或 PNG 图片`)
  if (!pdf && !takesImage) throw new Error(rule.hint)
  // the signature image is prepared as a PNG by lib/signature; other images are redrawn when too big or not JPEG/PNG
  if (!pdf && kind !== 'signature' && !((blob.type === 'image/jpeg' || blob.type === 'image/png') && blob.size <= rule.maxBytes)) blob = await asJpeg(blob)
  if (blob.size > rule.maxBytes) throw new Error(`文件超过 ${sizeText(rule.maxBytes)}，请压缩后重新上传`)
  const name = pdf ? `${kind}.pdf` : blob.type === 'image/png' ? `${kind}.png` : `${kind}.jpg`
  const res = await uploadWithRetry((authorization, onPercent) => {
    const f = new FormData()
    f.append('file', blob, name)
    return xhrSend('PUT', documentUploadPath(applicationId, kind), f, authorization, onPercent)
  }, onProgress)
  if (res.statusCode < 200 || res.statusCode >= 300) throw toApiError(res.statusCode, parseJson(res.body))
}
