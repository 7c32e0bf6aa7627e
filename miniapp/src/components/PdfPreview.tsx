import { createElement, useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { errorMessage } from '../lib/api'
import { openPdf, pdfObjectUrl } from '../lib/pdf'
import { alertMessage, isH5 } from '../lib/platform'

/** A preview of an authenticated PDF: embedded in H5 (blob URL), opened with openDocument in weapp. */
export function PdfPreview({ path, fileName, title = '申请表预览' }: { path: string; fileName: string; title?: string }) {
  const [url, setUrl] = useState('')
  const [error, setError] = useState('')
  const [loading, setLoading] = useState(isH5)

  useEffect(() => {
    if (!isH5) return
    let revoked = false
    let objectUrl = ''
    setLoading(true)
    pdfObjectUrl(path)
      .then((u) => {
        objectUrl = u
        if (revoked) URL.revokeObjectURL(u)
        else setUrl(u)
      })
      .catch((e) => setError(errorMessage(e)))
      .finally(() => setLoading(false))
    return () => {
      revoked = true
      if (objectUrl) URL.revokeObjectURL(objectUrl)
    }
  }, [path])

  async function open() {
    try {
      await openPdf(path, fileName)
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }

  return (
    <View className='card pdf-preview'>
      <View className='card__title'>{title}</View>
      <View className='card__hint'>{fileName}</View>
      {isH5 && (
        <View className='pdf-preview__frame'>
          {loading && <View className='loading-block'>正在生成申请表…</View>}
          {error && <View className='banner banner--error'>{error}</View>}
          {url && createElement('iframe', { src: `${url}#toolbar=0&view=FitH`, title: fileName, className: 'pdf-preview__iframe', 'data-testid': 'pdf-frame' })}
        </View>
      )}
      <View className='mt'>
        <Button block fill='outline' type='primary' onClick={open} data-testid='open-pdf'>
          {isH5 ? '全屏查看 PDF' : '预览申请表（PDF）'}
        </Button>
      </View>
    </View>
  )
}
