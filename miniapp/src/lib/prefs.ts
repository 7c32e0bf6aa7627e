import Taro from '@tarojs/taro'
import { isH5 } from './platform'

/**
 * Display preferences kept on the device (Taro storage): 长辈模式 (elder mode, MIIT 2021 适老化: body text at
 * least 18 px with the titles scaled, touch targets at least 60 × 60 px, simpler screens). The mode is a root
 * class, `zyt-elder`, that redefines the size variables of app.scss: on <html> in H5, on each page's root view
 * (pageClass) in the mini program, which has no <html>.
 */
const ELDER_KEY = 'zyt:elder-mode'
export const ELDER_CLASS = 'zyt-elder'

let elder: boolean | undefined
const listeners = new Set<() => void>()

export function isElderMode(): boolean {
  if (elder === undefined) {
    try {
      elder = Taro.getStorageSync(ELDER_KEY) === true
    } catch {
      elder = false
    }
  }
  return elder
}

/** Switches elder mode, remembers it, and re-renders whoever listens (the page roots). */
export function setElderMode(on: boolean) {
  elder = on
  Taro.setStorageSync(ELDER_KEY, on)
  applyRootClass()
  for (const l of listeners) l()
}

export function onPrefsChange(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** H5: the class on <html>, so that popups, toasts and the tab bar (outside the page) scale too. */
export function applyRootClass() {
  if (isH5 && typeof document !== 'undefined') document.documentElement.classList.toggle(ELDER_CLASS, isElderMode())
}

/**
 * The page root's class names: `base` plus, in the mini program, the elder class when the mode is on (H5 has
 * it on <html>, so that pages kept in the stack never show a stale class).
 */
export function pageClass(base = 'page'): string {
  return !isH5 && isElderMode() ? `${base} ${ELDER_CLASS}` : base
}

/**
 * H5: a scrolling page or scroll view can be scrolled from the keyboard (WCAG 2.1.1; axe
 * scrollable-region-focusable): Taro's page containers and <ScrollView> get tabindex=0 as they appear.
 */
export function focusableScrollRegions() {
  if (!isH5 || typeof document === 'undefined' || typeof MutationObserver === 'undefined') return
  const mark = () => {
    for (const e of Array.from(document.querySelectorAll('.taro_page:not([tabindex]), taro-scroll-view-core:not([tabindex])'))) e.setAttribute('tabindex', '0')
  }
  mark()
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true })
}
