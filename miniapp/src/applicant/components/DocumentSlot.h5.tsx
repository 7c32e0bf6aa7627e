import { createElement, useState } from 'react'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { alertMessage } from '../../lib/platform'
import { uploadApplicationDocument } from '../lib/documents'
import { DocumentTile, type DocumentSlotProps } from './DocumentTile'

/** H5: a file input over the tile (camera or file chooser), uploaded with fetch + FormData. */
export function DocumentSlot(props: DocumentSlotProps) {
  const [busy, setBusy] = useState(false)

  async function chosen(input: HTMLInputElement) {
    const file = input.files?.[0]
    input.value = ''
    if (!file || busy) return
    setBusy(true)
    Taro.showLoading({ title: '正在上传', mask: true })
    try {
      await uploadApplicationDocument(props.applicationId, props.kind, file)
      Taro.hideLoading()
      props.onUploaded()
    } catch (e) {
      Taro.hideLoading()
      alertMessage(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <DocumentTile {...props} busy={busy}>
      {!props.disabled &&
        createElement('input', {
          type: 'file',
          accept: props.kind === 'photo' ? 'image/jpeg,image/png,image/*' : 'image/*,application/pdf',
          className: 'doc-slot__file',
          'data-testid': `document-input-${props.kind}`,
          onChange: (e: any) => chosen(e.target as HTMLInputElement),
        })}
    </DocumentTile>
  )
}
