import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { PROFESSION_LABELS, isInProgress, type ApplicationListItem, type MatterAvailabilityView, type Profession, type RegistrationView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { go } from '../../../lib/platform'
import { useLoader, useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock, Tag } from '../../../components/ui'
import { RegistrationCard, registrationSummary } from '../../../components/Registration'
import { startMatter } from '../../lib/create'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'

type StepState = 'done' | 'active' | 'running' | 'todo'

function Step({ no, title, state, children }: { no: number; title: string; state: StepState; children?: React.ReactNode }) {
  const tag = { done: <Tag color='green'>已完成</Tag>, running: <Tag color='blue'>办理中</Tag>, active: <Tag color='orange'>待办理</Tag>, todo: <Tag color='gray'>未开始</Tag> }[state]
  return (
    <View className={`guide-step guide-step--${state}`} data-testid={`guide-step-${no}`}>
      <View className='guide-step__no'>{state === 'done' ? '✓' : no}</View>
      <View className='guide-step__main'>
        <View className='guide-step__title'>
          <View>
            第{no === 1 ? '一' : '二'}步 · {title}
          </View>
          {tag}
        </View>
        {children}
      </View>
    </View>
  )
}

/**
 * 变更聘用企业 as one guided flow. Where the province files it as cancellation then initial registration
 * (Shanghai, 000 §3.5 item 2; GET /api/matters: change with code employer_change_by_cancellation): step 1
 * cancels every specialty at the old employer, step 2 registers at the new one. Where one change application
 * to the new employer is filed (Sichuan, 004; validity kept, not twice within a year): that application.
 */
export default function EmployerChange() {
  const { profession = 'constructor' } = useRouterParams() as { profession?: Profession }
  const { data, error, loading, reload } = useLoader(async () => {
    const [matters, registrations, apps] = await Promise.all([
      api.get<MatterAvailabilityView[]>('/api/matters', { query: { profession } }),
      api.get<RegistrationView[]>('/api/registrations'),
      api.get<ApplicationListItem[]>('/api/applications'),
    ])
    return { matters, registration: registrations.find((r) => r.profession === profession) ?? null, apps: apps.filter((a) => a.profession === profession) }
  })

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const change = data.matters.find((m) => m.type === 'change')
  const initial = data.matters.find((m) => m.type === 'initial')
  const reg = data.registration
  const registered = reg?.status === 'registered'
  const running = data.apps.find((a) => isInProgress(a.status))
  const start = async (type: 'cancellation' | 'initial' | 'change', query = '') => {
    if (!(await startMatter(profession, type, query, { redirect: false }))) reload()
  }
  const viewRunning = running && (
    <View className='field__help' onClick={() => go(`/applicant/pages/detail/index?id=${running.id}`)}>
      {running.statusLabel}：查看申请 ›
    </View>
  )

  // one change application to the new employer (Sichuan)
  if (registered && change?.available && change.code !== 'employer_change_by_cancellation') {
    const closed = change.code === 'employer_change_too_soon'
    return (
      <View className={pageClass('page page--padded')}>
        <NetBanner />
        <RegistrationCard registration={registrationSummary(reg!)} />
        <View className='card'>
          <View className='card__title'>变更聘用企业</View>
          <View className='card__hint'>由您填写新聘用企业并签名，新企业签名确认后报注册机构审批。变更后各专业的有效期按原注册有效期计算；一年内不得再次变更聘用企业。</View>
          {closed && <View className='banner banner--warn mt'>{change.reason}</View>}
          {running?.type === 'change' ? (
            viewRunning
          ) : (
            <Button block type='primary' className='big-btn mt' disabled={closed || !!running} onClick={() => start('change', 'kind=employer')} data-testid='start-employer-change'>
              填写变更聘用企业申请
            </Button>
          )}
          {running && running.type !== 'change' && <View className='field__help'>您有正在办理的申请，请先完成该申请。</View>}
        </View>
      </View>
    )
  }

  // cancel at the old employer, then initial registration at the new one (Shanghai)
  const step1: StepState = !registered && reg ? 'done' : running?.type === 'cancellation' ? 'running' : 'active'
  const step2: StepState = step1 !== 'done' ? 'todo' : running?.type === 'initial' ? 'running' : 'active'
  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      <View className='banner banner--info' data-testid='employer-change-guide'>
        {(change?.reason ?? '变更聘用企业须先在原企业办理注销注册，再由新企业办理初始注册').replace(/。$/, '')}，请按以下两步办理：
      </View>
      {reg && <RegistrationCard registration={registrationSummary(reg)} />}
      <View className='card'>
        <Step no={1} title={`在原聘用企业注销全部专业`} state={step1}>
          <View className='card__hint'>
            注销{PROFESSION_LABELS[profession]}注册的全部专业，原聘用企业{reg?.employer?.name ? `（${reg.employer.name}）` : ''}签名确认后即办结，原电子证书作废。
          </View>
          {step1 === 'active' && (
            <Button block type='primary' className='big-btn mt' disabled={!!running} onClick={() => start('cancellation', 'preset=all')} data-testid='start-step-1'>
              开始第一步：注销注册
            </Button>
          )}
          {step1 === 'running' && viewRunning}
          {step1 === 'active' && running && <View className='field__help'>您有正在办理的申请，请先完成该申请。</View>}
        </Step>
        <Step no={2} title='在新聘用企业办理初始注册' state={step2}>
          <View className='card__hint'>填写新聘用企业的全称，由新企业签名确认后报注册机构审批，审批通过后领取新的电子证书。</View>
          {step2 === 'active' && (
            <Button block type='primary' className='big-btn mt' disabled={!!running || initial?.available === false} onClick={() => start('initial')} data-testid='start-step-2'>
              开始第二步：初始注册
            </Button>
          )}
          {step2 === 'active' && initial && !initial.available && <View className='field__help'>{initial.reason}</View>}
          {step2 === 'running' && viewRunning}
        </Step>
      </View>
    </View>
  )
}
