import { createElement, useState } from 'react'
import { errorMessage } from '../../lib/api'
import { acceptFor, uploadApplicationDocument } from '../lib/documents'
import { progressText, type UploadProgress } from '../../lib/upload-retry'
import { DocumentTile, type DocumentSlotProps } from './DocumentTile'

/**
 * H5: a file input over the tile (camera or file chooser; the types the kind takes, shared DOCUMENT_RULES); the
 * upload's progress and its retries after a drop show on the tile, a refusal (the BFF's message) stays on it.
 */
export function DocumentSlot(props: DocumentSlotProps) {
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<UploadProgress | null>(null)
  const [refused, setRefused] = useState('')

  async function chosen(input: HTMLInputElement) {
    const file = input.files?.[0]
    input.value = ''
    if (!file || busy) return
    setBusy(true)
    setProgress(null)
    setRefused('')
    try {
      await uploadApplicationDocument(props.applicationId, props.kind, file, setProgress)
      props.onUploaded()
    } catch (e) {
      setRefused(errorMessage(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  return (
    <DocumentTile {...props} busy={busy} busyText={progressText(progress)} refused={refused}>
      {!props.disabled &&
        createElement('input', {
          type: 'file',
          accept: acceptFor(props.kind),
          className: 'doc-slot__file',
          'data-testid': `document-input-${props.kind}`,
          'aria-label': `${props.title}：${props.uploaded ? '更换' : '上传'}`,
          onChange: (e: any) => chosen(e.target as HTMLInputElement),
        })}
    </DocumentTile>
  )
}
