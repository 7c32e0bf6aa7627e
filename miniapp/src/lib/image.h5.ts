/**
 * H5 only: redraws an image (phone photos are often several MB, or HEIC) as a JPEG (quality 0.88) whose longer
 * side is at most `maxSide` px, through an <img> and a canvas. `messages` are the Chinese errors the caller
 * shows when the browser cannot read or encode it.
 */
export async function redrawAsJpeg(file: Blob, maxSide: number, messages: { unreadable: string; unencodable: string }): Promise<Blob> {
  const url = URL.createObjectURL(file)
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const i = new window.Image()
      i.onload = () => resolve(i)
      i.onerror = () => reject(new Error(messages.unreadable))
      i.src = url
    })
    const scale = Math.min(1, maxSide / Math.max(img.width, img.height))
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(img.width * scale)
    canvas.height = Math.round(img.height * scale)
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height)
    const out = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.88))
    if (!out) throw new Error(messages.unencodable)
    return out
  } finally {
    URL.revokeObjectURL(url)
  }
}
