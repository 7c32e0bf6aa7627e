// The QR encoder core only (no canvas, no Node Buffer): works in weapp and H5 alike.
// eslint-disable-next-line @typescript-eslint/no-var-requires
import QRCore from 'qrcode/lib/core/qrcode'

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
function base64Ascii(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i)
    const b = i + 1 < s.length ? s.charCodeAt(i + 1) : NaN
    const c = i + 2 < s.length ? s.charCodeAt(i + 2) : NaN
    const n = (a << 16) | ((b || 0) << 8) | (c || 0)
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (isNaN(b) ? '=' : B64[(n >> 6) & 63]) + (isNaN(c) ? '=' : B64[n & 63])
  }
  return out
}

/** A QR code for `text` as an SVG data URI (white quiet zone of `margin` modules), for an <Image>. */
export function qrSvgDataUri(text: string, margin = 4): string {
  const bytes = Array.from(text, (ch) => ch.charCodeAt(0) & 0xff)
  const qr = QRCore.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: 'M' })
  const size: number = qr.modules.size
  const data: Uint8Array | boolean[] = qr.modules.data
  const full = size + margin * 2
  let path = ''
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (data[y * size + x]) path += `M${x + margin} ${y + margin}h1v1h-1z`
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges"><rect width="${full}" height="${full}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  return `data:image/svg+xml;base64,${base64Ascii(svg)}`
}

/** The token in a scanned verification QR: `<base>/v/<token>`, a `?token=` link, or the bare token. */
export function extractVerifyToken(scanned: string): string | null {
  const text = scanned.trim()
  if (!text) return null
  const m = text.match(/\/v\/([^/?#\s]+)/)
  if (m) return decodeURIComponent(m[1])
  const q = text.match(/[?&]token=([^&#\s]+)/)
  if (q) return decodeURIComponent(q[1])
  if (/^[A-Za-z0-9._~-]{8,}$/.test(text)) return text
  return null
}
