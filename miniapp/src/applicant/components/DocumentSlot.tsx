import { useState } from 'react'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { CancelledError, alertMessage, taroCall } from '../../lib/platform'
import { MAX_DOCUMENT_BYTES, uploadApplicationDocument } from '../lib/documents'
import { progressText, type UploadProgress } from '../../lib/upload-retry'
import { DocumentTile, type DocumentSlotProps } from './DocumentTile'

/** weapp: a photo from the camera or album (chooseMedia), or for evidence also a PDF from a chat (chooseMessageFile). The H5 build uses DocumentSlot.h5.tsx. */
export function DocumentSlot(props: DocumentSlotProps) {
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<UploadProgress | null>(null)

  async function pickPath(): Promise<{ path: string; size: number } | null> {
    if (props.kind === 'evidence') {
      const choice = await taroCall(() => Taro.showActionSheet({ itemList: ['拍照或从相册选择', '从聊天记录选择 PDF 文件'] }) as any)
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
      if (file.size > MAX_DOCUMENT_BYTES) return alertMessage('文件超过 2 MB，请压缩后重新上传')
      setBusy(true)
      await uploadApplicationDocument(props.applicationId, props.kind, file.path, setProgress)
      props.onUploaded()
    } catch (e) {
      if (e instanceof CancelledError) return
      alertMessage(errorMessage(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  return <DocumentTile {...props} busy={busy} busyText={progressText(progress)} onClick={pick} />
}
