/**
 * The certificate columns a QR scan shows, kept in each process for the certificates scanned lately (issue 14:
 * a scan must be the cheapest thing the server does, and a tender season scans the same certificates again
 * and again), and kept true across processes by PostgreSQL itself: the trigger of migration 0021 sends
 * `NOTIFY certificate_changed, '<id> <registration_no>#<version>'` for every update or delete of a certificate
 * row, and every process LISTENs on its own connection and forgets that row under both keys (legacy QR tokens
 * name the id, claims tokens the registration number and version: certificateKey).
 *
 * Why this cannot serve a stale answer for longer than a notification takes to arrive:
 * - PostgreSQL delivers a notification after the sending transaction commits; a read that began before that
 *   commit may return the old row, so a row is stored only when no notification arrived while it was read
 *   (`epoch`, counted per notification);
 * - while the listening connection is down (database restart, network), notifications are lost: the cache is
 *   emptied and bypassed until LISTEN is in place again, and emptied once more when it is;
 * - entries also expire after `ttlMs` (default 60 s), so a lost notification heals by itself.
 * Revocation, renewal, cancellation and an employer rename all update the row, so a scan on any process shows
 * them as soon as that process has the notification (the multi-process test measures it).
 *
 * Read-your-writes in the process that made the change: a notification reaches even the sending process only
 * after a round trip, so a scan answered right after the revocation's 200 could still come from memory. `fence()`
 * closes that gap: it sends a notification of its own on the listening connection after the change has committed,
 * and PostgreSQL delivers notifications in commit order, so once the fence is back every earlier change has been
 * applied. The app calls it after every successful state-changing request (app.ts). Changes made by background
 * work (an employer rename's batch) or by another process are seen when their notification arrives.
 */
import pg from 'pg';
import type { Logger } from 'pino';

export const CERTIFICATE_CHANNEL = 'certificate_changed';
/** The payload prefix of a fence's own notification (never a certificate key). */
const FENCE_PREFIX = 'fence:';

/** The cache key of a certificate version named by a claims token (the trigger's second key). */
export const certificateKey = (registrationNo: string, version: number) => `${registrationNo}#${version}`;

export interface CertificateCacheOptions {
  /** PostgreSQL connection string (a dedicated connection: LISTEN needs one that stays open). */
  url: string;
  log: Logger;
  /** Entries kept (least recently stored dropped first); default 20,000 (a few MB). */
  maxEntries?: number;
  /** How long an entry is trusted at most, in ms; default 60,000. */
  ttlMs?: number;
}

export class CertificateRowCache<Row> {
  private readonly rows = new Map<string, { row: Row; at: number }>();
  private epoch = 0;
  private listening = false;
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly fences = new Map<string, () => void>();
  private fenceSeq = 0;

  constructor(private readonly opts: CertificateCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 20_000;
    this.ttlMs = opts.ttlMs ?? 60_000;
  }

  /** Connects and LISTENs; never throws (without a listener the cache is bypassed and retried every 5 s). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.rows.clear();
      this.opts.log.warn({ event: 'certificate_cache.listener_lost', why }, 'certificate cache bypassed: listener connection lost');
      client.end().catch(() => {});
      this.scheduleRetry();
    };
    client.on('error', (e) => lost(e.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (msg) => {
      if (msg.channel !== CERTIFICATE_CHANNEL) return;
      const fence = this.fences.get(msg.payload ?? '');
      if (fence) return fence();
      if (msg.payload?.startsWith(FENCE_PREFIX)) return; // another process's fence: no row changed
      this.epoch++;
      for (const key of (msg.payload ?? '').split(' ')) this.rows.delete(key);
    });
    try {
      this.client = client;
      await client.connect();
      await client.query(`LISTEN ${CERTIFICATE_CHANNEL}`);
      if (this.client !== client) return;
      // notifications sent while nobody listened are lost: start empty
      this.rows.clear();
      this.epoch++;
      this.listening = true;
    } catch (e) {
      lost(e instanceof Error ? e.message : String(e));
    }
  }

  private scheduleRetry() {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, 5000);
    this.retry.unref();
  }

  /** Whether answers may come from memory now (the listener is in place). */
  get active(): boolean {
    return this.listening;
  }

  /**
   * The row for `id` (a certificate id, or certificateKey): from memory when the listener is in place and the entry is younger than ttlMs, else from
   * `load` (stored when nothing changed meanwhile). Rows `load` does not find are not remembered.
   */
  async get(id: string, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    if (!this.listening) return load();
    const hit = this.rows.get(id);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlMs) return hit.row;
    const epoch = this.epoch;
    const row = await load();
    if (row !== undefined && this.listening && epoch === this.epoch) {
      this.rows.delete(id);
      if (this.rows.size >= this.maxEntries) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(id, { row, at: now });
    }
    return row;
  }

  /**
   * Resolves once every certificate change committed before the call has been applied to this cache (see the file
   * comment); at most `timeoutMs` (default 2,000 ms), after which the cache is emptied instead. Never throws.
   */
  async fence(timeoutMs = 2000): Promise<void> {
    const client = this.client;
    if (!this.listening || !client) return;
    const id = `${FENCE_PREFIX}${process.pid}:${++this.fenceSeq}`;
    let settle!: (arrived: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    this.fences.set(id, () => settle(true));
    // the timeout covers the query too: a listening connection that hangs must not hang the request
    const timer = setTimeout(() => settle(false), timeoutMs);
    client.query('SELECT pg_notify($1, $2)', [CERTIFICATE_CHANNEL, id]).catch(() => settle(false));
    const arrived = await outcome;
    clearTimeout(timer);
    this.fences.delete(id);
    if (!arrived) this.rows.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.rows.clear();
    await client?.end().catch(() => {});
  }
}
