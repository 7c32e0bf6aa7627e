import { View } from '@tarojs/components'
import { DOCUMENT_RULES, GENDER_LABELS, isDocumentKind, matterLabel, type ApplicationView, type FormSection } from '@zhiyetong/shared'
import { errorMessage } from '../lib/api'
import { documentPath, openDocument, useDocumentImage } from '../lib/files'
import { fmtDateTime } from '../lib/format'
import { alertMessage } from '../lib/platform'
import { RegistrationCard } from './Registration'
import { Row, StatusTag, Timeline } from './ui'
import { Img } from './Img'

/** One 申请事项 section (shared MATTERS[type].describe) as the form PDF prints it: a titled table. */
export function SectionTable({ section }: { section: FormSection }) {
  const cell = (text: string, i: number, head = false) => (
    <View key={i} className={`section-table__cell ${head ? 'section-table__cell--head' : ''}`} style={{ flex: section.widths[i] ?? 1 }}>
      {text}
    </View>
  )
  return (
    <View className='card' data-testid='form-section'>
      <View className='card__title'>{section.title}</View>
      <View className='section-table'>
        {section.columns.length > 1 && <View className='section-table__row'>{section.columns.map((c, i) => cell(c, i, true))}</View>}
        {section.rows.length ? (
          section.rows.map((r, j) => (
            <View key={j} className='section-table__row'>
              {r.map((c, i) => cell(c, i))}
            </View>
          ))
        ) : (
          <View className='section-table__row'>{cell(section.empty ?? '无', 0)}</View>
        )}
      </View>
    </View>
  )
}

/** A document's name (shared DOCUMENT_RULES: 本人照片, 注册证书个人签名, 外省市资格证书扫描件, …). */
const documentLabel = (kind: string) => (isDocumentKind(kind) ? DOCUMENT_RULES[kind].label : '材料')

function DocumentRow({ app, doc }: { app: ApplicationView; doc: ApplicationView['documents'][number] }) {
  const path = documentPath(app.id, doc.kind)
  const image = useDocumentImage(doc.contentType === 'application/pdf' ? null : path, doc.uploadedAt)
  async function open() {
    try {
      await openDocument(path, doc.contentType)
    } catch (e) {
      alertMessage(errorMessage(e))
    }
  }
  return (
    <View className='doc-row' onClick={open} data-testid={`view-document-${doc.kind}`}>
      <View className='doc-row__pic'>{image ? <Img className='doc-slot__img' src={image} mode='aspectFill' alt={documentLabel(doc.kind)} /> : doc.contentType === 'application/pdf' ? 'PDF' : ''}</View>
      <View className='doc-row__main'>
        <View>{documentLabel(doc.kind)}</View>
        <View className='small muted'>上传于 {fmtDateTime(doc.uploadedAt)}</View>
      </View>
      <View className='doc-row__open'>{doc.contentType === 'application/pdf' ? '打开 PDF ›' : '查看 ›'}</View>
    </View>
  )
}

/**
 * An application as everyone sees it once filed (applicant, employer, reviewer): read-only, for every matter —
 * the applicant, the registration it acts on (现注册证书状态), the employer, the 申请事项 sections as the PDF
 * prints them, the uploaded documents, the signatures and the timeline.
 */
export function ApplicationDetails({ app, showTimeline = true }: { app: ApplicationView; showTimeline?: boolean }) {
  const form = app.form as { kind?: string; employer?: { phone?: string } } | null
  // a temporary constructor's transfer (003 §3.2.3.8): the filing enterprise is the new employer
  const employerTitle = (app.type === 'change' && form?.kind === 'employer') || app.releasingEmployer ? '新聘用企业（转入企业）' : '聘用企业'
  return (
    <>
      <View className='card'>
        <View className='card__title'>
          <View>{matterLabel(app.profession, app.type)}</View>
          <StatusTag status={app.status} label={app.statusLabel} />
        </View>
        {app.acceptanceNo && <Row label='受理编号'>{app.acceptanceNo}</Row>}
        <Row label='创建时间'>{fmtDateTime(app.createdAt)}</Row>
        <Row label='更新时间'>{fmtDateTime(app.updatedAt)}</Row>
        {app.returnReason && <View className='banner banner--error mt'>退回原因：{app.returnReason}</View>}
      </View>
      <View className='card'>
        <View className='card__title'>申请人</View>
        <Row label='姓名'>{app.applicant.name}</Row>
        <Row label='性别'>{GENDER_LABELS[app.applicant.gender]}</Row>
        <Row label='出生日期'>{app.applicant.birthDate}</Row>
        <Row label='身份证号码'>{app.applicant.idNumber}</Row>
        <Row label='手机号'>{app.applicant.phone}</Row>
      </View>
      {app.registration && <RegistrationCard registration={app.registration} title={app.status === 'approved' || app.status === 'completed' ? '注册信息（办结后）' : '现注册证书状态'} />}
      {(app.employer || form?.employer?.phone) && (
        <View className='card'>
          <View className='card__title'>{employerTitle}</View>
          {app.employer && <Row label='企业名称'>{app.employer.name}</Row>}
          {app.employer && <Row label='统一社会信用代码'>{app.employer.uscc}</Row>}
          {form?.employer?.phone && <Row label='联系电话'>{form.employer.phone}</Row>}
        </View>
      )}
      {app.sections.map((s) => (
        <SectionTable key={s.title} section={s} />
      ))}
      {app.documents.length > 0 && (
        <View className='card'>
          <View className='card__title'>申请材料</View>
          {app.documents.map((d) => (
            <DocumentRow key={d.kind} app={app} doc={d} />
          ))}
          {(app.requiredDocuments ?? [])
            .filter((r) => r.required && r.state === 'missing')
            .map((r) => (
              <View key={r.kind} className='doc-row' data-testid={`missing-document-${r.kind}`}>
                <View className='doc-row__main'>
                  <View>{r.label}</View>
                  <View className='small field__error'>未上传</View>
                </View>
              </View>
            ))}
        </View>
      )}
      {app.signatures.length > 0 && (
        <View className='card'>
          <View className='card__title'>签名</View>
          {app.signatures.map((s) => (
            <Row key={s.signer} label={s.signer === 'applicant' ? '申请人' : '聘用企业'}>
              {s.signerName} · {fmtDateTime(s.signedAt)}
            </Row>
          ))}
        </View>
      )}
      {showTimeline && app.history.length > 0 && (
        <View className='card'>
          <View className='card__title'>办理进度</View>
          <Timeline entries={app.history} />
        </View>
      )}
    </>
  )
}
