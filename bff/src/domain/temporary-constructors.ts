/**
 * Temporary constructors (临时建造师, seed 003 §3.2.3.8-11): the old employer's side of a transfer.
 *
 * The matters themselves are data (shared/src/matters.ts temporary_transfer, temporary_extension,
 * temporary_cancellation; the path in shared/src/workflow.ts FILING_PATHS.employer_alone) and run through the
 * employer's filing code (employer-filings.ts: 添加申报, 修改, 删除, 上报) and the employer's signature
 * (applications.ts employerSign). A transfer (二级临时建造师变更申报, §3.2.3.8) is filed and signed by the new
 * employer; then, §3.2.3.9 变更确认: "新单位发起二级临时建造师变更数据后，原单位登录系统在该模块找到相应数据点同意转出。
 * 最后在由省厅进行审核" — the old employer (the registration's employer when it was filed, `releasing_employer_id`)
 * agrees with its own SMS code and an incremental PDF signature (slot releasing_employer), and the application
 * goes to the authority; or it refuses with a reason and the matter ends (recordRefusal, shared with the other
 * refusals). The old employer's operators see only these transfers (policies.ts loadReleaseFor), never the new
 * employer's drafts, nor anything else through the enterprise application routes.
 */
import { applicationFormTitle, statusAfterSignatures, type ApplicationListItem, type ApplicationStatus, type Profession, type RegistrationType } from '@zhiyetong/shared';
import type { Actor, AuthUser, Deps } from '../context.js';
import type { ApplicationRow } from '../db/schema.js';
import type { Tx } from '../db/database.js';
import { appError } from '../errors.js';
import { maskPhone } from '../pii.js';
import { signingSlots } from '../pdf/signing-slots.js';
import { renderAndSign } from '../pdf/workers.js';
import { listApplications } from '../presenters/applications.js';
import { addEvent, completeMatter, notifyApplicant, userPhone } from './applications.js';
import { audit } from './audit.js';
import { authorityForEnterprise } from './authorities.js';
import { assertEnterpriseProfileComplete } from './enterprise-identity.js';
import { recordRefusal } from './employer-filings.js';
import { consumeOtp, issueOtp } from './otp.js';
import { loadReleaseFor, operatorEnterpriseId } from './policies.js';
import { queueRelay } from './relay.js';
import { routeOf } from './province.js';

type ReleaseDeps = Pick<Deps, 'db' | 'pii' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'log'>;

/** The OTP object of a release signature: apart from the new employer's code for the same application. */
const releaseObject = (app: ApplicationRow) => `release:${app.id}`;

function assertAwaitingRelease(app: ApplicationRow) {
  if (app.status !== 'awaiting_release' || !app.form_pdf) throw appError('application_wrong_status');
}

/**
 * 二级临时建造师变更确认 list (003 §3.2.3.9: 姓名, 身份证号, 注册类型, 转出单位, 转入单位, 申报时间, 申报状态): the transfers
 * of the acting enterprise's temporary constructors that their new employers signed; `awaiting` = only those
 * waiting for its release. `employerName` is the new employer (转入单位). ID numbers masked.
 */
export async function listReleases(deps: ReleaseDeps, user: AuthUser, requested: string | undefined, awaiting: boolean): Promise<ApplicationListItem[]> {
  const enterpriseId = (await operatorEnterpriseId(deps.db, user.id, requested))!;
  const statuses: ApplicationStatus[] | undefined = awaiting ? ['awaiting_release'] : undefined;
  return listApplications(deps, deps.db, { releasingEmployerId: enterpriseId, employerSigned: true, statuses });
}

/** The transfer as its old employer may see it (404 for anything else, policies.ts loadReleaseFor). */
export async function loadRelease(deps: ReleaseDeps, user: AuthUser, id: string): Promise<ApplicationRow> {
  return loadReleaseFor(deps.db, user, id);
}

/**
 * Sends the release code to the old employer's operator's own phone (the SMS names the form and its acceptance
 * number, template signature_code). Errors: 404; 409 application_wrong_status (not awaiting the release),
 * enterprise_profile_incomplete (003 §3.2.2.1); 429 otp limits.
 */
export async function sendReleaseCode(deps: ReleaseDeps, user: AuthUser, id: string) {
  const app = await loadReleaseFor(deps.db, user, id);
  assertAwaitingRelease(app);
  await assertEnterpriseProfileComplete(deps.db, app.releasing_employer_id!);
  const phone = await userPhone(deps.db, user.id);
  const sent = await issueOtp(deps, { phone, purpose: 'employer_signature', objectId: releaseObject(app) }, (code) => ({
    template: 'signature_code',
    params: [`${applicationFormTitle(app.profession as Profession, app.type as RegistrationType)}（同意转出）`, app.acceptance_no ?? '', code],
  }));
  return { phoneMasked: maskPhone(phone), ...sent };
}

/**
 * 同意转出 (003 §3.2.3.9): with a correct code, the old employer's signature (a certificate naming it and its
 * USCC) is added to the new employer's signed PDF as an incremental update, and the transfer goes to the
 * authority (the first stage of the province's route; 最后在由省厅进行审核), the person told by SMS. Errors: 404;
 * 409 application_wrong_status, enterprise_profile_incomplete; 400 otp_invalid / otp_expired; 429.
 */
export async function confirmRelease(deps: ReleaseDeps, user: AuthUser, actor: Actor, id: string, code: string) {
  const pre = await loadReleaseFor(deps.db, user, id);
  assertAwaitingRelease(pre);
  await assertEnterpriseProfileComplete(deps.db, pre.releasing_employer_id!);
  await consumeOtp(deps, { phone: await userPhone(deps.db, user.id), purpose: 'employer_signature', objectId: releaseObject(pre) }, code);
  return deps.db.transaction().execute(async (tx) => {
    const app = await loadReleaseFor(tx, user, id, { lock: true });
    assertAwaitingRelease(app);
    return releaseSign(deps, tx, user, actor, app);
  });
}

/** The old employer's signature on the locked `app` in `tx`: PDF, status, history, audit, notification, relay. */
async function releaseSign(deps: ReleaseDeps, tx: Tx, user: AuthUser, actor: Actor, app: ApplicationRow) {
  const enterprise = await tx.selectFrom('enterprises').selectAll().where('id', '=', app.releasing_employer_id!).executeTakeFirstOrThrow();
  // signed in its transaction (a release is rare), in a worker thread when a slot is free (signing-slots.ts)
  const { pdf, signedAt } = await signingSlots(async () => {
    const signedAt = deps.now();
    const pdf = await renderAndSign(
      deps,
      { kind: 'pdf', bytes: app.form_pdf! },
      { kind: 'employer', commonName: enterprise.name, organization: enterprise.name, uscc: enterprise.uscc },
      { slot: 'releasing_employer', reason: '原聘用企业意见：同意转出', signedAt, location: deps.config.authorityName },
    );
    return { pdf, signedAt };
  });
  const status = statusAfterSignatures(routeOf(deps.config, app.type));
  await tx
    .updateTable('applications')
    .set({ status, form_pdf: Buffer.from(pdf), release_signed_at: signedAt, release_signer_id: user.id, updated_at: signedAt, authority_id: await authorityForEnterprise(tx, app.employer_id), stage_entered_at: signedAt })
    .where('id', '=', app.id)
    .execute();
  await addEvent(tx, app.id, 'release_confirmed', actor);
  await audit(tx, { actor, action: 'application.release_confirmed', objectType: 'application', objectId: app.id, enterpriseId: enterprise.id, details: { enterpriseId: enterprise.id, newEmployerId: app.employer_id, bytes: pdf.length } });
  if (status === 'completed') await completeMatter(deps, tx, { ...app, status }, actor);
  else await notifyApplicant(tx, app, 'applicant_employer_signed');
  await queueRelay(deps, tx, app.id, 'employer_confirmed');
  return { acceptanceNo: app.acceptance_no ?? '', signedAt: signedAt.toISOString(), fileName: app.form_pdf_name ?? '', status };
}

/**
 * The signed form as the old employer reads it before agreeing (the new employer's signature, and its own once
 * given); the download is audited under the old employer. Errors: 404.
 */
export async function releaseFormPdf(deps: ReleaseDeps, user: AuthUser, actor: Actor, id: string): Promise<{ pdf: Uint8Array; fileName: string }> {
  const app = await loadReleaseFor(deps.db, user, id);
  if (!app.form_pdf) throw appError('not_found');
  await audit(deps.db, { actor, action: 'application.form_downloaded', objectType: 'application', objectId: app.id, enterpriseId: app.releasing_employer_id });
  return { pdf: app.form_pdf, fileName: app.form_pdf_name ?? 'application.pdf' };
}

/**
 * 不同意转出: the old employer refuses to release the person, with a reason; the transfer ends (refused), the new
 * employer's operators and the person are told by SMS (recordRefusal). Errors: 404; 409 application_wrong_status.
 */
export async function refuseRelease(deps: ReleaseDeps, user: AuthUser, actor: Actor, id: string, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const app = await loadReleaseFor(tx, user, id, { lock: true });
    await recordRefusal(deps, tx, app, actor, 'releasing_employer', reason);
  });
}
