import type { CertificateStatus, VerifyResponse } from '@zhiyetong/shared'

export const CERT_STATUS: Record<CertificateStatus, { label: string; color: 'green' | 'orange' | 'red' }> = {
  valid: { label: '有效', color: 'green' },
  expired: { label: '已过期', color: 'orange' },
  revoked: { label: '已注销', color: 'red' },
  superseded: { label: '已换发新证书', color: 'orange' },
  void: { label: '已作废', color: 'red' },
}

export const VERIFY_STATUS: Record<VerifyResponse['status'], { label: string; desc: string; color: 'green' | 'orange' | 'red' | 'gray' }> = {
  valid: { label: '有效', desc: '该电子注册证书真实有效', color: 'green' },
  expired: { label: '已过期', desc: '该证书已超过有效期', color: 'orange' },
  revoked: { label: '已注销', desc: '该证书已被注册机构注销', color: 'red' },
  superseded: { label: '已换发新证书', desc: '此版本已不再有效：持证人已换发新证书，请向持证人索取最新版本', color: 'orange' },
  void: { label: '已作废', desc: '该注册已注销，证书已作废', color: 'red' },
  invalid: { label: '无效', desc: '未查询到该证书，二维码可能被篡改或不是本平台签发', color: 'gray' },
}
