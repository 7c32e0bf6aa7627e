import { createElement, useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import jsQR from 'jsqr'

/**
 * H5: Taro's scanCode and Camera do not work in browsers, so read the camera with getUserMedia and decode
 * frames with jsQR. Also decodes a photo of the QR code chosen from the device.
 */
export function Scanner({ onResult }: { onResult: (text: string) => void }) {
  const videoRef = useRef<HTMLVideoElement | null>(null)
  const [state, setState] = useState<'starting' | 'scanning' | 'error' | 'done'>('starting')
  const [message, setMessage] = useState('')
  const [attempt, setAttempt] = useState(0)
  const done = useRef(false)

  useEffect(() => {
    done.current = false
    let stream: MediaStream | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const canvas = document.createElement('canvas')
    const ctx = canvas.getContext('2d', { willReadFrequently: true })

    const tick = () => {
      if (stopped) return
      const video = videoRef.current
      if (video && ctx && video.readyState >= 2 && video.videoWidth) {
        const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight))
        canvas.width = Math.round(video.videoWidth * scale)
        canvas.height = Math.round(video.videoHeight * scale)
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height)
        const img = ctx.getImageData(0, 0, canvas.width, canvas.height)
        const code = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' })
        if (code?.data && !done.current) {
          done.current = true
          setState('done')
          stop()
          onResult(code.data)
          return
        }
      }
      timer = setTimeout(tick, 150)
    }
    const stop = () => {
      stopped = true
      if (timer) clearTimeout(timer)
      stream?.getTracks().forEach((t) => t.stop())
    }

    ;(async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setState('error')
        setMessage('当前浏览器无法使用摄像头（需要 HTTPS 访问），请拍照识别或手动输入证书链接')
        return
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false })
        if (stopped) {
          stream.getTracks().forEach((t) => t.stop())
          return
        }
        const video = videoRef.current
        if (!video) return
        video.srcObject = stream
        video.setAttribute('playsinline', 'true')
        await video.play().catch(() => undefined)
        setState('scanning')
        tick()
      } catch (e: any) {
        setState('error')
        setMessage(e?.name === 'NotAllowedError' ? '未获得摄像头权限，请在浏览器设置中允许访问摄像头后重试' : '无法打开摄像头，请拍照识别或手动输入证书链接')
      }
    })()
    return stop
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt])

  function fromPhoto(file: File | undefined) {
    if (!file) return
    const url = URL.createObjectURL(file)
    const img = new window.Image()
    img.onload = () => {
      const canvas = document.createElement('canvas')
      const scale = Math.min(1, 1200 / Math.max(img.width, img.height))
      canvas.width = Math.round(img.width * scale)
      canvas.height = Math.round(img.height * scale)
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height)
      URL.revokeObjectURL(url)
      const code = jsQR(data.data, data.width, data.height, { inversionAttempts: 'attemptBoth' })
      if (code?.data) onResult(code.data)
      else setMessage('照片中没有识别到二维码，请对准二维码重新拍摄')
    }
    img.src = url
  }

  return (
    <View className='card scanner'>
      <View className='scanner__viewport'>
        {createElement('video', { ref: videoRef, className: 'scanner__video', muted: true, playsInline: true, autoPlay: true, 'data-testid': 'scanner-video' })}
        <View className='scanner__frame' />
        {state === 'starting' && <View className='scanner__overlay'>正在打开摄像头…</View>}
        {state === 'done' && <View className='scanner__overlay'>已识别，正在查验…</View>}
      </View>
      <View className='card__hint center mt' data-testid='scanner-state'>
        {state === 'scanning' ? '将二维码放入框内，即可自动识别' : message}
      </View>
      <View className='scanner__actions'>
        {state === 'error' && (
          <Button fill='outline' type='primary' onClick={() => setAttempt(attempt + 1)}>
            重试摄像头
          </Button>
        )}
        <View className='scanner__photo'>
          拍照/相册识别
          {createElement('input', { type: 'file', accept: 'image/*', className: 'scanner__file', onChange: (e: any) => fromPhoto(e.target.files?.[0]) })}
        </View>
      </View>
    </View>
  )
}
