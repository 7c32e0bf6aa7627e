import { createElement, useEffect, useState } from 'react'
import { Image, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { errorMessage } from '../../lib/api'
import { alertMessage } from '../../lib/platform'
import type { DocumentKind } from '../lib/liveness'
import { uploadPhoto } from '../lib/upload'

export interface PhotoSlotProps {
  kind: DocumentKind
  title: string
  desc: string
  done: boolean
  onUploaded: (kind: DocumentKind) => void
}

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
    <View className={`photo-slot ${done ? 'photo-slot--done' : ''}`} data-testid={`photo-${kind}`}>
      <View className='photo-slot__pic'>{preview ? <Image className='photo-slot__img' src={preview} mode='aspectFill' /> : <View className='photo-slot__plus'>{done ? '✓' : '+'}</View>}</View>
      <View className='photo-slot__main'>
        <View className='photo-slot__title'>{title}</View>
        <View className='photo-slot__desc'>{desc}</View>
      </View>
      <View className={`photo-slot__state ${done ? 'photo-slot__state--done' : ''}`}>{busy ? '上传中…' : done ? '已上传 · 重拍' : '去拍摄 ›'}</View>
      {createElement('input', {
        type: 'file',
        accept: 'image/*',
        capture: 'environment',
        className: 'photo-slot__file',
        'data-testid': `photo-input-${kind}`,
        onChange: (e: any) => chosen(e.target as HTMLInputElement),
      })}
    </View>
  )
}
