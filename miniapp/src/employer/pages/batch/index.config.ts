export default definePageConfig({ navigationBarTitleText: '批量确认' })
