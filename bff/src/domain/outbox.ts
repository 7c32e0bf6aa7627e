/**
 * Notifications through a transactional outbox: commands insert messages in their own transaction, and the
 * worker delivers them after commit, retrying with exponential backoff (5 s, 10 s, 20 s … up to 8
 * attempts), so a message is never lost with a rollback nor sent for a change that did not happen.
 *
 * Messages carry phones and one-time codes, so the row keeps them only sealed (AES-256-GCM under
 * OUTBOX_ENCRYPTION_KEY, outside the database: a dump or read access to the table reveals no code) and only
 * until they are sent, fail for good or expire (a code's SMS is not worth sending after the code's 5
 * minutes); `payload` keeps the non-secret template name. Sent and failed rows are deleted after
 * OUTBOX_RETENTION_HOURS.
 *
 * Several BFF processes on one database each run a worker (issue 14): a pass takes at most 10 due rows with
 * `FOR UPDATE SKIP LOCKED`, delivers them and marks them in the same transaction, so a row another process
 * holds is skipped and each message is delivered once (bff/test/multi-process.test.ts: 300 messages, two
 * processes polling, each once). A process that dies between the provider accepting a message and the
 * commit leaves the row unmarked: the other process sends it again (at least once; at most the dead
 * process's batch of 10 twice; measured 0-3 of 400 when SIGKILLed mid-delivery).
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { databaseContext, type Db, type DbOrTx } from '../db/database.js';
import { SecretBox } from '../pii.js';
import type { SmsMessage, SmsProvider } from '../adapters/sms.js';
import type { WechatClient } from '../adapters/wechat.js';
import type { RelayEvent } from './relay.js';

export type OutboxPayload =
  | { channel: 'sms'; phone: string; message: SmsMessage }
  | { channel: 'wechat_subscribe'; openid: string; templateId: string; page: string; data: Record<string, string> }
  | { channel: 'relay'; applicationId: string; event: RelayEvent; seq: number; at: string };

/** Delivers a relay message to the province's back office (bff/src/domain/relay.ts); throws to retry. */
export interface RelayDeliverer {
  deliver(message: Extract<OutboxPayload, { channel: 'relay' }>): Promise<void>;
}

export const MAX_ATTEMPTS = 8;
/**
 * Relay messages are never given up: a back office that is down for a day gets every message when it is back.
 * Their retries back off like the others' but wait at most this long.
 */
const RELAY_MAX_DELAY_MS = 15 * 60_000;
/** How often sent and failed rows older than the retention are deleted. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Queues `payload` in the caller's transaction, sealed with the outbox key of the database `db` belongs to.
 * `opts.expiresAt`: after it the message is dropped unsent (a one-time code's expiry).
 */
export async function enqueue(db: DbOrTx, payload: OutboxPayload, opts: { expiresAt?: Date } = {}): Promise<void> {
  const sealer = databaseContext(db).outboxSealer;
  if (!sealer) throw new Error('the outbox key is not set (OutboxWorker not created for this database)');
  const { channel, ...rest } = payload;
  const visible = payload.channel === 'sms' ? { template: payload.message.template } : payload.channel === 'relay' ? { event: payload.event, seq: payload.seq } : { templateId: payload.templateId };
  await db
    .insertInto('outbox')
    .values({ channel, payload: JSON.stringify(visible), payload_enc: sealer.encrypt(JSON.stringify(rest)), expires_at: opts.expiresAt ?? null })
    .execute();
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Every delivery pass runs after the previous one: a pass never skips rows another pass holds. */
  private passes: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private readonly box: SecretBox;
  /** The first retry's delay; each later one doubles it (OUTBOX_RETRY_BASE_MS, 5 s by default). */
  private readonly retryBaseMs: number;

  /** Sets the outbox key (config.secrets.outboxEncryptionKey) for `deps.db`, so `enqueue` can seal messages. */
  constructor(
    private readonly deps: {
      db: Db;
      sms: SmsProvider;
      wechat: WechatClient | null;
      relay?: RelayDeliverer | null;
      log: Logger;
      now?: () => Date;
      config: { secrets: { outboxEncryptionKey: Buffer }; outboxRetentionHours?: number; outboxRetryBaseMs?: number };
    },
    private readonly pollMs: number,
  ) {
    this.box = new SecretBox(deps.config.secrets.outboxEncryptionKey);
    this.retryBaseMs = deps.config.outboxRetryBaseMs ?? 5000;
    databaseContext(deps.db).outboxSealer = this.box;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Deliver now (after a commit that enqueued something urgent, such as a one-time code). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.passes;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .then(() => undefined)
        .catch((e) => this.deps.log.error({ err: e }, 'outbox drain failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule(this.again ? 0 : this.pollMs);
          this.again = false;
        });
    }, ms);
    this.timer.unref();
  }

  /** Delivers due messages until none is left (after any delivery already under way); returns how many were sent. */
  drain(): Promise<number> {
    return this.pass();
  }

  /**
   * Deletes sent and failed rows older than OUTBOX_RETENTION_HOURS (their message is already erased); the
   * worker runs it every 10 minutes. Returns how many rows went.
   */
  async purge(): Promise<number> {
    this.lastPurge = Date.now();
    const hours = this.deps.config.outboxRetentionHours ?? 168;
    const cutoff = new Date((this.deps.now?.() ?? new Date()).getTime() - hours * 3600_000);
    const res = await this.deps.db
      .deleteFrom('outbox')
      .where((eb) => eb.or([eb('sent_at', '<=', cutoff), eb('failed_at', '<=', cutoff)]))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private pass(): Promise<number> {
    const run = this.passes.then(async () => {
      const sent = await this.deliverDue();
      if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) await this.purge();
      return sent;
    });
    this.passes = run.catch(() => undefined);
    return run;
  }

  private async deliverDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.deps.db.transaction().execute(async (tx) => {
        const rows = await tx
          .selectFrom('outbox')
          .selectAll()
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('next_attempt_at', '<=', new Date())
          .orderBy('id')
          .limit(10)
          .forUpdate()
          .skipLocked()
          .execute();
        for (const row of rows) {
          // the message is erased (payload_enc null, payload only the template name) once sent, failed or expired
          const erased = { payload_enc: null, payload: JSON.stringify(this.visible(row.channel, row.payload)) };
          if (row.expires_at && row.expires_at.getTime() <= (this.deps.now?.() ?? new Date()).getTime()) {
            await tx.updateTable('outbox').set({ ...erased, failed_at: new Date(), last_error: 'expired before delivery' }).where('id', '=', row.id).execute();
            continue;
          }
          try {
            await this.deliver(this.open(row));
            await tx.updateTable('outbox').set({ ...erased, sent_at: new Date(), attempts: row.attempts + 1, last_error: null }).where('id', '=', row.id).execute();
            sent++;
          } catch (e) {
            const attempts = row.attempts + 1;
            const relay = row.channel === 'relay';
            const delayMs = Math.min(this.retryBaseMs * 2 ** Math.min(attempts - 1, 20), relay ? RELAY_MAX_DELAY_MS : Infinity);
            const givesUp = attempts >= MAX_ATTEMPTS && !relay;
            this.deps.log.warn({ outboxId: row.id, channel: row.channel, attempts, error: String(e) }, 'outbox delivery failed');
            await tx
              .updateTable('outbox')
              .set({
                attempts,
                last_error: String(e).slice(0, 500),
                next_attempt_at: sql`now() + ${`${delayMs} milliseconds`}::interval`,
                failed_at: givesUp ? new Date() : null,
                ...(givesUp ? erased : {}),
              })
              .where('id', '=', row.id)
              .execute();
          }
        }
        return rows.length;
      });
      if (batch < 10) return sent;
    }
  }

  /** The message of a row: sealed (payload_enc), or the plain payload of a row queued before migration 0004. */
  private open(row: { channel: OutboxPayload['channel']; payload: unknown; payload_enc: Buffer | null }): OutboxPayload {
    const rest = row.payload_enc ? JSON.parse(this.box.decrypt(row.payload_enc)) : row.payload;
    return { channel: row.channel, ...(rest as object) } as OutboxPayload;
  }

  /** What stays in `payload` once the message is erased: the template, nothing personal. */
  private visible(channel: OutboxPayload['channel'], payload: unknown): Record<string, unknown> {
    const p = (payload ?? {}) as { template?: string; templateId?: string; message?: { template?: string } };
    if (channel === 'relay') {
      const r = (payload ?? {}) as { event?: string; seq?: number };
      return { event: r.event ?? null, seq: r.seq ?? null };
    }
    return channel === 'sms' ? { template: p.template ?? p.message?.template ?? null } : { templateId: p.templateId ?? null };
  }

  private async deliver(p: OutboxPayload): Promise<void> {
    if (p.channel === 'sms') return this.deps.sms.send(p.phone, p.message);
    if (p.channel === 'relay') {
      if (!this.deps.relay) throw new Error('the relay is not configured (RELAY_URL)');
      return this.deps.relay.deliver(p);
    }
    if (!this.deps.wechat) throw new Error('WeChat is not configured');
    return this.deps.wechat.sendSubscribeMessage(p);
  }
}
