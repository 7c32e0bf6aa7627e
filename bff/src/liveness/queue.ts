/**
 * Admission and queueing of liveness checks (issue 13 "under load", issue 15 item 7). Every upload takes an
 * admission before its body is read: at most `depth` uploads per process are being received, waiting or
 * analysed, and at most one per person; the analyses themselves run `concurrency` at a time (one analysis
 * already keeps every worker thread busy, and each waiting analysis would otherwise hold its decoded frames
 * in memory). When the queue is full the caller answers 503 liveness_busy with Retry-After.
 * No I/O; one instance per server (queueFor(config)).
 */
export class AnalysisQueue {
  private admitted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly perUser = new Map<string, number>();
  /** moving average of one analysis, ms (starts at the measured ~2.5 s for a 5 s clip, doubled for longer clips) */
  private avgMs = 5000;

  constructor(
    readonly concurrency: number,
    readonly depth: number,
  ) {}

  /** uploads admitted now (being received, waiting or analysed) and analyses running */
  get stats() {
    return { admitted: this.admitted, running: this.running, waiting: this.waiting.length };
  }

  /**
   * Takes an admission for `userId`: 'user_busy' when that person already has an upload in flight, 'full'
   * when `depth` uploads are in flight, else a release function (idempotent) to call when the check ends.
   */
  admit(userId: string): (() => void) | 'user_busy' | 'full' {
    if ((this.perUser.get(userId) ?? 0) >= 1) return 'user_busy';
    if (this.admitted >= this.depth) return 'full';
    this.admitted++;
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted--;
      const n = (this.perUser.get(userId) ?? 1) - 1;
      if (n <= 0) this.perUser.delete(userId);
      else this.perUser.set(userId, n);
    };
  }

  /** Runs `fn` when an analysis slot is free (FIFO), timing it for retryAfterSeconds(). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.avgMs = 0.8 * this.avgMs + 0.2 * (performance.now() - t0);
      const next = this.waiting.shift();
      if (next) next(); // the slot passes to the next waiter
      else this.running--;
    }
  }

  /** Seconds until a place is likely free: the admitted uploads ahead, analysed `concurrency` at a time. */
  retryAfterSeconds(): number {
    return Math.max(5, Math.ceil(((this.admitted / this.concurrency) * this.avgMs) / 1000));
  }
}

const queues = new WeakMap<object, AnalysisQueue>();

/** The queue of one server, keyed by its settings object. */
export function queueFor(key: object, settings: { concurrency: number; depth: number }): AnalysisQueue {
  let q = queues.get(key);
  if (!q) queues.set(key, (q = new AnalysisQueue(settings.concurrency, settings.depth)));
  return q;
}
