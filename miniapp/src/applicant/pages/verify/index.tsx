import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { FACE_CONSENT_VERSION, type MeResponse } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { loadMe } from '../../../lib/me'
import { alertMessage } from '../../../lib/platform'
import { useAction, useLoader } from '../../../lib/hooks'
import { fmtDateTime } from '../../../lib/format'
import { Check, ErrorBlock, LoadingBlock, ResultCard } from '../../../components/ui'
import { PhotoSlot } from '../../components/PhotoSlot'
import { FaceRecorder } from '../../components/FaceRecorder'
import { IN_PERSON_NOTE, type DocumentKind, type LivenessSession, type LivenessVerdict, type Recording } from '../../lib/liveness'
import { uploadVideo } from '../../lib/upload'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

type Step = 'docs' | 'consent' | 'camera' | 'result'

const STEPS: { key: Step; label: string }[] = [
  { key: 'docs', label: '证件照片' },
  { key: 'consent', label: '人脸信息授权' },
  { key: 'camera', label: '活体检测' },
]

const DOCS: { kind: DocumentKind; title: string; desc: string; required: boolean }[] = [
  { kind: 'id_front', title: '身份证人像面', desc: '用于与人脸比对，请拍清晰、无反光', required: true },
  { kind: 'id_back', title: '身份证国徽面', desc: '有效期限须清晰可见', required: true },
  { kind: 'holding_id', title: '手持身份证照片', desc: '本人正面手持身份证人像面，五官与证件清晰', required: true },
]

/** The three steps; after a failed check the last one is marked failed (重新检测 returns to it). */
function Steps({ step, failed }: { step: Step; failed?: boolean }) {
  const current = step === 'result' ? (failed ? STEPS.length - 1 : STEPS.length) : STEPS.findIndex((s) => s.key === step)
  return (
    <View className='vsteps'>
      {STEPS.map((s, i) => (
        <View key={s.key} className={`vsteps__item ${i < current ? 'vsteps__item--done' : i === current ? (failed ? 'vsteps__item--failed' : 'vsteps__item--on') : ''}`}>
          {i > 0 && <View className='vsteps__line' />}
          <View className='vsteps__no'>{i < current ? '✓' : i === current && failed ? '!' : i + 1}</View>
          <View className='vsteps__label'>{s.label}</View>
        </View>
      ))}
    </View>
  )
}

function InPersonNote() {
  return (
    <View className='verify-note' data-testid='in-person-note'>
      {IN_PERSON_NOTE}
      <View className='verify-note__sub'>现场核验由注册机构工作人员当面核对身份证原件与本人，核验通过后即可办理注册申请。</View>
    </View>
  )
}

/** 人脸信息处理规则: what is collected, what for, how it is kept, and the alternative. */
function FaceConsentRules() {
  return (
    <View className='consent'>
      <View className='consent__item'>
        <View className='consent__h'>收集什么</View>
        <View className='consent__p'>检测时由前置摄像头录制一段约 8 至 18 秒的面部短视频，期间会按时提示您完成眨眼、张嘴等动作。</View>
      </View>
      <View className='consent__item'>
        <View className='consent__h'>用于什么</View>
        <View className='consent__p'>仅用于确认是真人操作，并与您上传的身份证人像面照片比对，确认您是身份证持有人本人。</View>
      </View>
      <View className='consent__item'>
        <View className='consent__h'>如何保存</View>
        <View className='consent__p'>检测结束后视频立即删除，只保留“是否通过”的核验结果及时间；不用于其他任何目的，不向第三方提供。</View>
      </View>
      <View className='consent__item'>
        <View className='consent__h'>其他方式</View>
        <View className='consent__p'>您可以不同意。不同意不影响其他功能，您可携带身份证到注册机构现场核验身份。</View>
      </View>
    </View>
  )
}

export default function Verify() {
  const { data, error, loading, reload, setData } = useLoader(
    async () => {
      const me = await loadMe()
      const docs = me.identity ? await api.get<{ kinds: DocumentKind[] }>('/api/identity/documents') : { kinds: [] as DocumentKind[] }
      return { me, kinds: docs.kinds } as { me: MeResponse; kinds: DocumentKind[] }
    },
    [],
    { onShow: false },
  )
  const [step, setStep] = useState<Step>('docs')
  const [agreed, setAgreed] = useState(false)
  const consenting = useAction({ show: 'alert' })
  const [verdict, setVerdict] = useState<Pick<LivenessVerdict, 'passed' | 'reasons'> | null>(null)
  const [attempt, setAttempt] = useState(0)
  const [cameraError, setCameraError] = useState('')
  const [showRules, setShowRules] = useState(false)

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const identity = data.me.identity

  if (!identity) {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <View className='card center'>
          <View className='card__title verify-center'>请先登记实名信息</View>
          <View className='card__hint'>人脸识别核验前，请先填写与居民身份证一致的姓名和身份证号码。</View>
          <View className='mt'>
            <Button type='primary' block className='big-btn' onClick={() => Taro.redirectTo({ url: '/applicant/pages/identity/index' })}>
              去登记
            </Button>
          </View>
        </View>
        <InPersonNote />
      </View>
    )
  }

  if (identity.verifiedAt && step !== 'result') {
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <ResultCard
          title='已完成实名核验'
          rows={[
            { label: '姓名', value: identity.name },
            { label: '身份证号码', value: identity.idNumberMasked },
            { label: '核验方式', value: identity.verificationMethod === 'in_person' ? '注册机构现场核验' : '人脸识别核验' },
            { label: '核验时间', value: fmtDateTime(identity.verifiedAt) },
          ]}
          actions={[{ label: '办理注册申请', onClick: () => Taro.redirectTo({ url: '/applicant/pages/new/index' }) }]}
        />
      </View>
    )
  }

  const missing = DOCS.filter((d) => d.required && !data.kinds.includes(d.kind))
  // a consent to the current rules is not asked for again (GET /api/me says whether it is current)
  const faceConsent = data.me.faceConsent?.current ? data.me.faceConsent : null

  function toCamera() {
    setCameraError('')
    setStep('camera')
  }

  function uploaded(kind: DocumentKind) {
    setData({ ...data!, kinds: data!.kinds.includes(kind) ? data!.kinds : [...data!.kinds, kind] })
  }

  async function consent() {
    if (!agreed) return alertMessage('请先阅读并勾选同意《人脸信息处理规则》')
    await consenting.run(async () => {
      await api.post('/api/identity/face-consents', { version: FACE_CONSENT_VERSION }, { loading: '提交中' })
      setData({ ...data!, me: { ...data!.me, faceConsent: { version: FACE_CONSENT_VERSION, at: new Date().toISOString(), current: true } } })
      toCamera()
    })
  }

  async function begin(): Promise<LivenessSession | null> {
    setCameraError('')
    try {
      return await api.post<LivenessSession>('/api/identity/liveness-sessions')
    } catch (e) {
      if (e instanceof ApiError && e.code === 'face_consent_required') {
        await alertMessage(e.message)
        setData({ ...data!, me: { ...data!.me, faceConsent: null } })
        setStep('consent')
      } else if (e instanceof ApiError && e.code === 'identity_documents_required') {
        await alertMessage(e.message)
        setStep('docs')
      } else setCameraError(errorMessage(e))
      return null
    }
  }

  async function recorded(session: LivenessSession, rec: Recording) {
    Taro.showLoading({ title: '正在核验', mask: true })
    try {
      const v =
        session.provider === 'wechat'
          ? await api.post<LivenessVerdict>(`/api/identity/liveness-sessions/${session.id}/wechat-result`, { verifyId: session.verifyId })
          : await uploadVideo(session.id, rec.video, { nonce: session.nonce, prompts: rec.prompts })
      setVerdict(v)
      if (v.passed) setData({ ...data!, me: await loadMe() })
      setStep('result')
    } catch (e) {
      setVerdict({ passed: false, reasons: [{ code: e instanceof ApiError ? e.code : 'error', hint: errorMessage(e) }] })
      setStep('result')
    } finally {
      Taro.hideLoading()
    }
  }

  function retry() {
    setVerdict(null)
    setAttempt(attempt + 1)
    setStep('camera')
  }

  return (
    <View className={pageClass('page page--padded verify')}>
      <NetBanner />
      <Steps step={step} failed={step === 'result' && !!verdict && !verdict.passed} />

      {step === 'docs' && (
        <>
          <View className='card'>
            <View className='card__title'>上传证件照片</View>
            <View className='card__hint'>
              请使用本人有效的第二代居民身份证（{identity.name}，{identity.idNumberMasked}）。照片加密保存，仅用于本次实名核验。
            </View>
            {DOCS.map((d) => (
              <PhotoSlot key={d.kind} kind={d.kind} title={d.title} desc={d.desc} done={data.kinds.includes(d.kind)} onUploaded={uploaded} />
            ))}
          </View>
          <Button type='primary' block className='big-btn' disabled={missing.length > 0} onClick={() => (faceConsent ? toCamera() : setStep('consent'))} data-testid='docs-next'>
            {missing.length ? `请上传${missing.map((d) => d.title).join('、')}` : '下一步'}
          </Button>
          <InPersonNote />
        </>
      )}

      {step === 'consent' && (
        <>
          <View className='card' data-testid='face-consent'>
            <View className='card__title'>人脸信息处理规则</View>
            <View className='card__hint'>人脸信息属于敏感个人信息。开始检测前，请您单独确认同意以下处理方式：</View>
            <FaceConsentRules />
            <Check checked={agreed} onChange={setAgreed} testId='face-consent-agree'>
              我已阅读并同意《人脸信息处理规则》，单独授权本平台处理我的人脸信息用于实名核验
            </Check>
          </View>
          <View className='verify-actions'>
            <Button fill='outline' type='primary' className='big-btn' onClick={() => setStep('docs')}>
              上一步
            </Button>
            <Button type='primary' className='big-btn' disabled={!agreed} loading={consenting.busy} onClick={consent} data-testid='face-consent-submit'>
              同意并开始
            </Button>
          </View>
          <InPersonNote />
        </>
      )}

      {step === 'camera' && (
        <>
          <View className='card'>
            {cameraError && (
              <View className='banner banner--error' data-testid='liveness-error'>
                {cameraError}
              </View>
            )}
            <FaceRecorder key={attempt} begin={begin} onRecorded={recorded} />
            <View className='card__hint center mt'>点击“开始检测”后，每个提示出现时再完成对应动作，约需 8 至 16 秒</View>
          </View>
          {faceConsent && (
            <View className='card' data-testid='face-consent-given'>
              <View className='consent-given'>
                您已于 {fmtDateTime(faceConsent.at)} 同意
                <Text className='consent-given__link' onClick={() => setShowRules(!showRules)} data-testid='face-consent-rules'>
                  《人脸信息处理规则》
                </Text>
              </View>
              {showRules && <FaceConsentRules />}
            </View>
          )}
          <InPersonNote />
        </>
      )}

      {step === 'result' && verdict && (
        <>
          <ResultCard
            testId='liveness-result'
            failed={!verdict.passed}
            title={verdict.passed ? '人脸识别核验通过' : '未通过核验'}
            titleTestId='liveness-result-title'
            note={verdict.passed ? '您已完成实名核验，可以办理注册申请了。' : '请根据以下提示调整后重新检测：'}
            rows={
              verdict.passed && identity.verifiedAt
                ? [
                    { label: '核验方式', value: '人脸识别核验' },
                    { label: '核验时间', value: fmtDateTime(identity.verifiedAt) },
                  ]
                : []
            }
            actions={[verdict.passed ? { label: '去办理注册申请', onClick: () => Taro.redirectTo({ url: '/applicant/pages/new/index' }), testId: 'verify-go-apply' } : { label: '重新检测', onClick: retry, testId: 'liveness-retry' }]}
          >
            {!verdict.passed && (
              <View className='hints' data-testid='liveness-hints'>
                {verdict.reasons.map((r, i) => (
                  <View key={`${r.code}-${i}`} className='hints__item'>
                    <View className='hints__no'>{i + 1}</View>
                    <View className='hints__text'>{r.hint}</View>
                  </View>
                ))}
              </View>
            )}
          </ResultCard>
          {!verdict.passed && <InPersonNote />}
        </>
      )}
    </View>
  )
}

