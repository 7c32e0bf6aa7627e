export default definePageConfig({ navigationBarTitleText: '企业基本信息' })
