import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { checkIdNumber } from '@zhiyetong/shared'
import { api, errorMessage } from '../../../lib/api'
import { confirm } from '../../../lib/platform'
import { Field } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

/** The registration authority checks the person and their ID card at the counter (the alternative to face recognition). */
export default function InPersonVerification() {
  const [idNumber, setIdNumber] = useState('')
  const [error, setError] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit() {
    const v = idNumber.trim().toUpperCase()
    setDone(null)
    if (checkIdNumber(v)) {
      setError('请输入有效的 18 位身份证号码')
      return
    }
    setError('')
    if (!(await confirm('请确认已当面核对本人与居民身份证原件一致。', '现场核验', '已核对'))) return
    setBusy(true)
    try {
      const res = await api.post<{ name: string }>('/api/review/in-person-verifications', { idNumber: v }, { loading: '正在提交' })
      setDone(res.name)
      setIdNumber('')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='banner banner--info'>申请人无法完成人脸识别时，由注册机构工作人员当面核对本人及身份证原件后在此登记。</View>
      {done && <View className='banner banner--ok'>已登记 {done} 的现场核验，申请人现在可以提交注册申请。</View>}
      <View className='card'>
        <Field label='申请人身份证号码' required error={error}>
          <Input className={`field__input ${error ? 'field__input--error' : ''}`} type='idcard' maxlength={18} placeholder='18 位居民身份证号码' value={idNumber} onInput={(e) => setIdNumber(e.detail.value.trim())} />
        </Field>
        <Button block type='primary' className='big-btn' loading={busy} onClick={submit}>
          登记现场核验
        </Button>
      </View>
    </View>
  )
}
