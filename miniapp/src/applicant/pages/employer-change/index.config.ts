export default definePageConfig({ navigationBarTitleText: '变更聘用企业' })
