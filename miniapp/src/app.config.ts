// WeChat dark mode (基础库 2.11.0+): `darkmode` with the colours in theme.json (copied by config/index.ts), referred
// to as @name; H5 follows prefers-color-scheme in app.scss and keeps literal colours here.
const weapp = process.env.TARO_ENV === 'weapp'

export default defineAppConfig({
  ...(weapp ? { darkmode: true, themeLocation: 'theme.json' } : {}),
  // Main package: the three tab pages only (weapp main package stays small).
  pages: ['pages/home/index', 'pages/certs/index', 'pages/mine/index'],
  subPackages: [
    { root: 'auth', pages: ['pages/login/index', 'pages/privacy/index'] },
    { root: 'applicant', pages: ['pages/identity/index', 'pages/verify/index', 'pages/new/index', 'pages/form/index', 'pages/detail/index', 'pages/sign/index', 'pages/employer-change/index'] },
    { root: 'employer', pages: ['pages/queue/index', 'pages/detail/index', 'pages/rename/index', 'pages/home/index', 'pages/bind/index', 'pages/operators/index', 'pages/profile/index', 'pages/filings/index', 'pages/person/index', 'pages/filing/index', 'pages/batch/index', 'pages/query/index', 'pages/releases/index', 'pages/release/index'] },
    { root: 'reviewer', pages: ['pages/queue/index', 'pages/detail/index', 'pages/identity/index', 'pages/notices/index', 'pages/statistics/index', 'pages/staff/index'] },
    { root: 'certificates', pages: ['pages/detail/index', 'pages/registration/index', 'pages/share/index'] },
    { root: 'verify', pages: ['pages/scan/index', 'pages/result/index', 'pages/notices/index'] },
    { root: 'settings', pages: ['pages/reminders/index'] },
  ],
  window: {
    backgroundTextStyle: weapp ? '@bgTextStyle' : 'dark',
    navigationBarBackgroundColor: weapp ? '@navBgColor' : '#1d5bd6',
    navigationBarTitleText: '执业通',
    navigationBarTextStyle: weapp ? '@navTextStyle' : 'white',
    // H5 too: Taro draws its title bar with back/home buttons only for 'default'.
    navigationStyle: 'default',
    backgroundColor: weapp ? '@bgColor' : '#f3f5f9',
  },
  tabBar: {
    color: weapp ? '@tabColor' : '#5b6472',
    selectedColor: weapp ? '@tabSelectedColor' : '#1d5bd6',
    backgroundColor: weapp ? '@tabBgColor' : '#ffffff',
    borderStyle: (weapp ? '@tabBorderStyle' : 'white') as 'white',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tab-home.png', selectedIconPath: 'assets/tab-home-on.png' },
      { pagePath: 'pages/certs/index', text: '证书/扫码验证', iconPath: 'assets/tab-cert.png', selectedIconPath: 'assets/tab-cert-on.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tab-mine.png', selectedIconPath: 'assets/tab-mine-on.png' },
    ],
  },
  // WeChat privacy guide (基础库 2.32.3+): wx.onNeedPrivacyAuthorization / agreePrivacyAuthorization button.
  __usePrivacyCheck__: true,
  requiredPrivateInfos: [],
  permission: {},
  lazyCodeLoading: 'requiredComponents',
})
