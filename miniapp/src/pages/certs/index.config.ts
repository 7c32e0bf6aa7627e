export default definePageConfig({ navigationBarTitleText: '证书/扫码验证', enablePullDownRefresh: true })
