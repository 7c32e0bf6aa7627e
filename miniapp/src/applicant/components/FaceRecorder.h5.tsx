import { createElement, useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { CancelledError } from '../../lib/platform'
import { usePromptRunner, type LivenessSession, type Recording } from '../lib/liveness'
import { FaceStage, RecorderButton, type RecorderPhase } from './FaceStage'

export interface FaceRecorderProps {
  /** Creates the liveness session (the page shows its errors and returns null). */
  begin: () => Promise<LivenessSession | null>
  onRecorded: (session: LivenessSession, recording: Recording) => void
}

const MIME_TYPES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm', 'video/mp4']
/** MediaRecorder hands over data this often (ms); see start() */
const TIMESLICE_MS = 100

function pickMimeType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined
  return MIME_TYPES.find((t) => MediaRecorder.isTypeSupported?.(t))
}

/**
 * H5: the front camera with getUserMedia (640x480), the preview mirrored in a round frame, and MediaRecorder
 * (webm where supported). Taro's <Camera> does not work in browsers; the weapp build uses FaceRecorder.tsx.
 */
export function FaceRecorder({ begin, onRecorded }: FaceRecorderProps) {
  const videoRef = useRef<HTMLVideoElement | null>(null)
  const streamRef = useRef<MediaStream | null>(null)
  const recorderRef = useRef<MediaRecorder | null>(null)
  const [phase, setPhase] = useState<RecorderPhase>('opening')
  const [message, setMessage] = useState('')
  const [attempt, setAttempt] = useState(0)
  const [actions, setActions] = useState<LivenessSession['actions']>([])
  const runner = usePromptRunner()

  useEffect(() => {
    let stopped = false
    setPhase('opening')
    ;(async () => {
      if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
        setPhase('error')
        setMessage('当前浏览器无法录制视频（需要 HTTPS 访问），请在微信小程序中完成，或到注册机构现场核验')
        return
      }
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false })
        if (stopped) {
          stream.getTracks().forEach((t) => t.stop())
          return
        }
        streamRef.current = stream
        const video = videoRef.current
        if (video) {
          video.srcObject = stream
          video.setAttribute('playsinline', 'true')
          await video.play().catch(() => undefined)
        }
        setPhase('ready')
      } catch (e: any) {
        setPhase('error')
        setMessage(e?.name === 'NotAllowedError' ? '未获得摄像头权限，请在浏览器设置中允许访问摄像头后重试' : '无法打开前置摄像头，请检查设备后重试')
      }
    })()
    return () => {
      stopped = true
      runner.cancel()
      if (recorderRef.current?.state === 'recording') recorderRef.current.stop()
      streamRef.current?.getTracks().forEach((t) => t.stop())
      streamRef.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt])

  async function start() {
    const stream = streamRef.current
    if (!stream || phase !== 'ready') return
    setPhase('starting')
    const session = await begin()
    if (!session || !streamRef.current) {
      setPhase(streamRef.current ? 'ready' : 'opening')
      return
    }
    setActions(session.actions)
    const mimeType = pickMimeType()
    const chunks: Blob[] = []
    let recorder: MediaRecorder
    try {
      recorder = new MediaRecorder(stream, { ...(mimeType ? { mimeType } : {}), videoBitsPerSecond: 1_500_000 })
    } catch {
      setPhase('error')
      setMessage('当前浏览器无法录制视频，请在微信小程序中完成，或到注册机构现场核验')
      return
    }
    recorderRef.current = recorder
    // The server times the prompts from the recording's first frame. A busy browser's encoder can start a
    // second or two after recorder.start() (headless Chromium under load lost 0.8-2.2 s), and the video then
    // begins later than the page's clock: so the clock starts with the first recorded data (chunks every
    // TIMESLICE_MS; the first frame is on average half a chunk before it arrives).
    let firstData: (t: number) => void = () => undefined
    const firstDataP = new Promise<number>((resolve) => (firstData = resolve))
    recorder.ondataavailable = (e) => {
      if (!e.data.size) return
      chunks.push(e.data)
      firstData(Date.now() - TIMESLICE_MS / 2)
    }
    const stoppedP = new Promise<void>((resolve) => (recorder.onstop = () => resolve()))
    recorder.start(TIMESLICE_MS)
    const startedAt = await firstDataP
    setPhase('recording')
    try {
      // the prompts at the server's times, the recording as long as the server asked
      const prompts = await runner.run(session, startedAt)
      recorder.stop()
      await stoppedP
      setPhase('finishing')
      onRecorded(session, { video: new Blob(chunks, { type: recorder.mimeType || mimeType || 'video/webm' }), prompts })
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e
    }
  }

  return (
    <View>
      <FaceStage phase={phase} view={runner.view} actions={actions} message={message}>
        {createElement('video', { ref: videoRef, className: 'face__video', muted: true, playsInline: true, autoPlay: true, 'data-testid': 'face-video' })}
      </FaceStage>
      <RecorderButton phase={phase} onStart={start} fix={{ label: '重新打开摄像头', onClick: () => setAttempt(attempt + 1) }} />
    </View>
  )
}
