export default definePageConfig({ navigationBarTitleText: '待企业确认', enablePullDownRefresh: true })
