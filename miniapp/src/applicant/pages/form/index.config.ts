export default definePageConfig({ navigationBarTitleText: '初始注册申请表' })
