import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { REGISTRATION_TYPE_LABELS, personLookupRequest, type ApplicationView, type PersonLookupView, type RegistrationType } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { issuesByField, useAction } from '../../../lib/hooks'
import { go } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Field, Row } from '../../../components/ui'
import { RegistrationCard } from '../../../components/Registration'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { MATTERS_WITH_FORM, NO_FORM_REASON } from '../../lib/memberships'
import './index.scss'

/**
 * 新建代为申报 (003 §3.2.3): the operator finds one of its people by exact name and ID number (POST
 * /api/enterprise/people/search: verified people only), sees their registration and which matters the
 * enterprise may file (or why not), and starts one (POST /api/enterprise/filings), which opens its draft.
 */
export default function FindPerson() {
  const [name, setName] = useState('')
  const [idNumber, setIdNumber] = useState('')
  // one action for the search and the start of a filing: the same busy flag, field errors and banner
  const action = useAction()
  const { errors: fields, message: error, busy } = action
  const [found, setFound] = useState<PersonLookupView | null>(null)

  async function search() {
    setFound(null)
    const parsed = personLookupRequest.safeParse({ name, idNumber })
    if (!parsed.success) return void action.check(issuesByField(parsed.error.issues))
    await action.run(async () => setFound(await api.post<PersonLookupView>('/api/enterprise/people/search', parsed.data, { loading: '正在查找' })))
  }

  async function start(type: RegistrationType) {
    await action.run(async () => {
      const app = await api.post<ApplicationView>('/api/enterprise/filings', { type, name: name.trim(), idNumber: idNumber.trim().toUpperCase(), profession: found!.profession }, { loading: '正在创建' })
      go(`/employer/pages/filing/index?id=${app.id}`)
    })
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>选择人员</View>
        <View className='card__hint'>输入本企业人员的姓名和身份证号码（须与实名信息完全一致）。该人员须已在执业通通过个人实名认证。</View>
        <Field label='姓名' required error={fields.name}>
          <Input className={`field__input ${fields.name ? 'field__input--error' : ''}`} placeholder='人员姓名' value={name} onInput={(e) => setName(e.detail.value)} data-testid='person-name' aria-label='姓名' />
        </Field>
        <Field label='身份证号码' required error={fields.idNumber}>
          <Input className={`field__input ${fields.idNumber ? 'field__input--error' : ''}`} type='idcard' maxlength={18} placeholder='18 位身份证号码' value={idNumber} onInput={(e) => setIdNumber(e.detail.value.trim())} data-testid='person-id' aria-label='身份证号码' />
        </Field>
        {error && (
          <View className='banner banner--error mt' data-testid='person-error'>
            {error}
          </View>
        )}
        <Button block type='primary' className='big-btn' loading={busy} onClick={search} data-testid='person-search'>
          查找
        </Button>
      </View>
      {found && (
        <>
          <View className='card' data-testid='person-found'>
            <View className='card__title'>{found.name}</View>
            <Row label='身份证号码'>{found.idNumberMasked}</Row>
            <Row label='实名认证'>已通过</Row>
            {!found.registration && <Row label='注册信息'>尚无注册</Row>}
          </View>
          {found.registration && (
            <RegistrationCard registration={found.registration}>
              {!found.registration.atThisEnterprise && (
                <View className='banner banner--warn mt'>
                  {found.registration.temporary ? '该临时建造师的注册聘用企业不是本企业：本企业可申报临时建造师变更（转入本企业），由原聘用企业同意转出后报送审核。' : '该人员的注册聘用企业不是本企业，本企业不能为其申报基于现注册的事项。'}
                </View>
              )}
            </RegistrationCard>
          )}
          {found.inProgress && (
            <View className='banner banner--warn' onClick={() => found.inProgress?.id && go(`/employer/pages/filing/index?id=${found.inProgress.id}`)}>
              该人员有正在办理的{REGISTRATION_TYPE_LABELS[found.inProgress.type]}申请，办结前不能再申报同类事项{found.inProgress.id ? '。查看 ›' : '。'}
            </View>
          )}
          <View className='card'>
            <View className='card__title'>选择申报事项</View>
            {found.matters.map((m) => {
              const noForm = !(MATTERS_WITH_FORM as readonly string[]).includes(m.type)
              const open = m.available && !noForm
              return (
                <View key={m.type} className={`matter-option ${open ? '' : 'matter-option--off'}`} onClick={() => open && start(m.type)} data-testid={`file-${m.type}`} {...a11y({ role: 'button', disabled: !open })}>
                  <View className='matter-option__title'>{m.type === 'change' ? '身份证号码变更' : REGISTRATION_TYPE_LABELS[m.type]}</View>
                  <View className='small muted'>{open ? '创建草稿 ›' : noForm && m.available ? NO_FORM_REASON : (m.reason ?? '暂不能申报')}</View>
                </View>
              )
            })}
          </View>
        </>
      )}
    </View>
  )
}
