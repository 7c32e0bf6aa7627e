/**
 * Filings by the employer (企业申报, seed 003 §3.2.3) and batch confirmation (issue 10).
 *
 * The enterprise's operator finds one of its people by name and ID number (they must have passed real-name
 * verification: 003 "必须是已经进行个人实名认证通过的用户"), starts a matter for them (initial, additional
 * specialty, renewal, cancellation, change of ID number), and may save, change or delete the draft until it
 * files it (上报). Filing notifies the person by SMS; they check it and sign it with their own SMS code (the
 * same signing code path as their own applications: applications.ts signApplication), or refuse it with a
 * reason (refused, terminal). Then the enterprise counter-signs as for any application and it goes to the
 * authority (or, a cancellation, completes). The statuses and who moves them are shared/src/workflow.ts
 * FILING_PATHS; a refusal by the employer of the person's own filing (003 §3.2.3.7) is the same command.
 *
 * Batch confirmation: one SMS code for a list of applications awaiting the employer. The code is an
 * employer_signature code whose object is 'batch:' + SHA-256 over the sorted "id@updatedAt" of the list as
 * shown, so it confirms exactly that set (and counts once against the 10 codes a day). Each application is
 * then signed in its own transaction through employerSign, the one per-application signing code path, so a
 * crash leaves each one either signed or not, and one that changed since the list was shown is left out.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  EMPLOYER_FILED_MATTERS,
  FILING_PATHS,
  MATTERS,
  canRefuse,
  matterAvailability,
  maskIdNumber,
  type ApplicationStatus,
  type BatchConfirmationResult,
  type BatchCodeSentResponse,
  type BatchItem,
  type ChangeForm,
  type PersonLookupView,
  type Profession,
  type RegistrationType,
  type RefusingSide,
  ERRORS,
} from '@zhiyetong/shared';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { DbOrTx, Tx } from '../db/database.js';
import type { ApplicationRow, IdentityRow } from '../db/schema.js';
import { AppError, appError, NotFound } from '../errors.js';
import { maskPhone } from '../pii.js';
import { shanghaiDate } from '../time.js';
import {
  addEvent,
  assertAwaitingEmployer,
  assertComplete,
  employerSign,
  employerSignature,
  matterContext,
  matterName,
  notifyApplicant,
  operatorPhones,
  pathOf,
  prepareForm,
  userPhone,
} from './applications.js';
import type { LoadedRegistration } from './register.js';
import { audit } from './audit.js';
import { assertEnterpriseProfileComplete } from './enterprise-identity.js';
import { nextCounter } from './counters.js';
import { consumeOtp, issueOtp, OTP_MAX_ATTEMPTS } from './otp.js';
import { enqueue } from './outbox.js';
import { loadApplicationFor, operatorEnterpriseId } from './policies.js';

type FilingDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/**
 * The enterprise the operator acts for in this request (policies.ts operatorEnterpriseId; `requested` = the
 * X-Enterprise-Id header): 404 not_found for no or a removed membership, 400 enterprise_choice_required.
 */
async function actingEnterprise(db: DbOrTx, user: AuthUser, requested?: string): Promise<string> {
  const id = await operatorEnterpriseId(db, user.id, requested);
  if (!id) throw appError('forbidden');
  return id;
}

/**
 * The person with this ID number and exactly this name, who must have passed real-name verification.
 * Errors: 404 person_not_found (no real-name record with both); 409 person_unverified.
 */
async function findPerson(deps: FilingDeps, db: DbOrTx, input: { name: string; idNumber: string }, opts: { lock?: boolean } = {}): Promise<IdentityRow> {
  let q = db.selectFrom('identities').selectAll().where('id_number_hash', '=', deps.pii.lookupHash(input.idNumber));
  if (opts.lock) q = q.forUpdate();
  const identity = await q.executeTakeFirst();
  if (!identity || identity.name !== input.name) throw appError('person_not_found');
  if (!identity.verified_at) throw appError('person_unverified');
  return identity;
}

/**
 * 选择人员 (003 §3.2.3.1): finds a verified person by name and ID number and says what the enterprise may file
 * for them in `profession` (each matter open, or closed with the reason). A register-based matter is open only
 * when their registration is at this enterprise. The lookup is audited. Errors: 404 person_not_found, 409
 * person_unverified, 403 forbidden (not an operator).
 */
export async function lookupPerson(deps: FilingDeps, user: AuthUser, actor: Actor, input: { name: string; idNumber: string; profession: Profession }, requested?: string): Promise<PersonLookupView> {
  const enterpriseId = await actingEnterprise(deps.db, user, requested);
  const identity = await findPerson(deps, deps.db, input);
  const { ctx, reg } = await matterContext(deps, deps.db, identity.user_id, input.profession);
  const atThisEnterprise = reg?.state.employer?.id === enterpriseId;
  const open = await deps.db
    .selectFrom('applications')
    .select(['id', 'type', 'status', 'employer_id'])
    .where('applicant_id', '=', identity.user_id)
    .where('profession', '=', input.profession)
    .where('status', 'not in', FINAL)
    .executeTakeFirst();
  await audit(deps.db, { actor, action: 'person.looked_up', objectType: 'user', objectId: identity.user_id, details: { enterpriseId } });
  return {
    name: identity.name,
    idNumberMasked: maskIdNumber(input.idNumber),
    verified: true,
    profession: input.profession,
    registration: reg
      ? {
          registrationNo: reg.state.registrationNo,
          status: reg.state.status,
          employerName: reg.state.employer?.name ?? '',
          atThisEnterprise,
          specialties: reg.state.specialties.map((s) => ({ specialty: s.specialty, validUntil: s.validUntil, status: s.status })),
          temporary: reg.state.temporary === true,
        }
      : null,
    matters: await Promise.all(
      EMPLOYER_FILED_MATTERS.map(async (type) => {
        const a = matterAvailability(input.profession, type, ctx, 'employer');
        if (!a.available) return { type, available: false, code: a.code, reason: a.reason };
        const refusal = await employerMayFile(deps.db, type, reg, enterpriseId);
        if (refusal) return { type, available: false, code: refusal, reason: ERRORS[refusal].message };
        return { type, available: true };
      }),
    ),
    // another enterprise's draft or the person's own application is named only by its type and status
    inProgress: open ? { id: open.employer_id === enterpriseId ? open.id : null, type: open.type as RegistrationType, status: open.status as ApplicationStatus } : null,
  };
}

const FINAL: ApplicationStatus[] = ['approved', 'completed', 'not_accepted', 'rejected', 'refused'];

/**
 * Whether the acting enterprise may file `type` on the person's registration `reg`, as the matter's data says
 * (null = it may, else the error code):
 *  - a matter its old employer must release (a temporary constructor's transfer, 003 §3.2.3.8-9: the new employer
 *    转入企业 files it): the registration must be at another enterprise, which has operators on the platform to
 *    confirm the release (temporary_transfer_same_employer, releasing_employer_unknown);
 *  - a matter naming its employer on the form (initial, re-registration): any enterprise;
 *  - any other: the registration must be at this enterprise (not_employer_of_person).
 */
async function employerMayFile(db: DbOrTx, type: RegistrationType, reg: LoadedRegistration | null, enterpriseId: string): Promise<'not_employer_of_person' | 'temporary_transfer_same_employer' | 'releasing_employer_unknown' | null> {
  const def = MATTERS[type];
  if (def.signers.includes('releasing_employer')) {
    const from = reg?.state.employer?.id;
    if (from === enterpriseId) return 'temporary_transfer_same_employer';
    if (!from || (await operatorPhones(db, from)).length === 0) return 'releasing_employer_unknown';
    return null;
  }
  if (def.employerFrom !== 'form' && reg?.state.employer?.id !== enterpriseId) return 'not_employer_of_person';
  return null;
}

/**
 * 添加申报 (003 §3.2.3): a draft of matter `type` for the person found by name and ID number, filed by the
 * acting enterprise (filed_by employer, status employer_draft), with its acceptance number. A matter on the
 * person's registration (additional specialty, renewal, cancellation, change) needs that registration to be at
 * this enterprise; a temporary constructor's transfer (003 §3.2.3.8) needs it to be at another enterprise, which
 * becomes the application's releasing employer. Errors: 404 person_not_found; 409 person_unverified,
 * not_employer_of_person, temporary_transfer_same_employer, releasing_employer_unknown, application_in_progress,
 * the matter's own refusal (registration_required, renewal_not_open, not_temporary_constructor,
 * temporary_constructor_matter …); 403 forbidden.
 */
export async function createEmployerFiling(deps: FilingDeps, user: AuthUser, actor: Actor, input: { profession: Profession; type: RegistrationType; name: string; idNumber: string }, requested?: string): Promise<string> {
  if (!(EMPLOYER_FILED_MATTERS as readonly string[]).includes(input.type)) throw appError('application_type_unsupported');
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const enterpriseId = await actingEnterprise(tx, user, requested);
      // 003 §3.2.2.1: the enterprise's basic information gates its filings (409 enterprise_profile_incomplete)
      await assertEnterpriseProfileComplete(tx, enterpriseId);
      const identity = await findPerson(deps, tx, input, { lock: true });
      const personId = identity.user_id;
      const open = await tx.selectFrom('applications').select('id').where('applicant_id', '=', personId).where('profession', '=', input.profession).where('status', 'not in', FINAL).executeTakeFirst();
      if (open) throw appError('application_in_progress', undefined, '该人员有正在办理的注册申请，请待其办结后再申报');
      const { ctx, reg } = await matterContext(deps, tx, personId, input.profession, { lock: true });
      const availability = matterAvailability(input.profession, input.type, ctx, 'employer');
      if (!availability.available) throw appError(availability.code, undefined, availability.reason);
      // a matter on the registration needs it to be at this enterprise; one naming its employer (initial, re-registration)
      // does not; a temporary constructor's transfer needs it to be at another one, which releases the person
      const refusal = await employerMayFile(tx, input.type, reg, enterpriseId);
      if (refusal) throw appError(refusal);
      const releasingEmployerId = MATTERS[input.type].signers.includes('releasing_employer') ? reg!.state.employer!.id : null;
      if (reg && !reg.row.holder_id) await tx.updateTable('registrations').set({ holder_id: personId }).where('id', '=', reg.row.id).execute();
      const day = shanghaiDate(deps.now()).replaceAll('-', '');
      const seq = await nextCounter(tx, `acceptance:${day}`);
      const now = deps.now();
      const app = await tx
        .insertInto('applications')
        .values({
          applicant_id: personId,
          profession: input.profession,
          type: input.type,
          status: FILING_PATHS.employer.start,
          acceptance_no: `W${day}${String(seq).padStart(5, '0')}`,
          registration_id: input.type === 'initial' ? null : (reg?.row.id ?? null),
          employer_id: enterpriseId,
          filed_by: 'employer',
          filer_id: user.id,
          releasing_employer_id: releasingEmployerId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await addEvent(tx, app.id, 'created', actor);
      await audit(tx, { actor, action: 'application.created', objectType: 'application', objectId: app.id, details: { type: input.type, profession: input.profession, filedBy: 'employer', enterpriseId, personId, ...(releasingEmployerId ? { releasingEmployerId } : {}) } });
      return app.id;
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw appError('application_in_progress', undefined, '该人员有正在办理的注册申请，请待其办结后再申报');
    throw e;
  }
}

/** The enterprise's own filing, locked, in one of `statuses`; 404 for anything else it may not see, 409 application_wrong_status otherwise. */
async function ownFiling(tx: Tx, user: AuthUser, id: string, statuses: readonly ApplicationStatus[], wrong: 'application_wrong_status' | 'application_locked' = 'application_wrong_status'): Promise<ApplicationRow> {
  const app = await loadApplicationFor(tx, user, 'enterprise_operator', id, { lock: true });
  if (app.filed_by !== 'employer') throw appError('application_wrong_status');
  if (!statuses.includes(app.status as ApplicationStatus)) throw appError(wrong);
  return app;
}

/**
 * 修改 (003 §3.2.3): saves the whole form of the enterprise's draft, checked as the person's own would be
 * (MATTERS[type].check against the person's register); the form's employer must be this enterprise, and a
 * change is a change of personal details (ID number, 003 §3.2.3.6). Errors: 409 application_locked once
 * filed, version_conflict; 422 validation_failed with fields, or the matter's own code.
 */
export async function saveEmployerFiling(deps: FilingDeps, user: AuthUser, actor: Actor, id: string, input: { version: number; form: unknown }): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await ownFiling(tx, user, id, FILING_PATHS.employer.editable, 'application_locked');
    if (app.version !== input.version) throw appError('version_conflict');
    if (app.type === 'change' && (input.form as Partial<ChangeForm> | null)?.kind !== 'details')
      throw appError('validation_failed', { kind: '企业可申报身份证号码（或姓名）变更；变更聘用企业由本人申请' });
    const { form, employerId } = await prepareForm(deps, tx, app, input.form);
    if (employerId !== app.employer_id) throw appError('validation_failed', { 'employer.name': '申报企业须为本企业，请填写本企业全称和统一社会信用代码' });
    const updated = await tx
      .updateTable('applications')
      .set({ form: JSON.stringify(form), version: app.version + 1, updated_at: deps.now() })
      .where('id', '=', app.id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw appError('version_conflict');
    await addEvent(tx, app.id, 'saved', actor);
    await audit(tx, { actor, action: 'application.saved', objectType: 'application', objectId: app.id, details: { version: app.version + 1, filedBy: 'employer', enterpriseId: app.employer_id } });
  });
}

/**
 * 删除 (003 §3.2.3): deletes the enterprise's draft with its files and history (nobody else has seen it; the
 * audit log keeps the deletion with the acceptance number). Errors: 409 application_wrong_status once filed (also
 * when the authority returned it to the draft for correction).
 */
export async function deleteEmployerFiling(deps: FilingDeps, user: AuthUser, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await ownFiling(tx, user, id, FILING_PATHS.employer.deletable);
    // a draft the authority returned for correction (FILING_PATHS correctionTo) has been filed: it stays
    if (app.return_reason !== null) throw appError('application_wrong_status');
    await tx.deleteFrom('application_documents').where('application_id', '=', app.id).execute();
    await tx.deleteFrom('application_events').where('application_id', '=', app.id).execute();
    await tx.deleteFrom('applications').where('id', '=', app.id).execute();
    await audit(tx, { actor, action: 'application.deleted', objectType: 'application', objectId: app.id, details: { acceptanceNo: app.acceptance_no, type: app.type, enterpriseId: app.employer_id } });
  });
}

/**
 * 上报 (003 §3.2.3): files the enterprise's saved draft to the person (awaiting_applicant) and notifies them by
 * SMS; from now on the enterprise can only read it, the person signs or refuses it. A matter the person does not
 * sign (temporary constructors, FILING_PATHS.employer_alone) goes to awaiting_employer: the enterprise's own
 * signature is next, with no SMS to the person. Errors: 409
 * application_wrong_status (not a draft), application_not_signable (no valid form saved), photo_required,
 * evidence_required (e.g. the new ID card of an ID-number change).
 */
export async function fileEmployerFiling(deps: FilingDeps, user: AuthUser, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await ownFiling(tx, user, id, [FILING_PATHS.employer.file!.from]);
    // the person's confirmation next, or (a matter they do not sign: temporary constructors) the enterprise's own signature
    const path = pathOf(app);
    const step = path.file!;
    await assertEnterpriseProfileComplete(tx, app.employer_id!);
    await assertComplete(tx, app);
    await tx.updateTable('applications').set({ status: step.to, updated_at: deps.now() }).where('id', '=', app.id).execute();
    await addEvent(tx, app.id, 'filed', actor);
    await audit(tx, { actor, action: 'application.filed', objectType: 'application', objectId: app.id, details: { enterpriseId: app.employer_id } });
    if (path.applicantSigns.length === 0) return;
    const enterprise = await tx.selectFrom('enterprises').select('name').where('id', '=', app.employer_id!).executeTakeFirstOrThrow();
    await enqueue(tx, { channel: 'sms', phone: await userPhone(tx, app.applicant_id), message: { template: 'applicant_filing_pending', params: [enterprise.name, matterName(app), app.acceptance_no ?? ''] } });
  });
}

/**
 * 拒绝确认: the side that was asked to confirm refuses, with a reason, and the matter ends (refused, terminal;
 * the reason on the application and in its history): the person an employer's filing awaiting them, the
 * employer a person's filing awaiting it (003 §3.2.3.7 个人注销企业确认: "企业操作同意后…"; here also the refusal).
 * The other side is told by SMS. Errors: 404; 409 application_wrong_status (not awaiting this side).
 */
export async function refuseApplication(deps: FilingDeps, user: AuthUser, actor: Actor, role: 'applicant' | 'enterprise_operator', id: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadApplicationFor(tx, user, role, id, { lock: true });
    await recordRefusal(deps, tx, app, actor, role, reason);
  });
}

/**
 * The refusal itself, in the caller's transaction on the locked `app` the caller may see as `side`: checks that
 * `side` may refuse it now (shared FILING_PATHS refusals), ends it (refused, the reason on it and in its history),
 * audits it and tells the other side by SMS — for the old employer's refusal to release a temporary constructor
 * (003 §3.2.3.9), the new employer's operators and the person. Errors: 409 application_wrong_status.
 */
export async function recordRefusal(deps: FilingDeps, tx: Tx, app: ApplicationRow, actor: Actor, side: RefusingSide, reason: string): Promise<void> {
  if (!canRefuse(pathOf(app), app.status as ApplicationStatus, side)) throw appError('application_wrong_status');
  await tx.updateTable('applications').set({ status: 'refused', refusal_reason: reason, updated_at: deps.now() }).where('id', '=', app.id).execute();
  await addEvent(tx, app.id, 'refused', actor, { note: reason });
  const enterpriseId = side === 'releasing_employer' ? app.releasing_employer_id : app.employer_id;
  await audit(tx, { actor, action: 'application.refused', objectType: 'application', objectId: app.id, enterpriseId, details: { by: side, enterpriseId } });
  if (side === 'enterprise_operator') return notifyApplicant(tx, app, 'applicant_refused', [reason]);
  const person = await tx.selectFrom('identities').select('name').where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow();
  if (side === 'releasing_employer') {
    const releasing = await tx.selectFrom('enterprises').select('name').where('id', '=', app.releasing_employer_id!).executeTakeFirstOrThrow();
    const params = [releasing.name, person.name, matterName(app), app.acceptance_no ?? '', reason];
    for (const phone of [...(await operatorPhones(tx, app.employer_id!)), await userPhone(tx, app.applicant_id)])
      await enqueue(tx, { channel: 'sms', phone, message: { template: 'release_refused', params } });
    return;
  }
  for (const phone of await operatorPhones(tx, app.employer_id!))
    await enqueue(tx, { channel: 'sms', phone, message: { template: 'employer_filing_refused', params: [person.name, matterName(app), app.acceptance_no ?? '', reason] } });
}

// ---- batch confirmation ----

/** The object a batch code is bound to: 'batch:' + SHA-256 over the sorted "id@updatedAt (ms)" of the set. */
export function batchObjectId(items: readonly BatchItem[]): string {
  const key = items
    .map((i) => `${i.id.toLowerCase()}@${Date.parse(i.updatedAt)}`)
    .sort()
    .join(',');
  return `batch:${createHash('sha256').update(key).digest('hex')}`;
}

/** Why an application of a batch cannot be signed as shown, or null when it can. */
function staleness(app: ApplicationRow, item: BatchItem): 'changed' | 'not_awaiting' | null {
  if (app.status !== 'awaiting_employer' || (!app.form_pdf && pathOf(app).applicantSigns.length > 0)) return 'not_awaiting';
  if (app.updated_at.getTime() !== Date.parse(item.updatedAt)) return 'changed';
  return null;
}

const SKIP_MESSAGES = {
  changed: '列表显示后该申请已被修改，本次未签署，请核对后单独确认',
  not_awaiting: '该申请已不在待企业确认状态，本次未签署',
  not_found: '没有找到该申请',
  failed: '签署未完成，请稍后单独确认',
} as const;

/** How the SMS names the set: every acceptance number up to ten, then "等 N 份". */
function acceptanceList(nos: string[]): string {
  return nos.length <= 10 ? nos.join('、') : `${nos.slice(0, 10).join('、')}等`;
}

/**
 * 批量确认 step 1: checks that every listed application is the acting enterprise's, awaits its signature and
 * is as the list showed it (its updatedAt), then sends one code to the operator's phone naming how many and
 * which acceptance numbers (template batch_signature_code). Errors: 404 for an application it may not see;
 * 409 batch_items_changed (fields items.N name the ones that changed: refresh the list); 429 otp limits (the
 * batch is one code of the ten a day).
 */
export async function sendBatchSignatureCode(deps: FilingDeps, user: AuthUser, actor: Actor, items: BatchItem[], requested?: string): Promise<BatchCodeSentResponse> {
  const enterpriseId = await actingEnterprise(deps.db, user, requested);
  await assertEnterpriseProfileComplete(deps.db, enterpriseId);
  const apps: ApplicationRow[] = [];
  const fields: Record<string, string> = {};
  for (const [i, item] of items.entries()) {
    const app = await loadApplicationFor(deps.db, user, 'enterprise_operator', item.id);
    // a batch is of the acting enterprise only (an operator of several picks one)
    if (app.employer_id !== enterpriseId) throw NotFound();
    const stale = staleness(app, item);
    if (stale) fields[`items.${i}`] = `受理编号${app.acceptance_no}：${SKIP_MESSAGES[stale]}`;
    apps.push(app);
  }
  if (Object.keys(fields).length) throw appError('batch_items_changed', fields);
  const nos = apps.map((a) => a.acceptance_no ?? '');
  const phone = await userPhone(deps.db, user.id);
  const sent = await issueOtp(deps, { phone, purpose: 'employer_signature', objectId: batchObjectId(items) }, (code) => ({ template: 'batch_signature_code', params: [String(nos.length), acceptanceList(nos), code] }));
  await audit(deps.db, { actor, action: 'application.batch_code_sent', objectType: 'enterprise', objectId: enterpriseId, details: { enterpriseId, count: nos.length, acceptanceNos: nos } });
  return { phoneMasked: maskPhone(phone), ...sent, count: nos.length, acceptanceNos: nos };
}

/**
 * A code presented for a set other than the one it was sent for: when the operator's latest live batch code
 * is bound to another set, the try is counted against that code (5 wrong tries kill it) and refused with 400
 * batch_set_mismatch, rather than the plain otp_expired a missing code gives.
 */
async function refuseOtherSet(deps: FilingDeps, phone: string, objectId: string): Promise<void> {
  const live = await deps.db
    .selectFrom('otp_codes')
    .select(['id', 'object_id', 'attempts'])
    .where('phone', '=', phone)
    .where('purpose', '=', 'employer_signature')
    .where('object_id', 'like', 'batch:%')
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', deps.now())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!live || live.object_id === objectId) return;
  await deps.db.updateTable('otp_codes').set({ attempts: Math.min(OTP_MAX_ATTEMPTS, live.attempts + 1) }).where('id', '=', live.id).execute();
  throw appError('batch_set_mismatch');
}

/**
 * 批量确认 step 2: with the code sent for exactly this set, signs each application as the single confirmation
 * does (employerSign: its own incremental PKCS#7 signature, status, history, audit, notification), each in its
 * own transaction with the row locked and re-checked; one that changed since the list was shown, or no longer
 * awaits the employer, is left out and reported (`skipped`), as is one whose signing failed. Why not one
 * transaction: signing costs ~0.3 s each, so one transaction would hold every row locked for the whole batch
 * and lose all on one failure; per application, a crash leaves each one signed or not (the code is spent, and
 * the ones not reached still await the employer in the list). Errors: 400 otp_invalid / otp_expired /
 * batch_set_mismatch; 429 otp_too_many_attempts.
 */
export async function confirmBatch(deps: FilingDeps, user: AuthUser, actor: Actor, items: BatchItem[], code: string, requested?: string): Promise<BatchConfirmationResult> {
  const enterpriseId = await actingEnterprise(deps.db, user, requested);
  await assertEnterpriseProfileComplete(deps.db, enterpriseId);
  const phone = await userPhone(deps.db, user.id);
  const objectId = batchObjectId(items);
  await refuseOtherSet(deps, phone, objectId);
  await consumeOtp(deps, { phone, purpose: 'employer_signature', objectId }, code);
  const batchId = randomUUID();
  const result: BatchConfirmationResult = { batchId, signed: [], skipped: [] };
  for (const item of items) {
    try {
      // the signature is made before the row's transaction (employerSignature); a row that changed since is
      // re-checked, and left out or signed again, inside it
      const pre = await loadApplicationFor(deps.db, user, 'enterprise_operator', item.id);
      const signature = pre.employer_id === enterpriseId && !staleness(pre, item) && pre.status === 'awaiting_employer' ? await employerSignature(deps, deps.db, pre) : undefined;
      const outcome = await deps.db.transaction().execute(async (tx) => {
        const app = await loadApplicationFor(tx, user, 'enterprise_operator', item.id, { lock: true });
        if (app.employer_id !== enterpriseId) throw NotFound();
        const stale = staleness(app, item);
        if (stale) return { skipped: { id: app.id, acceptanceNo: app.acceptance_no, reason: stale, message: SKIP_MESSAGES[stale] } };
        assertAwaitingEmployer(app);
        const signed = await employerSign(deps, tx, user, actor, app, { batchId, signature });
        return { signed: { id: app.id, acceptanceNo: signed.acceptanceNo, status: signed.status, signedAt: signed.signedAt } };
      });
      if (outcome.signed) result.signed.push(outcome.signed);
      else result.skipped.push(outcome.skipped!);
    } catch (e) {
      const reason = e instanceof AppError && e.code === 'not_found' ? 'not_found' : 'failed';
      if (reason === 'failed') deps.log.warn({ err: e, applicationId: item.id }, 'batch confirmation: one application not signed');
      result.skipped.push({ id: item.id, acceptanceNo: null, reason, message: e instanceof AppError && reason === 'failed' ? e.message : SKIP_MESSAGES[reason] });
    }
  }
  await audit(deps.db, {
    actor,
    action: 'application.batch_confirmed',
    objectType: 'enterprise',
    objectId: enterpriseId,
    details: { enterpriseId, batchId, signed: result.signed.map((s) => s.acceptanceNo), skipped: result.skipped.map((s) => ({ id: s.id, reason: s.reason })) },
  });
  return result;
}
