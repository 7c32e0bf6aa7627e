import { isH5 } from './platform'

/**
 * Accessibility attributes for a Taro view: H5 takes WAI-ARIA `role`, the mini program `aria-role` (WeChat's
 * name for it; `role` is ignored there). `label` is the accessible name (aria-label), `checked` / `disabled`
 * the state of a checkbox, switch or option.
 */
export function a11y(o: { role?: string; label?: string; checked?: boolean; selected?: boolean; pressed?: boolean; disabled?: boolean; hidden?: boolean; live?: 'polite' | 'assertive' }): Record<string, string> {
  const p: Record<string, string> = {}
  if (o.role) p[isH5 ? 'role' : 'aria-role'] = o.role
  if (o.label) p['aria-label'] = o.label
  if (o.checked !== undefined) p['aria-checked'] = String(o.checked)
  if (o.selected !== undefined) p['aria-selected'] = String(o.selected)
  if (o.pressed !== undefined) p['aria-pressed'] = String(o.pressed)
  if (o.disabled !== undefined) p['aria-disabled'] = String(o.disabled)
  if (o.hidden) p['aria-hidden'] = 'true'
  if (o.live) p['aria-live'] = o.live
  // H5: what acts on a tap is reachable by keyboard too (and a scrolling page then has focusable content)
  if (isH5 && o.role && ['switch', 'checkbox', 'button', 'link'].includes(o.role) && !o.disabled) p.tabindex = '0'
  return p
}
