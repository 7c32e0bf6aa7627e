import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { downloadFile, fetchBlob } from './api'
import { isH5, taroCall } from './platform'

/** The path of an application's uploaded document (photo | evidence), readable by the applicant, the employer and the authority. */
export const documentPath = (applicationId: string, kind: string) => `/api/applications/${applicationId}/documents/${kind}`

/** Opens an uploaded document: H5 in a new tab (object URL), weapp with previewImage or openDocument for a PDF. */
export async function openDocument(path: string, contentType: string) {
  Taro.showLoading({ title: '正在打开', mask: true })
  try {
    if (isH5) {
      const url = URL.createObjectURL(await fetchBlob(path))
      window.open(url, '_blank')
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      return
    }
    const file = await downloadFile(path)
    if (contentType === 'application/pdf') await taroCall(() => Taro.openDocument({ filePath: file, fileType: 'pdf', showMenu: true }) as any)
    else await taroCall(() => Taro.previewImage({ urls: [file], current: file }) as any)
  } finally {
    Taro.hideLoading()
  }
}

/** A displayable source for an uploaded image (object URL in H5, temp path in weapp); '' until loaded or when absent. `stamp` reloads it. */
export function useDocumentImage(path: string | null, stamp?: string) {
  const [src, setSrc] = useState('')
  useEffect(() => {
    if (!path) {
      setSrc('')
      return
    }
    let gone = false
    let objectUrl = ''
    ;(isH5 ? fetchBlob(path).then((b) => (objectUrl = URL.createObjectURL(b))) : downloadFile(path))
      .then((s) => {
        if (!gone) setSrc(s)
      })
      .catch(() => undefined)
    return () => {
      gone = true
      if (objectUrl) URL.revokeObjectURL(objectUrl)
    }
  }, [path, stamp])
  return src
}
