/**
 * 企业名称变更 (seed 000 §6, figures 61-63): the enterprise operator enters the new registered name; the
 * platform checks it against the business registry and renames every registration held with the
 * enterprise in one batch, after which each holder claims the reissued certificate. Lists the batches.
 */
import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import type { EmployerRenameBatchView, MeResponse } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDateTime } from '../../../lib/format'
import { useAction, useDraft, useLoader } from '../../../lib/hooks'
import { loadMe } from '../../../lib/me'
import { toast } from '../../../lib/platform'
import { Empty, ErrorBlock, Field, LoadingBlock, Row, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function EmployerRename() {
  const { data, error, loading, reload } = useLoader(async () => {
    const [me, batches] = await Promise.all([loadMe(), api.get<EmployerRenameBatchView[]>('/api/enterprise/renames')])
    return { me, batches } as { me: MeResponse; batches: EmployerRenameBatchView[] }
  })
  const [newName, setNewName, clearNewName] = useDraft('employer-rename', '')
  // a refusal (the registry does not know the name…) in a modal; the page's own check under the field
  const renaming = useAction({ show: 'alert' })

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const running = data.batches.find((b) => b.status === 'running')

  async function submit() {
    const name = newName.trim()
    if (!renaming.check(name.length < 2 ? { newName: '请填写营业执照上的企业全称' } : {})) return
    const ok = await Taro.showModal({
      title: '确定更名',
      content: `将“${data!.me.enterprise?.name ?? ''}”变更为“${name}”。更名后，注册在本企业的所有人员需重新领取电子注册证书。`,
      confirmText: '确定更名',
    })
    if (!ok.confirm) return
    await renaming.run(async () => {
      await api.post<EmployerRenameBatchView>('/api/enterprise/renames', { newName: name }, { loading: '正在比对工商登记信息' })
      toast('已受理，正在批量更新证书', 'success')
      clearNewName()
      reload()
    })
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='card'>
        <View className='card__title'>当前企业名称</View>
        <Row label='企业名称'>{data.me.enterprise?.name ?? '—'}</Row>
        <Row label='统一社会信用代码'>{data.me.enterprise?.uscc ?? '—'}</Row>
      </View>
      <View className='card'>
        <View className='card__title'>注册企业名称批量变更</View>
        <View className='card__hint'>适用于企业工商注册名称变更：变更前请先完成工商登记的名称变更，平台将与工商登记信息比对。更名后，注册在本企业的所有人员需重新领取电子注册证书。</View>
        <Field label='变更后企业名称' required error={renaming.errors.newName}>
          <Input className='field__input' placeholder='营业执照上的企业全称' value={newName} maxlength={100} disabled={!!running} onInput={(e) => setNewName(e.detail.value)} data-testid='rename-new-name' aria-label='变更后企业名称' />
        </Field>
        <Button block type='primary' className='big-btn' loading={renaming.busy} disabled={!!running} onClick={submit} data-testid='rename-submit'>
          {running ? '更名进行中' : '确定更名'}
        </Button>
      </View>
      <View className='card'>
        <View className='card__title'>变更记录</View>
        {data.batches.length === 0 ? (
          <Empty text='暂无企业名称变更记录' />
        ) : (
          data.batches.map((b) => (
            <View key={b.id} className='stack mt' data-testid='rename-batch'>
              <Row label='受理编号'>{b.acceptanceNo}</Row>
              <Row label='原注册单位名称'>{b.oldName}</Row>
              <Row label='变更后注册单位名称'>{b.newName}</Row>
              <Row label='变更时间'>{fmtDateTime(b.requestedAt)}</Row>
              <Row label='状态'>
                <Tag color={b.status === 'completed' ? 'green' : 'orange'}>{b.statusLabel}</Tag> 已更新 {b.registrations} 人，换发证书 {b.certificates} 份
              </Row>
            </View>
          ))
        )}
      </View>
    </View>
  )
}
