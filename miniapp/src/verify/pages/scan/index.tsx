import { useEffect, useState } from 'react'
import { Input, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { extractVerifyToken } from '../../../lib/qr'
import { Scanner } from '../../components/Scanner'
import '../../components/scanner.scss'
import { refreshTrustList } from '../../lib/trust-list'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

export default function Scan() {
  const [manual, setManual] = useState('')
  const [error, setError] = useState('')
  // fetch (or keep) the trust list while online, so that a scan verifies the signature offline
  useEffect(() => {
    void refreshTrustList()
  }, [])

  function handle(text: string) {
    const token = extractVerifyToken(text)
    if (!token) {
      setError('这不是执业通电子证书的二维码')
      return
    }
    setError('')
    Taro.redirectTo({ url: `/verify/pages/result/index?token=${encodeURIComponent(token)}` })
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='banner banner--info'>扫描电子注册证书上的二维码，查验证书状态。查验无需登录。</View>
      <Scanner onResult={handle} />
      {error && <View className='banner banner--error'>{error}</View>}
      <View className='card'>
        <View className='card__title'>手动查验</View>
        <View className='field__control'>
          <Input className='field__input' placeholder='粘贴二维码中的验证链接' value={manual} onInput={(e) => setManual(e.detail.value)} data-testid='manual-link' />
        </View>
        <View className='mt'>
          <Button block fill='outline' type='primary' onClick={() => handle(manual)}>
            查验
          </Button>
        </View>
      </View>
    </View>
  )
}
