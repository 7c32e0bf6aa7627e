export default definePageConfig({ navigationBarTitleText: '新增注册申请' })
