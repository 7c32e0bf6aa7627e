import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import type { OtpSentResponse } from '@zhiyetong/shared'
import { ApiError, errorMessage } from '../lib/api'
import { Check } from './ui'
import { SmsCode } from './SmsCode'

/** What the signer typed (SignWithCode's fields) and its errors by field: `opinion` (not ticked), `code`. */
export type SignErrors = Partial<Record<'opinion' | 'code', string>> & Record<string, string>

/**
 * The checks before a signature with an SMS code: the opinion ticked, a code asked for (`sent`, where the page
 * knows it) and six digits typed. Returns the errors by field, empty when it may go on.
 */
export function checkSignInput(opinion: boolean, code: string, opts: { sent?: boolean; opinionMessage?: string } = {}): SignErrors {
  const errs: SignErrors = {}
  if (!opinion) errs.opinion = opts.opinionMessage ?? '请阅读并勾选聘用企业意见'
  if (opts.sent === false) errs.code = '请先获取验证码'
  else if (!/^\d{6}$/.test(code)) errs.code = '请输入 6 位短信验证码'
  return errs
}

/**
 * A refused signature as SignWithCode shows it: an otp_* code (wrong or expired code) under the code field, the
 * server's field errors (opinionAccepted under the opinion), and the message in the banner otherwise.
 */
export function signFailure(e: unknown): { errors: SignErrors; message: string } {
  if (e instanceof ApiError && e.code.startsWith('otp_')) return { errors: { code: e.message }, message: '' }
  if (e instanceof ApiError && e.fields) {
    const { opinionAccepted, ...rest } = e.fields
    return { errors: { ...rest, ...(opinionAccepted ? { opinion: opinionAccepted } : {}) }, message: errorMessage(e) }
  }
  return { errors: {}, message: errorMessage(e) }
}

/**
 * The SMS-code-and-confirm block of every signature an enterprise gives (the employer's detail page, batch
 * confirmation, the old employer's release of a temporary constructor): a titled card with the opinion to tick
 * (聘用企业意见 / 原聘用企业意见), its error, what the page adds (`children`, e.g. which applications the batch code
 * names), the refusal of the last attempt, and the SMS code with its send button (SmsCode). The page keeps the
 * state and its own submit button (in its btn-bar); checkSignInput and signFailure give the errors shown here.
 */
export function SignWithCode({
  title = '聘用企业意见',
  opinion,
  onOpinion,
  opinionText,
  opinionTestId,
  errors,
  actionError,
  actionErrorTestId,
  send,
  code,
  onCode,
  codeLabel = '企业经办人短信验证码',
  disabled,
  children,
  testId,
}: {
  title?: string
  opinion: boolean
  onOpinion: (v: boolean) => void
  opinionText: ReactNode
  opinionTestId: string
  errors: SignErrors
  actionError?: string
  actionErrorTestId?: string
  send: () => Promise<OtpSentResponse>
  code: string
  onCode: (v: string) => void
  codeLabel?: string
  disabled?: boolean
  children?: ReactNode
  testId?: string
}) {
  return (
    <View className='card' data-testid={testId}>
      <View className='card__title'>{title}</View>
      <Check checked={opinion} onChange={onOpinion} testId={opinionTestId}>
        {opinionText}
      </Check>
      {errors.opinion && <View className='field__error'>{errors.opinion}</View>}
      {children}
      {actionError && (
        <View className='banner banner--error mt' data-testid={actionErrorTestId}>
          {actionError}
        </View>
      )}
      <SmsCode send={send} code={code} onCode={onCode} error={errors.code} disabled={disabled} label={codeLabel} />
    </View>
  )
}
