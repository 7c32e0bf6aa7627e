export default definePageConfig({ navigationBarTitleText: '电子注册证书' })
