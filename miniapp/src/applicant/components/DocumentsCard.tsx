import { View } from '@tarojs/components'
import { PROFESSION_RULES, type ApplicationView, type DocumentRequirement } from '@zhiyetong/shared'
import { DocumentSlot } from './DocumentSlot'

/** Kinds with their own card on the form (the photo card of each matter, the change form's evidence, SignatureCard). */
export const OWN_CARD_KINDS = new Set(['photo', 'evidence', 'signature'])

/**
 * 申请材料 (catalogue "Documents each matter needs"; shared MATTER_DOCUMENTS and documentRequirements): every
 * document the matter needs for this profession and for the form as filled now (a late qualification adds
 * the continuing-education proof, one issued elsewhere the scan), each a tile with its state — missing,
 * uploading with progress (retried after a drop), uploaded, or refused with the BFF's message — and the
 * types and size it takes (DOCUMENT_RULES hint).
 */
export function DocumentsCard({ app, requirements, editable, onUploaded }: { app: ApplicationView; requirements: DocumentRequirement[]; editable: boolean; onUploaded: () => void }) {
  const list = requirements.filter((r) => !OWN_CARD_KINDS.has(r.kind))
  if (!list.length) return null
  const required = PROFESSION_RULES[app.profession].evidenceDocuments === 'required'
  return (
    <View className='card' data-testid='documents-card'>
      <View className='card__title'>申请材料</View>
      <View className='card__hint'>{required ? '带 * 的材料须在签名前上传；可拍照或选择文件（PDF、图片按各项要求）。' : '以下材料可根据需要上传；可拍照或选择文件。'}</View>
      {list.map((r) => (
        <DocumentSlot key={r.kind} applicationId={app.id} kind={r.kind} title={r.label} desc={r.hint} required={r.required} uploaded={app.documents.find((d) => d.kind === r.kind)} disabled={!editable} onUploaded={onUploaded} />
      ))}
    </View>
  )
}
