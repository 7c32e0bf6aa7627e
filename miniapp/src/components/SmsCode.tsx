import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import type { OtpSentResponse } from '@zhiyetong/shared'
import { errorMessage } from '../lib/api'
import { formatSeconds, useCountdown } from '../lib/hooks'
import { toast } from '../lib/platform'

/**
 * An SMS code input with its send button: the resend countdown (resendIn) on the button and, once sent,
 * where the code went and how long it stays valid (expiresIn).
 */
export function SmsCode({ send, code, onCode, error, disabled, label = '短信验证码' }: { send: () => Promise<OtpSentResponse>; code: string; onCode: (v: string) => void; error?: string; disabled?: boolean; label?: string }) {
  const resend = useCountdown()
  const validity = useCountdown()
  const [sending, setSending] = useState(false)
  const [sent, setSent] = useState<OtpSentResponse | null>(null)
  const [sendError, setSendError] = useState('')

  async function onSend() {
    if (sending || resend.left > 0 || disabled) return
    setSending(true)
    setSendError('')
    try {
      const res = await send()
      setSent(res)
      resend.start(res.resendIn || 60)
      validity.start(res.expiresIn || 300)
      toast(`验证码已发送至 ${res.phoneMasked}`)
    } catch (e) {
      setSendError(errorMessage(e))
    } finally {
      setSending(false)
    }
  }

  return (
    <View className='field'>
      <View className='field__label field__label--required'>{label}</View>
      <View className='field__control'>
        <Input
          className={`field__input ${error ? 'field__input--error' : ''}`}
          type='number'
          maxlength={6}
          placeholder='6 位数字'
          value={code}
          onInput={(e) => onCode(e.detail.value.replace(/\D/g, '').slice(0, 6))}
          data-testid='sms-code'
        />
        <View
          className={`sms-btn ${resend.left > 0 || sending || disabled ? 'sms-btn--disabled' : ''}`}
          onClick={onSend}
          data-testid='send-code'
        >
          {sending ? '发送中…' : resend.left > 0 ? `${resend.left} 秒后重发` : sent ? '重新获取' : '获取验证码'}
        </View>
      </View>
      {error && <View className='field__error'>{error}</View>}
      {sendError && <View className='field__error'>{sendError}</View>}
      {sent && (
        <View className='field__help' data-testid='otp-status'>
          验证码已发送至 {sent.phoneMasked}
          {validity.left > 0 ? `，${formatSeconds(validity.left)}内有效` : '，已过期，请重新获取'}
        </View>
      )}
    </View>
  )
}
