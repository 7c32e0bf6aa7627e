export default definePageConfig({ navigationBarTitleText: '执业通', enablePullDownRefresh: true })
