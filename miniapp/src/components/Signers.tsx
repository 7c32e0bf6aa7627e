import { View } from '@tarojs/components'
import { MATTERS, type RegistrationType, type SignatureView } from '@zhiyetong/shared'
import { fmtDateTime } from '../lib/format'

/** 本签署事项共有 N 个签署方: the matter's signers in order (applicant, then employer; 000 §5: the holder alone), the current one highlighted. */
export function Signers({ type = 'initial', applicantName, employerName, signatures, current }: { type?: RegistrationType; applicantName: string; employerName: string; signatures: SignatureView[]; current: 'applicant' | 'employer' | null }) {
  const rows = MATTERS[type].signers.map((signer) => (signer === 'applicant' ? { signer, role: '申请人', name: applicantName } : { signer, role: '聘用企业', name: employerName }))
  return (
    <View className='card signers'>
      <View className='card__title'>本签署事项共有 {rows.length} 个签署方</View>
      {rows.map((r, i) => {
        const sig = signatures.find((s) => s.signer === r.signer)
        const state = sig ? 'done' : current === r.signer ? 'current' : 'todo'
        return (
          <View key={r.signer} className={`signers__item signers__item--${state}`} data-testid={`signer-${r.signer}`}>
            <View className='signers__no'>{sig ? '✓' : i + 1}</View>
            <View className='signers__main'>
              <View className='signers__role'>
                签署方 {i + 1} · {r.role}
              </View>
              <View className='signers__name'>{r.name}</View>
            </View>
            <View className='small muted'>{sig ? `已签 ${fmtDateTime(sig.signedAt)}` : state === 'current' ? '当前签署' : '待签署'}</View>
          </View>
        )
      })}
    </View>
  )
}
