import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ApplicationView } from '@zhiyetong/shared'
import { errorMessage } from '../lib/api'
import { downloadPdf } from '../lib/pdf'
import { alertMessage, isH5 } from '../lib/platform'

/**
 * 行政审批受理通知书 (issue 11): once the authority has accepted, the signed notice to download (H5: saved under its
 * name; weapp: opened with openDocument). `path` is the caller's route: /api/applications/:id/…, /api/enterprise/
 * applications/:id/… or /api/review/applications/:id/acceptance-notice.pdf.
 */
export function AcceptanceNotice({ app, path }: { app: Pick<ApplicationView, 'acceptanceNotice' | 'acceptanceNo'>; path: string }) {
  if (!app.acceptanceNotice) return null
  const fileName = `行政审批受理通知书_${app.acceptanceNo ?? ''}.pdf`
  async function download() {
    try {
      await downloadPdf(path, fileName)
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }
  return (
    <View className='card' data-testid='acceptance-notice'>
      <View className='card__title'>行政审批受理通知书</View>
      <View className='card__hint'>
        受理编号 {app.acceptanceNo ?? '—'} · 受理日期 {app.acceptanceNotice.acceptedOn}（注册机构电子签章）
      </View>
      <View className='mt'>
        <Button block fill='outline' type='primary' onClick={download} data-testid='acceptance-notice-download'>
          {isH5 ? '下载受理通知书（PDF）' : '查看受理通知书（PDF）'}
        </Button>
      </View>
    </View>
  )
}
