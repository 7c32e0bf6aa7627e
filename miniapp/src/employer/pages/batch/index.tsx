import { useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { BATCH_MAX, PROFESSION_LABELS, REGISTRATION_TYPE_LABELS, type ApplicationListItem, type BatchCodeSentResponse, type BatchConfirmationResult, type BatchItem } from '@zhiyetong/shared'
import { ApiError, api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { useAction, useLoader } from '../../../lib/hooks'
import { getActingEnterprise } from '../../../lib/enterprise'
import { go } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Check, Empty, ErrorBlock, LoadingBlock, ResultCard, Row } from '../../../components/ui'
import { SignWithCode, checkSignInput, signFailure, type SignErrors } from '../../../components/SignWithCode'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/**
 * 批量确认 (issue 10): the operator ticks several applications awaiting the enterprise (as listed, with their
 * updatedAt), asks for one SMS code naming how many and which (POST /api/enterprise/batch-signatures/sms-code;
 * the code is bound to that set, so the selection is fixed once a code is sent), and confirms them (POST
 * /api/enterprise/batch-signatures). The result lists the ones signed and the ones left out (changed since the
 * list was shown, no longer awaiting), which stay in the list to confirm again.
 */
export default function BatchConfirm() {
  const { data, error, loading, reload } = useLoader(() => api.get<ApplicationListItem[]>('/api/enterprise/applications', { query: { status: 'awaiting' } }))
  const [selected, setSelected] = useState<string[]>([])
  const [opinion, setOpinion] = useState(false)
  const [code, setCode] = useState('')
  const [sent, setSent] = useState<{ items: BatchItem[]; res: BatchCodeSentResponse } | null>(null)
  const [changed, setChanged] = useState<Record<string, string>>({})
  const confirming = useAction<SignErrors>({ failure: signFailure })
  const [result, setResult] = useState<BatchConfirmationResult | null>(null)

  const list = data ?? []
  const items = (): BatchItem[] => list.filter((a) => selected.includes(a.id)).map((a) => ({ id: a.id, updatedAt: a.updatedAt }))
  const toggle = (id: string, on: boolean) => setSelected(on ? [...selected, id].slice(0, BATCH_MAX) : selected.filter((x) => x !== id))
  const all = list.length > 0 && list.slice(0, BATCH_MAX).every((a) => selected.includes(a.id))

  async function sendCode(): Promise<BatchCodeSentResponse> {
    confirming.setMessage('')
    setChanged({})
    const chosen = items()
    if (!chosen.length) throw new ApiError(400, 'validation_failed', '请至少选择一份申请')
    try {
      const res = await api.post<BatchCodeSentResponse>('/api/enterprise/batch-signatures/sms-code', { items: chosen })
      setSent({ items: chosen, res })
      return res
    } catch (e) {
      if (e instanceof ApiError && e.code === 'batch_items_changed' && e.fields) {
        // fields["items.N"]: the N-th of the list sent
        setChanged(Object.fromEntries(Object.entries(e.fields).map(([k, m]) => [chosen[Number(k.split('.')[1])]?.id ?? k, m])))
      }
      throw e
    }
  }

  async function confirmBatch() {
    if (!confirming.check(checkSignInput(opinion, code, { sent: !!sent }))) return
    await confirming.run(async () => setResult(await api.post<BatchConfirmationResult>('/api/enterprise/batch-signatures', { items: sent!.items, code, opinionAccepted: true }, { loading: `正在签署 ${sent!.items.length} 份申请` })))
  }

  function again() {
    setResult(null)
    setSent(null)
    setSelected([])
    setCode('')
    setOpinion(false)
    reload()
  }

  if (result) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          testId='batch-result'
          title={`已确认 ${result.signed.length} 份${result.skipped.length ? `，${result.skipped.length} 份未确认` : ''}`}
          rows={[{ label: '批次', value: result.batchId.slice(0, 8) }]}
          actions={[{ label: '返回待确认列表', onClick: again, testId: 'batch-again' }]}
          after={
            <>
              <View className='card' data-testid='batch-signed'>
                <View className='card__title'>已签名确认（{result.signed.length}）</View>
                {result.signed.map((s) => (
                  <Row key={s.id} label={s.acceptanceNo}>
                    <View data-testid='batch-signed-item'>已确认 · {fmtDateTime(s.signedAt)}</View>
                  </Row>
                ))}
              </View>
              {result.skipped.length > 0 && (
                <View className='card' data-testid='batch-skipped'>
                  <View className='card__title'>未确认（{result.skipped.length}）</View>
                  <View className='card__hint'>以下申请在列表显示后已变化或不再待企业确认，未签名；仍待企业确认的可单独确认或重新批量确认。</View>
                  {result.skipped.map((s) => {
                    const listed = list.find((a) => a.id === s.id)
                    return (
                      <View key={s.id} className='banner banner--warn mt' data-testid='batch-skipped-item' data-reason={s.reason}>
                        {listed?.applicantName ?? ''} {s.acceptanceNo ?? listed?.acceptanceNo ?? ''}：{s.reason === 'not_found' ? '已不在本企业待确认列表中（申请人可能已修改或撤回该申请）' : s.message}
                      </View>
                    )
                  })}
                </View>
              )}
            </>
          }
        />
      </View>
    )
  }

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  const locked = !!sent
  return (
    <View className={pageClass('page page--padded')} style={{ paddingBottom: '200px' }}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>选择要确认的申请</View>
        <View className='card__hint'>
          {getActingEnterprise()?.name ?? '本企业'}：已选 {selected.length} / {list.length} 份（一次最多 {BATCH_MAX} 份）。一个短信验证码确认所选全部申请，每份申请仍单独加盖企业电子签名。
        </View>
        {list.length === 0 && <Empty text='暂无待企业确认的申请' />}
        {list.length > 1 && (
          <Check checked={all} disabled={locked} onChange={(v) => setSelected(v ? list.slice(0, BATCH_MAX).map((a) => a.id) : [])} testId='batch-all'>
            全选
          </Check>
        )}
        {list.map((a) => (
          <View key={a.id}>
            <Check checked={selected.includes(a.id)} disabled={locked} onChange={(v) => toggle(a.id, v)} testId='batch-item'>
              {a.applicantName} · {PROFESSION_LABELS[a.profession]}
              {REGISTRATION_TYPE_LABELS[a.type]}
              <View className='small muted'>
                受理编号 {a.acceptanceNo} · 个人签名 {fmtDateTime(a.applicantSignedAt)}
              </View>
            </Check>
            <View className='link-row small' onClick={() => go(`/employer/pages/detail/index?id=${a.id}`)} {...a11y({ role: 'link', label: `查看 ${a.applicantName} 的申请表` })}>
              查看申请表 ›
            </View>
            {changed[a.id] && <View className='field__error'>{changed[a.id]}</View>}
          </View>
        ))}
        {Object.keys(changed).length > 0 && (
          <View className='banner banner--warn mt' onClick={again} data-testid='batch-refresh'>
            有申请已变化，请刷新列表后重新选择 ›
          </View>
        )}
      </View>
      {list.length > 0 && (
        <SignWithCode
          opinion={opinion}
          onOpinion={setOpinion}
          opinionText={`本企业已与所选申请人签订真实有效的劳动聘用合同，已核对所选 ${selected.length} 份申请的申报材料真实，同意其申报。`}
          opinionTestId='batch-opinion'
          errors={confirming.errors}
          actionError={confirming.message}
          actionErrorTestId='batch-error'
          send={sendCode}
          code={code}
          onCode={setCode}
          disabled={!selected.length}
          codeLabel={`企业经办人短信验证码（确认 ${sent?.res.count ?? selected.length} 份）`}
        >
          {sent && (
            <View className='banner banner--info mt' data-testid='batch-code-sent'>
              验证码短信列明 {sent.res.count} 份申请（受理编号 {sent.res.acceptanceNos.slice(0, 3).join('、')}
              {sent.res.acceptanceNos.length > 3 ? ' 等' : ''}），只能确认这 {sent.res.count} 份。
              <View className='link-row small' onClick={again}>
                重新选择 ›
              </View>
            </View>
          )}
        </SignWithCode>
      )}
      {list.length > 0 && (
        <View className='btn-bar'>
          <Button className='big-btn' type='primary' loading={confirming.busy} disabled={!sent} onClick={confirmBatch} data-testid='batch-confirm'>
            确认 {sent?.res.count ?? selected.length} 份申请并签名
          </Button>
        </View>
      )}
    </View>
  )
}
