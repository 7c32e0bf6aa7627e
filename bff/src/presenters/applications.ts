/**
 * What leaves the server about applications, chosen in one place. The ID number and phone are shown in
 * full only to the holder (`viewer: 'holder'`); everyone else gets them masked.
 */
import {
  APPLICATION_EVENT_LABELS,
  APPLICATION_STATUS_LABELS,
  isLateRegistration,
  maskIdNumber,
  type ApplicationEvent,
  type ApplicationListItem,
  type ApplicationStatus,
  type ApplicationView,
  MATTERS,
  registerView,
  type MatterForm,
  type Profession,
  type RegistrationType,
  type ReviewStage,
  type Specialty,
  type Role,
} from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { DocumentKind, ReviewReasonCode } from '@zhiyetong/shared';
import type { ApplicationRow } from '../db/schema.js';
import { maskPhone } from '../pii.js';
import { dateAtShanghaiNoon, shanghaiDate } from '../time.js';
import { registrationById } from '../domain/register.js';
import { pathOf } from '../domain/applications.js';
import { applicationDocumentRequirements } from '../domain/application-requirements.js';

type Viewer = 'holder' | 'other';

export async function presentApplication(deps: Pick<Deps, 'pii' | 'now'>, db: DbOrTx, app: ApplicationRow, viewer: Viewer): Promise<ApplicationView> {
  const [identity, user, employer, events, reg, documents] = await Promise.all([
    db.selectFrom('identities').selectAll().where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow(),
    db.selectFrom('users').select('phone').where('id', '=', app.applicant_id).executeTakeFirstOrThrow(),
    app.employer_id ? db.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('id', '=', app.employer_id).executeTakeFirst() : undefined,
    db.selectFrom('application_events').selectAll().where('application_id', '=', app.id).orderBy('id').execute(),
    app.registration_id ? registrationById(db, app.registration_id) : null,
    db.selectFrom('application_documents').select(['kind', 'content_type', 'uploaded_at']).where('application_id', '=', app.id).orderBy('kind').execute(),
  ]);
  // issue 11: the latest acceptance notice (行政审批受理通知书) and the public notice, if any
  const [acceptance, notice] = await Promise.all([
    db.selectFrom('acceptance_notices').select('accepted_on').where('application_id', '=', app.id).orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('public_notices').select(['starts_on', 'ends_on', 'working_days', 'status']).where('application_id', '=', app.id).executeTakeFirst(),
  ]);
  const idNumber = deps.pii.decrypt(identity.id_number_enc);
  // the sealed copy of a corrected ID number never leaves the server
  const { idNumberSealed: _sealed, ...visible } = (app.form ?? {}) as MatterForm & { idNumberSealed?: string };
  const form = app.form ? (visible as MatterForm) : null;
  const type = app.type as RegistrationType;
  const today = dateAtShanghaiNoon(shanghaiDate(deps.now()));
  const signatures: ApplicationView['signatures'] = [];
  if (app.applicant_signed_at) signatures.push({ signer: 'applicant', signerName: identity.name, signedAt: app.applicant_signed_at.toISOString() });
  if (app.employer_signed_at && employer) signatures.push({ signer: 'employer', signerName: employer.name, signedAt: app.employer_signed_at.toISOString() });
  const releasing = app.releasing_employer_id ? await db.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('id', '=', app.releasing_employer_id).executeTakeFirst() : undefined;
  if (app.release_signed_at && releasing) signatures.push({ signer: 'releasing_employer', signerName: releasing.name, signedAt: app.release_signed_at.toISOString() });
  return {
    id: app.id,
    profession: app.profession as Profession,
    type: app.type as RegistrationType,
    status: app.status as ApplicationStatus,
    statusLabel: APPLICATION_STATUS_LABELS[app.status as ApplicationStatus],
    acceptanceNo: app.acceptance_no,
    version: app.version,
    form,
    sections: form ? MATTERS[type].describe(form, reg?.state ?? null, app.profession as Profession) : [],
    registration: reg
      ? (() => {
          // a registration held as a whole (architects) shows its validity, no specialty entries
          const view = registerView(reg.state);
          return { registrationNo: view.registrationNo, status: view.status, employerName: view.employer?.name ?? '', specialties: view.specialties.map((s) => ({ specialty: s.specialty, validUntil: s.validUntil, status: s.status })), validUntil: view.validUntil };
        })()
      : null,
    documents: documents.map((d) => ({ kind: d.kind as DocumentKind, contentType: d.content_type, uploadedAt: d.uploaded_at.toISOString() })),
    requiredDocuments: await applicationDocumentRequirements(db, app),
    applicant: {
      name: identity.name,
      gender: identity.gender,
      birthDate: identity.birth_date,
      idNumber: viewer === 'holder' ? idNumber : maskIdNumber(idNumber),
      phone: viewer === 'holder' ? user.phone : maskPhone(user.phone),
    },
    employer: employer ?? null,
    signatures,
    returnReason: app.return_reason,
    acceptanceNotice: acceptance ? { acceptedOn: acceptance.accepted_on } : null,
    publicNotice: notice ? { startsOn: notice.starts_on, endsOn: notice.ends_on, workingDays: notice.working_days, status: notice.status } : null,
    filedBy: app.filed_by,
    refusalReason: app.refusal_reason,
    refusal: (() => {
      if (app.status !== 'refused') return null;
      // each filing path has one refusing side (workflow.ts FILING_PATHS.refusals); refused is final, so the
      // row's updated_at (set by recordRefusal on the service clock) is the refusal's time
      const side = Object.values(pathOf(app).refusals)[0];
      const at = app.updated_at;
      const signer = side === 'releasing_employer' ? 'releasing_employer' : side === 'applicant' ? 'applicant' : 'employer';
      const signerName = signer === 'applicant' ? identity.name : signer === 'employer' ? (employer?.name ?? '') : (releasing?.name ?? '');
      return { signer, signerName, reason: app.refusal_reason ?? '', at: at.toISOString() } as const;
    })(),
    releasingEmployer: releasing ?? null,
    lateSpecialties: ((form as { specialties?: unknown[] } | null)?.specialties ?? [])
      .filter((s): s is { specialty: Specialty; issueDate: string } => typeof s === 'object' && s !== null && 'issueDate' in s)
      .filter((s) => isLateRegistration(s.issueDate, today))
      .map((s) => s.specialty),
    history: events.map((e) => ({
      event: e.event as ApplicationEvent,
      label: APPLICATION_EVENT_LABELS[e.event as ApplicationEvent] ?? e.event,
      at: e.at.toISOString(),
      actorRole: e.actor_role as Role | 'system',
      ...(e.stage ? { stage: e.stage as ReviewStage } : {}),
      ...(e.note ? { note: e.note } : {}),
      ...(e.reason_code ? { reasonCode: e.reason_code as ReviewReasonCode } : {}),
    })),
    createdAt: app.created_at.toISOString(),
    updatedAt: app.updated_at.toISOString(),
  };
}

export interface ListFilters {
  applicantId?: string;
  employerId?: string;
  statuses?: ApplicationStatus[];
  employerSigned?: boolean;
  name?: string;
  idNumberHash?: Buffer;
  type?: RegistrationType;
  signedFrom?: Date;
  signedTo?: Date;
  /** Only applications started by the person or by their employer (0011). */
  filedBy?: 'applicant' | 'employer';
  /** Only the temporary constructors' transfers this enterprise is asked to release (0017, 003 §3.2.3.9). */
  releasingEmployerId?: string;
}

/** Lists applications with the seed's filters (000 §3.1.2 figure 12: name, ID number, type, signing time); ID numbers masked. */
export async function listApplications(deps: Pick<Deps, 'pii'>, db: DbOrTx, f: ListFilters): Promise<ApplicationListItem[]> {
  let q = db
    .selectFrom('applications as a')
    .innerJoin('identities as i', 'i.user_id', 'a.applicant_id')
    .leftJoin('enterprises as e', 'e.id', 'a.employer_id')
    .select(['a.id', 'a.profession', 'a.type', 'a.status', 'a.acceptance_no', 'a.applicant_signed_at', 'a.updated_at', 'a.created_at', 'a.filed_by', 'i.name', 'i.id_number_enc', 'e.name as employer_name'])
    .orderBy('a.updated_at', 'desc')
    .limit(200);
  if (f.applicantId) q = q.where('a.applicant_id', '=', f.applicantId);
  if (f.employerId) q = q.where('a.employer_id', '=', f.employerId);
  if (f.statuses) q = q.where('a.status', 'in', f.statuses);
  if (f.employerSigned !== undefined) q = q.where('a.employer_signed_at', f.employerSigned ? 'is not' : 'is', null);
  if (f.name) q = q.where('i.name', 'like', `%${f.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  if (f.idNumberHash) q = q.where('i.id_number_hash', '=', f.idNumberHash);
  if (f.type) q = q.where('a.type', '=', f.type);
  if (f.filedBy) q = q.where('a.filed_by', '=', f.filedBy);
  if (f.releasingEmployerId) q = q.where('a.releasing_employer_id', '=', f.releasingEmployerId);
  if (f.signedFrom) q = q.where('a.applicant_signed_at', '>=', f.signedFrom);
  if (f.signedTo) q = q.where('a.applicant_signed_at', '<', f.signedTo);
  const rows = await q.execute();
  return rows.map((r) => {
    return {
      id: r.id,
      profession: r.profession as Profession,
      type: r.type as RegistrationType,
      status: r.status as ApplicationStatus,
      statusLabel: APPLICATION_STATUS_LABELS[r.status as ApplicationStatus],
      acceptanceNo: r.acceptance_no,
      applicantName: r.name,
      idNumberMasked: maskIdNumber(deps.pii.decrypt(r.id_number_enc)),
      employerName: r.employer_name,
      applicantSignedAt: r.applicant_signed_at?.toISOString() ?? null,
      filedBy: r.filed_by,
      updatedAt: r.updated_at.toISOString(),
      createdAt: r.created_at.toISOString(),
    };
  });
}
