import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import type { DocumentKind } from '../lib/liveness'
import { Img } from '../../components/Img'

export interface PhotoSlotProps {
  kind: DocumentKind
  title: string
  desc: string
  done: boolean
  onUploaded: (kind: DocumentKind) => void
}

/** Photos larger than this are refused before upload (the BFF refuses them too). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024

/** The ID-photo tile both PhotoSlot builds render: preview or +/✓, title, hint and upload state. */
export function PhotoTile({ kind, title, desc, done, preview, busy, onClick, children }: Omit<PhotoSlotProps, 'onUploaded'> & { preview: string; busy: boolean; onClick?: () => void; children?: ReactNode }) {
  return (
    <View className={`photo-slot ${done ? 'photo-slot--done' : ''}`} onClick={onClick} data-testid={`photo-${kind}`}>
      <View className='photo-slot__pic'>{preview ? <Img className='photo-slot__img' src={preview} mode='aspectFill' alt='已选择的照片' /> : <View className='photo-slot__plus'>{done ? '✓' : '+'}</View>}</View>
      <View className='photo-slot__main'>
        <View className='photo-slot__title'>{title}</View>
        <View className='photo-slot__desc'>{desc}</View>
      </View>
      <View className={`photo-slot__state ${done ? 'photo-slot__state--done' : ''}`}>{busy ? '上传中…' : done ? '已上传 · 重拍' : '去拍摄 ›'}</View>
      {children}
    </View>
  )
}
