import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

const platform = process.env.TARO_ENV || 'weapp'
const sharedRoot = path.resolve(__dirname, '../../shared')

/** Build-time settings (weapp needs an absolute API base; H5 calls its own origin). */
const API_BASE = process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000'
const SUBSCRIBE_TEMPLATE_ID = process.env.TARO_APP_SUBSCRIBE_TEMPLATE_ID || ''

// shared/src is TypeScript written for NodeNext resolution: `./forms.js` means `./forms.ts`.
function sharedResolution(chain: any) {
  chain.merge({ resolve: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } } })
  // npm workspaces may keep some @tarojs packages in miniapp/node_modules rather than hoisting them.
  chain.resolve.modules.add('node_modules').add(path.resolve(__dirname, '../node_modules')).add(path.resolve(__dirname, '../../node_modules'))
  // @tarojs/router may stay nested under @tarojs/taro-h5 (the H5 platform plugin resolves it by bare name).
  try {
    const taroH5 = path.dirname(require.resolve('@tarojs/taro-h5/package.json', { paths: [path.resolve(__dirname, '..')] }))
    chain.resolve.modules.add(path.join(taroH5, 'node_modules'))
  } catch {
    // not an H5 build dependency here
  }
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'zhiyetong',
    date: '2026-11-21',
    // NutUI is drawn at 375; our own styles at 750 (rpx-style sizes).
    designWidth(input: any) {
      if (input?.file?.replace(/\\+/g, '/').indexOf('@nutui') > -1) return 375
      return 750
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${platform}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(API_BASE),
      SUBSCRIBE_TEMPLATE_ID: JSON.stringify(SUBSCRIBE_TEMPLATE_ID),
    },
    alias: {
      '@': path.resolve(__dirname, '../src'),
    },
    // weapp dark mode: app.json's themeLocation (src/app.config.ts)
    copy: { patterns: platform === 'weapp' ? [{ from: 'src/theme.json', to: `dist/weapp/theme.json` }] : [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [sharedRoot] },
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        sharedResolution(chain)
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      // Served from the site root (base path /). Taro's default basename is the root; an explicit '/' breaks
      // its UniversalRouter matching (baseUrl '/' + '/pages/...').
      router: { mode: 'browser' },
      compile: { include: [sharedRoot] },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        sharedResolution(chain)
        // Taro splits only the initial chunks for H5, so every lazily loaded page chunk carried its own copy of
        // NutUI, zod and the Babel helpers (37 chunks of 400-700 KB, 17 MB in all, minified one by one: most of
        // the build's time). Splitting the async page chunks too puts each shared module in one chunk.
        chain.optimization.splitChunks({ ...chain.optimization.get('splitChunks'), chunks: 'all', minSize: 20000 })
      },
    },
  }
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig)
  return merge({}, baseConfig, prodConfig)
})
