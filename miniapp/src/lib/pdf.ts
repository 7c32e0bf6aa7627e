import Taro from '@tarojs/taro'
import { downloadFile, fetchBlob } from './api'
import { isH5, taroCall } from './platform'

/** H5: fetches a PDF with the bearer token and returns an object URL (revoke it when done). */
export async function pdfObjectUrl(path: string): Promise<string> {
  const blob = await fetchBlob(path)
  return URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }))
}

/**
 * Opens an authenticated PDF: H5 fetches it as a blob and opens an object URL in a new tab (with a download
 * name); weapp downloads it with the header and opens it with openDocument.
 */
export async function openPdf(path: string, fileName: string) {
  Taro.showLoading({ title: '正在打开', mask: true })
  try {
    if (isH5) {
      const url = await pdfObjectUrl(path)
      if (!window.open(url, '_blank')) saveObjectUrl(url, fileName)
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      return
    }
    const filePath = await downloadFile(path)
    await taroCall(() => Taro.openDocument({ filePath, fileType: 'pdf', showMenu: true }) as any)
  } finally {
    Taro.hideLoading()
  }
}

/** H5: saves an object URL to the device under `fileName` (an anchor with the download attribute). */
function saveObjectUrl(url: string, fileName: string) {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
}

/** H5 only: saves an authenticated PDF to the device under its file name. */
export async function downloadPdf(path: string, fileName: string) {
  if (!isH5) return openPdf(path, fileName)
  Taro.showLoading({ title: '正在下载', mask: true })
  try {
    const url = await pdfObjectUrl(path)
    saveObjectUrl(url, fileName)
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  } finally {
    Taro.hideLoading()
  }
}
