import { useCallback, useEffect, useRef, useState } from 'react'
import { CancelledError } from '../../lib/platform'

/** Real-name verification (实名核验): types of the identity API and the prompt timing of the camera check. */
export type DocumentKind = 'id_front' | 'id_back' | 'holding_id'
export type LivenessAction = 'blink' | 'open_mouth'

export interface LivenessSession {
  id: string
  nonce: string
  actions: { action: LivenessAction; prompt: string }[]
  expiresAt: string
}
export interface PromptTime {
  action: LivenessAction
  shownAtMs: number
}
export interface LivenessVerdict {
  passed: boolean
  reasons: { code: string; hint: string; action?: LivenessAction }[]
  scores?: unknown
}
/** What a recorder hands back: the video (weapp temp file path or H5 Blob) and when each prompt appeared. */
export interface Recording {
  video: string | Blob
  prompts: PromptTime[]
}

/**
 * Timing (the server checks each action between its prompt and the next one, the last until the recording ends;
 * the mouth must stay wide open ~1 s): record LEAD_MS before the first prompt, show each prompt PROMPT_MS
 * with a countdown, stop TAIL_MS after the last prompt's time ran out. Two actions: 0.5 + 3.5 + 3.5 + 0.5 = 8 s.
 */
export const LEAD_MS = 500
export const PROMPT_MS = 3500
export const TAIL_MS = 500
export const totalMs = (n: number) => LEAD_MS + n * PROMPT_MS + TAIL_MS

export const IN_PERSON_NOTE = '无法完成人脸识别？可携带身份证到注册机构现场核验'

export interface PromptView {
  /** -1 before the first prompt ("请保持不动"); actions.length after the last */
  index: number
  /** ms left for the current prompt */
  leftMs: number
}

/**
 * Runs the prompts against a recording that started at `startedAt` (Date.now() when the recorder reported
 * it started). Resolves with each prompt's shownAtMs once the recording should stop.
 */
export function usePromptRunner() {
  const [view, setView] = useState<PromptView | null>(null)
  const cancelRef = useRef<(() => void) | null>(null)
  useEffect(() => () => cancelRef.current?.(), [])

  const run = useCallback(
    (actions: LivenessAction[], startedAt: number) =>
      new Promise<PromptTime[]>((resolve, reject) => {
        const prompts: PromptTime[] = []
        const end = totalMs(actions.length)
        const tick = () => {
          const elapsed = Date.now() - startedAt
          if (elapsed >= end) {
            clearInterval(timer)
            cancelRef.current = null
            setView({ index: actions.length, leftMs: 0 })
            resolve(prompts)
            return
          }
          const index = elapsed < LEAD_MS ? -1 : Math.min(actions.length, Math.floor((elapsed - LEAD_MS) / PROMPT_MS))
          if (index >= 0 && index < actions.length && prompts.length === index) prompts.push({ action: actions[index], shownAtMs: Math.round(elapsed) })
          const leftMs = index < 0 ? LEAD_MS - elapsed : index < actions.length ? LEAD_MS + (index + 1) * PROMPT_MS - elapsed : end - elapsed
          setView({ index, leftMs })
        }
        const timer = setInterval(tick, 50)
        cancelRef.current = () => {
          clearInterval(timer)
          cancelRef.current = null
          reject(new CancelledError())
        }
        tick()
      }),
    [],
  )
  const cancel = useCallback(() => cancelRef.current?.(), [])
  const clear = useCallback(() => setView(null), [])
  return { view, run, cancel, clear }
}
