export default definePageConfig({ navigationBarTitleText: '签署申请表' })
