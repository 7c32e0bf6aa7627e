export default definePageConfig({ navigationBarTitleText: '企业名称变更' })
