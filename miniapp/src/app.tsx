import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import '@nutui/nutui-react-taro/dist/styles/themes/default.css'
import './app.scss'
import { applyRootClass, focusableScrollRegions } from './lib/prefs'

// H5: 长辈模式 on <html> before the first page renders (lib/prefs.ts); scrolling regions reachable by keyboard
applyRootClass()
if (typeof document !== 'undefined' && document.body) focusableScrollRegions()
else if (typeof window !== 'undefined') window.addEventListener?.('DOMContentLoaded', focusableScrollRegions)

function App({ children }: PropsWithChildren) {
  useLaunch(() => {})
  return children
}

export default App
