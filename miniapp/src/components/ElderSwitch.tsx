import { useState } from 'react'
import { View } from '@tarojs/components'
import { a11y } from '../lib/a11y'
import { isElderMode, setElderMode } from '../lib/prefs'
import { toast } from '../lib/platform'

/**
 * 长辈模式 switch (in 我的): larger text and touch targets, simpler screens; remembered on the device. The
 * state is in the text too (已开启 / 已关闭), not only in the switch's colour.
 */
export function ElderSwitch({ onChange }: { onChange?: (on: boolean) => void }) {
  const [on, setOn] = useState(isElderMode)
  function flip() {
    const next = !on
    setElderMode(next)
    setOn(next)
    onChange?.(next)
    toast(next ? '已开启长辈模式' : '已关闭长辈模式')
  }
  return (
    <View className={`switch ${on ? 'switch--on' : ''}`} onClick={flip} data-testid='elder-switch' {...a11y({ role: 'switch', checked: on, label: '长辈模式' })}>
      <View>
        <View className='switch__label'>长辈模式</View>
        <View className='switch__desc'>字更大、按钮更大、页面更简洁</View>
      </View>
      <View className='switch__track' {...a11y({ hidden: true })}>{on ? '开' : '关'}</View>
      <View className='switch__state'>{on ? '已开启' : '已关闭'}</View>
    </View>
  )
}
