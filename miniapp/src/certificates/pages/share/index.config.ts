export default definePageConfig({ navigationBarTitleText: '分享证书' })
