import { createElement, useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { alertMessage } from '../../lib/platform'
import { uploadPhoto } from '../lib/upload'
import { MAX_PHOTO_BYTES, PhotoTile, type PhotoSlotProps } from './PhotoTile'

/** H5: a file input over the tile (camera on phones, file chooser on desktops), uploaded with fetch + FormData. */
export function PhotoSlot({ kind, title, desc, done, onUploaded }: PhotoSlotProps) {
  const [preview, setPreview] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview)
    },
    [preview],
  )

  async function chosen(input: HTMLInputElement) {
    const file = input.files?.[0]
    input.value = ''
    if (!file || busy) return
    if (file.size > MAX_PHOTO_BYTES) return alertMessage('照片超过 5 MB，请重新拍摄')
    setBusy(true)
    Taro.showLoading({ title: '正在上传', mask: true })
    try {
      await uploadPhoto(kind, file)
      setPreview(URL.createObjectURL(file))
      onUploaded(kind)
    } catch (e) {
      Taro.hideLoading()
      alertMessage(errorMessage(e))
    } finally {
      Taro.hideLoading()
      setBusy(false)
    }
  }

  return (
    <PhotoTile kind={kind} title={title} desc={desc} done={done} preview={preview} busy={busy}>
      {createElement('input', {
        type: 'file',
        accept: 'image/*',
        capture: 'environment',
        className: 'photo-slot__file',
        'data-testid': `photo-input-${kind}`,
        'aria-label': `上传${title}`,
        onChange: (e: any) => chosen(e.target as HTMLInputElement),
      })}
    </PhotoTile>
  )
}
