/**
 * The registration workflow (seed 000 §3.1; the state machine in shared/src/workflow.ts): create a draft,
 * save the form, sign it with an SMS code, have the employer counter-sign or return it, and pass it through
 * the authority's review stages. Each command runs in one transaction, writes its history event, its audit
 * entry and its notifications (outbox) together, and checks the status it starts from.
 */
import { testHold } from './test-hold.js';
import {
  APPLICATION_STATUS_LABELS,
  REGISTRATION_TYPE_LABELS,
  PROFESSION_LABELS,
  REVIEW_STAGE_LABELS,
  EDITABLE_STATUSES,
  filingPath,
  releaseOpinion,
  statusAfterEmployerSignature,
  GENDER_LABELS,
  MATTERS,
  applicantDeclaration,
  applicationFormTitle,
  describeRegister,
  employerOpinion,
  employerSource,
  parseIdNumber,
  isLateRegistration,
  matterAvailability,
  matterLabel,
  maskIdNumber,
  statusAfterReview,
  statusAfterSignatures,
  type ApplicationEvent,
  type ApplicationStatus,
  type ApplyContext,
  type ChangeForm,
  type MatterContext,
  type MatterForm,
  type Profession,
  type RegistrationType,
  type ReviewOutcome,
  type ReviewStage,
  type Role,
  certificateSpecialties,
} from '@zhiyetong/shared';
import { randomUUID } from 'node:crypto';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { Tx, DbOrTx } from '../db/database.js';
import type { ApplicationRow } from '../db/schema.js';
import { AppError, appError, NotFound } from '../errors.js';
import { maskPhone } from '../pii.js';
import { dateAtShanghaiNoon, dayjs, shanghaiDate, ZONE } from '../time.js';
import type { ApplicationFormView } from '../pdf/application-form.js';
import { renderAndSign, renderPdf } from '../pdf/workers.js';
import { signingSlots } from '../pdf/signing-slots.js';
import { audit } from './audit.js';
import { queueRelay } from './relay.js';
import { nextCounter } from './counters.js';
import { consumeOtp, issueOtp } from './otp.js';
import { enqueue } from './outbox.js';
import { loadApplicationFor, operatorEnterpriseId } from './policies.js';
import { assertMayDecide, authorityForEnterprise, recordDecision } from './authorities.js';
import { assertEnterpriseProfileComplete } from './enterprise-identity.js';
import { newRegistrationNo, prepareCertificate, registrationCounter, registrationNoOf, type PreparedCertificate } from './certificates.js';
import { counterTicket, type CounterTicket } from './counter-tickets.js';
import { assertDocumentsComplete } from './application-requirements.js';
import { findRegistration, issuesCertificate, registrationById, writeRegister, type LoadedRegistration } from './register.js';
import { routeOf } from './province.js';
import { afterReviewDecision, decisionStatus, prepareAcceptanceNotice, type PreparedAcceptanceNotice } from './review-outcomes.js';
import { checkQualifications } from './qualifications.js';

type AppDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/** Page the WeChat subscription message opens for an operator (miniapp employer detail page). */
export const EMPLOYER_DETAIL_PAGE = 'employer/pages/detail/index';

export async function addEvent(tx: Tx, appId: string, event: ApplicationEvent, actor: Actor | null, extra: { stage?: ReviewStage; note?: string } = {}) {
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
  return matterLabel(app.profession as Profession, app.type as RegistrationType);
}

/**
 * The matter context of a person in a profession: today's date, the province's rules and their
 * registration (found by ID number, so a registration loaded from the paper register is found too).
 */
async function matterContext(deps: AppDeps, db: DbOrTx, applicantId: string, profession: Profession, opts: { lock?: boolean; registrationId?: string | null } = {}): Promise<{ ctx: MatterContext; reg: LoadedRegistration | null }> {
  let reg: LoadedRegistration | null = null;
  if (opts.registrationId) reg = await registrationById(db, opts.registrationId, opts);
  else {
    const identity = await db.selectFrom('identities').select('id_number_hash').where('user_id', '=', applicantId).executeTakeFirst();
    if (identity) reg = await findRegistration(db, identity.id_number_hash, profession, opts);
  }
  return { ctx: { today: shanghaiDate(deps.now()), rules: deps.config.provinceRules, register: reg?.state ?? null }, reg };
}

/**
 * Creates a draft of matter `type` with its acceptance number (W + Shanghai date + 5-digit daily sequence,
 * e.g. W2026112100001; seed 000 figure 11), bound to the person's registration in that profession when they
 * have one. Errors: 409 identity_required / identity_unverified; 422 application_type_unsupported; the
 * matter's own refusal when the register does not allow it (shared matterAvailability: 409
 * registration_required, already_registered, specialty_expired, renewal_not_open,
 * employer_change_by_cancellation, employer_change_too_soon, paper_registration_not_found …, with the reason
 * as message); 409 application_in_progress (another matter of theirs in this profession is not finished).
 */
export async function createApplication(deps: AppDeps, actor: Actor, input: { profession: Profession; type: RegistrationType }): Promise<string> {
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const identity = await tx.selectFrom('identities').select(['user_id', 'verified_at']).where('user_id', '=', actor.id).executeTakeFirst();
      if (!identity) throw appError('identity_required');
      // only a verified applicant may apply (liveness and face matching, or in person at the authority)
      if (!identity.verified_at) throw appError('identity_unverified');
      const open = await tx.selectFrom('applications').select('id').where('applicant_id', '=', actor.id).where('profession', '=', input.profession).where('status', 'not in', FINAL).executeTakeFirst();
      if (open) throw appError('application_in_progress');
      const { ctx, reg } = await matterContext(deps, tx, actor.id, input.profession, { lock: true });
      const availability = matterAvailability(input.profession, input.type, ctx);
      if (!availability.available) throw appError(availability.code, undefined, availability.reason);
      // a registration loaded from the paper register belongs to the verified person with that ID number
      if (reg && !reg.row.holder_id) await tx.updateTable('registrations').set({ holder_id: actor.id }).where('id', '=', reg.row.id).execute();
      const day = shanghaiDate(deps.now()).replaceAll('-', '');
      const seq = await nextCounter(tx, `acceptance:${day}`);
      const app = await tx
        .insertInto('applications')
        .values({
          applicant_id: actor.id,
          profession: input.profession,
          type: input.type,
          status: 'draft',
          acceptance_no: `W${day}${String(seq).padStart(5, '0')}`,
          registration_id: input.type === 'initial' ? null : (reg?.row.id ?? null),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await addEvent(tx, app.id, 'created', actor);
      await audit(tx, { actor, action: 'application.created', objectType: 'application', objectId: app.id, details: { type: input.type, profession: input.profession } });
      return app.id;
    });
  } catch (e) {
    // the partial unique index applications_one_in_progress settles concurrent creations
    if ((e as { code?: string }).code === '23505') throw appError('application_in_progress');
    throw e;
  }
}

const FINAL: ApplicationStatus[] = ['approved', 'completed', 'not_accepted', 'rejected', 'refused'];

/**
 * The employer that counter-signs: for a form that names one (initial, change of employer) it must exist
 * under exactly that full name with that USCC (验证企业名称); otherwise the registration's employer.
 */
async function resolveEmployer(tx: Tx, type: RegistrationType, form: MatterForm, reg: LoadedRegistration | null): Promise<string | null> {
  const source = employerSource(type, form);
  if (source === null) return null;
  if (source === 'register') return reg?.state.employer?.id ?? null;
  const named = (form as { employer: { name: string; uscc: string } }).employer;
  const employer = await tx.selectFrom('enterprises').selectAll().where('name', '=', named.name).executeTakeFirst();
  if (!employer) throw appError('validation_failed', { 'employer.name': '未找到该企业，请填写营业执照上的企业全称' });
  if (employer.uscc !== named.uscc) throw appError('validation_failed', { 'employer.uscc': '统一社会信用代码与企业名称不一致，请点击“验证企业名称”自动填写' });
  return employer.id;
}

/**
 * Saves the whole form after checking it against its matter's schema and the register (shared
 * MATTERS[type].check: 422 validation_failed or the matter's own code, with a message per field), and
 * resolves the employer who counter-signs. Saving voids any signature (seed 000 §3.1.1 step 8 note).
 * Errors: 409 application_locked once the authority has it; 409 version_conflict when `version` is not the
 * current one (concurrent saves cannot both win).
 */
export async function saveApplicationForm(deps: AppDeps, user: AuthUser, actor: Actor, id: string, input: { version: number; form: unknown }): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'applicant', id, { lock: true });
    // an employer's filing is changed by the enterprise only; the person signs or refuses it (003 §3.2.3)
    if (app.filed_by === 'employer') throw appError('application_filed_by_employer');
    if (!EDITABLE_STATUSES.has(app.status as ApplicationStatus)) throw appError('application_locked');
    if (app.version !== input.version) throw appError('version_conflict');
    const { form, employerId } = await prepareForm(deps, tx, app, input.form);
    const hadSignature = app.applicant_signed_at !== null;
    const updated = await tx
      .updateTable('applications')
      .set({
        form: JSON.stringify(form),
        employer_id: employerId,
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

/**
 * The form as stored: checked against its matter (MATTERS[type].check with the person's register: 422
 * validation_failed or the matter's own code, with a message per field), a corrected ID number sealed, and the
 * employer who counter-signs resolved. Used by the person's save and by the employer's (employer-filings.ts).
 */
export async function prepareForm(deps: AppDeps, tx: Tx, app: ApplicationRow, input: unknown): Promise<{ form: MatterForm; employerId: string | null }> {
  const type = app.type as RegistrationType;
  const { ctx, reg } = await matterContext(deps, tx, app.applicant_id, app.profession as Profession, { registrationId: app.registration_id });
  const checked = MATTERS[type].check(input, ctx, app.profession as Profession);
  if (!checked.ok) throw appError(checked.code, checked.fields);
  await checkQualifications(deps, tx, app, checked.value);
  let form = checked.value as MatterForm;
  if (type === 'change' && (form as ChangeForm).kind === 'details') {
    const details = form as ChangeForm & { kind: 'details' };
    await checkNewIdNumber(deps, tx, app.applicant_id, details);
    // an ID number is kept only encrypted: the stored form holds it masked and sealed (AES-256-GCM)
    if (details.idNumber !== undefined) form = { ...details, idNumber: maskIdNumber(details.idNumber), idNumberSealed: deps.pii.encrypt(details.idNumber).toString('base64') } as MatterForm;
  }
  return { form, employerId: await resolveEmployer(tx, type, form, reg) };
}

/** A corrected ID number must differ from the current one and belong to no one else's real-name record. */
async function checkNewIdNumber(deps: AppDeps, tx: Tx, applicantId: string, form: { idNumber?: string }) {
  if (form.idNumber === undefined) return;
  const hash = deps.pii.lookupHash(form.idNumber);
  const holder = await tx.selectFrom('identities').select('user_id').where('id_number_hash', '=', hash).executeTakeFirst();
  if (holder?.user_id === applicantId) throw appError('validation_failed', { idNumber: '变更后的身份证号码与现身份证号码相同' });
  if (holder) throw appError('identity_taken', { idNumber: '该身份证号码已由其他账号完成实名登记，请联系注册机构' });
}

/**
 * A form may be signed by the applicant when it is saved and valid, no one else has it yet, and the files its
 * matter needs are uploaded (photo: 000 §3.1.1 step 4, §5; evidence of a change). Errors: 409
 * application_wrong_status / application_not_signable / photo_required / evidence_required.
 */
export async function assertSignable(db: DbOrTx, app: ApplicationRow): Promise<MatterForm> {
  // the person's own draft, or an employer's filing awaiting their confirmation (shared FILING_PATHS)
  if (!pathOf(app).applicantSigns.includes(app.status as ApplicationStatus)) throw appError('application_wrong_status');
  return assertComplete(db, app);
}

/** The application's filing path (shared FILING_PATHS): who filed it and whether its matter has the person sign. */
export function pathOf(app: Pick<ApplicationRow, 'filed_by' | 'type'>) {
  return filingPath(app.filed_by, MATTERS[app.type as RegistrationType].signers);
}

/** The form is saved and the files its matter needs are uploaded (also checked when the enterprise files its draft). */
export async function assertComplete(db: DbOrTx, app: ApplicationRow): Promise<MatterForm> {
  if (!app.form) throw appError('application_not_signable');
  // the photo, the evidence, the signature image and the matter's documents (shared documentRequirements)
  await assertDocumentsComplete(db, app);
  return app.form as MatterForm;
}

export async function userPhone(db: DbOrTx, userId: string): Promise<string> {
  return (await db.selectFrom('users').select('phone').where('id', '=', userId).executeTakeFirstOrThrow()).phone;
}

/**
 * Sends the applicant's signing code (intent verification) to their own phone. The SMS names the document
 * and its acceptance number. Errors: 409 application_not_signable / application_wrong_status; otp limits.
 */
export async function sendApplicantSignatureCode(deps: AppDeps, user: AuthUser, id: string) {
  const app = await loadApplicationFor(deps.db, user, 'applicant', id);
  await assertSignable(deps.db, app);
  await checkQualifications(deps, deps.db, app, app.form);
  return sendSignatureCode(deps, app, user.id, 'applicant_signature');
}

/** Sends a signing code for `app` to the signer's own phone; the SMS names the document and its acceptance number. */
async function sendSignatureCode(deps: AppDeps, app: ApplicationRow, signerId: string, purpose: 'applicant_signature' | 'employer_signature') {
  const phone = await userPhone(deps.db, signerId);
  const title = applicationFormTitle(app.profession as Profession, app.type as RegistrationType);
  const sent = await issueOtp(deps, { phone, purpose, objectId: app.id }, (code) => ({ template: 'signature_code', params: [title, app.acceptance_no ?? '', code] }));
  return { phoneMasked: maskPhone(phone), ...sent };
}

/** Builds what the form PDF shows from the application, the applicant's real-name record, the employer and the register. */
async function formView(deps: AppDeps, db: DbOrTx, app: ApplicationRow, generatedAt: Date): Promise<ApplicationFormView> {
  const form = app.form as MatterForm & { employer?: { phone: string } };
  const type = app.type as RegistrationType;
  const [identity, phone, employer, reg, photo] = await Promise.all([
    db.selectFrom('identities').selectAll().where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow(),
    userPhone(db, app.applicant_id),
    app.employer_id ? db.selectFrom('enterprises').selectAll().where('id', '=', app.employer_id).executeTakeFirst() : undefined,
    app.registration_id ? registrationById(db, app.registration_id) : null,
    // the photo uploaded with the application is printed on the form (000 §3.1.1 step 4)
    db.selectFrom('application_documents').select(['content_enc', 'content_type']).where('application_id', '=', app.id).where('kind', '=', 'photo').executeTakeFirst(),
  ]);
  const signatureImage = await db.selectFrom('application_documents').select(['content_enc']).where('application_id', '=', app.id).where('kind', '=', 'signature').where('content_type', '=', 'image/png').executeTakeFirst();
  const employerName = employer?.name ?? reg?.state.employer?.name ?? '';
  const signers = MATTERS[type].signers;
  const withEmployer = signers.includes('employer');
  const releasing = signers.includes('releasing_employer') && app.releasing_employer_id
    ? await db.selectFrom('enterprises').select('name').where('id', '=', app.releasing_employer_id).executeTakeFirst()
    : undefined;
  return {
    acceptanceNo: app.acceptance_no ?? '',
    title: applicationFormTitle(app.profession as Profession, type),
    generatedAt,
    applicant: {
      name: identity.name,
      gender: GENDER_LABELS[identity.gender],
      birthDate: identity.birth_date,
      idNumberMasked: maskIdNumber(deps.pii.decrypt(identity.id_number_enc)),
      phone,
    },
    employer: employer ? { name: employer.name, uscc: employer.uscc, phone: form.employer?.phone ?? '' } : null,
    currentRegistration: reg ? describeRegister(reg.state) : null,
    sections: MATTERS[type].describe(form, reg?.state ?? null, app.profession as Profession),
    // a matter the person does not sign (temporary constructors) prints no declaration of theirs
    applicantDeclaration: signers.includes('applicant') ? applicantDeclaration({ applicantName: identity.name, employerName, profession: app.profession as Profession, type }) : [],
    employerOpinion: withEmployer ? employerOpinion({ applicantName: identity.name, employerName, type }) : null,
    releaseOpinion: releasing ? releaseOpinion({ applicantName: identity.name, releasingEmployerName: releasing.name, employerName }) : null,
    photo: photo && (photo.content_type === 'image/jpeg' || photo.content_type === 'image/png') ? { bytes: Buffer.from(deps.pii.decrypt(photo.content_enc), 'base64'), type: photo.content_type } : null,
    // 001 §3.1: the form shows the signature image uploaded with it (注册证书个人签名样式)
    signatureImage: signatureImage ? { bytes: Buffer.from(deps.pii.decrypt(signatureImage.content_enc), 'base64'), type: 'image/png' } : null,
  };
}

/** 二级建造师初始注册申请表_20261121153601.pdf (seed 000 figure 10). */
function formFileName(app: ApplicationRow, at: Date): string {
  return `${applicationFormTitle(app.profession as Profession, app.type as RegistrationType)}_${dayjs(at).tz(ZONE).format('YYYYMMDDHHmmss')}.pdf`;
}

/**
 * What a signature computed outside the transaction was made on: the application's form version, status and
 * the applicant's signing time (the employer's increment is added to that signed PDF). A row whose fingerprint
 * differs when it is locked changed in between, and the signature is made again inside the transaction.
 */
function signingBasis(app: ApplicationRow): string {
  return `${app.version}|${app.status}|${app.applicant_signed_at?.toISOString() ?? ''}`;
}

/** A signed PDF made before the transaction that records it, with what it was made on (signingBasis). */
export interface PreparedSignature {
  basis: string;
  pdf: Uint8Array;
  signedAt: Date;
}

/**
 * The applicant's signature on `app`'s form: renders the form as of `signedAt` and signs it with a
 * short-lived certificate the platform CA issues to the applicant (PKCS#7 detached, seed 000 §3.1.1 step 6).
 * CPU-bound (about 0.1-0.3 s: font subsetting, serialisation, RSA); reads only, so it runs outside the
 * transaction that records it and holds no pooled connection while it works (issue 14: under load, signing
 * inside the transaction made other requests wait past the pool's 5 s connection timeout).
 */
async function applicantSignature(deps: AppDeps, db: DbOrTx, app: ApplicationRow): Promise<PreparedSignature & { fileName: string; applicantName: string }> {
  // the reads before the slot: a slot's holder never waits for a pooled connection
  const read = await formView(deps, db, app, deps.now());
  return signingSlots(async () => {
    const signedAt = deps.now();
    const view = { ...read, generatedAt: signedAt };
    const pdf = await renderAndSign(deps, { kind: 'application_form', view }, { kind: 'applicant', commonName: view.applicant.name }, { slot: 'applicant', reason: '申请人员意见：本人已核对申请表内容并签名', signedAt, location: deps.config.authorityName });
    return { basis: signingBasis(app), pdf, signedAt, fileName: formFileName(app, signedAt), applicantName: view.applicant.name };
  });
}

/**
 * Signs the form: checks the code, renders the PDF, signs it with a short-lived certificate the platform
 * CA issues to the applicant (PKCS#7 detached), and hands it to the employer, whose operators are notified
 * (SMS, and WeChat when they subscribed). The PDF is rendered and signed before the transaction; the
 * transaction locks the row, re-checks it and, if it changed in between (signingBasis), signs again inside.
 * Errors: otp_*; 409 application_wrong_status / not_signable.
 */
export async function signApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, code: string) {
  const pre = await loadApplicationFor(deps.db, user, 'applicant', id);
  await assertSignable(deps.db, pre);
  await consumeOtp(deps, { phone: await userPhone(deps.db, user.id), purpose: 'applicant_signature', objectId: pre.id }, code);
  await checkQualifications(deps, deps.db, pre, pre.form);
  const prepared = await applicantSignature(deps, deps.db, pre);
  const result = await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'applicant', id, { lock: true });
    await assertSignable(tx, app);
    // the qualification data may have changed since the form was saved (an import in between)
    await checkQualifications(deps, tx, app, app.form);
    const def = MATTERS[app.type as RegistrationType];
    const { pdf, signedAt, fileName, applicantName } = prepared.basis === signingBasis(app) ? prepared : await applicantSignature(deps, tx, app);
    // the holder alone signs a paper exchange (000 §5): it completes with this signature
    const status: ApplicationStatus = def.signers.includes('employer') ? 'awaiting_employer' : statusAfterSignatures(routeOf(deps.config, app.type));
    await tx
      .updateTable('applications')
      .set({ status, form_pdf: Buffer.from(pdf), form_pdf_name: fileName, applicant_signed_at: signedAt, return_reason: null, updated_at: signedAt })
      .where('id', '=', app.id)
      .execute();
    await addEvent(tx, app.id, 'applicant_signed', actor);
    await audit(tx, { actor, action: 'application.signed', objectType: 'application', objectId: app.id, details: { fileName, bytes: pdf.length } });
    if (status === 'awaiting_employer') await notifyOperators(deps, tx, app, applicantName, signedAt);
    if (status === 'completed') await completeMatter(deps, tx, app, actor);
    await testHold(deps, 'signature', app.id); // tests only (TEST_HOLD_DIR): everything written, nothing committed
    return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName, status };
  });
  return result;
}

export async function notifyOperators(deps: AppDeps, tx: Tx, app: ApplicationRow, applicantName: string, signedAt: Date) {
  const operators = await tx
    .selectFrom('enterprise_operators')
    .innerJoin('users', 'users.id', 'enterprise_operators.user_id')
    .select(['users.phone', 'users.wechat_openid'])
    .where('enterprise_operators.enterprise_id', '=', app.employer_id!)
    .where('enterprise_operators.removed_at', 'is', null)
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

export async function notifyApplicant(tx: Tx, app: ApplicationRow, template: 'applicant_employer_signed' | 'applicant_returned' | 'applicant_review' | 'applicant_completed' | 'applicant_refused', extra: string[] = []) {
  const phone = await userPhone(tx, app.applicant_id);
  await enqueue(tx, { channel: 'sms', phone, message: { template, params: [matterName(app), app.acceptance_no ?? '', ...extra] } });
}

/** The employer may sign: awaiting it, and signed by the person first where the matter has them sign (a temporary constructor's matter: the employer signs first, 003 §3.2.3.8-11). */
export function assertAwaitingEmployer(app: ApplicationRow) {
  if (app.status !== 'awaiting_employer' || (!app.form_pdf && pathOf(app).applicantSigns.length > 0)) throw appError('application_wrong_status');
}

/** Sends the employer's signing code to the operator's own phone. */
export async function sendEmployerSignatureCode(deps: AppDeps, user: AuthUser, id: string) {
  const app = await loadApplicationFor(deps.db, user, 'enterprise_operator', id);
  assertAwaitingEmployer(app);
  // 003 §3.2.2.1: no filing or counter-signature before the enterprise's basic information is complete
  await assertEnterpriseProfileComplete(deps.db, app.employer_id!);
  return sendSignatureCode(deps, app, user.id, 'employer_signature');
}

/**
 * The employer's confirmation (seed 000 §3.1.2): with the opinion accepted and a correct code, adds the
 * employer's signature (certificate naming the enterprise and its USCC) to the applicant-signed PDF as an
 * incremental update, and submits the application to the authority (status acceptance). The signature is
 * made before the transaction (employerSignature), as the applicant's is.
 */
export async function confirmApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, code: string) {
  const pre = await loadApplicationFor(deps.db, user, 'enterprise_operator', id);
  assertAwaitingEmployer(pre);
  await assertEnterpriseProfileComplete(deps.db, pre.employer_id!);
  await consumeOtp(deps, { phone: await userPhone(deps.db, user.id), purpose: 'employer_signature', objectId: pre.id }, code);
  const signature = await employerSignature(deps, deps.db, pre);
  return deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'enterprise_operator', id, { lock: true });
    assertAwaitingEmployer(app);
    return employerSign(deps, tx, user, actor, app, { signature });
  });
}

/**
 * The employer's incremental PKCS#7 signature on `app.form_pdf` (awaiting_employer), by a certificate naming
 * the enterprise and its USCC, as of now. Reads only: callers make it before their transaction and hand it to
 * employerSign (PreparedSignature), so no pooled connection is held while it is computed.
 */
export async function employerSignature(deps: AppDeps, db: DbOrTx, app: ApplicationRow): Promise<EmployerSignature> {
  // the reads before the slot: a slot's holder never waits for a pooled connection
  const enterprise = await db.selectFrom('enterprises').select(['name', 'uscc']).where('id', '=', app.employer_id!).executeTakeFirstOrThrow();
  const view = app.form_pdf ? null : await formView(deps, db, app, deps.now());
  return signingSlots(() => makeEmployerSignature(deps, app, enterprise, view));
}

async function makeEmployerSignature(deps: AppDeps, app: ApplicationRow, enterprise: { name: string; uscc: string }, view: ApplicationFormView | null): Promise<EmployerSignature> {
  const signedAt = deps.now();
  // a matter the person does not sign (temporary constructors, 003 §3.2.3.8-11): the employer's is the first signature
  const fileName = app.form_pdf ? app.form_pdf_name : formFileName(app, signedAt);
  const pdf = await renderAndSign(
    deps,
    app.form_pdf ? { kind: 'pdf', bytes: app.form_pdf } : { kind: 'application_form', view: { ...view!, generatedAt: signedAt } },
    { kind: 'employer', commonName: enterprise.name, organization: enterprise.name, uscc: enterprise.uscc },
    { slot: 'employer', reason: '聘用企业意见：同意申报', signedAt, location: deps.config.authorityName },
  );
  return { basis: signingBasis(app), pdf, signedAt, fileName, enterpriseName: enterprise.name };
}

/** The employer's signature made before the transaction, with the form's file name and the enterprise's name. */
export interface EmployerSignature extends PreparedSignature {
  fileName: string | null;
  enterpriseName: string;
}

/**
 * Records the employer's counter-signature of `app` (locked by the caller, awaiting_employer) inside the
 * caller's transaction `tx`: the signed PDF (`opts.signature` when it was made on this very row, else made
 * here), the next status, the history event, the audit entry and the notification or the matter's completion;
 * a temporary constructor's transfer then waits for its old employer's release (003 §3.2.3.9). The one code
 * path of a single confirmation and of each application of a batch (employer-filings.ts confirmBatch).
 */
export async function employerSign(deps: AppDeps, tx: Tx, user: AuthUser, actor: Actor, app: ApplicationRow, opts: { batchId?: string; signature?: EmployerSignature } = {}) {
  const { pdf, signedAt, fileName, enterpriseName } = opts.signature?.basis === signingBasis(app) ? opts.signature : await employerSignature(deps, tx, app);
  // to the first stage of the matter's route, or completed where it has none (cancellation: 000 §3.4.1 step 10);
  // a temporary constructor's transfer first waits for its old employer's release (003 §3.2.3.9)
  const status = statusAfterEmployerSignature(MATTERS[app.type as RegistrationType].signers, routeOf(deps.config, app.type));
  const toAuthority = status !== 'awaiting_release';
  await tx
    .updateTable('applications')
    .set({
      status,
      form_pdf: Buffer.from(pdf),
      form_pdf_name: fileName,
      employer_signed_at: signedAt,
      employer_signer_id: user.id,
      updated_at: signedAt,
      ...(toAuthority ? { authority_id: await authorityForEnterprise(tx, app.employer_id), stage_entered_at: signedAt } : {}),
    })
    .where('id', '=', app.id)
    .execute();
  await addEvent(tx, app.id, 'employer_signed', actor, opts.batchId ? { note: `批量确认 ${opts.batchId}` } : {});
  await audit(tx, { actor, action: 'application.employer_signed', objectType: 'application', objectId: app.id, details: { enterpriseId: app.employer_id, bytes: pdf.length, ...(opts.batchId ? { batch: opts.batchId } : {}) } });
  if (!toAuthority) {
    await notifyReleasingEmployer(tx, app, enterpriseName);
    return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName: fileName ?? '', status };
  }
  if (status === 'completed') await completeMatter(deps, tx, app, actor);
  else await notifyApplicant(tx, app, 'applicant_employer_signed');
  // a province with its own back office gets every confirmed application (issue 11, relay.ts)
  await queueRelay(deps, tx, app.id, 'employer_confirmed');
  return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName: fileName ?? '', status };
}

/** The active operators of `enterpriseId` (their phones), for its notifications. */
export async function operatorPhones(tx: DbOrTx, enterpriseId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('enterprise_operators')
    .innerJoin('users', 'users.id', 'enterprise_operators.user_id')
    .select('users.phone')
    .where('enterprise_operators.enterprise_id', '=', enterpriseId)
    .where('enterprise_operators.removed_at', 'is', null)
    .execute();
  return rows.map((r) => r.phone);
}

/** Tells the old employer's operators that a transfer of their temporary constructor awaits their release (003 §3.2.3.9). */
async function notifyReleasingEmployer(tx: Tx, app: ApplicationRow, newEmployerName: string) {
  const person = await tx.selectFrom('identities').select('name').where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow();
  for (const phone of await operatorPhones(tx, app.releasing_employer_id!))
    await enqueue(tx, { channel: 'sms', phone, message: { template: 'release_pending', params: [newEmployerName, person.name, matterName(app), app.acceptance_no ?? ''] } });
}

/** Sends the application back to the applicant with a reason; the applicant's signature is void. */
export async function returnApplication(deps: AppDeps, user: AuthUser, actor: Actor, id: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, 'enterprise_operator', id, { lock: true });
    assertAwaitingEmployer(app);
    // the enterprise's own filing is not sent back: the person refuses it, or the enterprise signs it
    if (!pathOf(app).employerReturns) throw appError('application_wrong_status');
    await tx
      .updateTable('applications')
      .set({ status: 'returned', return_reason: reason, form_pdf: null, form_pdf_name: null, applicant_signed_at: null, updated_at: deps.now() })
      .where('id', '=', app.id)
      .execute();
    await addEvent(tx, app.id, 'returned', actor, { note: reason });
    // a return after the back office has had the application (a re-filing after a correction) is reported too
    await queueRelay(deps, tx, app.id, 'employer_returned', { onlyIfRelayed: true });
    await audit(tx, { actor, action: 'application.returned', objectType: 'application', objectId: app.id, enterpriseId: app.employer_id });
    await notifyApplicant(tx, app, 'applicant_returned', [reason]);
  });
}

/**
 * A reviewer's decision at `stage` (acceptance → first_review → second_review → approval, in that order).
 * Pass moves to the next stage; pass at approval approves and issues the certificate in the same
 * transaction; fail ends the application (不予受理 at acceptance, 审核不通过 later) with the reason.
 * Errors: 409 review_stage_mismatch when the application is not at `stage`.
 */
export async function decideReview(deps: AppDeps, user: AuthUser, actor: Actor, id: string, input: { stage: ReviewStage; outcome: ReviewOutcome; reason?: string }, opts: { batchId?: string } = {}) {
  // an acceptance's notice and an approval's certificate are rendered and signed before the transaction
  // (re-made inside if the rows changed), so no connection or row lock is held while they are signed (issue 14)
  let acceptanceNotice: PreparedAcceptanceNotice | undefined;
  let certificate: PreparedCertificate | undefined;
  let ticket: CounterTicket | null = null;
  try {
    if (input.outcome === 'pass' && (input.stage === 'acceptance' || input.stage === 'approval')) {
      try {
        const pre = await loadApplicationFor(deps.db, user, 'reviewer', id);
        if (pre.status === input.stage) {
          await assertMayDecide(deps, deps.db, user.id, pre, input.stage);
          if (input.stage === 'acceptance') acceptanceNotice = await prepareAcceptanceNotice(deps, deps.db, pre);
          else if (decisionStatus(deps, pre, { ...input }) === 'approved') ({ certificate, ticket } = await prepareCompletion(deps, pre));
        }
      } catch (e) {
        // nothing prepared: the transaction decides on the locked rows (and answers any refusal) and signs inside
        if (!(e instanceof AppError)) deps.log.warn({ err: e, applicationId: id }, 'signing before the decision failed; signed in its transaction');
      }
    }
    const decide = () =>
      deps.db.transaction().execute(async (tx) => {
        const app = await loadApplicationFor(tx, user, 'reviewer', id, { lock: true });
        // issue 11: the stage's role and four-eyes (authorities.ts); the decision is recorded with its stage's start (rolled back with a refusal below)
        await assertMayDecide(deps, tx, user.id, app, input.stage);
        await recordDecision(tx, app, input.stage, input.outcome, user.id, deps.now(), opts.batchId);
        return applyReviewDecision(deps, tx, app, actor, { ...input, acceptanceNotice, certificate });
      });
    return await (ticket ? ticket.inTurn(decide) : decide());
  } finally {
    ticket?.release();
  }
}

/**
 * The effect of a decision at `stage` on the locked application `app`, whoever decided it (a reviewer through
 * decideReview, or a province's own back office through the relay callback, bff/src/domain/relay.ts), in the
 * caller's transaction `tx`: the next status of the matter's route, the event, the audit entry, the
 * applicant's notification, and at approval the completion. Authorisation is the caller's.
 * Errors: 409 review_stage_mismatch when `app` is not at `stage`.
 */
export async function applyReviewDecision(deps: AppDeps, tx: Tx, app: ApplicationRow, actor: Actor | null, input: { stage: ReviewStage; outcome: ReviewOutcome; reason?: string; acceptanceNotice?: PreparedAcceptanceNotice; certificate?: PreparedCertificate }) {
  if (app.status !== input.stage) throw appError('review_stage_mismatch');
  const next = decisionStatus(deps, app, input);
  await tx.updateTable('applications').set({ status: next, updated_at: deps.now(), stage_entered_at: deps.now() }).where('id', '=', app.id).execute();
  await addEvent(tx, app.id, input.outcome === 'pass' ? 'review_passed' : 'review_failed', actor, { stage: input.stage, note: input.reason });
  await audit(tx, { actor, action: 'review.decided', objectType: 'application', objectId: app.id, details: { stage: input.stage, outcome: input.outcome } });
  const result = input.outcome === 'pass' ? '通过' : `不通过，原因：${input.reason}`;
  await notifyApplicant(tx, app, 'applicant_review', [REVIEW_STAGE_LABELS[input.stage], result]);
  await afterReviewDecision(deps, tx, app, actor, input, next);
  const certificateId = next === 'approved' ? await completeMatter(deps, tx, app, actor, { certificate: input.certificate }) : null;
  return { status: next, statusLabel: APPLICATION_STATUS_LABELS[next], certificateId };
}

/**
 * What completing `app` writes, read from `db` (and locked when `lock`, inside the completing transaction):
 * the register after the matter (shared MATTERS[type].apply), the holder (with a change of details'
 * corrections), the photo and signature image uploaded with it, and whether a certificate version is forced.
 * A new registration's number is `registrationNo` when given (a prediction, counter-tickets.ts), else taken
 * from the counter in `db`, which must then be the transaction. Reads only, apart from that counter.
 */
async function completionPlan(deps: AppDeps, db: DbOrTx, app: ApplicationRow, opts: { lock: boolean; registrationNo?: string }) {
  const type = app.type as RegistrationType;
  const profession = app.profession as Profession;
  const def = MATTERS[type];
  const form = app.form as MatterForm;
  let identityQuery = db.selectFrom('identities').selectAll().where('user_id', '=', app.applicant_id);
  if (opts.lock) identityQuery = identityQuery.forUpdate();
  const identity = await identityQuery.executeTakeFirstOrThrow();
  const { ctx, reg } = await matterContext(deps, db, app.applicant_id, profession, { lock: opts.lock, registrationId: app.registration_id });
  const apply: ApplyContext = { today: ctx.today, profession, holderName: identity.name };
  if (def.newRegistrationNo) apply.newRegistrationNo = opts.registrationNo ?? (await newRegistrationNo(deps, db as Tx, profession));
  if (employerSource(type, form) === 'form' && app.employer_id) {
    // a share lock: an employer rename committing meanwhile is waited for, so the register gets the current name
    let q = db.selectFrom('enterprises').select(['id', 'name', 'uscc']).where('id', '=', app.employer_id);
    if (opts.lock) q = q.forShare();
    apply.formEmployer = await q.executeTakeFirstOrThrow();
  }
  const after = def.apply(reg?.state ?? null, form, apply);
  let holder = { userId: app.applicant_id, idNumberEnc: identity.id_number_enc, idNumberHash: identity.id_number_hash, gender: identity.gender };
  let corrected: Partial<{ name: string; id_number_enc: Buffer; id_number_hash: Buffer; gender: 'male' | 'female'; birth_date: string }> | null = null;
  if (type === 'change' && (form as ChangeForm).kind === 'details') {
    const details = form as ChangeForm & { kind: 'details'; idNumberSealed?: string };
    corrected = {};
    if (details.name !== undefined) corrected.name = details.name;
    if (details.idNumberSealed !== undefined) {
      const idNumber = deps.pii.decrypt(Buffer.from(details.idNumberSealed, 'base64'));
      const parsed = parseIdNumber(idNumber);
      Object.assign(corrected, { id_number_enc: deps.pii.encrypt(idNumber), id_number_hash: deps.pii.lookupHash(idNumber), gender: parsed.gender, birth_date: parsed.birthDate });
      holder = { ...holder, idNumberEnc: corrected.id_number_enc!, idNumberHash: corrected.id_number_hash!, gender: parsed.gender };
    }
  }
  const photoRow = await db.selectFrom('application_documents').select(['content_enc', 'content_type']).where('application_id', '=', app.id).where('kind', '=', 'photo').executeTakeFirst();
  const photo = photoRow ? { content: Buffer.from(deps.pii.decrypt(photoRow.content_enc), 'base64'), type: photoRow.content_type } : null;
  // the signature image uploaded with the matter becomes the registration's, dated today (001 §4: 签名日期)
  const signatureRow = await db.selectFrom('application_documents').select(['content_enc', 'content_type', 'uploaded_at']).where('application_id', '=', app.id).where('kind', '=', 'signature').executeTakeFirst();
  const signature = signatureRow ? { content: Buffer.from(deps.pii.decrypt(signatureRow.content_enc), 'base64'), type: signatureRow.content_type, date: shanghaiDate(signatureRow.uploaded_at) } : null;
  const issueCertificate = (def.reissuesCertificate || photo !== null || signature !== null) && after.status === 'registered' ? true : undefined;
  return { type, def, form, identity, reg, after, holder, corrected, photo, signature, issueCertificate };
}

/**
 * The matter's last step: applies its effect to the register (shared MATTERS[type].apply) and writes it with
 * the registration event, the audit entry and, where the certificate's content changed, the next certificate
 * version — all in the transaction `tx` of the step that completes it. A change of name or ID number also
 * corrects the real-name record. `opts.certificate`: that version's first copy signed before the transaction
 * (prepareCompletion), used when it matches what is written. Returns the id of the certificate version issued, if any.
 */
export async function completeMatter(deps: AppDeps, tx: Tx, app: ApplicationRow, actor: Actor | null, opts: { certificate?: PreparedCertificate } = {}): Promise<string | null> {
  const { type, form, reg, after, holder, corrected, photo, signature, issueCertificate } = await completionPlan(deps, tx, app, { lock: true });
  if (corrected) {
    const details = form as ChangeForm & { kind: 'details' };
    // the real-name record and every registration of the person follow the register (catalogue: "the real-name record follows")
    await tx.updateTable('identities').set({ ...corrected, updated_at: deps.now() }).where('user_id', '=', app.applicant_id).execute();
    await tx
      .updateTable('registrations')
      .set({ ...(corrected.name ? { holder_name: corrected.name } : {}), ...(corrected.id_number_hash ? { holder_id_number_enc: holder.idNumberEnc, holder_id_number_hash: holder.idNumberHash, gender: holder.gender } : {}) })
      .where('holder_id', '=', app.applicant_id)
      .execute();
    await audit(tx, { actor, action: 'identity.updated', objectType: 'user', objectId: app.applicant_id, details: { by: 'details_change', applicationId: app.id, name: details.name !== undefined, idNumber: details.idNumber !== undefined } });
  }
  const written = await writeRegister(deps, tx, reg, after, { matter: type, applicationId: app.id, actor, holder, photo, signature }, { issueCertificate, certificate: opts.certificate });
  await tx.updateTable('applications').set({ registration_id: written.registrationId }).where('id', '=', app.id).execute();
  await addEvent(tx, app.id, 'completed', null);
  if (written.certificateId) await addEvent(tx, app.id, 'certificate_issued', null);
  const outcome = after.status === 'cancelled' ? '注册已注销，原电子证书作废' : written.certificateId ? '注册信息已更新，请领取新版电子证书' : '注册信息已更新';
  if (app.status !== 'approval') await notifyApplicant(tx, app, 'applicant_completed', [outcome]);
  return written.certificateId;
}

/**
 * The certificate version completing `app` would issue, rendered and signed now, before the transaction that
 * completes it (issue 14: the approval held a pooled connection and the registration counter's row lock for the
 * whole signature). Reads only; a new registration's number is predicted by a ticket of its counter
 * (counter-tickets.ts), whose turn the caller's transaction must take (`ticket.inTurn`) and end. Returns no
 * certificate when the matter issues none. The transaction compares what it writes (issueCertificateVersion's
 * fingerprint) and signs again there if anything differs: another process took the number, the register or
 * the holder's photo changed, the day changed.
 */
export async function prepareCompletion(deps: AppDeps, app: ApplicationRow): Promise<{ certificate?: PreparedCertificate; ticket: CounterTicket | null }> {
  const profession = app.profession as Profession;
  const ticket = MATTERS[app.type as RegistrationType].newRegistrationNo ? counterTicket(deps.db, registrationCounter(deps, profession)) : null;
  try {
    const registrationNo = ticket ? registrationNoOf(deps, profession, await ticket.predicted) : undefined;
    const plan = await completionPlan(deps, deps.db, app, { lock: false, registrationNo });
    if (!issuesCertificate(plan.reg, plan.after, plan.issueCertificate)) return { ticket };
    const existing = plan.reg?.row;
    const previous = existing ? await deps.db.selectFrom('certificates').select('version').where('registration_id', '=', existing.id).orderBy('version', 'desc').limit(1).executeTakeFirst() : undefined;
    const seal = (b: Buffer) => deps.pii.encrypt(b.toString('base64'));
    const certificate = await prepareCertificate(
      deps,
      {
        id: randomUUID(),
        registration_no: plan.after.registrationNo,
        profession,
        holder_name: plan.after.holderName,
        // a change of details corrects the registration's gender with the ID number (completeMatter)
        gender: existing && !plan.corrected?.gender ? existing.gender : plan.holder.gender,
        employer_name: plan.after.employer?.name ?? '',
        specialties: certificateSpecialties(plan.after),
        issue_date: shanghaiDate(deps.now()),
        authority_name: deps.config.authorityName,
        version: (previous?.version ?? 0) + 1,
      },
      {
        photo_enc: plan.photo ? seal(plan.photo.content) : (existing?.photo_enc ?? null),
        photo_type: plan.photo ? plan.photo.type : (existing?.photo_type ?? null),
        signature_enc: plan.signature ? seal(plan.signature.content) : (existing?.signature_enc ?? null),
        signature_type: plan.signature ? plan.signature.type : (existing?.signature_type ?? null),
        signature_date: plan.signature ? plan.signature.date : (existing?.signature_date ?? null),
        holder_id_number_enc: plan.holder.idNumberEnc,
      },
    );
    return { certificate, ticket };
  } catch (e) {
    ticket?.release();
    throw e;
  }
}

/** The current form PDF: the signed one once the applicant signed, else a fresh unsigned preview. */
export async function applicationFormPdf(deps: AppDeps, user: AuthUser, role: Role, actor: Actor, id: string): Promise<{ pdf: Uint8Array; fileName: string }> {
  const app = await loadApplicationFor(deps.db, user, role, id);
  await audit(deps.db, { actor, action: 'application.form_downloaded', objectType: 'application', objectId: app.id, enterpriseId: role === 'enterprise_operator' ? app.employer_id : null });
  if (app.form_pdf) return { pdf: app.form_pdf, fileName: app.form_pdf_name ?? 'application.pdf' };
  if (!app.form) throw NotFound();
  const now = deps.now();
  return { pdf: await renderPdf(deps, { kind: 'application_form', view: await formView(deps, deps.db, app, now) }), fileName: formFileName(app, now) };
}

export { operatorEnterpriseId, isLateRegistration, matterContext, formView };
