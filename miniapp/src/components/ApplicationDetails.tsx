import { View } from '@tarojs/components'
import { GENDER_LABELS, PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, SPECIALTY_LABELS, type ApplicationView } from '@zhiyetong/shared'
import { fmtDateTime } from '../lib/format'
import { Row, StatusTag, Timeline } from './ui'

/** The application as everyone after the applicant sees it: read-only. */
export function ApplicationDetails({ app, showTimeline = true }: { app: ApplicationView; showTimeline?: boolean }) {
  const form = app.form
  return (
    <>
      <View className='card'>
        <View className='card__title'>
          <View>
            {PROFESSION_LABELS[app.profession]}
            {REGISTRATION_TYPE_LABELS[app.type]}
          </View>
          <StatusTag status={app.status} label={app.statusLabel} />
        </View>
        {app.acceptanceNo && <Row label='受理编号'>{app.acceptanceNo}</Row>}
        <Row label='创建时间'>{fmtDateTime(app.createdAt)}</Row>
        <Row label='更新时间'>{fmtDateTime(app.updatedAt)}</Row>
        {app.returnReason && <View className='banner banner--error mt'>退回原因：{app.returnReason}</View>}
      </View>
      <View className='card'>
        <View className='card__title'>申请人</View>
        <Row label='姓名'>{app.applicant.name}</Row>
        <Row label='性别'>{GENDER_LABELS[app.applicant.gender]}</Row>
        <Row label='出生日期'>{app.applicant.birthDate}</Row>
        <Row label='身份证号码'>{app.applicant.idNumber}</Row>
        <Row label='手机号'>{app.applicant.phone}</Row>
      </View>
      {form && (
        <>
          <View className='card'>
            <View className='card__title'>聘用企业</View>
            <Row label='企业名称'>{form.employer.name}</Row>
            <Row label='统一社会信用代码'>{form.employer.uscc}</Row>
            <Row label='联系电话'>{form.employer.phone}</Row>
          </View>
          <View className='card'>
            <View className='card__title'>申请注册专业</View>
            {form.specialties.map((s) => (
              <Row key={s.specialty} label={SPECIALTY_LABELS[s.specialty]}>
                {s.dateIsApprovalDate ? '批准日期' : '签发日期'} {s.issueDate}
                {app.lateSpecialties.includes(s.specialty) ? '（逾期注册）' : ''}
              </Row>
            ))}
            {form.continuingEducation.length > 0 && (
              <>
                <View className='card__title mt'>继续教育</View>
                {form.continuingEducation.map((c) => (
                  <Row key={c.specialty} label={SPECIALTY_LABELS[c.specialty]}>
                    必修 {c.compulsoryHours} 学时 · 选修 {c.electiveHours} 学时
                  </Row>
                ))}
              </>
            )}
          </View>
        </>
      )}
      {app.signatures.length > 0 && (
        <View className='card'>
          <View className='card__title'>签名</View>
          {app.signatures.map((s) => (
            <Row key={s.signer} label={s.signer === 'applicant' ? '申请人' : '聘用企业'}>
              {s.signerName} · {fmtDateTime(s.signedAt)}
            </Row>
          ))}
        </View>
      )}
      {showTimeline && app.history.length > 0 && (
        <View className='card'>
          <View className='card__title'>办理进度</View>
          <Timeline entries={app.history} />
        </View>
      )}
    </>
  )
}
