/**
 * The registration workflow (seed 000 §3.1; the state machine in shared/src/workflow.ts): create a draft,
 * save the form, sign it with an SMS code, have the employer counter-sign or return it, and pass it through
 * the authority's review stages. Each command runs in one transaction, writes its history event, its audit
 * entry and its notifications (outbox) together, and checks the status it starts from.
 */
import {
  APPLICATION_STATUS_LABELS,
  REGISTRATION_TYPE_LABELS,
  PROFESSION_LABELS,
  REVIEW_STAGE_LABELS,
  SPECIALTY_LABELS,
  EDITABLE_STATUSES,
  GENDER_LABELS,
  applicantDeclaration,
  applicationFormTitle,
  checkInitialRegistrationForm,
  employerOpinion,
  isInProgress,
  isLateRegistration,
  isSupportedApplication,
  maskIdNumber,
  statusAfterReview,
  type ApplicationEvent,
  type ApplicationStatus,
  type InitialRegistrationForm,
  type Profession,
  type RegistrationType,
  type ReviewOutcome,
  type ReviewStage,
  type Role,
} from '@zhiyetong/shared';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { Tx, DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { appError, NotFound } from '../errors.js';
import { maskPhone } from '../pii.js';
import { dateAtShanghaiNoon, dayjs, shanghaiDate, ZONE } from '../time.js';
import { renderApplicationForm, type ApplicationFormView } from '../pdf/application-form.js';
import { signPdf } from '../pdf/sign.js';
import { audit } from './audit.js';
import { nextCounter } from './counters.js';
import { consumeOtp, issueOtp } from './otp.js';
import { enqueue } from './outbox.js';
import { loadApplicationFor, operatorEnterpriseId } from './policies.js';
import { issueCertificate } from './certificates.js';

type AppDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/** Page the WeChat subscription message opens for an operator (miniapp employer detail page). */
export const EMPLOYER_DETAIL_PAGE = 'employer/pages/detail/index';

async function addEvent(tx: Tx, appId: string, event: ApplicationEvent, actor: Actor | null, extra: { stage?: ReviewStage; note?: string } = {}) {
  await tx
    .insertInto('application_events')
    .values({ application_id: appId, event, actor_id: actor?.id ?? null, actor_role: actor?.role ?? 'system', stage: extra.stage ?? null, note: extra.note ?? null })
    .execute();
}

function today(deps: Pick<Deps, 'now'>): Date {
  return dateAtShanghaiNoon(shanghaiDate(deps.now()));
}

/** The matter's name as people say it, e.g. 二级建造师初始注册. */
export function matterName(app: Pick<ApplicationRow, 'profession' | 'type'>): string {
  return `${PROFESSION_LABELS[app.profession as Profession]}${REGISTRATION_TYPE_LABELS[app.type as RegistrationType]}`;
}

/**
 * Creates a draft with its acceptance number (W + Shanghai date + 5-digit daily sequence, e.g.
 * W2026112100001; seed 000 figure 11). Errors: 409 identity_required / identity_unverified, 422 application_type_unsupported,
 * 409 application_in_progress (another application of theirs is not finished).
 */
export async function createApplication(deps: AppDeps, actor: Actor, input: { profession: Profession; type: RegistrationType }): Promise<string> {
  if (!isSupportedApplication(input.profession, input.type)) throw appError('application_type_unsupported');
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const identity = await tx.selectFrom('identities').select(['user_id', 'verified_at']).where('user_id', '=', actor.id).executeTakeFirst();
      if (!identity) throw appError('identity_required');
      // only a verified applicant may apply (liveness and face matching, or in person at the authority)
      if (!identity.verified_at) throw appError('identity_unverified');
      const open = await tx.selectFrom('applications').select(['id', 'status']).where('applicant_id', '=', actor.id).execute();
      if (open.some((a) => isInProgress(a.status as ApplicationStatus))) throw appError('application_in_progress');
      const day = shanghaiDate(deps.now()).replaceAll('-', '');
      const seq = await nextCounter(tx, `acceptance:${day}`);
      const app = await tx
        .insertInto('applications')
        .values({ applicant_id: actor.id, profession: input.profession, type: input.type, status: 'draft', acceptance_no: `W${day}${String(seq).padStart(5, '0')}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      await addEvent(tx, app.id, 'created', actor);
      await audit(tx, { actor, action: 'application.created', objectType: 'application', objectId: app.id });
      return app.id;
    });
  } catch (e) {
    // the partial unique index applications_one_in_progress settles concurrent creations
    if ((e as { code?: string }).code === '23505') throw appError('application_in_progress');
    throw e;
  }
}

/**
 * Saves the whole form after checking it (shared checkInitialRegistrationForm, and the employer must exist
 * under exactly that full name with that USCC: 验证企业名称). Saving voids any signature (seed 000 §3.1.1
 * step 8 note). Errors: 422 validation_failed with fields; 409 application_locked once the authority
 * has it; 409 version_conflict when `version` is not the current one (concurrent saves cannot both win).
 */
export async function saveApplicationForm(deps: AppDeps, user: AuthUser, actor: Actor, id: string, input: { version: number; form: unknown }): Promise<void> {
  const checked = checkInitialRegistrationForm(input.form, today(deps));
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'applicant', id, { lock: true });
    if (!EDITABLE_STATUSES.has(app.status as ApplicationStatus)) throw appError('application_locked');
    if (app.version !== input.version) throw appError('version_conflict');
    if (!checked.ok) throw appError('validation_failed', checked.fields);
    const form = checked.value;
    const employer = await tx.selectFrom('enterprises').selectAll().where('name', '=', form.employer.name).executeTakeFirst();
    if (!employer) throw appError('validation_failed', { 'employer.name': '未找到该企业，请填写营业执照上的企业全称' });
    if (employer.uscc !== form.employer.uscc) throw appError('validation_failed', { 'employer.uscc': '统一社会信用代码与企业名称不一致，请点击“验证企业名称”自动填写' });
    const hadSignature = app.applicant_signed_at !== null;
    const updated = await tx
      .updateTable('applications')
      .set({
        form: JSON.stringify(form),
        employer_id: employer.id,
        version: app.version + 1,
        status: 'draft',
        form_pdf: null,
        form_pdf_name: null,
        applicant_signed_at: null,
        employer_signed_at: null,
        employer_signer_id: null,
        updated_at: deps.now(),
      })
      .where('id', '=', app.id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw appError('version_conflict');
    await addEvent(tx, app.id, 'saved', actor);
    if (hadSignature) await addEvent(tx, app.id, 'signatures_voided', actor);
    await audit(tx, { actor, action: 'application.saved', objectType: 'application', objectId: app.id, details: { version: app.version + 1, signaturesVoided: hadSignature } });
  });
}

/** A form may be signed by the applicant when it is saved and valid and no one else has it yet. */
function assertSignable(app: ApplicationRow): InitialRegistrationForm {
  if (app.status !== 'draft' && app.status !== 'returned') throw appError('application_wrong_status');
  if (!app.form) throw appError('application_not_signable');
  return app.form as InitialRegistrationForm;
}

async function userPhone(db: DbOrTx, userId: string): Promise<string> {
  return (await db.selectFrom('users').select('phone').where('id', '=', userId).executeTakeFirstOrThrow()).phone;
}

/**
 * Sends the applicant's signing code (intent verification) to their own phone. The SMS names the document
 * and its acceptance number. Errors: 409 application_not_signable / application_wrong_status; otp limits.
 */
export async function sendApplicantSignatureCode(deps: AppDeps, user: AuthUser, id: string) {
  const app = await loadApplicationFor(deps.db, user, 'applicant', id);
  assertSignable(app);
  return sendSignatureCode(deps, app, user.id, 'applicant_signature');
}

/** Sends a signing code for `app` to the signer's own phone; the SMS names the document and its acceptance number. */
async function sendSignatureCode(deps: AppDeps, app: ApplicationRow, signerId: string, purpose: 'applicant_signature' | 'employer_signature') {
  const phone = await userPhone(deps.db, signerId);
  const title = applicationFormTitle(app.profession as Profession, app.type as RegistrationType);
  const sent = await issueOtp(deps, { phone, purpose, objectId: app.id }, (code) => ({ template: 'signature_code', params: [title, app.acceptance_no ?? '', code] }));
  return { phoneMasked: maskPhone(phone), ...sent };
}

/** Builds what the form PDF shows from the application, the applicant's real-name record and the employer. */
async function formView(deps: AppDeps, db: DbOrTx, app: ApplicationRow, generatedAt: Date): Promise<ApplicationFormView> {
  const form = app.form as InitialRegistrationForm;
  const identity = await db.selectFrom('identities').selectAll().where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow();
  const phone = await userPhone(db, app.applicant_id);
  return {
    acceptanceNo: app.acceptance_no ?? '',
    title: applicationFormTitle(app.profession as Profession, app.type as RegistrationType),
    generatedAt,
    applicant: {
      name: identity.name,
      gender: GENDER_LABELS[identity.gender],
      birthDate: identity.birth_date,
      idNumberMasked: maskIdNumber(deps.pii.decrypt(identity.id_number_enc)),
      phone,
    },
    employer: { name: form.employer.name, uscc: form.employer.uscc, phone: form.employer.phone },
    specialties: form.specialties.map((s) => ({ name: SPECIALTY_LABELS[s.specialty], issueDate: s.issueDate, dateIsApprovalDate: Boolean(s.dateIsApprovalDate) })),
    continuingEducation: form.continuingEducation.map((c) => ({ specialtyName: SPECIALTY_LABELS[c.specialty], compulsoryHours: c.compulsoryHours, electiveHours: c.electiveHours })),
    applicantDeclaration: applicantDeclaration({ applicantName: identity.name, employerName: form.employer.name, profession: app.profession as Profession }),
    employerOpinion: employerOpinion({ applicantName: identity.name, employerName: form.employer.name, type: app.type as RegistrationType }),
  };
}

/** 二级建造师初始注册申请表_20261121153601.pdf (seed 000 figure 10). */
function formFileName(app: ApplicationRow, at: Date): string {
  return `${applicationFormTitle(app.profession as Profession, app.type as RegistrationType)}_${dayjs(at).tz(ZONE).format('YYYYMMDDHHmmss')}.pdf`;
}

/**
 * Signs the form: checks the code, renders the PDF, signs it with a short-lived certificate the platform
 * CA issues to the applicant (PKCS#7 detached), and hands it to the employer, whose operators are notified
 * (SMS, and WeChat when they subscribed). Errors: otp_*; 409 application_wrong_status / not_signable.
 */
export async function signApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, code: string) {
  const pre = await loadApplicationFor(deps.db, user, 'applicant', id);
  assertSignable(pre);
  await consumeOtp(deps, { phone: await userPhone(deps.db, user.id), purpose: 'applicant_signature', objectId: pre.id }, code);
  const result = await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'applicant', id, { lock: true });
    assertSignable(app);
    const signedAt = deps.now();
    const view = await formView(deps, tx, app, signedAt);
    const unsigned = await renderApplicationForm(view);
    const pdf = await signPdf(unsigned, { kind: 'applicant', commonName: view.applicant.name }, { ca: deps.ca, slot: 'applicant', reason: '申请人员意见：本人已核对申请表内容并签名', signedAt, location: deps.config.authorityName });
    const fileName = formFileName(app, signedAt);
    await tx
      .updateTable('applications')
      .set({ status: 'awaiting_employer', form_pdf: Buffer.from(pdf), form_pdf_name: fileName, applicant_signed_at: signedAt, return_reason: null, updated_at: signedAt })
      .where('id', '=', app.id)
      .execute();
    await addEvent(tx, app.id, 'applicant_signed', actor);
    await audit(tx, { actor, action: 'application.signed', objectType: 'application', objectId: app.id, details: { fileName, bytes: pdf.length } });
    await notifyOperators(deps, tx, app, view.applicant.name, signedAt);
    return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName, status: 'awaiting_employer' as const };
  });
  return result;
}

async function notifyOperators(deps: AppDeps, tx: Tx, app: ApplicationRow, applicantName: string, signedAt: Date) {
  const operators = await tx
    .selectFrom('enterprise_operators')
    .innerJoin('users', 'users.id', 'enterprise_operators.user_id')
    .select(['users.phone', 'users.wechat_openid'])
    .where('enterprise_operators.enterprise_id', '=', app.employer_id!)
    .execute();
  const subscribeTemplate = deps.config.wechat?.subscribeTemplateId;
  for (const op of operators) {
    await enqueue(tx, { channel: 'sms', phone: op.phone, message: { template: 'employer_pending', params: [applicantName, matterName(app), app.acceptance_no ?? ''] } });
    if (subscribeTemplate && op.wechat_openid) {
      await enqueue(tx, {
        channel: 'wechat_subscribe',
        openid: op.wechat_openid,
        templateId: subscribeTemplate,
        page: `${EMPLOYER_DETAIL_PAGE}?id=${app.id}`,
        data: { thing1: applicantName, thing2: matterName(app), character_string3: app.acceptance_no ?? '', time4: dayjs(signedAt).tz(ZONE).format('YYYY-MM-DD HH:mm') },
      });
    }
  }
}

async function notifyApplicant(tx: Tx, app: ApplicationRow, template: 'applicant_employer_signed' | 'applicant_returned' | 'applicant_review', extra: string[] = []) {
  const phone = await userPhone(tx, app.applicant_id);
  await enqueue(tx, { channel: 'sms', phone, message: { template, params: [matterName(app), app.acceptance_no ?? '', ...extra] } });
}

function assertAwaitingEmployer(app: ApplicationRow) {
  if (app.status !== 'awaiting_employer' || !app.form_pdf) throw appError('application_wrong_status');
}

/** Sends the employer's signing code to the operator's own phone. */
export async function sendEmployerSignatureCode(deps: AppDeps, user: AuthUser, id: string) {
  const app = await loadApplicationFor(deps.db, user, 'enterprise_operator', id);
  assertAwaitingEmployer(app);
  return sendSignatureCode(deps, app, user.id, 'employer_signature');
}

/**
 * The employer's confirmation (seed 000 §3.1.2): with the opinion accepted and a correct code, adds the
 * employer's signature (certificate naming the enterprise and its USCC) to the applicant-signed PDF as an
 * incremental update, and submits the application to the authority (status acceptance).
 */
export async function confirmApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, code: string) {
  const pre = await loadApplicationFor(deps.db, user, 'enterprise_operator', id);
  assertAwaitingEmployer(pre);
  await consumeOtp(deps, { phone: await userPhone(deps.db, user.id), purpose: 'employer_signature', objectId: pre.id }, code);
  return deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'enterprise_operator', id, { lock: true });
    assertAwaitingEmployer(app);
    const enterprise = await tx.selectFrom('enterprises').selectAll().where('id', '=', app.employer_id!).executeTakeFirstOrThrow();
    const signedAt = deps.now();
    const pdf = await signPdf(
      app.form_pdf!,
      { kind: 'employer', commonName: enterprise.name, organization: enterprise.name, uscc: enterprise.uscc },
      { ca: deps.ca, slot: 'employer', reason: '聘用企业意见：同意申报', signedAt, location: deps.config.authorityName },
    );
    await tx
      .updateTable('applications')
      .set({ status: 'acceptance', form_pdf: Buffer.from(pdf), employer_signed_at: signedAt, employer_signer_id: user.id, updated_at: signedAt })
      .where('id', '=', app.id)
      .execute();
    await addEvent(tx, app.id, 'employer_signed', actor);
    await audit(tx, { actor, action: 'application.employer_signed', objectType: 'application', objectId: app.id, details: { enterpriseId: enterprise.id, bytes: pdf.length } });
    await notifyApplicant(tx, app, 'applicant_employer_signed');
    return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName: app.form_pdf_name ?? '', status: 'acceptance' as const };
  });
}

/** Sends the application back to the applicant with a reason; the applicant's signature is void. */
export async function returnApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'enterprise_operator', id, { lock: true });
    assertAwaitingEmployer(app);
    await tx
      .updateTable('applications')
      .set({ status: 'returned', return_reason: reason, form_pdf: null, form_pdf_name: null, applicant_signed_at: null, updated_at: deps.now() })
      .where('id', '=', app.id)
      .execute();
    await addEvent(tx, app.id, 'returned', actor, { note: reason });
    await audit(tx, { actor, action: 'application.returned', objectType: 'application', objectId: app.id });
    await notifyApplicant(tx, app, 'applicant_returned', [reason]);
  });
}

/**
 * A reviewer's decision at `stage` (acceptance → first_review → second_review → approval, in that order).
 * Pass moves to the next stage; pass at approval approves and issues the certificate in the same
 * transaction; fail ends the application (不予受理 at acceptance, 审核不通过 later) with the reason.
 * Errors: 409 review_stage_mismatch when the application is not at `stage`.
 */
export async function decideReview(deps: AppDeps, user: AuthUser, actor: Actor, id: string, input: { stage: ReviewStage; outcome: ReviewOutcome; reason?: string }) {
  return deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'reviewer', id, { lock: true });
    if (app.status !== input.stage) throw appError('review_stage_mismatch');
    const next = statusAfterReview(input.stage, input.outcome);
    await tx.updateTable('applications').set({ status: next, updated_at: deps.now() }).where('id', '=', app.id).execute();
    await addEvent(tx, app.id, input.outcome === 'pass' ? 'review_passed' : 'review_failed', actor, { stage: input.stage, note: input.reason });
    await audit(tx, { actor, action: 'review.decided', objectType: 'application', objectId: app.id, details: { stage: input.stage, outcome: input.outcome } });
    const result = input.outcome === 'pass' ? '通过' : `不通过，原因：${input.reason}`;
    await notifyApplicant(tx, app, 'applicant_review', [REVIEW_STAGE_LABELS[input.stage], result]);
    let certificateId: string | null = null;
    if (next === 'approved') {
      certificateId = await issueCertificate(deps, tx, app);
      await addEvent(tx, app.id, 'certificate_issued', null);
    }
    return { status: next, statusLabel: APPLICATION_STATUS_LABELS[next], certificateId };
  });
}

/** The current form PDF: the signed one once the applicant signed, else a fresh unsigned preview. */
export async function applicationFormPdf(deps: AppDeps, user: AuthUser, role: Role, actor: Actor, id: string): Promise<{ pdf: Uint8Array; fileName: string }> {
  const app = await loadApplicationFor(deps.db, user, role, id);
  await audit(deps.db, { actor, action: 'application.form_downloaded', objectType: 'application', objectId: app.id });
  if (app.form_pdf) return { pdf: app.form_pdf, fileName: app.form_pdf_name ?? 'application.pdf' };
  if (!app.form) throw NotFound();
  const now = deps.now();
  return { pdf: await renderApplicationForm(await formView(deps, deps.db, app, now)), fileName: formFileName(app, now) };
}

export { operatorEnterpriseId, isLateRegistration };
