import { useEffect, useRef, useState } from 'react'
import { Camera, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { CancelledError, alertMessage } from '../../lib/platform'
import { usePromptRunner, type LivenessSession, type Recording } from '../lib/liveness'
import { FaceStage, RecorderButton, type RecorderPhase } from './FaceStage'

export interface FaceRecorderProps {
  /** Creates the liveness session (the page shows its errors and returns null). */
  begin: () => Promise<LivenessSession | null>
  onRecorded: (session: LivenessSession, recording: Recording) => void
}

/**
 * weapp: <Camera devicePosition="front"> (the preview is mirrored by WeChat) recorded with
 * CameraContext.startRecord/stopRecord (an mp4 temp file; the 30 s limit is well above the ~8 s check).
 * The recording itself is not mirrored (selfieMirror: false, base library 2.22.0): it is compared with the
 * ID card photo, and on the eval clips a mirrored frame scored 0.02-0.07 lower against a frame of the same
 * clip in 11 of 14 pairs. If WeChat ends the recording early (timeoutCallback: the page was hidden or the
 * recording failed), the person is told and can start again. The H5 build uses FaceRecorder.h5.tsx.
 */
export function FaceRecorder({ begin, onRecorded }: FaceRecorderProps) {
  const [phase, setPhase] = useState<RecorderPhase>('opening')
  const [message, setMessage] = useState('')
  const [actions, setActions] = useState<LivenessSession['actions']>([])
  const runner = usePromptRunner()
  const recording = useRef(false)
  const endedEarly = useRef(false)

  useEffect(
    () => () => {
      runner.cancel()
      if (recording.current) Taro.createCameraContext().stopRecord({})
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  )

  async function start() {
    if (phase !== 'ready') return
    setPhase('starting')
    const session = await begin()
    if (!session) {
      setPhase('ready')
      return
    }
    if (session.provider === 'wechat') {
      // WeChat 人脸核身 (government mini-programs): WeChat's own camera flow; the server confirms the result with WeChat
      try {
        await new Promise<void>((resolve, reject) =>
          (globalThis as unknown as { wx: { requestFacialVerify(o: object): void } }).wx.requestFacialVerify({
            verifyId: session.verifyId,
            success: () => resolve(),
            fail: (e: { errMsg?: string }) => reject(new Error(e?.errMsg || '人脸核身未完成')),
          }),
        )
      } catch {
        // the server asks WeChat how it ended either way
      }
      setPhase('finishing')
      onRecorded(session, { video: '', prompts: [] })
      return
    }
    setActions(session.actions)
    const ctx = Taro.createCameraContext()
    try {
      endedEarly.current = false
      const startedAt = await new Promise<number>((resolve, reject) =>
        ctx.startRecord({
          // WeChat's options beyond Taro's typings (CameraContext.startRecord, base library 2.22.0)
          ...({ selfieMirror: false, timeout: 30 } as object),
          timeoutCallback: () => {
            if (!recording.current) return
            endedEarly.current = true
            runner.cancel()
          },
          success: () => resolve(Date.now()),
          fail: (e) => reject(new Error(e.errMsg)),
        }),
      )
      recording.current = true
      setPhase('recording')
      // the prompts at the server's times, the recording as long as the server asked
      const prompts = await runner.run(session, startedAt)
      const video = await new Promise<string>((resolve, reject) =>
        ctx.stopRecord({
          success: (res) => resolve(res.tempVideoPath),
          fail: (e) => reject(new Error(e.errMsg)),
        }),
      )
      recording.current = false
      setPhase('finishing')
      onRecorded(session, { video, prompts })
    } catch (e) {
      recording.current = false
      if (e instanceof CancelledError && !endedEarly.current) return // left the page
      setPhase('ready')
      alertMessage(endedEarly.current ? '录制被中断，请保持在本页面并重新开始检测' : `录制失败，请重试（${(e as Error).message || '摄像头不可用'}）`)
    }
  }

  return (
    <View>
      <FaceStage phase={phase} view={runner.view} actions={actions} message={message}>
        <Camera
          className='face__camera'
          devicePosition='front'
          flash='off'
          onInitDone={() => setPhase((p) => (p === 'opening' || p === 'error' ? 'ready' : p))}
          onError={() => {
            setPhase('error')
            setMessage('未获得摄像头权限：请在右上角“…”>“设置”中允许使用摄像头后重试')
          }}
        />
      </FaceStage>
      <RecorderButton phase={phase} onStart={start} fix={{ label: '去设置允许摄像头', onClick: () => Taro.openSetting({}) }} />
    </View>
  )
}
