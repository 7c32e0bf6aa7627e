export default definePageConfig({ navigationBarTitleText: '注册公示', enablePullDownRefresh: true })
