import { createElement } from 'react'
import { Image, View } from '@tarojs/components'
import { isH5 } from '../lib/platform'

/**
 * An image with a text alternative. H5: a native <img alt> inside the view (Taro's H5 <Image> drops `alt` and
 * `imgProps`, and axe's image-alt then fails); mini program: <Image> with aria-label.
 */
export function Img({ src, alt, className, mode = 'scaleToFill', testId }: { src: string; alt: string; className?: string; mode?: 'scaleToFill' | 'aspectFill' | 'widthFix' | 'aspectFit'; testId?: string }) {
  if (!isH5) return <Image className={className} src={src} mode={mode} aria-label={alt} data-testid={testId} />
  return (
    <View className={className} data-testid={testId}>
      {createElement('img', { src, alt, style: { width: '100%', height: '100%', display: 'block', objectFit: mode === 'aspectFill' ? 'cover' : mode === 'aspectFit' ? 'contain' : 'fill' } })}
    </View>
  )
}
