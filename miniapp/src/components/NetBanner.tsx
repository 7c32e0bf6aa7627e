import { View } from '@tarojs/components'
import { useOnline } from '../lib/net'
import { a11y } from '../lib/a11y'

/**
 * On every screen (each page root renders it first): shown while the phone is offline, saying what still
 * works. Announced to screen readers (role=status). Not a colour cue alone: it has an icon and text.
 */
export function NetBanner() {
  const online = useOnline()
  if (online) return null
  return (
    <View className='net-banner' data-testid='offline-banner' {...a11y({ role: 'status' })}>
      <View className='net-banner__title'>⚠ 网络已断开</View>
      <View className='net-banner__text'>已加载的信息仍可查看，填写的内容保存在本机；恢复网络后上传和提交会自动继续。</View>
    </View>
  )
}
