export default definePageConfig({ navigationBarTitleText: '申请确认' })
