import { useState } from 'react'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { CancelledError, alertMessage, taroCall } from '../../lib/platform'
import { uploadPhoto } from '../lib/upload'
import { MAX_PHOTO_BYTES, PhotoTile, type PhotoSlotProps } from './PhotoTile'

/** weapp: take a photo (or choose one) with chooseMedia, then upload it. The H5 build uses PhotoSlot.h5.tsx. */
export function PhotoSlot({ kind, title, desc, done, onUploaded }: PhotoSlotProps) {
  const [preview, setPreview] = useState('')
  const [busy, setBusy] = useState(false)

  async function pick() {
    if (busy) return
    try {
      const res = await taroCall(() => Taro.chooseMedia({ count: 1, mediaType: ['image'], sourceType: ['camera', 'album'], sizeType: ['compressed'], camera: 'back' }), '当前环境不支持拍照')
      const file = res.tempFiles[0]
      if (!file) return
      if (file.size > MAX_PHOTO_BYTES) return alertMessage('照片超过 5 MB，请重新拍摄')
      setBusy(true)
      Taro.showLoading({ title: '正在上传', mask: true })
      await uploadPhoto(kind, file.tempFilePath)
      setPreview(file.tempFilePath)
      onUploaded(kind)
    } catch (e) {
      if (e instanceof CancelledError) return
      alertMessage(errorMessage(e))
    } finally {
      Taro.hideLoading()
      setBusy(false)
    }
  }

  return <PhotoTile kind={kind} title={title} desc={desc} done={done} preview={preview} busy={busy} onClick={pick} />
}
