import { DOCUMENT_RULES } from '@zhiyetong/shared'
import { inkSignature } from './signature-ink'

/**
 * H5: the signature image (签名图片, 001 §3.1) as the BFF takes it (shared DOCUMENT_RULES.signature: PNG,
 * transparent or white background, 120-1600 × 40-800 px, ≤ 200 KB, some dark ink). From a drawing on the
 * screen (the NutUI Signature canvas's PNG data URL) or a photo of a signature on paper (any image): each
 * pixel darker than the page (70 % of the image's mean brightness, at most 160) becomes black ink, the rest
 * transparent; the result is cut to the ink with an 8 px margin, scaled to fit the bounds, and encoded as PNG.
 * Throws a Chinese message when nothing is left that looks like a signature.
 */
export async function signaturePng(source: string | Blob, _opts: { drawn?: boolean } = {}): Promise<Blob> {
  const url = typeof source === 'string' ? source : URL.createObjectURL(source)
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const i = new window.Image()
      i.onload = () => resolve(i)
      i.onerror = () => reject(new Error('无法读取该图片，请重新拍摄或在屏幕上手写签名'))
      i.src = url
    })
    // work on at most 1600 px: a phone photo is several thousand
    const scale = Math.min(1, 1600 / Math.max(img.width, img.height))
    const w = Math.max(1, Math.round(img.width * scale))
    const h = Math.max(1, Math.round(img.height * scale))
    const work = document.createElement('canvas')
    work.width = w
    work.height = h
    const ctx = work.getContext('2d', { willReadFrequently: true })!
    ctx.drawImage(img, 0, 0, w, h)
    const data = ctx.getImageData(0, 0, w, h)
    const px = data.data
    const { minX, minY, maxX, maxY } = inkSignature(px, w, h)
    ctx.putImageData(data, 0, 0)
    const p = DOCUMENT_RULES.signature.pixels!
    const margin = 8
    const cw = maxX - minX + 1 + margin * 2
    const ch = maxY - minY + 1 + margin * 2
    // fit within the maximum, then pad up to the minimum (never stretch the strokes)
    const fit = Math.min(1, p.maxWidth / cw, p.maxHeight / ch)
    const ow = Math.max(p.minWidth, Math.round(cw * fit))
    const oh = Math.max(p.minHeight, Math.round(ch * fit))
    const out = document.createElement('canvas')
    out.width = ow
    out.height = oh
    const o = out.getContext('2d')!
    o.imageSmoothingEnabled = true
    const dw = Math.round(cw * fit)
    const dh = Math.round(ch * fit)
    o.drawImage(work, minX - margin, minY - margin, cw, ch, Math.round((ow - dw) / 2), Math.round((oh - dh) / 2), dw, dh)
    const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error('无法处理该签名图片，请重新签名')
    if (blob.size > DOCUMENT_RULES.signature.maxBytes) throw new Error('签名图片过大，请重新签名（笔画请简洁）')
    return blob
  } finally {
    if (typeof source !== 'string') URL.revokeObjectURL(url)
  }
}
