import { View } from '@tarojs/components'
import type { SignatureView } from '@zhiyetong/shared'
import { fmtDateTime } from '../lib/format'

/** 本签署事项共有 2 个签署方: the applicant, then the employer; the current signer highlighted. */
export function Signers({ applicantName, employerName, signatures, current }: { applicantName: string; employerName: string; signatures: SignatureView[]; current: 'applicant' | 'employer' | null }) {
  const rows = [
    { signer: 'applicant' as const, role: '申请人', name: applicantName },
    { signer: 'employer' as const, role: '聘用企业', name: employerName },
  ]
  return (
    <View className='card signers'>
      <View className='card__title'>本签署事项共有 2 个签署方</View>
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
