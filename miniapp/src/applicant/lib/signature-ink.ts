/**
 * The ink of a signature image, the one rule of both platforms' signaturePng (signature.h5.ts, signature.ts):
 * on RGBA pixels `px` (w × h, changed in place), each opaque pixel darker than the page (70 % of the image's
 * mean brightness, at most 160; a transparent background counts as white) becomes black ink (#111) and the
 * rest transparent. Returns the ink's bounding box, in pixels. Throws a Chinese message when fewer than 30
 * pixels are ink (nothing that looks like a signature).
 */
export function inkSignature(px: Uint8ClampedArray, w: number, h: number): { minX: number; minY: number; maxX: number; maxY: number } {
  const lum = (i: number) => 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2]
  let sum = 0
  for (let i = 0; i < px.length; i += 4) sum += px[i + 3] < 32 ? 255 : lum(i)
  const threshold = Math.min(160, (sum / (px.length / 4)) * 0.7)
  let minX = w, minY = h, maxX = -1, maxY = -1, ink = 0
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4
      const dark = px[i + 3] >= 128 && lum(i) < threshold
      px[i] = px[i + 1] = px[i + 2] = dark ? 17 : 255
      px[i + 3] = dark ? 255 : 0
      if (!dark) continue
      ink++
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
  if (ink < 30) throw new Error('没有识别到签名笔迹，请用深色笔在白纸上签名后重新拍摄，或在屏幕上手写签名')
  return { minX, minY, maxX, maxY }
}
