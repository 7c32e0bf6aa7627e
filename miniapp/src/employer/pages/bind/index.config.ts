export default definePageConfig({ navigationBarTitleText: '绑定企业' })
