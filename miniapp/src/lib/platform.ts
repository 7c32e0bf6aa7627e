import Taro from '@tarojs/taro'

export const isH5 = process.env.TARO_ENV === 'h5'
export const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * Calls a Taro API that may not exist on this platform. In H5 production builds Taro's unsupported APIs
 * "succeed" with an errMsg such as `scanCode:fail not supported` instead of rejecting; treat anything whose
 * errMsg does not end in `:ok` as a failure.
 */
export async function taroCall<T extends { errMsg?: string }>(fn: () => Promise<T> | T, unsupportedMessage = '当前环境不支持此功能'): Promise<T> {
  let res: T
  try {
    res = await fn()
  } catch (e: any) {
    const msg: string = e?.errMsg || e?.message || ''
    if (/cancel/i.test(msg)) throw new CancelledError()
    throw new Error(/not ?support|unsupported|not a function/i.test(msg) ? unsupportedMessage : msg || unsupportedMessage)
  }
  const errMsg = res && typeof res === 'object' ? res.errMsg : undefined
  if (errMsg && !/:\s*ok\b/i.test(errMsg)) {
    if (/cancel/i.test(errMsg)) throw new CancelledError()
    throw new Error(/not ?support|unsupported/i.test(errMsg) ? unsupportedMessage : errMsg)
  }
  return res
}

export class CancelledError extends Error {
  constructor() {
    super('已取消')
  }
}

export function toast(title: string, icon: 'none' | 'success' | 'error' = 'none') {
  Taro.showToast({ title, icon, duration: icon === 'none' ? 2500 : 1500 })
}

export function alertMessage(content: string, title = '提示') {
  return Taro.showModal({ title, content, showCancel: false, confirmText: '知道了' })
}

export async function confirm(content: string, title = '请确认', confirmText = '确定'): Promise<boolean> {
  const res = await Taro.showModal({ title, content, confirmText, cancelText: '取消' })
  return !!res.confirm
}

export function go(url: string) {
  return Taro.navigateTo({ url })
}

export const TAB_PAGES = ['/pages/home/index', '/pages/certs/index', '/pages/mine/index']

export function goTab(url: string) {
  return Taro.switchTab({ url })
}
