import { REGISTRATION_STATUS_LABELS, REGISTRATION_TYPE_LABELS, SPECIALTY_LABELS, isCurrentSpecialty, type RegisterState, type RegisteredSpecialty, type RegistrationType } from '@zhiyetong/shared'

/** A registered specialty's state on `today`: 有效, 已过期 or 已注销. */
export function specialtyState(s: Pick<RegisteredSpecialty, 'status' | 'validUntil'>, today: string): { label: string; color: 'green' | 'orange' | 'gray' } {
  if (s.status === 'cancelled') return { label: '已注销', color: 'gray' }
  return isCurrentSpecialty(s as RegisteredSpecialty, today) ? { label: '有效', color: 'green' } : { label: '已过期', color: 'orange' }
}

/** The name of what changed the register: a matter, the import of the paper register, or an employer rename. */
export function matterLabel(matter: string): string {
  if (matter === 'import') return '导入纸质证书注册信息'
  if (matter === 'employer_rename') return '聘用企业名称变更'
  return REGISTRATION_TYPE_LABELS[matter as RegistrationType] ?? matter
}

/** What one register event changed, one line per change (before → after), in Chinese. */
export function describeChange(before: RegisterState | null, after: RegisterState): string[] {
  const label = (s: RegisteredSpecialty) => SPECIALTY_LABELS[s.specialty]
  if (!before) {
    const lines = [`注册编号 ${after.registrationNo}`, `聘用企业：${after.employer?.name ?? '—'}`]
    for (const s of after.specialties) lines.push(`注册专业：${label(s)}（有效期至 ${s.validUntil}）`)
    if (!after.hasElectronicCertificate) lines.push('纸质证书，尚未换领电子证书')
    return lines
  }
  const lines: string[] = []
  const old = new Map(before.specialties.map((s) => [s.specialty, s]))
  for (const s of after.specialties) {
    const b = old.get(s.specialty)
    if (!b || (b.status === 'cancelled' && s.status === 'registered')) lines.push(`新增专业：${label(s)}（有效期至 ${s.validUntil}）`)
    else if (b.status === 'registered' && s.status === 'cancelled') lines.push(`注销专业：${label(s)}`)
    else if (b.validUntil !== s.validUntil) lines.push(`${label(s)}：有效期至 ${b.validUntil} → ${s.validUntil}`)
  }
  if ((before.employer?.name ?? '') !== (after.employer?.name ?? '')) lines.push(`聘用企业：${before.employer?.name ?? '—'} → ${after.employer?.name ?? '—'}`)
  if (before.holderName !== after.holderName) lines.push(`姓名：${before.holderName} → ${after.holderName}`)
  if (before.status !== after.status) lines.push(`注册状态：${REGISTRATION_STATUS_LABELS[after.status]}${after.status === 'cancelled' ? '，电子证书作废' : ''}`)
  if (!before.hasElectronicCertificate && after.hasElectronicCertificate) lines.push('已换领电子证书')
  return lines.length ? lines : ['注册信息未变化']
}
