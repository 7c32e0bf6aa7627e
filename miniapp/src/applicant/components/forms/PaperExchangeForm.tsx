import { View } from '@tarojs/components'
import { GENDER_LABELS, SPECIALTY_LABELS } from '@zhiyetong/shared'
import { Check, Row } from '../../../components/ui'
import { PhotoCard } from './common'
import type { MatterFormProps, MatterModel } from './types'

export interface PaperExchangeState {
  confirmed: boolean
}

/** 纸质证书换领电子证书 (000 §5 figure 59): the holder checks the register's details, uploads a photo and confirms. */
function PaperExchangeForm({ app, register, st, set, fields, editable, onUploaded }: MatterFormProps<PaperExchangeState>) {
  return (
    <>
      <View className='banner banner--info'>换领电子证书前，请核对注册信息并上传本人照片。确认并签名后即可领取、下载电子注册证书，无需企业确认或注册机构审批。</View>
      <View className='card' data-testid='paper-details'>
        <View className='card__title'>请确认以下证书信息是否正确</View>
        <Row label='姓名'>{register?.holderName ?? app.applicant.name}</Row>
        <Row label='性别'>{GENDER_LABELS[app.applicant.gender]}</Row>
        <Row label='注册编号'>{register?.registrationNo ?? '—'}</Row>
        <Row label='聘用企业'>{register?.employer?.name ?? '—'}</Row>
        {(register?.specialties ?? [])
          .filter((s) => s.status === 'registered')
          .map((s) => (
            <Row key={s.specialty} label={`注册专业 · ${SPECIALTY_LABELS[s.specialty]}`}>
              有效期至 {s.validUntil}
            </Row>
          ))}
        <View className='field__help'>信息有误请联系注册机构更正，不要确认。</View>
      </View>
      <PhotoCard app={app} editable={editable} onUploaded={onUploaded} required />
      <View className='card'>
        <Check
          checked={st.confirmed}
          disabled={!editable}
          onChange={(v) =>
            set((d) => {
              d.confirmed = v
            })
          }
          testId='details-confirmed'
        >
          本人已核对上述证书信息，确认无误
        </Check>
        {fields.detailsConfirmed && <View className='field__error'>{fields.detailsConfirmed}</View>}
      </View>
    </>
  )
}

export const paperExchangeModel: MatterModel<PaperExchangeState> = {
  init: () => ({ confirmed: false }),
  fromForm: (form) => ({ confirmed: !!form?.detailsConfirmed }),
  toForm: (st) => ({ detailsConfirmed: st.confirmed ? true : undefined }),
  paths: /^detailsConfirmed/,
  Form: PaperExchangeForm,
}
