import { View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import type { EnterpriseMembershipView } from '@zhiyetong/shared'
import { useLoader } from '../../../lib/hooks'
import { setActingEnterprise } from '../../../lib/enterprise'
import { go } from '../../../lib/platform'
import { a11y } from '../../../lib/a11y'
import { Empty, ErrorBlock, LoadingBlock, Row, Tag } from '../../../components/ui'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { ROLE_LABELS, loadMemberships } from '../../lib/memberships'

function Entry({ title, hint, url, testId }: { title: string; hint: string; url: string; testId: string }) {
  return (
    <View className='card card--tap' onClick={() => go(url)} data-testid={testId} {...a11y({ role: 'link' })}>
      <View className='card__title'>{title}</View>
      <View className='card__hint'>{hint}</View>
    </View>
  )
}

/**
 * 企业服务 (issue 10): the enterprises the person acts for, the one chosen (sent as X-Enterprise-Id by
 * lib/api.ts), and what they may do for it: the legal representative's basic information and operators,
 * filings for its people, confirmation one by one or in a batch, and the queries.
 */
export default function EnterpriseHome() {
  const { data, error, loading, reload, setData } = useLoader(loadMemberships)
  usePullDownRefresh(() => {
    reload()
  })

  function choose(m: EnterpriseMembershipView) {
    setActingEnterprise({ enterpriseId: m.enterpriseId, name: m.name })
    setData({ list: data!.list, current: m })
  }

  if (loading && !data) return <LoadingBlock />
  if (error && !data) return <ErrorBlock message={error} onRetry={reload} />
  if (!data) return null
  const { list, current } = data
  const legal = current?.role === 'legal_representative'

  return (
    <View className={pageClass('page page--padded')}>
      <NetBanner />
      {list.length === 0 && (
        <Empty text='您还没有可以办理业务的企业'>
          <View className='card__hint'>企业的法定代表人完成个人实名认证后，可凭统一社会信用代码绑定企业，再邀请经办人。</View>
        </Empty>
      )}
      {list.length > 1 && (
        <View className='card' data-testid='enterprise-choice'>
          <View className='card__title'>选择办理业务的企业</View>
          <View className='card__hint'>您为 {list.length} 家企业办理业务，以下操作均以所选企业的名义进行。</View>
          {list.map((m) => (
            <View key={m.enterpriseId} className={`check ${current?.enterpriseId === m.enterpriseId ? 'check--on' : ''}`} onClick={() => choose(m)} data-testid='enterprise-option' {...a11y({ role: 'radio', checked: current?.enterpriseId === m.enterpriseId })}>
              <View className='check__box'>{current?.enterpriseId === m.enterpriseId ? '✓' : ''}</View>
              <View className='check__text'>
                {m.name}
                <View className='small muted'>
                  {ROLE_LABELS[m.role]} · {m.uscc}
                </View>
              </View>
            </View>
          ))}
        </View>
      )}
      {current && (
        <>
          <View className='card' data-testid='enterprise-current'>
            <View className='card__title'>
              <View>{current.name}</View>
              <Tag color={legal ? 'blue' : 'gray'}>{ROLE_LABELS[current.role]}</Tag>
            </View>
            <Row label='统一社会信用代码'>{current.uscc}</Row>
            <Row label='企业基本信息'>{current.profileComplete ? '已完善' : '未完善'}</Row>
            {!current.profileComplete && (
              <View className='banner banner--warn mt' onClick={() => go('/employer/pages/profile/index')} data-testid='profile-incomplete'>
                {legal ? '请先完善企业基本信息（带 * 的必填项），完善后才能办理申报和企业确认 ›' : '企业基本信息尚未完善，请联系法定代表人完善后再办理申报和企业确认 ›'}
              </View>
            )}
          </View>
          <Entry title='代为申报' hint='为本企业人员办理初始、增项、延续、注销、身份证号码变更，保存、修改或删除草稿后上报，由本人确认签名；临时建造师变更（转入）、延期、注销由企业申报并签名。' url='/employer/pages/filings/index' testId='entry-filings' />
          <Entry title='待企业确认' hint='员工签名后待本企业确认的申请，逐份签名确认或退回。' url='/employer/pages/queue/index' testId='entry-queue' />
          <Entry title='批量确认' hint='选择多份待企业确认的申请，一个短信验证码一次确认。' url='/employer/pages/batch/index' testId='entry-batch' />
 <Entry title='临时建造师变更确认' hint='其他企业申请转入本企业临时建造师时，同意转出或不同意转出（二级临时建造师变更确认）。' url='/employer/pages/releases/index' testId='entry-releases' />
          <Entry title='申报查询' hint='本企业各项申报的办理状态与审核环节，人员注册证书查询。' url='/employer/pages/query/index' testId='entry-query' />
          <Entry title='企业基本信息' hint={legal ? '查看和修改企业基本信息（法定代表人）。' : '查看企业基本信息。'} url='/employer/pages/profile/index' testId='entry-profile' />
          {legal && <Entry title='经办人管理' hint='按手机号邀请经办人，查看和移除经办人。' url='/employer/pages/operators/index' testId='entry-operators' />}
        </>
      )}
      {list.length > 1 && !current && <View className='banner banner--info'>请先在上方选择要办理业务的企业。</View>}
      <View className='link-row' onClick={() => go('/employer/pages/bind/index')} data-testid='go-bind'>
        我是企业法定代表人：绑定企业 ›
      </View>
    </View>
  )
}
