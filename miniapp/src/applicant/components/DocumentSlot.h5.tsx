import { createElement, useState } from 'react'
import { errorMessage } from '../../lib/api'
import { alertMessage } from '../../lib/platform'
import { uploadApplicationDocument } from '../lib/documents'
import { progressText, type UploadProgress } from '../../lib/upload-retry'
import { DocumentTile, type DocumentSlotProps } from './DocumentTile'

/** H5: a file input over the tile (camera or file chooser); the upload's progress and its retries after a drop show on the tile. */
export function DocumentSlot(props: DocumentSlotProps) {
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<UploadProgress | null>(null)

  async function chosen(input: HTMLInputElement) {
    const file = input.files?.[0]
    input.value = ''
    if (!file || busy) return
    setBusy(true)
    setProgress(null)
    try {
      await uploadApplicationDocument(props.applicationId, props.kind, file, setProgress)
      props.onUploaded()
    } catch (e) {
      alertMessage(errorMessage(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  return (
    <DocumentTile {...props} busy={busy} busyText={progressText(progress)}>
      {!props.disabled &&
        createElement('input', {
          type: 'file',
          accept: props.kind === 'photo' ? 'image/jpeg,image/png,image/*' : 'image/*,application/pdf',
          className: 'doc-slot__file',
          'data-testid': `document-input-${props.kind}`,
          'aria-label': `${props.title}：${props.uploaded ? '更换' : '上传'}`,
          onChange: (e: any) => chosen(e.target as HTMLInputElement),
        })}
    </DocumentTile>
  )
}
