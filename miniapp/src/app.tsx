import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import '@nutui/nutui-react-taro/dist/styles/themes/default.css'
import './app.scss'
import { applyRootClass } from './lib/prefs'

// H5: 长辈模式 on <html> before the first page renders (lib/prefs.ts)
applyRootClass()

function App({ children }: PropsWithChildren) {
  useLaunch(() => {})
  return children
}

export default App
