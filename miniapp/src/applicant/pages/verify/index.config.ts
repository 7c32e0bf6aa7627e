export default definePageConfig({ navigationBarTitleText: '实名核验' })
