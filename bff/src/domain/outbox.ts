/**
 * Notifications through a transactional outbox: commands insert messages in their own transaction, and the
 * worker delivers them after commit, retrying with exponential backoff (5 s, 10 s, 20 s … up to 8
 * attempts), so a message is never lost with a rollback nor sent for a change that did not happen.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../db/database.js';
import type { SmsMessage, SmsProvider } from '../adapters/sms.js';
import type { WechatClient } from '../adapters/wechat.js';

export type OutboxPayload =
  | { channel: 'sms'; phone: string; message: SmsMessage }
  | { channel: 'wechat_subscribe'; openid: string; templateId: string; page: string; data: Record<string, string> };

export const MAX_ATTEMPTS = 8;

export async function enqueue(db: DbOrTx, payload: OutboxPayload): Promise<void> {
  const { channel, ...rest } = payload;
  await db.insertInto('outbox').values({ channel, payload: JSON.stringify(rest) }).execute();
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Every delivery pass runs after the previous one: a pass never skips rows another pass holds. */
  private passes: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; sms: SmsProvider; wechat: WechatClient | null; log: Logger },
    private readonly pollMs: number,
  ) {}

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

  private pass(): Promise<number> {
    const run = this.passes.then(() => this.deliverDue());
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
          try {
            await this.deliver({ channel: row.channel, ...(row.payload as object) } as OutboxPayload);
            await tx.updateTable('outbox').set({ sent_at: new Date(), attempts: row.attempts + 1, last_error: null }).where('id', '=', row.id).execute();
            sent++;
          } catch (e) {
            const attempts = row.attempts + 1;
            const delayMs = 5000 * 2 ** (attempts - 1);
            this.deps.log.warn({ outboxId: row.id, channel: row.channel, attempts, error: String(e) }, 'outbox delivery failed');
            await tx
              .updateTable('outbox')
              .set({
                attempts,
                last_error: String(e).slice(0, 500),
                next_attempt_at: sql`now() + ${`${delayMs} milliseconds`}::interval`,
                failed_at: attempts >= MAX_ATTEMPTS ? new Date() : null,
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

  private async deliver(p: OutboxPayload): Promise<void> {
    if (p.channel === 'sms') return this.deps.sms.send(p.phone, p.message);
    if (!this.deps.wechat) throw new Error('WeChat is not configured');
    return this.deps.wechat.sendSubscribeMessage(p);
  }
}
