import { View } from '@tarojs/components'
import { MATTERS, type ApplicationView, type RegistrationType, type SignatureView, type Signer } from '@zhiyetong/shared'
import { fmtDateTime } from '../lib/format'

/**
 * 本签署事项共有 N 个签署方: the matter's signers in order (applicant, then employer; 000 §5: the holder alone; a
 * temporary constructor's transfer: the new employer, then the old one releasing the person, 003 §3.2.3.8-9), the
 * current one highlighted. A refused matter shows the refusing signer's row as refused (不同意转出 for the old
 * employer, 已拒绝确认 otherwise) with the reason and time, not as 待签署; the rows after it as 未签署.
 */
export function Signers({ type = 'initial', applicantName, employerName, releasingEmployerName, signatures, current, refusal }: { type?: RegistrationType; applicantName: string; employerName: string; releasingEmployerName?: string; signatures: SignatureView[]; current: Signer | null; refusal?: ApplicationView['refusal'] }) {
  const releasing = MATTERS[type].signers.includes('releasing_employer')
  const rows = MATTERS[type].signers.map((signer) =>
    signer === 'applicant' ? { signer, role: '申请人', name: applicantName } : signer === 'employer' ? { signer, role: releasing ? '转入企业（现聘用企业）' : '聘用企业', name: employerName } : { signer, role: '转出企业（原聘用企业）', name: releasingEmployerName ?? '' },
  )
  return (
    <View className='card signers'>
      <View className='card__title'>本签署事项共有 {rows.length} 个签署方</View>
      {rows.map((r, i) => {
        const sig = signatures.find((s) => s.signer === r.signer)
        const refused = !sig && refusal?.signer === r.signer
        const state = sig ? 'done' : refused ? 'refused' : refusal ? 'ended' : current === r.signer ? 'current' : 'todo'
        return (
          <View key={r.signer} className={`signers__item signers__item--${state}`} data-testid={`signer-${r.signer}`}>
            <View className='signers__no'>{sig ? '✓' : refused ? '✕' : i + 1}</View>
            <View className='signers__main'>
              <View className='signers__role'>
                签署方 {i + 1} · {r.role}
              </View>
              <View className='signers__name'>{r.name}</View>
            </View>
            {refused ? (
              <View className='small signers__refused' data-testid={`signer-${r.signer}-refused`}>
                {r.signer === 'releasing_employer' ? '不同意转出' : '已拒绝确认'} {fmtDateTime(refusal!.at)}
                <View>原因：{refusal!.reason}</View>
              </View>
            ) : (
              <View className='small muted'>{sig ? `已签 ${fmtDateTime(sig.signedAt)}` : state === 'current' ? '当前签署' : state === 'ended' ? '未签署（已终止）' : '待签署'}</View>
            )}
          </View>
        )
      })}
    </View>
  )
}
