import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { LivenessSession, PromptView } from '../lib/liveness'

export type RecorderPhase = 'opening' | 'ready' | 'starting' | 'recording' | 'finishing' | 'error'

/** The camera frame with the current prompt and its countdown (shared by the weapp and H5 recorders). */
export function FaceStage({ phase, view, actions, message, children }: { phase: RecorderPhase; view: PromptView | null; actions: LivenessSession['actions']; message?: string; children: ReactNode }) {
  const recording = phase === 'recording' && view
  let title = '请将面部置于圆框内'
  let sub = '正对屏幕，保持光线充足，摘下帽子和口罩'
  let pct = 0
  if (phase === 'opening') title = '正在打开摄像头…'
  if (phase === 'starting') title = '准备开始，请保持不动'
  if (phase === 'error') {
    title = '无法打开摄像头'
    sub = message || ''
  }
  if (recording) {
    if (view.index < 0) {
      title = '请正对屏幕，保持不动'
      sub = `${Math.max(1, Math.ceil(view.leftMs / 1000))} 秒后出现第 1 个动作，共 ${actions.length} 个`
    } else if (view.index < actions.length) {
      title = actions[view.index].prompt
      sub = view.index + 1 < actions.length ? `动作 ${view.index + 1}/${actions.length}，完成后请等待下一个提示` : `动作 ${view.index + 1}/${actions.length}，完成后保持不动，到时自动结束`
      pct = Math.max(0, Math.min(100, (view.leftMs / view.spanMs) * 100))
    } else {
      title = '请保持不动'
      sub = '即将完成'
    }
  }
  if (phase === 'finishing') {
    title = '录制完成'
    sub = '正在提交核验…'
  }
  const seconds = recording && view.index >= 0 && view.index < actions.length ? Math.max(1, Math.ceil(view.leftMs / 1000)) : 0
  return (
    <View className='face'>
      <View className='face__prompt' data-testid='face-prompt'>
        {title}
      </View>
      <View className='face__sub'>{sub}</View>
      <View className={`face__ring ${recording ? 'face__ring--on' : ''}`}>
        <View className='face__circle'>{children}</View>
        {seconds > 0 && (
          <View className='face__count' data-testid='face-countdown'>
            <Text>{seconds}</Text>
          </View>
        )}
      </View>
      <View className='face__bar'>
        <View className='face__bar-fill' style={{ width: `${pct}%` }} />
      </View>
      {recording && view.index >= 0 && view.index < actions.length && (
        <View className='face__steps'>
          {actions.map((a, i) => (
            <View key={`${a.action}-${i}`} className={`face__dot ${i < view.index ? 'face__dot--done' : i === view.index ? 'face__dot--on' : ''}`} />
          ))}
        </View>
      )}
    </View>
  )
}


/** The button under the camera in both recorders: 开始检测 (busy while starting and checking), or, after a camera error, the way to fix it. */
export function RecorderButton({ phase, onStart, fix }: { phase: RecorderPhase; onStart: () => void; fix: { label: string; onClick: () => void } }) {
  return (
    <View className='mt'>
      {phase === 'error' ? (
        <Button type='primary' block className='big-btn' onClick={fix.onClick}>
          {fix.label}
        </Button>
      ) : (
        <Button type='primary' block className='big-btn' disabled={phase !== 'ready'} loading={phase === 'starting' || phase === 'finishing'} onClick={onStart} data-testid='liveness-start'>
          {phase === 'recording' ? '检测中，请按提示操作' : phase === 'finishing' ? '正在核验' : '开始检测'}
        </Button>
      )}
    </View>
  )
}
