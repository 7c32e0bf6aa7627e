import { useState } from 'react'
import { Input, Textarea, View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { api, errorMessage } from '../../../lib/api'
import { useLoader } from '../../../lib/hooks'
import { toast } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Empty, ErrorBlock, LoadingBlock, Row } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/** GET /api/public/notices item (bff/src/domain/notices.ts PublicNoticeView): never an ID number. */
interface PublicNotice {
  id: string
  holderName: string
  employerName: string
  professionLabel: string
  matterLabel: string
  specialties: string[]
  startsOn: string
  endsOn: string
  workingDays: number
}

/** 对该人员提出异议: text 5-1000 characters and an optional contact, POST /api/public/notices/:id/objections (no login). */
function ObjectionForm({ notice, onDone }: { notice: PublicNotice; onDone: () => void }) {
  const [text, setText] = useState('')
  const [contact, setContact] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit() {
    setError('')
    if (text.trim().length < 5) return setError('异议内容至少 5 个字，请写明事实和理由')
    setBusy(true)
    try {
      await api.post(`/api/public/notices/${notice.id}/objections`, { text: text.trim(), ...(contact.trim() ? { contact: contact.trim() } : {}) }, { auth: false, loading: '正在提交' })
      toast('异议已提交', 'success')
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='mt' data-testid='objection-form'>
      <View className='field__label field__label--required'>异议内容（请写明事实和理由）</View>
      <Textarea className='textarea' maxlength={1000} value={text} onInput={(e) => setText(e.detail.value)} aria-label='异议内容' data-testid='objection-text' placeholder='例如：该人员未在该企业实际工作……' />
      <View className='field__label mt'>联系方式（选填，仅注册机构可见）</View>
      <Input className='field__input' maxlength={100} value={contact} onInput={(e) => setContact(e.detail.value)} aria-label='联系方式' placeholder='手机号或邮箱' data-testid='objection-contact' />
      {error && <View className='banner banner--error mt'>{error}</View>}
      <View className='mt'>
        <Button block type='primary' loading={busy} onClick={submit} data-testid='objection-send'>
          提交异议
        </Button>
      </View>
    </View>
  )
}

/**
 * 注册公示 as the public sees it (issue 11): the notices running today from GET /api/public/notices — name,
 * employer, profession, matter, specialties, period; no ID number — with an objection form for each. No login.
 */
export default function PublicNotices() {
  const { data, error, loading, reload } = useLoader(() => api.get<PublicNotice[]>('/api/public/notices', { auth: false }), [])
  const [open, setOpen] = useState('')
  const [sent, setSent] = useState<string[]>([])
  usePullDownRefresh(() => {
    reload()
  })
  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <View className='hero'>
        <View className='hero__title'>二级注册人员注册公示</View>
        <View className='hero__sub'>以下人员的注册申请已审批通过，现予公示。公示期内对公示人员有异议的，可提出异议，注册机构核实后处理；期满无异议的，核发电子注册证书。</View>
      </View>
      <View className='stack'>
        {error && <ErrorBlock message={error} onRetry={reload} />}
        {loading && !data && <LoadingBlock />}
        {data && data.length === 0 && <Empty text='当前没有正在公示的人员' />}
        {data?.map((n) => (
          <View key={n.id} className='card' data-testid='public-notice'>
            <View className='card__title'>{n.holderName}</View>
            <Row label='聘用企业'>{n.employerName}</Row>
            <Row label='职业资格'>{n.professionLabel}</Row>
            <Row label='申请事项'>{n.matterLabel}</Row>
            <Row label='专业'>{n.specialties.join('、') || '—'}</Row>
            <Row label='公示期'>
              {n.startsOn} 至 {n.endsOn}（{n.workingDays} 个工作日）
            </Row>
            {sent.includes(n.id) ? (
              <View className='banner banner--ok mt' {...a11y({ live: 'polite' })}>
                ✓ 异议已提交，注册机构将核实处理。
              </View>
            ) : open === n.id ? (
              <ObjectionForm
                notice={n}
                onDone={() => {
                  setSent([...sent, n.id])
                  setOpen('')
                }}
              />
            ) : (
              <View className='mt'>
                <Button block fill='outline' type='primary' onClick={() => setOpen(n.id)} data-testid='objection-open'>
                  对该人员提出异议
                </Button>
              </View>
            )}
          </View>
        ))}
      </View>
    </View>
  )
}
