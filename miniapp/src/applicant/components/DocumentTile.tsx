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

/** Where a document stands on its tile: missing, uploading (with progress or waiting to retry), uploaded, or refused by the server (its message). */
export type DocumentState = 'missing' | 'uploading' | 'uploaded' | 'refused'

/**
 * The tile both DocumentSlot builds render: the uploaded photo (or a PDF mark), title, hint and state
 * (`data-state`: missing / uploading / uploaded / refused). `busyText` is what the state says while uploading
 * (上传中 45%, 网络中断，恢复后自动重试…); `refused` is the server's (or the phone's) message for the last
 * file tried, shown until another upload succeeds; tapping the tile again retries with a new file.
 */
export function DocumentTile({ applicationId, kind, title, desc, required, uploaded, busy, busyText, refused, onClick, children }: Omit<DocumentSlotProps, 'onUploaded' | 'disabled'> & { busy: boolean; busyText?: string; refused?: string; onClick?: () => void; children?: ReactNode }) {
  const image = useDocumentImage(uploaded && uploaded.contentType !== 'application/pdf' ? documentPath(applicationId, kind) : null, uploaded?.uploadedAt)
  const state: DocumentState = busy ? 'uploading' : refused ? 'refused' : uploaded ? 'uploaded' : 'missing'
  const stateText = { uploading: busyText || '上传中…', refused: '未通过 · 重新上传', uploaded: '已上传 · 更换', missing: required ? '待上传 ›' : '可选 · 上传 ›' }[state]
  return (
    <View className={`doc-slot ${uploaded && !refused ? 'doc-slot--done' : ''} ${refused ? 'doc-slot--refused' : ''}`} onClick={onClick} data-testid={`document-${kind}`} data-state={state}>
      <View className={`doc-slot__pic doc-slot__pic--${kind}`}>
        {image ? <Img className='doc-slot__img' src={image} mode='aspectFill' alt={`已上传的${title}`} /> : <View className='doc-slot__plus'>{uploaded ? (uploaded.contentType === 'application/pdf' ? 'PDF' : '✓') : '+'}</View>}
      </View>
      <View className='doc-slot__main'>
        <View className={`doc-slot__title ${required ? 'field__label--required' : ''}`}>{title}</View>
        <View className='doc-slot__desc'>{desc}</View>
        {refused && (
          <View className='field__error' data-testid={`document-error-${kind}`}>
            {refused}
          </View>
        )}
      </View>
      <View className={`doc-slot__state ${state === 'uploaded' ? 'doc-slot__state--done' : ''}`} data-testid={`document-state-${kind}`} aria-live='polite'>
        {stateText}
      </View>
      {children}
    </View>
  )
}
