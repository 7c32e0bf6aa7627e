/**
 * Relay to a province's own back office (issue 11): many provinces keep their own review system. With
 * RELAY_URL set, every application the employer confirms, and every later confirmation or return by the
 * employer, is sent there as a JSON message with the signed form PDF, and the back office reports its
 * acceptance and decisions back through a signed callback that moves the application through the same
 * stages a reviewer would (applyReviewDecision).
 *
 * Delivery: the message is queued in the outbox in the transaction of the step that caused it (nothing sent
 * for a step that rolled back, nothing lost for one that committed), built at delivery time from the
 * application (so the PDF is not copied into the outbox), and retried with backoff without ever giving up
 * (outbox.ts, channel 'relay'). The back office deduplicates by `messageId` = acceptance number + sequence
 * (also sent as Idempotency-Key), so a redelivery after a crash or a lost answer changes nothing there.
 *
 * Signatures, both directions, HMAC-SHA256 with the shared RELAY_HMAC_KEY over `${timestamp}.${body}`:
 *   X-Relay-Timestamp: <unix seconds>
 *   X-Relay-Signature: v1=<64 hex>
 * A callback whose signature is wrong or whose timestamp is more than RELAY_CALLBACK_TOLERANCE_SECONDS from
 * our clock is refused (401 relay_signature_invalid) and audited; each decision id is applied once
 * (relay_callbacks), so a duplicate callback answers 200 {duplicate: true} and changes nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PROFESSION_LABELS, REVIEW_STAGES, type Profession } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import type { Tx } from '../db/database.js';
import { appError } from '../errors.js';
import { audit } from './audit.js';
import { nextCounter } from './counters.js';
import { enqueue, type OutboxPayload, type RelayDeliverer } from './outbox.js';
import { applyReviewDecision, matterName } from './applications.js';

/** What happened to the application: the employer confirmed it (to the authority), or sent it back to the applicant. */
export type RelayEvent = 'employer_confirmed' | 'employer_returned';

type RelayOutboxMessage = Extract<OutboxPayload, { channel: 'relay' }>;

/** The JSON the back office receives (POST RELAY_URL). */
export interface RelayMessage {
  /** `${acceptanceNo}-${seq}`: the same for every redelivery of this message; also the Idempotency-Key header. */
  messageId: string;
  acceptanceNo: string;
  /** 1, 2, … per application, in the order the events happened. */
  seq: number;
  event: RelayEvent;
  occurredAt: string;
  application: {
    id: string;
    matter: string;
    matterName: string;
    profession: Profession;
    professionLabel: string;
    status: string;
    form: unknown;
    applicant: { name: string; idNumber: string };
    employer: { name: string; uscc: string } | null;
    applicantSignedAt: string | null;
    employerSignedAt: string | null;
  };
  /** The signed form (both signatures) for a confirmation; null for a return (the applicant's signature is void). */
  formPdf: { fileName: string; contentType: 'application/pdf'; base64: string } | null;
}

/** `v1=<hex>` of HMAC-SHA256(key, `${timestamp}.${body}`). */
export function relaySignature(key: Buffer, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether `signature` is the right one for (timestamp, body), compared in constant time. */
export function relaySignatureValid(key: Buffer, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(relaySignature(key, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Queues the relay of `event` for application `applicationId` in the caller's transaction, when RELAY_URL is
 * set (otherwise does nothing). Call it in the same transaction as the step it reports. `onlyIfRelayed`:
 * only when an earlier event of this application was relayed (a return matters to the back office only then).
 */
export async function queueRelay(deps: Pick<Deps, 'config' | 'now'>, tx: Tx, applicationId: string, event: RelayEvent, opts: { onlyIfRelayed?: boolean } = {}): Promise<void> {
  if (!deps.config.relay) return;
  if (opts.onlyIfRelayed) {
    const relayed = await tx.selectFrom('counters').select('value').where('name', '=', `relay:${applicationId}`).executeTakeFirst();
    if (!relayed) return;
  }
  const seq = await nextCounter(tx, `relay:${applicationId}`);
  await enqueue(tx, { channel: 'relay', applicationId, event, seq, at: deps.now().toISOString() });
}

/** Builds the message for an outbox row from the application as it is now (the PDF is not kept in the outbox). */
export async function relayMessage(deps: Pick<Deps, 'db' | 'pii'>, m: RelayOutboxMessage): Promise<RelayMessage> {
  const app = await deps.db.selectFrom('applications').selectAll().where('id', '=', m.applicationId).executeTakeFirstOrThrow();
  const identity = await deps.db.selectFrom('identities').select(['name', 'id_number_enc']).where('user_id', '=', app.applicant_id).executeTakeFirstOrThrow();
  const employer = app.employer_id ? await deps.db.selectFrom('enterprises').select(['name', 'uscc']).where('id', '=', app.employer_id).executeTakeFirst() : undefined;
  const acceptanceNo = app.acceptance_no ?? app.id;
  const profession = app.profession as Profession;
  return {
    messageId: `${acceptanceNo}-${m.seq}`,
    acceptanceNo,
    seq: m.seq,
    event: m.event,
    occurredAt: m.at,
    application: {
      id: app.id,
      matter: app.type,
      matterName: matterName(app),
      profession,
      professionLabel: PROFESSION_LABELS[profession],
      status: app.status,
      form: app.form,
      // the back office reviews the person: it gets the full ID number, over TLS, signed, and nowhere else
      applicant: { name: identity.name, idNumber: deps.pii.decrypt(identity.id_number_enc) },
      employer: employer ?? null,
      applicantSignedAt: app.applicant_signed_at?.toISOString() ?? null,
      employerSignedAt: app.employer_signed_at?.toISOString() ?? null,
    },
    formPdf: m.event === 'employer_confirmed' && app.form_pdf ? { fileName: app.form_pdf_name ?? `${acceptanceNo}.pdf`, contentType: 'application/pdf', base64: Buffer.from(app.form_pdf).toString('base64') } : null,
  };
}

/**
 * The production client: POSTs each message to RELAY_URL, signed, with a timeout. 2xx and 409 (the back
 * office already has this messageId) are delivered; anything else, a timeout or a refused connection throws,
 * so the outbox retries later.
 */
export function relayClient(deps: Pick<Deps, 'db' | 'pii' | 'config' | 'now'>): RelayDeliverer {
  return {
    async deliver(m) {
      const relay = deps.config.relay;
      if (!relay) throw new Error('RELAY_URL is not set');
      const message = await relayMessage(deps, m);
      const body = JSON.stringify(message);
      const timestamp = Math.floor(deps.now().getTime() / 1000);
      const res = await fetch(relay.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relay-timestamp': String(timestamp), 'x-relay-signature': relaySignature(relay.hmacKey, timestamp, body), 'idempotency-key': message.messageId },
        body,
        signal: AbortSignal.timeout(relay.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok && res.status !== 409) throw new Error(`the back office answered ${res.status} for ${message.messageId}`);
    },
  };
}

/** A decision the back office reports (POST /api/relay/callbacks). A failed stage needs its reason. */
export const relayCallbackSchema = z
  .strictObject({
    acceptanceNo: z.string().trim().min(1).max(40),
    /** The back office's id for this decision: each is applied once. */
    decisionId: z.string().trim().min(1).max(100),
    stage: z.enum(REVIEW_STAGES),
    outcome: z.enum(['pass', 'fail']),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .refine((c) => c.outcome === 'pass' || c.reason, { path: ['reason'], error: '不通过时请填写原因' });
export type RelayCallback = z.infer<typeof relayCallbackSchema>;

/**
 * Applies a callback from the back office: checks the signature and its timestamp on the raw body first
 * (401 relay_signature_invalid, audited, before anything is parsed), then the body (422 validation_failed),
 * finds the relayed application by acceptance number (404 otherwise), and in one transaction records the
 * decision id and applies the decision at its stage (409 review_stage_mismatch when the application is
 * elsewhere). Returns the new status, or {duplicate: true} for a decision id already applied.
 */
export async function applyRelayCallback(
  deps: Deps,
  raw: string,
  headers: { timestamp?: string; signature?: string },
  ip: string,
): Promise<{ duplicate: boolean; status: string }> {
  const relay = deps.config.relay;
  if (!relay) throw appError('not_found');
  const timestamp = Number(headers.timestamp);
  const fresh = Number.isInteger(timestamp) && Math.abs(deps.now().getTime() / 1000 - timestamp) <= relay.callbackToleranceSeconds;
  if (!fresh || !headers.signature || !relaySignatureValid(relay.hmacKey, timestamp, raw, headers.signature)) {
    await audit(deps.db, { actor: null, action: 'relay.callback_refused', objectType: 'relay', details: { ip, reason: fresh ? 'signature' : 'timestamp', bytes: raw.length } });
    throw appError('relay_signature_invalid');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw appError('invalid_json');
  }
  const parsed = relayCallbackSchema.safeParse(json);
  if (!parsed.success) throw appError('validation_failed', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || '_', i.message])));
  const c = parsed.data;
  return deps.db.transaction().execute(async (tx) => {
    const app = await tx.selectFrom('applications').selectAll().where('acceptance_no', '=', c.acceptanceNo).where('employer_signed_at', 'is not', null).forUpdate().executeTakeFirst();
    if (!app) throw appError('not_found');
    const inserted = await tx
      .insertInto('relay_callbacks')
      .values({ decision_id: c.decisionId, application_id: app.id, stage: c.stage, outcome: c.outcome })
      .onConflict((oc) => oc.column('decision_id').doNothing())
      .returning('decision_id')
      .executeTakeFirst();
    if (!inserted) return { duplicate: true, status: app.status };
    const result = await applyReviewDecision(deps, tx, app, null, { stage: c.stage, outcome: c.outcome, reason: c.reason });
    await audit(tx, { actor: null, action: 'relay.callback_applied', objectType: 'application', objectId: app.id, details: { decisionId: c.decisionId, stage: c.stage, outcome: c.outcome, ip } });
    return { duplicate: false, status: result.status };
  });
}
