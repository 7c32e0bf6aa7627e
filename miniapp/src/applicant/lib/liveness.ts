import { useCallback, useEffect, useRef, useState } from 'react'
import type { LivenessSessionView, LivenessVerdictView } from '@zhiyetong/shared'
import { CancelledError } from '../../lib/platform'

/** Real-name verification (实名核验): types of the identity API and the prompt timing of the camera check. */
export type DocumentKind = 'id_front' | 'id_back' | 'holding_id'
export type LivenessAction = 'blink' | 'open_mouth'

/**
 * A liveness session as the server dictates it (shared LivenessSessionView): each prompt's time `atMs` after
 * the recording starts (random gaps chosen by the server) and how long to record (`durationMs`). The phone
 * shows each prompt at exactly its time; the server refuses a clip whose prompt times or length do not match.
 */
export type LivenessSession = LivenessSessionView
export interface PromptTime {
  action: LivenessAction
  shownAtMs: number
}
/** The server's verdict (shared LivenessVerdictView). */
export type LivenessVerdict = LivenessVerdictView
/** What a recorder hands back: the video (weapp temp file path or H5 Blob) and when each prompt appeared. */
export interface Recording {
  video: string | Blob
  prompts: PromptTime[]
}

export const IN_PERSON_NOTE = '无法完成人脸识别？可携带身份证到注册机构现场核验'

export interface PromptView {
  /** -1 before the first prompt ("请保持不动"); actions.length after the last (never: the last runs to the end) */
  index: number
  /** ms left until the next prompt (or the end of the recording) */
  leftMs: number
  /** length of the current stretch (lead-in or prompt), ms: the bar shows leftMs / spanMs */
  spanMs: number
}

/** Where the schedule is at `elapsed` ms into the recording: which prompt shows, and until when. */
export function scheduleAt(session: Pick<LivenessSession, 'actions' | 'durationMs'>, elapsed: number): PromptView {
  const { actions, durationMs } = session
  let index = -1
  while (index + 1 < actions.length && elapsed >= actions[index + 1].atMs) index++
  const from = index < 0 ? 0 : actions[index].atMs
  const until = index + 1 < actions.length ? actions[index + 1].atMs : durationMs
  return { index, leftMs: Math.max(0, until - elapsed), spanMs: until - from }
}

/**
 * Runs the server's schedule against a recording that started at `startedAt` (Date.now() when the recorder
 * reported it started): each prompt appears when its `atMs` is reached (checked every 25 ms), and the
 * recording should stop at `durationMs`. Resolves with the time each prompt actually appeared.
 */
export function usePromptRunner() {
  const [view, setView] = useState<PromptView | null>(null)
  const cancelRef = useRef<(() => void) | null>(null)
  useEffect(() => () => cancelRef.current?.(), [])

  const run = useCallback(
    (session: Pick<LivenessSession, 'actions' | 'durationMs'>, startedAt: number) =>
      new Promise<PromptTime[]>((resolve, reject) => {
        const prompts: PromptTime[] = []
        const tick = () => {
          const elapsed = Date.now() - startedAt
          const v = scheduleAt(session, elapsed)
          while (prompts.length <= v.index) prompts.push({ action: session.actions[prompts.length].action, shownAtMs: Math.round(elapsed) })
          if (elapsed >= session.durationMs) {
            clearInterval(timer)
            cancelRef.current = null
            setView({ index: session.actions.length, leftMs: 0, spanMs: 1 })
            resolve(prompts)
            return
          }
          setView(v)
        }
        const timer = setInterval(tick, 25)
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
