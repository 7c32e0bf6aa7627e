export default definePageConfig({ navigationBarTitleText: '临时建造师变更确认', enablePullDownRefresh: true })
