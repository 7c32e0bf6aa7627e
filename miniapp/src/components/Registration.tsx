import { View } from '@tarojs/components'
import { REGISTRATION_STATUS_LABELS, SPECIALTY_LABELS, TEMPORARY_REGISTRATION_LABEL, type ApplicationView, type RegisterState } from '@zhiyetong/shared'
import { today } from '../lib/format'
import { specialtyState } from '../lib/register'
import { Row, Tag } from './ui'

type Summary = NonNullable<ApplicationView['registration']>

/** The register's current content in the shape an application carries (ApplicationView.registration). */
export function registrationSummary(r: RegisterState): Summary {
  return { registrationNo: r.registrationNo, status: r.status, employerName: r.employer?.name ?? '', specialties: r.specialties.map((s) => ({ specialty: s.specialty, validUntil: s.validUntil, status: s.status })), validUntil: (r as { validUntil?: string | null }).validUntil ?? null }
}

/** 现注册证书信息: registration number, (注册类型 of a temporary constructor), employer, status, and each specialty with its valid-until date and state. */
export function RegistrationCard({ registration, title = '现注册证书信息', paper, children }: { registration: Summary & { temporary?: boolean }; title?: string; paper?: boolean; children?: React.ReactNode }) {
  const day = today()
  return (
    <View className='card' data-testid='registration-card'>
      <View className='card__title'>
        <View>{title}</View>
        <Tag color={registration.status === 'registered' ? 'green' : 'gray'}>{REGISTRATION_STATUS_LABELS[registration.status]}</Tag>
      </View>
      <Row label='注册编号'>
        <View data-testid='registration-no'>{registration.registrationNo}</View>
      </Row>
      {registration.temporary && (
        <Row label='注册类型'>
          <View data-testid='registration-temporary'>{TEMPORARY_REGISTRATION_LABEL}</View>
        </Row>
      )}
      <Row label='聘用企业'>{registration.employerName || '—'}</Row>
      {paper && <Row label='证书'>纸质证书，尚未换领电子证书</Row>}
      {/* a registration held as a whole (architects) has no specialties: its validity only, no 专业 line */}
      {registration.specialties.length === 0 && registration.validUntil && <Row label='有效期至'>{registration.validUntil}</Row>}
      {registration.specialties.map((s) => {
        const st = specialtyState(s, day)
        return (
          <Row key={s.specialty} label={SPECIALTY_LABELS[s.specialty]}>
            <View className='reg-specialty' data-testid={`registered-${s.specialty}`}>
              <View>{s.status === 'cancelled' ? '—' : `有效期至 ${s.validUntil}`}</View>
              <Tag color={st.color}>{st.label}</Tag>
            </View>
          </Row>
        )
      })}
      {children}
    </View>
  )
}
