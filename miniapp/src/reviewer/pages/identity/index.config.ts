export default definePageConfig({ navigationBarTitleText: '现场核验身份' })
