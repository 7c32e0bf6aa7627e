export default definePageConfig({ navigationBarTitleText: '新建代为申报' })
