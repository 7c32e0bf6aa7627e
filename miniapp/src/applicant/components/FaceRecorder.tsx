import { useEffect, useRef, useState } from 'react'
import { Camera, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { CancelledError, alertMessage } from '../../lib/platform'
import { usePromptRunner, type LivenessSession, type Recording } from '../lib/liveness'
import { FaceStage, type RecorderPhase } from './FaceStage'

export interface FaceRecorderProps {
  /** Creates the liveness session (the page shows its errors and returns null). */
  begin: () => Promise<LivenessSession | null>
  onRecorded: (session: LivenessSession, recording: Recording) => void
}

/**
 * weapp: <Camera devicePosition="front"> (the preview is mirrored by WeChat) recorded with
 * CameraContext.startRecord/stopRecord (mp4 temp file; WeChat's default 30 s limit is well above the ~8 s check). The H5 build uses FaceRecorder.h5.tsx.
 */
export function FaceRecorder({ begin, onRecorded }: FaceRecorderProps) {
  const [phase, setPhase] = useState<RecorderPhase>('opening')
  const [message, setMessage] = useState('')
  const [actions, setActions] = useState<LivenessSession['actions']>([])
  const runner = usePromptRunner()
  const recording = useRef(false)

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
    setActions(session.actions)
    const ctx = Taro.createCameraContext()
    try {
      const startedAt = await new Promise<number>((resolve, reject) =>
        ctx.startRecord({
          success: () => resolve(Date.now()),
          fail: (e) => reject(new Error(e.errMsg)),
        }),
      )
      recording.current = true
      setPhase('recording')
      const prompts = await runner.run(
        session.actions.map((a) => a.action),
        startedAt,
      )
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
      if (e instanceof CancelledError) return
      setPhase('ready')
      alertMessage(`录制失败，请重试（${(e as Error).message || '摄像头不可用'}）`)
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
      <View className='mt'>
        {phase === 'error' ? (
          <Button type='primary' block className='big-btn' onClick={() => Taro.openSetting({})}>
            去设置允许摄像头
          </Button>
        ) : (
          <Button type='primary' block className='big-btn' disabled={phase !== 'ready'} loading={phase === 'starting' || phase === 'finishing'} onClick={start} data-testid='liveness-start'>
            {phase === 'recording' ? '检测中，请按提示操作' : phase === 'finishing' ? '正在核验' : '开始检测'}
          </Button>
        )}
      </View>
    </View>
  )
}
