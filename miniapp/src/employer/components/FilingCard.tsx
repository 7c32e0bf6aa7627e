import { View } from '@tarojs/components'
import { matterLabel, type ApplicationListItem } from '@zhiyetong/shared'
import { go } from '../../lib/platform'
import { ProgressSteps, StatusTag } from '../../components/ui'

/** One application of the enterprise as a tappable card with its progress (filings, releases and the query page); `note` a line under it (a release: 转入企业). */
export function FilingCard({ a, url, note }: { a: ApplicationListItem; url: string; note?: string }) {
  return (
    <View className='card card--tap' onClick={() => go(url)} data-testid='filing-card' data-status={a.status}>
      <View className='card__title'>
        <View>
          {a.applicantName} · {matterLabel(a.profession, a.type)}
        </View>
        <StatusTag status={a.status} label={a.statusLabel} />
      </View>
      <View className='card__hint'>
        {a.acceptanceNo ? `受理编号 ${a.acceptanceNo} · ` : ''}身份证 {a.idNumberMasked}
      </View>
      {note && <View className='card__hint'>{note}</View>}
      <View className='elder-hide'>
        <ProgressSteps status={a.status} type={a.type} filedBy={a.filedBy} />
      </View>
    </View>
  )
}

