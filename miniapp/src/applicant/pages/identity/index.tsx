import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { GENDER_LABELS, checkIdNumber, identityRequest, maskIdNumber, parseIdNumber, type MeResponse } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { loadMe } from '../../../lib/me'
import { go, toast } from '../../../lib/platform'
import { useLoader } from '../../../lib/hooks'
import { fmtDateTime } from '../../../lib/format'
import { ErrorBlock, Field, LoadingBlock, Row, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

const DRAFT_KEY = 'zyt:identity-draft'

export default function Identity() {
  const { data: me, error, loading, reload, setData } = useLoader<MeResponse>(loadMe, [], { onShow: false })
  const draft = (Taro.getStorageSync(DRAFT_KEY) || {}) as { name?: string; idNumber?: string }
  const [name, setName] = useState(draft.name || '')
  const [idNumber, setIdNumber] = useState(draft.idNumber || '')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [editing, setEditing] = useState(false)

  function update(n: string, id: string) {
    setName(n)
    setIdNumber(id)
    Taro.setStorageSync(DRAFT_KEY, { name: n, idNumber: id })
  }

  const idUpper = idNumber.trim().toUpperCase()
  const derived = idUpper.length === 18 && !checkIdNumber(idUpper) ? parseIdNumber(idUpper) : null

  async function submit() {
    setFormError('')
    const parsed = identityRequest.safeParse({ name, idNumber })
    if (!parsed.success) {
      const errs: Record<string, string> = {}
      for (const issue of parsed.error.issues) errs[String(issue.path[0])] ??= issue.message
      setErrors(errs)
      return
    }
    setErrors({})
    setSubmitting(true)
    try {
      await api.put('/api/me/identity', parsed.data, { loading: '提交中' })
      Taro.removeStorageSync(DRAFT_KEY)
      setData(await loadMe())
      setEditing(false)
      toast('实名信息已登记', 'success')
    } catch (e) {
      if (e instanceof ApiError && e.fields) setErrors(e.fields)
      setFormError(errorMessage(e))
    } finally {
      setSubmitting(false)
    }
  }

  if (loading && !me) return <LoadingBlock />
  if (error && !me) return <ErrorBlock message={error} onRetry={reload} />
  const identity = me?.identity
  const showForm = !identity || editing

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {identity && !editing && (
        <View className='card' data-testid='identity-view'>
          <View className='card__title'>
            <View>实名信息</View>
            {identity.verifiedAt ? <Tag color='green'>已核验</Tag> : <Tag color='orange'>待核验</Tag>}
          </View>
          <Row label='姓名'>{identity.name}</Row>
          <Row label='身份证号码'>{identity.idNumberMasked}</Row>
          <Row label='性别'>{GENDER_LABELS[identity.gender]}</Row>
          <Row label='出生日期'>{identity.birthDate}</Row>
          <Row label='核验状态'>
            {identity.verifiedAt
              ? `${identity.verificationMethod === 'in_person' ? '注册机构现场核验' : '人脸识别核验'}通过`
              : '尚未核验：请完成人脸识别，或到注册机构现场核验身份'}
          </Row>
          {identity.verifiedAt && <Row label='核验时间'>{fmtDateTime(identity.verifiedAt)}</Row>}
          {!identity.verifiedAt && (
            <View className='mt'>
              <Button block type='primary' className='big-btn' onClick={() => go('/applicant/pages/verify/index')} data-testid='identity-verify'>
                去人脸识别核验
              </Button>
              <View className='gap' />
              <Button block fill='outline' type='primary' onClick={() => setEditing(true)}>
                更正实名信息
              </Button>
              <View className='field__help center'>无法完成人脸识别？可携带身份证到注册机构现场核验</View>
            </View>
          )}
        </View>
      )}
      {showForm && (
        <View className='card'>
          <View className='card__title'>登记实名信息</View>
          <View className='card__hint'>请填写与居民身份证一致的信息，性别和出生日期将根据身份证号码自动识别。</View>
          {formError && <View className='banner banner--error mt'>{formError}</View>}
          <Field label='姓名' required error={errors.name}>
            <Input className={`field__input ${errors.name ? 'field__input--error' : ''}`} placeholder='身份证上的姓名' value={name} onInput={(e) => update(e.detail.value, idNumber)} data-testid='identity-name' />
          </Field>
          <Field label='身份证号码' required error={errors.idNumber}>
            <Input
              className={`field__input ${errors.idNumber ? 'field__input--error' : ''}`}
              type='idcard'
              maxlength={18}
              placeholder='18 位居民身份证号码'
              value={idNumber}
              onInput={(e) => update(name, e.detail.value.trim())}
              data-testid='identity-id'
            />
          </Field>
          {derived && (
            <View className='banner banner--info'>
              {maskIdNumber(idUpper)} · {GENDER_LABELS[derived.gender]} · 出生日期 {derived.birthDate}
            </View>
          )}
          <Button type='primary' block className='big-btn' loading={submitting} onClick={submit} data-testid='identity-submit'>
            提交
          </Button>
        </View>
      )}
    </View>
  )
}
