import { useState } from 'react'
import { Input, View } from '@tarojs/components'
import { usePullDownRefresh } from '@tarojs/taro'
import { REGISTRATION_TYPE_LABELS, type ApplicationListItem, type EnterpriseRegistrationView } from '@zhiyetong/shared'
import { api } from '../../../lib/api'
import { fmtDate } from '../../../lib/format'
import { getActingEnterprise } from '../../../lib/enterprise'
import { CERT_STATUS } from '../../../lib/labels'
import { useLoader } from '../../../lib/hooks'
import { Empty, ErrorBlock, Field, LoadingBlock, Row, Segments, Tag } from '../../../components/ui'
import { RegistrationCard } from '../../../components/Registration'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { FilingCard } from '../../components/FilingCard'

type Tab = 'filings' | 'confirmed' | 'releases' | 'people'
const MATTER_LABELS: Record<string, string> = { ...REGISTRATION_TYPE_LABELS, import: '存量注册信息导入' }

/**
 * 申报查询 (003 §3.2.4) with what the BFF offers: the enterprise's own filings (GET /api/enterprise/filings) and
 * the applications it confirmed (GET /api/enterprise/applications?status=confirmed), each with its progress
 * through the authority's stages (the detail shows every stage with its time); the enterprise's people in the
 * register with their certificate's version and state and the matters that changed it (GET
 * /api/enterprise/registrations), filtered by name on the phone; as an old employer, the transfers of its temporary
 * constructors to other enterprises with their state and stages (二级临时建造师变更查询, GET /api/enterprise/releases?status=all).
 */
export default function Query() {
  const [tab, setTab] = useState<Tab>('filings')
  const { data, error, loading, reload } = useLoader(
    () =>
      tab === 'people'
        ? Promise.resolve([] as ApplicationListItem[])
        : tab === 'releases'
          ? api.get<ApplicationListItem[]>('/api/enterprise/releases', { query: { status: 'all' } })
          : api.get<ApplicationListItem[]>(tab === 'filings' ? '/api/enterprise/filings' : '/api/enterprise/applications', { query: { status: tab === 'filings' ? 'all' : 'confirmed' } }),
    [tab],
  )
  usePullDownRefresh(() => {
    reload()
  })
  const people = useLoader(() => (tab === 'people' ? api.get<EnterpriseRegistrationView[]>('/api/enterprise/registrations') : Promise.resolve([] as EnterpriseRegistrationView[])), [tab])
  const [name, setName] = useState('')
  const shownPeople = (people.data ?? []).filter((r) => !name.trim() || r.holderName.includes(name.trim()))

  return (
    <View className={pageClass('page')}>
      <NetBanner />
      <Segments
        items={[
          { value: 'filings', label: '企业申报' },
          { value: 'confirmed', label: '企业已确认' },
          { value: 'releases', label: '转出确认' },
          { value: 'people', label: '人员证书' },
        ]}
        value={tab}
        onChange={setTab}
      />
      <View className='stack mt'>
        {tab !== 'people' && (
          <>
            {error && <ErrorBlock message={error} onRetry={reload} />}
            {loading && !data && <LoadingBlock />}
            {data && data.length === 0 && <Empty text={tab === 'filings' ? '暂无企业申报' : tab === 'releases' ? '暂无临时建造师转出记录' : '暂无企业已确认的申请'} />}
            {data?.map((a) =>
              tab === 'releases' ? (
                <FilingCard key={a.id} a={a} url={`/employer/pages/release/index?id=${a.id}`} note={`转入企业：${a.employerName ?? '—'}`} />
              ) : (
                <FilingCard key={a.id} a={a} url={a.filedBy === 'employer' ? `/employer/pages/filing/index?id=${a.id}` : `/employer/pages/detail/index?id=${a.id}`} />
              ),
            )}
          </>
        )}
        {tab === 'people' && (
          <>
            <View className='card'>
              <View className='card__title'>本企业人员注册证书（{people.data?.length ?? 0}）</View>
              <Field label='按姓名筛选'>
                <Input className='field__input' placeholder='人员姓名' value={name} onInput={(e) => setName(e.detail.value)} aria-label='按姓名筛选' data-testid='query-name' />
              </Field>
            </View>
            {people.error && <ErrorBlock message={people.error} onRetry={people.reload} />}
            {people.loading && !people.data && <LoadingBlock />}
            {people.data && shownPeople.length === 0 && <Empty text={name ? '没有该姓名的人员' : '本企业暂无注册人员'} />}
            {shownPeople.map((r) => (
              <RegistrationCard key={r.registrationNo} title={`${r.holderName} · ${r.idNumberMasked}`} registration={{ registrationNo: r.registrationNo, status: r.status, employerName: getActingEnterprise()?.name || '本企业', specialties: r.specialties }}>
                <Row label='电子证书'>
                  {r.certificate ? (
                    <View data-testid='person-certificate'>
                      第 {r.certificate.version} 版 · <Tag color={CERT_STATUS[r.certificate.status].color}>{CERT_STATUS[r.certificate.status].label}</Tag>
                      {r.certificate.claimed ? '' : ' · 未领证'}
                    </View>
                  ) : (
                    '尚无电子证书（纸质证书）'
                  )}
                </Row>
                <Row label='变更记录'>{r.history.map((h) => `${fmtDate(h.at)} ${MATTER_LABELS[h.matter] ?? h.matter}`).join('；') || '—'}</Row>
              </RegistrationCard>
            ))}
          </>
        )}
      </View>
    </View>
  )
}
