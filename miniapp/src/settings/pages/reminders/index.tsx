/**
 * 提醒设置 (issue 16, from 我的): the reminders that apply to my roles (GET /api/me/reminders), when each is
 * sent (days before an end date or after something started waiting), and a switch for each optional one
 * (PUT /api/me/reminders {kind, enabled}). The holder's validity-ending reminder is mandatory: shown, switched
 * on, not switchable (必须提醒).
 */
import { useState } from 'react'
import { View } from '@tarojs/components'
import type { ReminderSettingView } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { useLoader } from '../../../lib/hooks'
import { alertMessage, toast } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { Empty, ErrorBlock, LoadingBlock } from '../../../components/ui'

function when(r: ReminderSettingView) {
  const days = r.thresholds.join('、')
  return r.unit === 'days_before' ? `届满前 ${days} 天各提醒一次` : `等待 ${days} 天后提醒`
}

export default function Reminders() {
  const { data, setData, error, loading, reload } = useLoader(() => api.get<ReminderSettingView[]>('/api/me/reminders'))
  const [busy, setBusy] = useState<string>('')

  async function flip(r: ReminderSettingView) {
    if (!r.optional || busy) return
    setBusy(r.kind)
    try {
      setData(await api.put<ReminderSettingView[]>('/api/me/reminders', { kind: r.kind, enabled: !r.enabled }))
      toast(r.enabled ? '已关闭该提醒' : '已开启该提醒')
    } catch (e) {
      alertMessage(errorMessage(e))
    } finally {
      setBusy('')
    }
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {loading && !data && <LoadingBlock />}
      {error && !data && <ErrorBlock message={error} onRetry={reload} />}
      {data && data.length === 0 && <Empty text='当前身份没有需要设置的提醒' />}
      {data && data.length > 0 && (
        <View className='card'>
          <View className='card__hint'>提醒通过短信发送（已订阅的，同时发送微信服务通知）。</View>
          {data.map((r) => (
            <View
              key={r.kind}
              className={`switch todo ${r.enabled ? 'switch--on' : ''}`}
              onClick={() => flip(r)}
              data-testid={`reminder-${r.kind}`}
              data-enabled={String(r.enabled)}
              {...a11y({ role: 'switch', checked: r.enabled, disabled: !r.optional, label: r.label })}
            >
              <View className='todo__main'>
                <View className='switch__label'>{r.label}</View>
                <View className='switch__desc'>
                  {r.description}；{when(r)}
                </View>
              </View>
              <View className='switch__track' {...a11y({ hidden: true })}>
                {r.enabled ? '开' : '关'}
              </View>
              <View className='switch__state'>{busy === r.kind ? '保存中' : !r.optional ? '必须提醒' : r.enabled ? '已开启' : '已关闭'}</View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
