import Taro from '@tarojs/taro'
import { DOCUMENT_RULES } from '@zhiyetong/shared'
import { inkSignature } from './signature-ink'

/**
 * weapp: the signature image (签名图片, 001 §3.1) as the BFF takes it (shared DOCUMENT_RULES.signature), from
 * the NutUI Signature canvas's temp file (a PNG on a transparent background: sent as it is) or a photo of a
 * signature on paper (temp file path): redrawn on an OffscreenCanvas (基础库 2.16.1+), pixels darker than
 * the page made black ink and the rest transparent, cut to the ink with an 8 px margin, exported as a PNG
 * temp file. Same rule as signature.h5.ts; not run in WeChat here (the H5 build is the tested one).
 */
export async function signaturePng(source: string | Blob, opts: { drawn?: boolean } = {}): Promise<string> {
  const path = String(source)
  if (opts.drawn) return path
  const info = await Taro.getImageInfo({ src: path })
  const scale = Math.min(1, 1600 / Math.max(info.width, info.height))
  const w = Math.max(1, Math.round(info.width * scale))
  const h = Math.max(1, Math.round(info.height * scale))
  const canvas: any = (Taro as any).createOffscreenCanvas?.({ type: '2d', width: w, height: h })
  if (!canvas) throw new Error('当前微信版本不支持处理签名照片，请在屏幕上手写签名')
  const ctx = canvas.getContext('2d')
  const img = canvas.createImage()
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve()
    img.onerror = () => reject(new Error('无法读取该图片，请重新拍摄或在屏幕上手写签名'))
    img.src = path
  })
  ctx.drawImage(img, 0, 0, w, h)
  const data = ctx.getImageData(0, 0, w, h)
  const px = data.data
  const { minX, minY, maxX, maxY } = inkSignature(px, w, h)
  const p = DOCUMENT_RULES.signature.pixels!
  const margin = 8
  const x0 = Math.max(0, minX - margin)
  const y0 = Math.max(0, minY - margin)
  const cw = Math.min(w - x0, maxX - minX + 1 + margin * 2)
  const ch = Math.min(h - y0, maxY - minY + 1 + margin * 2)
  const ow = Math.max(p.minWidth, cw)
  const oh = Math.max(p.minHeight, ch)
  const out: any = (Taro as any).createOffscreenCanvas({ type: '2d', width: ow, height: oh })
  const o = out.getContext('2d')
  const crop = ctx.createImageData(cw, ch)
  for (let y = 0; y < ch; y++) crop.data.set(px.subarray(((y0 + y) * w + x0) * 4, ((y0 + y) * w + x0 + cw) * 4), y * cw * 4)
  o.putImageData(crop, Math.round((ow - cw) / 2), Math.round((oh - ch) / 2))
  const res = await Taro.canvasToTempFilePath({ canvas: out, fileType: 'png' } as any)
  return res.tempFilePath
}
