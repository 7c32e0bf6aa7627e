import { useState } from 'react'
import Taro from '@tarojs/taro'
import { DOCUMENT_RULES } from '@zhiyetong/shared'
import { errorMessage } from '../../lib/api'
import { CancelledError, taroCall } from '../../lib/platform'
import { uploadApplicationDocument } from '../lib/documents'
import { progressText, type UploadProgress } from '../../lib/upload-retry'
import { DocumentTile, type DocumentSlotProps } from './DocumentTile'

/**
 * weapp: a photo from the camera or album (chooseMedia), or, where the kind takes PDF (shared DOCUMENT_RULES),
 * a PDF from a chat (chooseMessageFile; a PDF-only kind goes there at once). A refusal (the BFF's message)
 * stays on the tile. The H5 build uses DocumentSlot.h5.tsx.
 */
export function DocumentSlot(props: DocumentSlotProps) {
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<UploadProgress | null>(null)
  const [refused, setRefused] = useState('')
  const rule = DOCUMENT_RULES[props.kind]
  const takesPdf = rule.types.includes('application/pdf')
  const takesImage = rule.types.some((t) => t.startsWith('image/'))

  async function pickPath(): Promise<{ path: string; size: number } | null> {
    if (takesPdf) {
      const choice = takesImage ? await taroCall(() => Taro.showActionSheet({ itemList: ['拍照或从相册选择', '从聊天记录选择 PDF 文件'] }) as any) : { tapIndex: 1 }
      if ((choice as any).tapIndex === 1) {
        const res: any = await taroCall(() => Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf'] }) as any, '当前环境不支持选择文件')
        const f = res.tempFiles[0]
        return f ? { path: f.path, size: f.size } : null
      }
    }
    const res = await taroCall(() => Taro.chooseMedia({ count: 1, mediaType: ['image'], sourceType: ['camera', 'album'], sizeType: ['compressed'], camera: props.kind === 'photo' ? 'front' : 'back' }), '当前环境不支持拍照')
    const f = res.tempFiles[0]
    return f ? { path: f.tempFilePath, size: f.size } : null
  }

  async function pick() {
    if (busy || props.disabled) return
    try {
      const file = await pickPath()
      if (!file) return
      setRefused('')
      if (file.size > rule.maxBytes) return setRefused(`文件超过 ${rule.maxBytes >= 1024 * 1024 ? `${rule.maxBytes / 1024 / 1024} MB` : `${Math.round(rule.maxBytes / 1024)} KB`}，请压缩后重新上传`)
      setBusy(true)
      await uploadApplicationDocument(props.applicationId, props.kind, file.path, setProgress)
      props.onUploaded()
    } catch (e) {
      if (e instanceof CancelledError) return
      setRefused(errorMessage(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  return <DocumentTile {...props} busy={busy} busyText={progressText(progress)} refused={refused} onClick={pick} />
}
