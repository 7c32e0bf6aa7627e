import { downloadFile, fetchBlob } from '../../lib/api'
import { isH5 } from '../../lib/platform'

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
  return { src: await downloadFile(path), revoke: () => undefined }
}
