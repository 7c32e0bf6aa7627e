/**
 * A small worker_threads pool (size = available cores, capped at 4; LIVENESS_WORKERS overrides).
 * Workers load the models once and stay alive until shutdown(); jobs are queued FIFO.
 */
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { FrameObs, WorkerRequest, WorkerResponse } from './protocol.js';

type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
type Job = { req: WorkerRequest; transfer: ArrayBuffer[]; resolve: (f: FrameObs[]) => void; reject: (e: Error) => void };
interface Slot { worker: Worker; ready: Promise<void>; busy: Job | null }

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = WorkerPool.defaultSize()) {
    for (let n = 0; n < size; n++) this.slots.push(this.spawn());
  }

  static defaultSize(): number {
    const env = Number(process.env.LIVENESS_WORKERS);
    if (Number.isFinite(env) && env >= 1) return Math.floor(env);
    return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
  }

  get size(): number { return this.slots.length; }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    const slot: Slot = { worker, busy: null, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onInit = (m: WorkerResponse) => {
        if (m.id !== -1) return;
        worker.off('message', onInit);
        if (m.ok) resolve(); else reject(new Error(`liveness worker failed to load models: ${m.error}`));
      };
      worker.on('message', onInit);
      worker.once('error', reject);
    });
    // stay referenced while loading (someone may be awaiting warm()), then only while busy
    slot.ready.then(() => { if (!slot.busy) worker.unref(); }, () => { worker.unref(); /* surfaced on the first job */ });
    worker.on('message', (m: WorkerResponse) => {
      if (m.id === -1 || !slot.busy) return;
      const job = slot.busy;
      slot.busy = null;
      worker.unref();
      if (m.ok && 'frames' in m) job.resolve(m.frames); else job.reject(new Error((m as { error: string }).error));
      this.pump();
    });
    worker.on('error', (e) => {
      const job = slot.busy;
      slot.busy = null;
      job?.reject(e instanceof Error ? e : new Error(String(e)));
      if (!this.closed) { // replace the dead worker
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn();
        this.pump();
      }
    });
    return slot;
  }

  /** waits until every worker has loaded its models */
  async warm(): Promise<void> { await Promise.all(this.slots.map((s) => s.ready)); }

  run(req: WorkerRequestBody, transfer: ArrayBuffer[] = []): Promise<FrameObs[]> {
    if (this.closed) return Promise.reject(new Error('liveness engine is shut down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { ...req, id: this.nextId++ } as WorkerRequest, transfer, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.busy = job;
      slot.worker.ref(); // keep the process alive while a job is in flight; idle workers don't block exit
      slot.ready.then(
        () => slot.worker.postMessage(job.req, job.transfer),
        (e) => { slot.busy = null; job.reject(e); },
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new Error('liveness engine is shut down'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
