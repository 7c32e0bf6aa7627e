export default definePageConfig({ navigationBarTitleText: '同意转出确认' })
