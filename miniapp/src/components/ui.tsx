import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { MATTERS, type ApplicationStatus, type FiledBy, type HistoryEntryView, type RegistrationType, type SigningResult } from '@zhiyetong/shared'
import { fmtDateTime } from '../lib/format'
import { a11y } from '../lib/a11y'

export function LoadingBlock({ text = '加载中…' }: { text?: string }) {
  return <View className='loading-block'>{text}</View>
}

export function ErrorBlock({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className='card center'>
      <View className='banner banner--error'>{message}</View>
      {onRetry && (
        <Button type='primary' fill='outline' onClick={onRetry}>
          重新加载
        </Button>
      )}
    </View>
  )
}

export function Empty({ text, children }: { text: string; children?: ReactNode }) {
  return (
    <View className='empty'>
      <View>{text}</View>
      {children && <View className='mt'>{children}</View>}
    </View>
  )
}

const STATUS_COLOR: Partial<Record<ApplicationStatus, string>> = {
  draft: 'orange',
  employer_draft: 'gray',
  awaiting_applicant: 'orange',
  awaiting_employer: 'orange',
  awaiting_release: 'orange',
  returned: 'red',
  acceptance: 'blue',
  first_review: 'blue',
  second_review: 'blue',
  approval: 'blue',
  approved: 'green',
  completed: 'green',
  not_accepted: 'red',
  rejected: 'red',
  refused: 'red',
}

export function StatusTag({ status, label }: { status: ApplicationStatus; label: string }) {
  return <Text className={`status status--${STATUS_COLOR[status] || 'gray'}`}>{label}</Text>
}

export function Tag({ color, children }: { color: 'blue' | 'orange' | 'green' | 'red' | 'gray'; children: ReactNode }) {
  return <Text className={`status status--${color}`}>{children}</Text>
}

const STAGE_STEPS: { label: string; statuses: ApplicationStatus[] }[] = [
  { label: '受理', statuses: ['acceptance', 'not_accepted'] },
  { label: '初审', statuses: ['first_review'] },
  { label: '复审', statuses: ['second_review'] },
  { label: '审批', statuses: ['approval', 'rejected'] },
]

/**
 * The steps of a matter (shared MATTERS[type]): its signers, then the authority's stages and 发证 — or, for a
 * matter without authority review (cancellation, paper exchange), 办结 right after the last signature.
 */
function progressSteps(type: RegistrationType, filedBy: FiledBy = 'applicant'): { label: string; statuses: ApplicationStatus[] }[] {
  const def = MATTERS[type]
  // an employer's filing (issue 10): the enterprise fills it in and files it, the person confirms it, then the
  // enterprise signs; a matter the person does not sign (temporary constructors, FILING_PATHS.employer_alone): the
  // enterprise files and signs, and a transfer waits for the old employer's release (原单位确认, 003 §3.2.3.9)
  const personSigns = def.signers.includes('applicant')
  const steps: { label: string; statuses: ApplicationStatus[] }[] = []
  if (filedBy === 'employer') {
    steps.push({ label: '企业填报', statuses: ['employer_draft'] })
    if (personSigns) steps.push({ label: '个人确认', statuses: ['awaiting_applicant', 'refused'] })
  } else steps.push({ label: def.signers.includes('employer') ? '个人签名' : '个人确认', statuses: ['draft', 'returned'] })
  if (def.signers.includes('employer')) {
    const label = personSigns ? '企业确认' : '企业签名'
    steps.push({ label, statuses: filedBy === 'employer' ? ['awaiting_employer'] : ['awaiting_employer', 'refused'] })
  }
  if (def.signers.includes('releasing_employer')) steps.push({ label: '原单位确认', statuses: ['awaiting_release', 'refused'] })
  if (def.route.length) steps.push(...STAGE_STEPS, { label: '发证', statuses: ['approved'] })
  else steps.push({ label: '办结', statuses: ['completed'] })
  return steps
}

/** Where an application stands on its matter's path, e.g. 个人签名 → 企业确认 → 受理 → 初审 → 复审 → 审批 → 发证 (an employer's filing: 企业填报 → 个人确认 → 企业确认 → …). */
export function ProgressSteps({ status, type = 'initial', filedBy }: { status: ApplicationStatus; type?: RegistrationType; filedBy?: FiledBy }) {
  const steps = progressSteps(type, filedBy)
  let current = steps.findIndex((p) => p.statuses.includes(status))
  const failed = status === 'not_accepted' || status === 'rejected' || status === 'refused'
  if (status === 'approved' || status === 'completed') current = steps.length // all done
  return (
    <View className='progress'>
      {steps.map((p, i) => {
        const cls = i < current ? 'done' : i === current ? (failed ? 'failed' : 'current') : 'todo'
        return (
          <View key={p.label} className={`progress__step progress__step--${cls}`}>
            {i > 0 && <View className='progress__line' />}
            <View className='progress__dot' />
            <View>{p.label}</View>
          </View>
        )
      })}
    </View>
  )
}

export function Timeline({ entries }: { entries: HistoryEntryView[] }) {
  const list = [...entries].reverse()
  return (
    <View className='timeline'>
      {list.map((h, i) => (
        <View key={`${h.at}-${i}`} className={`timeline__item ${i === 0 ? 'timeline__item--first' : ''}`}>
          <View className='timeline__dot' />
          <View className='timeline__label'>{h.label}</View>
          <View className='timeline__meta'>{fmtDateTime(h.at)}</View>
          {h.note && <View className='timeline__note'>{h.note}</View>}
        </View>
      ))}
    </View>
  )
}

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View className='row'>
      <Text className='row__label'>{label}</Text>
      <View className='row__value'>{children}</View>
    </View>
  )
}

/** A button under a ResultCard: the first is the main one (filled), the others outlined. */
export interface ResultAction {
  label: string
  onClick: () => void
  testId?: string
}

/**
 * The outcome of an action, shown in place of its form (签署成功, 企业确认完成, 企业绑定成功, 已同意转出, 实名核验…):
 * a card with a round ✓ (or ! when `failed`), the title, an optional note under it, label/value rows (Row) and
 * what the page adds (`children`, e.g. the hints of a failed check or a warning); then `after` (further cards, e.g.
 * a batch's signed and skipped lists) and the buttons (`actions`, full width, the first filled, each with its
 * data-testid). The card takes `testId`; `titleTestId` / `noteTestId` mark the title and the note where tests read
 * them. The icon is decoration (aria-hidden): the title says the outcome, and the card is announced (role=status).
 * Sizes and colours come from the shared .result styles, so elder mode and dark mode apply.
 */
export function ResultCard({
  title,
  failed,
  note,
  rows = [],
  children,
  after,
  actions = [],
  testId,
  titleTestId,
  noteTestId,
}: {
  title: ReactNode
  failed?: boolean
  note?: ReactNode
  rows?: { label: string; value: ReactNode }[]
  children?: ReactNode
  after?: ReactNode
  actions?: ResultAction[]
  testId?: string
  titleTestId?: string
  noteTestId?: string
}) {
  return (
    <>
      <View className='card' data-testid={testId} {...a11y({ role: 'status' })}>
        <View className='result'>
          <View className={`result__icon ${failed ? 'result__icon--fail' : ''}`} {...a11y({ hidden: true })}>
            {failed ? '!' : '✓'}
          </View>
          <View className='result__title' data-testid={titleTestId}>
            {title}
          </View>
          {note && (
            <View className='card__hint mt' data-testid={noteTestId}>
              {note}
            </View>
          )}
        </View>
        {rows.map((r) => (
          <Row key={r.label} label={r.label}>
            {r.value}
          </Row>
        ))}
        {children}
      </View>
      {after}
      {actions.map((a, i) =>
        i === 0 ? (
          <Button key={a.label} block type='primary' className='big-btn' onClick={a.onClick} data-testid={a.testId}>
            {a.label}
          </Button>
        ) : (
          <View key={a.label} className='mt'>
            <Button block fill='outline' className='big-btn' onClick={a.onClick} data-testid={a.testId}>
              {a.label}
            </Button>
          </View>
        ),
      )}
    </>
  )
}

/** A ResultCard's rows after a signature (SigningResult): 受理编号, 签署时间, 文件名称 (the signed PDF). */
export function signingRows(r: Pick<SigningResult, 'acceptanceNo' | 'signedAt' | 'fileName'>): { label: string; value: ReactNode }[] {
  return [
    { label: '受理编号', value: r.acceptanceNo },
    { label: '签署时间', value: fmtDateTime(r.signedAt) },
    { label: '文件名称', value: r.fileName },
  ]
}

export function Field({ label, required, error, help, children }: { label: ReactNode; required?: boolean; error?: string; help?: ReactNode; children: ReactNode }) {
  return (
    <View className='field'>
      <View className={`field__label ${required ? 'field__label--required' : ''}`}>{label}</View>
      {children}
      {error ? <View className='field__error'>{error}</View> : help ? <View className='field__help'>{help}</View> : null}
    </View>
  )
}

export function Check({ checked, onChange, children, disabled, testId }: { checked: boolean; onChange?: (v: boolean) => void; children: ReactNode; disabled?: boolean; testId?: string }) {
  return (
    <View
      className={`check ${checked ? 'check--on' : ''} ${disabled ? 'check--disabled' : ''}`}
      onClick={() => !disabled && onChange?.(!checked)}
      data-testid={testId}
      {...a11y({ role: 'checkbox', checked, disabled: !!disabled })}
    >
      <View className='check__box'>{checked ? '✓' : ''}</View>
      <View className='check__text'>{children}</View>
    </View>
  )
}

export function Segments<T extends string>({ items, value, onChange }: { items: { value: T; label: string }[]; value: T; onChange: (v: T) => void }) {
  return (
    <View className='segments'>
      {items.map((it) => (
        <View key={it.value} className={`segments__item ${it.value === value ? 'segments__item--on' : ''}`} onClick={() => onChange(it.value)} data-testid={`seg-${it.value}`} {...a11y({ role: 'button', pressed: it.value === value })}>
          {it.label}
        </View>
      ))}
    </View>
  )
}

/**
 * A labelled group of choices shown as pills that wrap (filters: matter, profession, specialty, city, waiting
 * time). Each pill is a toggle button (aria-pressed) with `data-testid="<testId>-<value>"`; the empty value is 全部.
 */
export function Chips<T extends string>({ label, items, value, onChange, testId }: { label: string; items: { value: T; label: string }[]; value: T; onChange: (v: T) => void; testId: string }) {
  return (
    <View className='chips' {...a11y({ role: 'group', label })}>
      <View className='chips__label'>{label}</View>
      <View className='chips__items'>
        {items.map((it) => (
          <View
            key={it.value}
            className={`chips__item ${it.value === value ? 'chips__item--on' : ''}`}
            onClick={() => onChange(it.value)}
            data-testid={`${testId}-${it.value || 'all'}`}
            {...a11y({ role: 'button', pressed: it.value === value })}
          >
            {it.value === value ? '✓ ' : ''}
            {it.label}
          </View>
        ))}
      </View>
    </View>
  )
}

/** A simple table (statistics): a header row and rows of cells; the first column left-aligned. */
export function DataTable({ head, rows, testId, caption }: { head: string[]; rows: (string | number)[][]; testId?: string; caption: string }) {
  return (
    <View className='data-table' data-testid={testId} {...a11y({ role: 'table', label: caption })}>
      <View className='data-table__row data-table__row--head' {...a11y({ role: 'row' })}>
        {head.map((h, i) => (
          <View key={i} className='data-table__cell' {...a11y({ role: 'columnheader' })}>
            {h}
          </View>
        ))}
      </View>
      {rows.map((r, j) => (
        <View key={j} className='data-table__row' {...a11y({ role: 'row' })}>
          {r.map((c, i) => (
            <View key={i} className='data-table__cell' {...a11y({ role: 'cell' })}>
              {String(c)}
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
