export default definePageConfig({ navigationBarTitleText: '申报查询' })
