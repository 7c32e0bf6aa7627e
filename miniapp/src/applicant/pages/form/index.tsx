import { useEffect, useMemo, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import dayjs from 'dayjs'
import { EDITABLE_STATUSES, FILING_PATHS, MATTERS, filingPath, PROFESSION_RULES, WHOLE_REGISTRATION, REGISTRATION_TYPE_LABELS, applicationFormTitle, documentFacts, documentRequirements, type ApplicationView, type MatterAvailabilityView, type MatterContext, type RegistrationView } from '@zhiyetong/shared'
import { ApiError, api, errorMessage } from '../../../lib/api'
import { today as todayString } from '../../../lib/format'
import { confirm, go, toast } from '../../../lib/platform'
import { useRouterParams } from '../../../lib/hooks'
import { ErrorBlock, LoadingBlock } from '../../../components/ui'
import { RegistrationCard } from '../../../components/Registration'
import { matterModel } from '../../components/forms'
import { clientRules } from '../../lib/matters'
import { uploadAsEmployer } from '../../lib/upload-target'
import './index.scss'
import { pageClass } from '../../../lib/prefs'
import { NetBanner } from '../../../components/NetBanner'
import { DocumentsCard, OWN_CARD_KINDS } from '../../components/DocumentsCard'
import { SignatureCard } from '../../components/SignatureCard'

const draftKey = (id: string) => `zyt:form-draft:${id}`

/**
 * Employer mode (`by=employer`, issue 10): the register the matter acts on as the application carries it
 * (ApplicationView.registration; the operator cannot read the person's GET /api/registrations). Its employer is
 * the application's, except for a temporary constructor's transfer, filed by the new employer: the register's
 * employer is then the old one (ApplicationView.releasingEmployer).
 */
function registerOf(a: ApplicationView): RegistrationView | null {
  const r = a.registration
  if (!r) return null
  const employer = a.releasingEmployer ?? a.employer
  return {
    id: '',
    profession: a.profession,
    registrationNo: r.registrationNo,
    status: r.status,
    holderName: a.applicant.name,
    employer: employer ? { id: employer.id, name: employer.name, uscc: employer.uscc } : null,
    specialties: r.specialties.map((x) => ({ ...x, registeredOn: '' })),
    lastEmployerChangeOn: null,
    hasElectronicCertificate: true,
    validUntil: r.validUntil ?? null,
    history: [],
  }
}

/**
 * The register as the shared checks read it: the API's view of a registration held as a whole (architects)
 * has no specialty entries, only `validUntil`; the rules (renewal window, cancellation) hang on its one
 * WHOLE_REGISTRATION entry, put back here.
 */
function registerForRules(r: RegistrationView | null): RegistrationView | null {
  if (!r || PROFESSION_RULES[r.profession].specialties || r.specialties.length || !r.validUntil) return r
  return { ...r, specialties: [{ specialty: WHOLE_REGISTRATION, registeredOn: '', validUntil: r.validUntil, status: r.status }] }
}
type Draft = { state: unknown; at: string }

/**
 * The form of any matter (shared MATTERS[type] and the matter's model in components/forms): inline errors from
 * the shared check, the server's 4xx field errors in the same places, the draft kept on the device until saved,
 * the photo or evidence uploads, then signing.
 */
export default function ApplicationForm() {
  const params = useRouterParams()
  const id = params.id ?? ''
  // the enterprise's draft for one of its people (the same form; saved through /api/enterprise/filings/:id)
  const byEmployer = params.by === 'employer'
  const appPath = byEmployer ? `/api/enterprise/applications/${id}` : `/api/applications/${id}`
  const [app, setApp] = useState<ApplicationView | null>(null)
  const [register, setRegister] = useState<RegistrationView | null>(null)
  const [changeMatter, setChangeMatter] = useState<MatterAvailabilityView | undefined>(undefined)
  const [loadError, setLoadError] = useState('')
  const [st, setSt] = useState<any>(null)
  const [restored, setRestored] = useState<string | null>(null)
  const [showErrors, setShowErrors] = useState(false)
  const [serverFields, setServerFields] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState('')
  const [conflict, setConflict] = useState(false)
  const [saving, setSaving] = useState(false)
  const loaded = useRef(false)

  async function load(keepLocal = false) {
    setLoadError('')
    try {
      let a: ApplicationView
      let reg: RegistrationView | null
      let matters: MatterAvailabilityView[] = []
      if (byEmployer) {
        a = await api.get<ApplicationView>(appPath)
        reg = registerOf(a)
        uploadAsEmployer(id)
      } else {
        const [own, regs] = await Promise.all([api.get<ApplicationView>(appPath), api.get<RegistrationView[]>('/api/registrations')])
        a = own
        matters = await api.get<MatterAvailabilityView[]>('/api/matters', { query: { profession: a.profession } })
        reg = regs.find((r) => r.profession === a.profession) ?? null
      }
      setApp(a)
      Taro.setNavigationBarTitle({ title: a.type === 'paper_exchange' ? '换领电子证书' : `${REGISTRATION_TYPE_LABELS[a.type]}申请表` }).catch(() => undefined)
      setRegister(a.type === 'initial' ? null : reg)
      setChangeMatter(matters.find((m) => m.type === 'change'))
      const model = matterModel(a.profession, a.type)
      if (!keepLocal && model) {
        const draft = Taro.getStorageSync(draftKey(id)) as Draft | ''
        if (draft && draft.state) {
          setSt({ ...model.init(reg, params, a.profession, a), ...(draft.state as object) })
          setRestored(draft.at)
        } else setSt(a.form ? model.fromForm(a.form, reg, a.profession, a) : model.init(reg, params, a.profession, a))
      }
      loaded.current = true
    } catch (e) {
      setLoadError(errorMessage(e))
    }
  }
  useEffect(() => {
    load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])

  /** After an upload: the new version (signatures void), keeping what is typed here. */
  async function reloadApp() {
    try {
      setApp(await api.get<ApplicationView>(appPath))
      toast('已上传', 'success')
    } catch (e) {
      setFormError(errorMessage(e))
    }
  }

  const model = app ? matterModel(app.profession, app.type) : undefined
  const ctx: MatterContext | null = useMemo(() => (app ? { today: todayString(), rules: clientRules(changeMatter), register: registerForRules(register) } : null), [app, register, changeMatter])
  const check = useMemo(() => (app && model && st && ctx ? MATTERS[app.type].check(model.toForm(st, ctx), ctx, app.profession) : null), [app, model, st, ctx])
  // whether a change of employer is open now is the server's answer (GET /api/matters), shown on top
  const localFields = check && !check.ok ? Object.fromEntries(Object.entries(check.fields).filter(([k]) => k !== 'kind')) : {}
  const localOk = Object.keys(localFields).length === 0
  // the documents this matter needs for the form as filled now (shared documentRequirements; the server's list is app.requiredDocuments)
  const requirements = useMemo(() => {
    if (!app || !model || !st || !ctx) return []
    const def = MATTERS[app.type]
    return documentRequirements(app.profession, app.type, documentFacts(app.profession, model.toForm(st, ctx), dayjs(ctx.today).hour(12).toDate()), app.documents.map((d) => d.kind), { photoRequired: def.photoRequired, evidenceRequired: def.evidenceRequired })
  }, [app, model, st, ctx])
  const fields = { ...(showErrors ? localFields : {}), ...serverFields }

  function change(next: unknown) {
    setSt(next)
    setServerFields({})
    if (loaded.current) Taro.setStorageSync(draftKey(id), { state: next, at: new Date().toISOString() } satisfies Draft)
  }
  const set = (fn: (d: any) => void) => {
    const next = JSON.parse(JSON.stringify(st))
    fn(next)
    change(next)
  }

  async function save(thenSign: boolean) {
    if (!app || !model || !ctx) return
    setFormError('')
    // the server takes only a complete, valid form; until then the draft lives on this device
    if (!localOk) {
      Taro.setStorageSync(draftKey(id), { state: st, at: new Date().toISOString() } satisfies Draft)
      setShowErrors(true)
      if (thenSign) {
        setFormError('填写的信息有误，请按红色提示修改')
        Taro.pageScrollTo({ scrollTop: 0, duration: 200 })
      } else toast('已在本机保存草稿，补全后即可提交')
      return
    }
    const def = MATTERS[app.type]
    if (thenSign && def.photoRequired && !app.documents.some((d) => d.kind === 'photo')) return setFormError('请先上传本人照片（该照片将显示在电子证书上）')
    if (thenSign && def.evidenceRequired && !app.documents.some((d) => d.kind === 'evidence')) return setFormError('请先上传变更证明材料')
    if (!byEmployer && (app.status === 'awaiting_employer' || app.signatures.length)) {
      if (!(await confirm('申请表已签名，保存修改后原签名作废，需要重新签名。确定保存吗？', '修改已签名的申请表', '保存'))) return
    }
    setSaving(true)
    try {
      const saved = await api.put<ApplicationView>(byEmployer ? `/api/enterprise/filings/${id}` : `/api/applications/${id}`, { version: app.version, form: model.toForm(st, ctx) }, { loading: '正在保存' })
      setApp(saved)
      setConflict(false)
      Taro.removeStorageSync(draftKey(id))
      setRestored(null)
      toast('已保存', 'success')
      // signing files the application: the documents it needs come first (the server refuses with documents_required too)
      const missing = saved.requiredDocuments.filter((d) => d.required && d.state === 'missing')
      if (thenSign && missing.length) {
        setFormError(`申请表已保存。签名前请先上传：${missing.map((d) => d.label).join('、')}`)
        Taro.pageScrollTo({ scrollTop: 0, duration: 200 })
        return
      }
      if (thenSign && byEmployer) Taro.redirectTo({ url: `/employer/pages/filing/index?id=${id}` })
      else if (thenSign) go(`/applicant/pages/sign/index?id=${id}`)
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.fields) {
          setServerFields(e.fields)
          setShowErrors(true)
        }
        if (e.code === 'version_conflict') setConflict(true)
      }
      setFormError(errorMessage(e))
    } finally {
      setSaving(false)
    }
  }

  if (loadError && !app) return <ErrorBlock message={loadError} onRetry={() => load()} />
  if (!app || !ctx) return <LoadingBlock />
  if (!model) return <ErrorBlock message='暂不支持在线办理该注册事项，请到注册机构窗口办理' />
  if (!st) return <LoadingBlock />
  const editable = byEmployer ? FILING_PATHS.employer.editable.includes(app.status) : app.filedBy !== 'employer' && EDITABLE_STATUSES.has(app.status)
  const detailUrl = byEmployer ? `/employer/pages/filing/index?id=${id}` : `/applicant/pages/detail/index?id=${id}`
  const other = Object.entries(fields).filter(([k]) => !model.paths.test(k))
  const Form = model.Form

  return (
    <View className={pageClass('page page--padded app-form')}>
      <NetBanner />
      <View className='app-form__title'>{applicationFormTitle(app.profession, app.type)}</View>
      {!editable && (
        <View className='banner banner--warn' onClick={() => Taro.redirectTo({ url: detailUrl })}>
          {app.filedBy === 'employer' && !byEmployer ? `这份申请由聘用企业填报（${app.statusLabel}），请在申请详情中核对后签名确认或拒绝。` : `申请已提交（${app.statusLabel}），不能再修改。`}查看申请 ›
        </View>
      )}
      {app.status === 'returned' && app.returnReason && <View className='banner banner--error'>企业退回原因：{app.returnReason}</View>}
      {byEmployer && (
        <View className='banner banner--info'>
          {filingPath(app.filedBy, MATTERS[app.type].signers).applicantSigns.length ? `企业代为填报：保存后在申报详情中上报，由 ${app.applicant.name} 本人核对并签名确认。` : '企业申报：保存后在申报详情中上报，再由本企业签名确认（无需本人签名）。'}
        </View>
      )}
      {!byEmployer && app.status === 'awaiting_employer' && <View className='banner banner--warn'>申请表已签名并等待企业确认，修改并保存（或重新上传材料）后原签名作废。</View>}
      {restored && <View className='banner banner--info'>已恢复本机于 {dayjs(restored).format('MM-DD HH:mm')} 未提交的填写内容</View>}
      {conflict && (
        <View className='banner banner--error' onClick={() => load(true)}>
          申请表已在其他地方修改。点此载入最新版本号（保留您本机填写的内容）后再保存 ›
        </View>
      )}
      {formError && !conflict && (
        <View className='banner banner--error' data-testid='form-error'>
          {formError}
        </View>
      )}
      {other.map(([k, m]) => (
        <View key={k} className='banner banner--error'>
          {m}
        </View>
      ))}

      <View className='card'>
        <View className='card__title'>申请人</View>
        <View className='card__hint'>
          {app.applicant.name} · {app.applicant.gender === 'male' ? '男' : '女'} · {app.applicant.birthDate} · 身份证 {app.applicant.idNumber}
        </View>
      </View>
      {app.type !== 'paper_exchange' && (app.registration || register) && <RegistrationCard registration={app.registration ?? { registrationNo: register!.registrationNo, status: register!.status, employerName: register!.employer?.name ?? '', specialties: register!.specialties }} />}

      <Form app={app} register={register} ctx={ctx} st={st} set={set} fields={fields} editable={editable} changeMatter={changeMatter} onUploaded={reloadApp} />
      {PROFESSION_RULES[app.profession].signatureImage && requirements.some((r) => r.kind === 'signature') && (
        <SignatureCard applicationId={id} required={requirements.some((r) => r.kind === 'signature' && r.required)} uploaded={app.documents.find((d) => d.kind === 'signature')} disabled={!editable} onUploaded={reloadApp} />
      )}
      <DocumentsCard app={app} requirements={requirements.filter((r) => !OWN_CARD_KINDS.has(r.kind))} editable={editable} onUploaded={reloadApp} />

      {editable && (
        <View className='btn-bar'>
          <Button className='big-btn' fill='outline' type='primary' disabled={saving} onClick={() => save(false)} data-testid='save-draft'>
            保存
          </Button>
          <Button className='big-btn' type='primary' loading={saving} onClick={() => save(true)} data-testid='save-and-sign'>
            {byEmployer ? '保存并返回' : MATTERS[app.type].signers.includes('employer') ? '保存并签名' : '确认并签名'}
          </Button>
        </View>
      )}
    </View>
  )
}
