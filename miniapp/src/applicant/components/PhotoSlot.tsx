import { useState } from 'react'
import { Image, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { CancelledError, alertMessage, taroCall } from '../../lib/platform'
import type { DocumentKind } from '../lib/liveness'
import { uploadPhoto } from '../lib/upload'

export interface PhotoSlotProps {
  kind: DocumentKind
  title: string
  desc: string
  done: boolean
  onUploaded: (kind: DocumentKind) => void
}

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
      if (file.size > 5 * 1024 * 1024) return alertMessage('照片超过 5 MB，请重新拍摄')
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

  return (
    <View className={`photo-slot ${done ? 'photo-slot--done' : ''}`} onClick={pick} data-testid={`photo-${kind}`}>
      <View className='photo-slot__pic'>{preview ? <Image className='photo-slot__img' src={preview} mode='aspectFill' /> : <View className='photo-slot__plus'>{done ? '✓' : '+'}</View>}</View>
      <View className='photo-slot__main'>
        <View className='photo-slot__title'>{title}</View>
        <View className='photo-slot__desc'>{desc}</View>
      </View>
      <View className={`photo-slot__state ${done ? 'photo-slot__state--done' : ''}`}>{busy ? '上传中…' : done ? '已上传 · 重拍' : '去拍摄 ›'}</View>
    </View>
  )
}
