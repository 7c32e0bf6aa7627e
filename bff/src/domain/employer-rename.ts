/**
 * 聘用企业名称变更 (employer name change, seed 000 §6; catalogue `employer_rename`; 004: 经工商数据比对后办结).
 *
 * The enterprise operator asks for the enterprise's new registered name. It is accepted only when the
 * business registry (bff/src/adapters/enterprise-registry.ts) answers, for the enterprise's USCC, an
 * active enterprise with that name (422 registry_mismatch, 422 enterprise_inactive, 503
 * registry_unavailable otherwise; nothing changes). Then ONE batch: the enterprise's name changes, every
 * registration with that employer (status registered) shows the new name through `writeRegister` (matter
 * `employer_rename`, the batch id), which records its registration event and issues a new certificate
 * version to claim (the old one then verifies as superseded), and each holder gets the SMS
 * holder_certificate_reissued through the outbox.
 *
 * How the batch is atomic and idempotent, and why not one transaction. Signing a certificate PDF takes
 * about 100 ms (a whole step measured 0.29 s on this busy 2-core machine: 40 registrations in 11.6 s,
 * scripts/bench-employer-rename.ts), so an enterprise with 1,000 registrations needs 100 s to 5 min. One transaction
 * would hold the row locks of all 1,000 registrations (and block every matter of those people) for those
 * 100 s, keep 1,000 PDFs of WAL pending, outlive any HTTP request, and throw every signature away on a crash
 * at the 999th. Instead:
 *  1. The request transaction (the enterprise row locked) inserts the batch row (status running, old and
 *     new name, 受理编号) and renames the enterprise, with its audit entry. From this commit on the request
 *     is durable, new registrations of the enterprise already get the new name, and at most one batch of an
 *     enterprise runs (unique partial index on enterprise_id where status = 'running').
 *  2. Each registration is one step, in its own transaction: the registration row is locked, the step
 *     row (batch_id, registration_id) is looked up, and when absent the register is written (row,
 *     specialties, event, audit, certificate version), the holder's SMS is queued and the step row is
 *     inserted. The certificate version's PDF is signed BEFORE the step's transaction (prepareStep, in the
 *     PDF worker threads, up to PDF_WORKERS steps ahead of the one committing, as the approval does, issue
 *     14) and stored when its fingerprint matches the version the step inserts; otherwise (the registration
 *     changed in between, the day changed) it is signed again inside, as before: the lock is held only for
 *     the writes. The step is atomic for the register: a crash inside it rolls all of it back, the
 *     certificate and the SMS included; after it commits, nothing of it is ever done again (the primary
 *     key, and the row lock taken before the check, also serialise two runners of one batch).
 *  3. When no registration of the enterprise is left without the new name, the batch becomes completed
 *     (the enterprise row locked first, so a registration being inserted for the enterprise is waited
 *     for and then renamed too).
 * A retry after a crash half-way (the runner's own retries after a failed attempt, the operator posting
 * the same name again, or the next server start, which resumes every running batch) runs the SAME batch
 * from step 2: the done registrations are skipped, so each registration gets exactly one new version and
 * its holder exactly one SMS. While a batch runs, a registration not reached yet still shows the old name
 * on its register entry and on its certificate (consistent with each other); the list shows the batch as
 * 进行中 until every registration is done.
 *
 * Known gap: completing an initial registration (or a change of employer) reads the enterprise's name
 * without a lock (applications.ts completeMatter). A matter that read the old name just before the rename
 * committed and inserts its registration after step 3 has run keeps the old name. Reading that row
 * `FOR SHARE` there would close it (the rename's UPDATE and the matter then wait for each other).
 *
 * Test-only fault injection: `deps.faults.employerRenameStep(n, registrationId)` runs inside step n's
 * transaction after its writes; a throw aborts that transaction as a crash would. Deps.faults is set by no
 * setting or environment variable, only by test code holding the Deps object, and is refused under
 * NODE_ENV=production.
 */
import { randomUUID } from 'node:crypto';
import { certificateSpecialties, PROFESSION_LABELS, type EmployerRenameBatchView, type Profession, type RegisterState } from '@zhiyetong/shared';
import { sql } from 'kysely';
import type { Actor, Deps } from '../context.js';
import type { DbOrTx } from '../db/database.js';
import type { Selectable } from 'kysely';
import type { EmployerRenameBatchesTable } from '../db/schema.js';
import { EnterpriseRegistryUnavailable, type EnterpriseRecord } from '../adapters/enterprise-registry.js';
import { AppError, appError } from '../errors.js';
import { PDF_WORKERS } from '../pdf/workers.js';
import { shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { nextCounter } from './counters.js';
import { enqueue } from './outbox.js';
import { prepareCertificate, type PreparedCertificate } from './certificates.js';
import { issuesCertificate, registrationById, writeRegister, type LoadedRegistration } from './register.js';
import { presentRenameBatch } from '../presenters/employer-rename.js';

export type RenameDeps = Pick<Deps, 'db' | 'now' | 'config' | 'ca' | 'certificateTokens' | 'pii' | 'log' | 'enterpriseRegistry' | 'faults'>;
type BatchRow = Selectable<EmployerRenameBatchesTable>;

/** Names compared as the registry prints them: NFKC (full-width brackets and letters), no white space. */
export function sameEnterpriseName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
  return norm(a) === norm(b);
}

/**
 * Asks the registry to confirm `newName` for the enterprise's USCC. Returns the registry's record (its
 * spelling of the name is the one stored). Errors: 503 registry_unavailable; 422 registry_mismatch (no such
 * code, or another name; the message names the registered one); 422 enterprise_inactive.
 */
export async function confirmWithRegistry(deps: Pick<Deps, 'enterpriseRegistry' | 'log'>, uscc: string, newName: string): Promise<EnterpriseRecord> {
  let record: EnterpriseRecord | null;
  try {
    record = await deps.enterpriseRegistry.lookup(uscc);
  } catch (e) {
    if (e instanceof EnterpriseRegistryUnavailable) {
      deps.log.warn({ err: e.message }, 'enterprise registry unavailable');
      throw appError('registry_unavailable');
    }
    throw e;
  }
  if (!record) throw appError('registry_mismatch', { newName: '工商登记中未找到本企业的统一社会信用代码' }, '工商登记中未找到本企业的统一社会信用代码，请联系注册机构核实');
  if (record.status !== 'active') throw appError('enterprise_inactive');
  if (!sameEnterpriseName(record.name, newName))
    throw appError('registry_mismatch', { newName: `工商登记的企业名称为“${record.name}”` }, `企业名称与工商登记信息不一致：工商登记的企业名称为“${record.name}”，请先完成工商变更登记或核对名称`);
  return record;
}

/**
 * POST /api/enterprise/renames: the operator's enterprise `enterpriseId` is renamed to `newName` (trimmed,
 * 2-100 characters, validated by the route). Returns the batch and whether this call created it:
 *  - a batch of the enterprise is running with this name: that batch (resumed in this process if it is
 *    not running here, e.g. after a crash); with another name: 409 rename_in_progress;
 *  - the enterprise already has this name: the latest batch that gave it (a retry after completion), else
 *    422 validation_failed {newName: 与现名称相同};
 *  - otherwise the registry must confirm the name (confirmWithRegistry's errors), another enterprise on the
 *    platform must not have it (409 enterprise_name_taken), and a new batch starts in the background.
 */
export async function requestEmployerRename(deps: RenameDeps, actor: Actor, enterpriseId: string, newName: string): Promise<{ batch: EmployerRenameBatchView; created: boolean }> {
  const enterprise = await deps.db.selectFrom('enterprises').selectAll().where('id', '=', enterpriseId).executeTakeFirstOrThrow();
  const existing = await existingOutcome(deps.db, enterprise, newName);
  if (existing) return resumed(deps, existing);
  const record = await confirmWithRegistry(deps, enterprise.uscc, newName);
  const checkedAt = deps.now();
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const locked = await tx.selectFrom('enterprises').selectAll().where('id', '=', enterpriseId).forUpdate().executeTakeFirstOrThrow();
    // a concurrent request may have created (or finished) the batch meanwhile
    const again = await existingOutcome(tx, locked, record.name);
    if (again) return { batch: again, created: false };
    const taken = await tx.selectFrom('enterprises').select('id').where('name', '=', record.name).where('id', '<>', enterpriseId).executeTakeFirst();
    if (taken) throw appError('enterprise_name_taken');
    const day = shanghaiDate(deps.now()).replaceAll('-', '');
    const seq = await nextCounter(tx, `acceptance:${day}`);
    const batch = await tx
      .insertInto('employer_rename_batches')
      .values({
        enterprise_id: enterpriseId,
        acceptance_no: `W${day}${String(seq).padStart(5, '0')}`,
        old_name: locked.name,
        new_name: record.name,
        status: 'running',
        registry_checked_at: checkedAt,
        requested_by: actor.id,
        requested_at: deps.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.updateTable('enterprises').set({ name: record.name }).where('id', '=', enterpriseId).execute();
    await audit(tx, { actor, action: 'enterprise.renamed', objectType: 'enterprise', objectId: enterpriseId, details: { batchId: batch.id, acceptanceNo: batch.acceptance_no, oldName: locked.name, newName: record.name } });
    return { batch, created: true };
  });
  if (!outcome.created) return resumed(deps, outcome.batch);
  startEmployerRename(deps, outcome.batch.id);
  return { batch: await presentRenameBatch(deps.db, outcome.batch), created: true };
}

async function resumed(deps: RenameDeps, batch: BatchRow) {
  if (batch.status === 'running') startEmployerRename(deps, batch.id);
  return { batch: await presentRenameBatch(deps.db, batch), created: false };
}

/** The batch a request for `newName` is a retry of, or a refusal; null when a new batch is due. */
async function existingOutcome(db: DbOrTx, enterprise: { id: string; name: string }, newName: string): Promise<BatchRow | null> {
  const running = await db.selectFrom('employer_rename_batches').selectAll().where('enterprise_id', '=', enterprise.id).where('status', '=', 'running').executeTakeFirst();
  if (running) {
    if (sameEnterpriseName(running.new_name, newName)) return running;
    throw appError('rename_in_progress');
  }
  if (sameEnterpriseName(enterprise.name, newName)) {
    const last = await db
      .selectFrom('employer_rename_batches')
      .selectAll()
      .where('enterprise_id', '=', enterprise.id)
      .where('new_name', '=', enterprise.name)
      .orderBy('requested_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last) return last;
    throw appError('validation_failed', { newName: '新名称与企业现名称相同' });
  }
  return null;
}

/** GET /api/enterprise/renames: the enterprise's batches, newest first (000 figure 61). */
export async function listEmployerRenames(deps: Pick<Deps, 'db'>, enterpriseId: string): Promise<EmployerRenameBatchView[]> {
  const rows = await deps.db.selectFrom('employer_rename_batches').selectAll().where('enterprise_id', '=', enterpriseId).orderBy('requested_at', 'desc').execute();
  return Promise.all(rows.map((r) => presentRenameBatch(deps.db, r)));
}

// ---- the runner ----

/** Batches being run by this process, per database (one Deps per server), and whether it is stopping. */
const runners = new WeakMap<object, { batches: Map<string, { done: Promise<void>; wake: () => void }>; stopping: boolean }>();

function runnerOf(deps: Pick<Deps, 'db'>) {
  let r = runners.get(deps.db);
  if (!r) runners.set(deps.db, (r = { batches: new Map(), stopping: false }));
  return r;
}

/** Waits between attempts after a failure: 1 s, 2 s, 4 s … at most 60 s; then the batch waits for a request or a start. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000];

/**
 * Runs batch `batchId` to completion in the background, once per process: a second call while it runs
 * returns the same promise and cuts a wait between attempts short (the operator asking again). A failed
 * attempt (a database error, a crash injected by a test) is logged and retried after RETRY_DELAYS_MS; each
 * attempt resumes where the committed steps left off. After the last attempt the batch stays running until
 * the next request for the same name or the next start.
 */
export function startEmployerRename(deps: RenameDeps, batchId: string): Promise<void> {
  const r = runnerOf(deps);
  const current = r.batches.get(batchId);
  if (current) {
    current.wake();
    return current.done;
  }
  if (r.stopping) return Promise.resolve();
  const entry = { done: Promise.resolve(), wake: () => {} };
  entry.done = (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        await runBatch(deps, batchId);
        return;
      } catch (e) {
        deps.log.error({ err: e, batchId, attempt }, 'employer rename batch interrupted; it resumes from its last committed registration');
        if (r.stopping || attempt >= RETRY_DELAYS_MS.length) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_DELAYS_MS[attempt]);
          timer.unref();
          entry.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        entry.wake = () => {};
        if (r.stopping) return;
      }
    }
  })().finally(() => r.batches.delete(batchId));
  r.batches.set(batchId, entry);
  return entry.done;
}

/** At start: resumes every batch a crash left running (in the background). */
export function resumeEmployerRenames(deps: RenameDeps): void {
  deps.db
    .selectFrom('employer_rename_batches')
    .select('id')
    .where('status', '=', 'running')
    .execute()
    .then((rows) => rows.forEach((b) => void startEmployerRename(deps, b.id)))
    .catch((e) => deps.log.error({ err: e }, 'could not look for running employer rename batches'));
}

/** On shutdown: no new step or attempt starts; waits for the step under way. The batch stays running and resumes on the next start. */
export async function stopEmployerRenames(deps: Pick<Deps, 'db'>): Promise<void> {
  const r = runnerOf(deps);
  r.stopping = true;
  for (const entry of r.batches.values()) entry.wake();
  await Promise.allSettled([...r.batches.values()].map((e) => e.done));
}

/** Resolves when this process runs no batch (tests; a batch waiting between attempts counts as running). */
export async function employerRenamesIdle(deps: Pick<Deps, 'db'>): Promise<void> {
  await Promise.allSettled([...runnerOf(deps).batches.values()].map((e) => e.done));
}

/** Registrations of the enterprise still to rename in `batch`: registered, another name, no step yet. */
function pending(db: DbOrTx, batch: BatchRow) {
  return db
    .selectFrom('registrations')
    .select('registrations.id')
    .where('registrations.employer_id', '=', batch.enterprise_id)
    .where('registrations.status', '=', 'registered')
    .where('registrations.employer_name', '<>', batch.new_name)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('employer_rename_steps').select(sql.lit(1).as('one')).where('employer_rename_steps.batch_id', '=', batch.id).whereRef('employer_rename_steps.registration_id', '=', 'registrations.id'))),
    );
}

async function runBatch(deps: RenameDeps, batchId: string): Promise<void> {
  const r = runnerOf(deps);
  const started = performance.now();
  for (let pass = 0; pass < 10; pass++) {
    const batch = await deps.db.selectFrom('employer_rename_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!batch || batch.status === 'completed') return;
    const todo = await pending(deps.db, batch).orderBy('registrations.created_at').orderBy('registrations.id').execute();
    // the certificates are signed ahead, PDF_WORKERS steps at most, while the steps commit one by one in order
    const prepared: Promise<PreparedCertificate | undefined>[] = [];
    const prepare = (i: number) => {
      if (i < todo.length && !prepared[i]) {
        prepared[i] = prepareStep(deps, batch, todo[i].id);
        prepared[i].catch(() => undefined); // a step not reached (stopping, an attempt that failed) is not awaited
      }
    };
    for (let i = 0; i < todo.length; i++) {
      if (r.stopping) return;
      for (let k = i; k < i + PDF_WORKERS; k++) prepare(k);
      const certificate = await prepared[i].catch((e: unknown) => {
        if (!(e instanceof AppError)) deps.log.warn({ err: e, batchId, registrationId: todo[i].id }, 'signing before the rename step failed; signed in its transaction');
        return undefined;
      });
      await renameRegistration(deps, batch, todo[i].id, certificate);
    }
    if (await tryComplete(deps, batch)) {
      deps.log.info({ batchId, ms: Math.round(performance.now() - started) }, 'employer rename batch completed');
      return;
    }
  }
  deps.log.warn({ batchId }, 'employer rename batch still has registrations after 10 passes; it resumes on the next request or start');
}

/** Whether `reg` is still to be renamed by `batch` (it may have changed since it was listed: cancelled, another employer, a matter that already renamed it). */
function toRename(reg: LoadedRegistration, batch: BatchRow): reg is LoadedRegistration & { state: { employer: NonNullable<RegisterState['employer']> } } {
  return reg.row.employer_id === batch.enterprise_id && reg.row.status === 'registered' && reg.row.employer_name !== batch.new_name && !!reg.state.employer;
}

/** The register content of `reg` after the rename. */
const renamed = (reg: LoadedRegistration & { state: { employer: NonNullable<RegisterState['employer']> } }, batch: BatchRow): RegisterState => ({ ...reg.state, employer: { ...reg.state.employer, name: batch.new_name } });

/**
 * The certificate version the step of `registrationId` would issue, rendered and signed now, before its
 * transaction (as the approval's, applications.ts prepareCompletion): reads without a lock, nothing written.
 * Undefined when the step would issue none (already renamed, no electronic certificate). The step's
 * transaction uses it only when the version it inserts has the same fingerprint (issueCertificateVersion), else
 * it signs again inside; so the step stays atomic and right, and the lock is held only for its writes.
 */
async function prepareStep(deps: RenameDeps, batch: BatchRow, registrationId: string): Promise<PreparedCertificate | undefined> {
  const reg = await registrationById(deps.db, registrationId);
  if (!reg || !toRename(reg, batch)) return undefined;
  const after = renamed(reg, batch);
  if (!issuesCertificate(reg, after)) return undefined;
  const previous = await deps.db.selectFrom('certificates').select('version').where('registration_id', '=', reg.row.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return prepareCertificate(
    deps,
    {
      id: randomUUID(),
      registration_no: after.registrationNo,
      profession: after.profession,
      holder_name: after.holderName,
      gender: reg.row.gender,
      employer_name: after.employer?.name ?? '',
      specialties: certificateSpecialties(after),
      issue_date: shanghaiDate(deps.now()),
      authority_name: deps.config.authorityName,
      version: (previous?.version ?? 0) + 1,
    },
    reg.row,
  );
}

/**
 * One step: renames registration `registrationId` in `batch` unless already done (see the module's
 * docstring), with `certificate` its new version's first copy signed before (prepareStep), used if it matches.
 * Returns whether it changed the register.
 */
async function renameRegistration(deps: RenameDeps, batch: BatchRow, registrationId: string, certificate?: PreparedCertificate): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const reg = await registrationById(tx, registrationId, { lock: true });
    if (!reg) return false;
    const done = await tx.selectFrom('employer_rename_steps').select('registration_id').where('batch_id', '=', batch.id).where('registration_id', '=', registrationId).executeTakeFirst();
    if (done) return false;
    if (!toRename(reg, batch)) return false;
    const actor: Actor | null = batch.requested_by ? { id: batch.requested_by, role: 'enterprise_operator' } : null;
    const written = await writeRegister(deps, tx, reg, renamed(reg, batch), { matter: 'employer_rename', batchId: batch.id, actor }, { certificate });
    let notified = false;
    if (written.certificateId && reg.row.holder_id) {
      const holder = await tx.selectFrom('users').select('phone').where('id', '=', reg.row.holder_id).executeTakeFirst();
      if (holder) {
        await enqueue(tx, { channel: 'sms', phone: holder.phone, message: { template: 'holder_certificate_reissued', params: [PROFESSION_LABELS[reg.row.profession as Profession], reg.row.registration_no, `聘用企业名称变更为“${batch.new_name}”`] } });
        notified = true;
      }
    }
    await tx.insertInto('employer_rename_steps').values({ batch_id: batch.id, registration_id: registrationId, certificate_id: written.certificateId, notified, done_at: deps.now() }).execute();
    const hook = deps.faults?.employerRenameStep;
    if (hook) {
      if (deps.config.env === 'production') throw new Error('fault injection refuses NODE_ENV=production');
      const { n } = await tx.selectFrom('employer_rename_steps').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', batch.id).executeTakeFirstOrThrow();
      await hook(Number(n), registrationId);
    }
    return true;
  });
}

/**
 * Completes `batch` when no registration is left to rename. The enterprise row is locked first: a
 * transaction inserting a registration for the enterprise holds a key-share lock on it, so this waits for
 * it to commit and then sees that registration (and renames it in another pass).
 */
async function tryComplete(deps: RenameDeps, batch: BatchRow): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    await tx.selectFrom('enterprises').select('id').where('id', '=', batch.enterprise_id).forUpdate().executeTakeFirstOrThrow();
    const locked = await tx.selectFrom('employer_rename_batches').selectAll().where('id', '=', batch.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status === 'completed') return true;
    const left = await pending(tx, batch).limit(1).executeTakeFirst();
    if (left) return false;
    const counts = await tx
      .selectFrom('employer_rename_steps')
      .select((eb) => [eb.fn.countAll<number>().as('registrations'), eb.fn.count<number>('certificate_id').as('certificates')])
      .where('batch_id', '=', batch.id)
      .executeTakeFirstOrThrow();
    await tx.updateTable('employer_rename_batches').set({ status: 'completed', completed_at: deps.now() }).where('id', '=', batch.id).execute();
    await audit(tx, {
      actor: null,
      action: 'enterprise.rename_completed',
      objectType: 'enterprise',
      objectId: batch.enterprise_id,
      details: { batchId: batch.id, acceptanceNo: batch.acceptance_no, registrations: Number(counts.registrations), certificates: Number(counts.certificates) },
    });
    return true;
  });
}
