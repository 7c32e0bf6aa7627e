/**
 * SMS one-time codes (短信验证码 / 意愿认证). Rules (issue "BFF core"):
 * - 6 random digits, stored only as HMAC-SHA-256(OTP_HASH_KEY, phone, purpose, object, code);
 * - valid 5 minutes; a new code for the same phone and purpose only after 60 s;
 * - at most 5 wrong tries per code, then it is dead; at most 10 codes per phone per Shanghai day;
 * - a code is bound to its purpose and object: a login code cannot sign, a code for application A cannot sign B.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { OtpPurpose } from '../db/schema.js';
import { appError } from '../errors.js';
import { keyedHash, sameHash } from '../pii.js';
import { startOfShanghaiDay } from '../time.js';
import type { SmsMessage } from '../adapters/sms.js';
import { enqueue } from './outbox.js';

/** The error with the seconds to wait, which the HTTP layer sends as Retry-After. */
const withRetryAfter = (err: ReturnType<typeof appError>, seconds: number) => Object.assign(err, { retryAfter: Math.max(1, Math.ceil(seconds)) });

export const OTP_TTL_SECONDS = 300;
export const OTP_RESEND_SECONDS = 60;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_DAILY_LIMIT = 10;

export interface OtpTarget {
  phone: string;
  purpose: OtpPurpose;
  /** The object the code authorises (an application id); '' for login. */
  objectId: string;
}

interface OtpDeps {
  db: Db;
  now: () => Date;
  config: { secrets: { otpHashKey: Buffer } };
}

function hashCode(key: Buffer, t: OtpTarget, code: string): Buffer {
  return keyedHash(key, t.phone, t.purpose, t.objectId, code);
}

/**
 * Creates a code and queues its SMS (built by `message(code)`) in one transaction. Returns the seconds
 * until it expires and until a resend is allowed. Errors: 429 otp_resend_too_soon (Retry-After: the seconds
 * left of the 60), otp_daily_limit (Retry-After: until midnight in Shanghai).
 */
export async function issueOtp(deps: OtpDeps, target: OtpTarget, message: (code: string) => SmsMessage): Promise<{ expiresIn: number; resendIn: number }> {
  const now = deps.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.db.transaction().execute(async (tx) => {
    // serialise code issuing per phone so the resend and daily limits hold under concurrent requests
    await sql`select pg_advisory_xact_lock(hashtext(${'otp:' + target.phone}))`.execute(tx);
    const last = await tx
      .selectFrom('otp_codes')
      .select('created_at')
      .where('phone', '=', target.phone)
      .where('purpose', '=', target.purpose)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const sinceLast = last ? now.getTime() - last.created_at.getTime() : Infinity;
    if (sinceLast < OTP_RESEND_SECONDS * 1000) throw withRetryAfter(appError('otp_resend_too_soon'), (OTP_RESEND_SECONDS * 1000 - sinceLast) / 1000);
    const today = await tx
      .selectFrom('otp_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone', '=', target.phone)
      .where('created_at', '>=', startOfShanghaiDay(now))
      .executeTakeFirstOrThrow();
    if (Number(today.n) >= OTP_DAILY_LIMIT) throw withRetryAfter(appError('otp_daily_limit'), (startOfShanghaiDay(now).getTime() + 86_400_000 - now.getTime()) / 1000);
    await tx
      .insertInto('otp_codes')
      .values({
        phone: target.phone,
        purpose: target.purpose,
        object_id: target.objectId,
        code_hash: hashCode(deps.config.secrets.otpHashKey, target, code),
        created_at: now,
        expires_at: new Date(now.getTime() + OTP_TTL_SECONDS * 1000),
      })
      .execute();
    // the SMS is dropped unsent once the code has expired (and its sealed text erased from the outbox)
    await enqueue(tx, { channel: 'sms', phone: target.phone, message: message(code) }, { expiresAt: new Date(now.getTime() + OTP_TTL_SECONDS * 1000) });
  });
  return { expiresIn: OTP_TTL_SECONDS, resendIn: OTP_RESEND_SECONDS };
}

/**
 * Checks `code` against the latest code for the target and consumes it (in its own transaction, so a
 * wrong try is counted even though the caller's command then fails). Errors: otp_invalid (wrong code),
 * otp_expired (none, used, or older than 5 minutes), otp_too_many_attempts (5 wrong tries).
 */
export async function consumeOtp(deps: OtpDeps, target: OtpTarget, code: string): Promise<void> {
  const now = deps.now();
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('otp_codes')
      .selectAll()
      .where('phone', '=', target.phone)
      .where('purpose', '=', target.purpose)
      .where('object_id', '=', target.objectId)
      .orderBy('created_at', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.consumed_at) return 'otp_expired' as const;
    if (row.attempts >= OTP_MAX_ATTEMPTS) return 'otp_too_many_attempts' as const;
    if (row.expires_at.getTime() <= now.getTime()) return 'otp_expired' as const;
    if (!sameHash(row.code_hash, hashCode(deps.config.secrets.otpHashKey, target, code))) {
      const attempts = row.attempts + 1;
      await tx.updateTable('otp_codes').set({ attempts }).where('id', '=', row.id).execute();
      return attempts >= OTP_MAX_ATTEMPTS ? ('otp_too_many_attempts' as const) : ('otp_invalid' as const);
    }
    await tx.updateTable('otp_codes').set({ consumed_at: now }).where('id', '=', row.id).execute();
    return 'ok' as const;
  });
  if (outcome !== 'ok') throw appError(outcome);
}
