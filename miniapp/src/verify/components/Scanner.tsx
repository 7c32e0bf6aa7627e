import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { CancelledError, taroCall, toast } from '../../lib/platform'

/** weapp (and other mini programs): the system scanner. The H5 build uses Scanner.h5.tsx (camera + jsQR). */
export function Scanner({ onResult }: { onResult: (text: string) => void }) {
  async function scan() {
    try {
      const res = await taroCall(() => Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode'] }), '当前环境不支持扫码，请手动输入')
      onResult(res.result)
    } catch (e) {
      if (e instanceof CancelledError) return
      toast((e as Error).message || '扫码失败')
    }
  }
  return (
    <View className='card center'>
      <View className='scan-icon'>⌗</View>
      <View className='card__hint'>对准电子证书上的二维码，自动识别并查验</View>
      <View className='mt'>
        <Button type='primary' block className='big-btn' onClick={scan} data-testid='scan'>
          扫一扫
        </Button>
      </View>
    </View>
  )
}
