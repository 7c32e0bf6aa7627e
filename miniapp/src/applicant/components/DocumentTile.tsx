import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { documentPath, useDocumentImage } from '../../lib/files'
import type { ApplicationDocumentKind } from '../lib/documents'
import { Img } from '../../components/Img'

export interface DocumentSlotProps {
  applicationId: string
  kind: ApplicationDocumentKind
  title: string
  desc: string
  required?: boolean
  /** The uploaded document, as ApplicationView.documents lists it. */
  uploaded?: { contentType: string; uploadedAt: string }
  disabled?: boolean
  onUploaded: () => void
}

/** The tile both DocumentSlot builds render: the uploaded photo (or a PDF mark), title, hint and state. */
/** `busyText` is what the state says while uploading (上传中 45%, 网络中断，恢复后自动重试…). */
export function DocumentTile({ applicationId, kind, title, desc, required, uploaded, busy, busyText, onClick, children }: Omit<DocumentSlotProps, 'onUploaded' | 'disabled'> & { busy: boolean; busyText?: string; onClick?: () => void; children?: ReactNode }) {
  const image = useDocumentImage(uploaded && uploaded.contentType !== 'application/pdf' ? documentPath(applicationId, kind) : null, uploaded?.uploadedAt)
  return (
    <View className={`doc-slot ${uploaded ? 'doc-slot--done' : ''}`} onClick={onClick} data-testid={`document-${kind}`}>
      <View className={`doc-slot__pic doc-slot__pic--${kind}`}>
        {image ? <Img className='doc-slot__img' src={image} mode='aspectFill' alt={`已上传的${title}`} /> : <View className='doc-slot__plus'>{uploaded ? (uploaded.contentType === 'application/pdf' ? 'PDF' : '✓') : '+'}</View>}
      </View>
      <View className='doc-slot__main'>
        <View className={`doc-slot__title ${required ? 'field__label--required' : ''}`}>{title}</View>
        <View className='doc-slot__desc'>{desc}</View>
      </View>
      <View className={`doc-slot__state ${uploaded ? 'doc-slot__state--done' : ''}`} data-testid={`document-state-${kind}`} aria-live='polite'>{busy ? busyText || '上传中…' : uploaded ? '已上传 · 更换' : '去上传 ›'}</View>
      {children}
    </View>
  )
}
