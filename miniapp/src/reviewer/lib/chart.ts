import Taro from '@tarojs/taro'
import { ApiError, NETWORK_ERROR, apiBase, fetchBlob, toApiError, withFreshToken } from '../../lib/api'
import { isH5, taroCall } from '../../lib/platform'

/**
 * An authenticated image (the statistics SVG) as a source for <Image>/<img>: H5 fetches it with the bearer token
 * and returns an object URL (revoke it when done); weapp downloads it with the header to a temporary file.
 */
export async function authedImage(path: string): Promise<{ src: string; revoke: () => void }> {
  if (isH5) {
    const blob = await fetchBlob(path)
    const src = URL.createObjectURL(blob.type.startsWith('image/') ? blob : new Blob([blob], { type: 'image/svg+xml' }))
    return { src, revoke: () => URL.revokeObjectURL(src) }
  }
  let res: Taro.downloadFile.FileSuccessCallbackResult
  try {
    res = await withFreshToken((authorization) => taroCall(() => Taro.downloadFile({ url: `${apiBase}${path}`, header: authorization })))
  } catch (e: any) {
    throw new ApiError(0, 'network', e?.message || NETWORK_ERROR)
  }
  if (res.statusCode !== 200) throw toApiError(res.statusCode, undefined)
  return { src: res.tempFilePath, revoke: () => undefined }
}
