export default definePageConfig({ navigationBarTitleText: '我的注册', enablePullDownRefresh: true })
