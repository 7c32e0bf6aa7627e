import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { TodoItem, TodoKind, TodoList } from '@zhiyetong/shared'
import { fmtDate } from '../lib/format'
import { go, isH5 } from '../lib/platform'
import { a11y } from '../lib/a11y'
import { getActingEnterprise, setActingEnterprise } from '../lib/enterprise'

const KIND_LABELS: Record<TodoKind, string> = { sign: '待签名', correct: '待修改', claim: '待领证', confirm: '待企业确认', release: '待原单位确认', review: '待审核' }

/** Where a to-do opens (issue16-api.md): the application, the certificate, the employer's or reviewer's detail. */
export function todoUrl(t: TodoItem): string {
  switch (t.kind) {
    case 'sign':
    case 'correct':
      return `/applicant/pages/detail/index?id=${t.applicationId}`
    case 'claim':
      return `/certificates/pages/detail/index?id=${t.certificateId}`
    case 'confirm':
      // the person confirms what their employer filed for them (issue 10); an operator confirms for the enterprise
      return t.role === 'applicant' ? `/applicant/pages/detail/index?id=${t.applicationId}` : `/employer/pages/detail/index?id=${t.applicationId}`
    case 'release':
      // the old employer's 同意转出 of a temporary constructor's transfer (003 §3.2.3.9)
      return `/employer/pages/release/index?id=${t.applicationId}`
    case 'review':
      return `/reviewer/pages/detail/index?id=${t.applicationId}`
  }
}

/** The 首页 tab's badge: the number of waiting to-dos (none at 0). */
export function showTodoBadge(count: number) {
  const done = () => undefined
  if (count > 0) Taro.setTabBarBadge({ index: 0, text: count > 99 ? '99+' : String(count) }).catch(done)
  else Taro.removeTabBarBadge({ index: 0 }).catch(done)
  if (isH5 && typeof document !== 'undefined') document.title = count > 0 ? `(${count}) 执业通` : '执业通'
}

/** Opens a to-do; an operator's confirmation acts for the enterprise it waits for (X-Enterprise-Id). */
function open(t: TodoItem) {
  if ((t.kind === 'confirm' || t.kind === 'release') && t.role !== 'applicant' && t.enterpriseId && getActingEnterprise()?.enterpriseId !== t.enterpriseId) setActingEnterprise({ enterpriseId: t.enterpriseId, name: '' })
  go(todoUrl(t))
}

const days = (since: string) => Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 86_400_000))

/** 待办 on the home tab for every role (GET /api/todos): what waits for me, oldest first, with the count. */
export function Todos({ list, limit }: { list: TodoList; limit?: number }) {
  const items = limit ? list.items.slice(0, limit) : list.items
  return (
    <View className='card' data-testid='todos'>
      <View className='card__title'>
        <View>
          待办
          <Text className='badge' data-testid='todo-count' {...a11y({ label: `${list.count} 项待办` })}>
            {list.count}
          </Text>
        </View>
      </View>
      {list.count === 0 && <View className='card__hint'>暂无待办事项</View>}
      {items.map((t, i) => (
        <View key={`${t.kind}-${t.applicationId ?? t.certificateId}-${i}`} className='todo' onClick={() => open(t)} data-testid='todo-item' data-kind={t.kind} {...a11y({ role: 'link' })}>
          <View className='todo__main'>
            <View className='todo__title'>{t.title}</View>
            <View className='todo__meta'>
              {KIND_LABELS[t.kind]} · {fmtDate(t.since)} 起{days(t.since) ? `，已等待 ${days(t.since)} 天` : ''}
            </View>
          </View>
          <View className='todo__go'>去处理 ›</View>
        </View>
      ))}
      {list.count > items.length && <View className='card__hint'>另有 {list.count - items.length} 项，处理完上面的事项后显示</View>}
    </View>
  )
}
