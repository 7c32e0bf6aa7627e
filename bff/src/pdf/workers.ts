/**
 * PDF rendering and signing in worker threads (issue 14): a piscina pool of up to one thread per core
 * (`PDF_WORKERS`), shared by every server of the process, created on first use (`npm start` warms it, main.ts).
 * One thread is kept; a second starts when a job waits for a busy one and stops after IDLE_MS without work:
 * each thread costs about 3 s of CPU to start (tsx, pdf-lib, the 10 MB CJK font) and 120 MB, which a process
 * signing one document at a time (every test server) should not pay twice.
 * Each job renders a document from its plain view (or takes a PDF made earlier) and adds at most one
 * signature; the worker (bff/src/pdf/worker.ts) does all of the CPU: fontkit layout and subsetting, pdf-lib
 * serialisation, the one-signature certificate (each worker loads the platform CA once, `PlatformCa.pem`, and
 * keeps its own pool of fresh RSA-2048 keys: when the pool ran dry under load, the key was generated
 * synchronously, 50-700 ms, on the event loop), node-forge ASN.1 and SHA-256, RSA. The main thread keeps the
 * I/O: the database reads before a job, and the RFC 3161 timestamp, which the worker asks for on a MessagePort
 * of the job and this module answers with the CA's
 * TSA client (`ca.timestamps`), its policy (required: the job fails with 503 timestamp_unavailable; else the
 * signature is made without one and `onMissing` logs it) unchanged.
 *
 * Why: 0.1-0.3 s of synchronous CPU per signature on the BFF's event loop made every transaction's next
 * statement wait behind it; at N = 50 applicants on a loaded machine requests waited past their connection
 * timeout. In a worker, the event loop only posts the job and receives the bytes.
 *
 * Errors: what the job threw comes back as it was (an AppError by its code, e.g. timestamp_unavailable; a
 * RangeError for an unreadable photo; an Error otherwise). When the worker itself fails (it died mid-job, the
 * pool was closed) the job answers 503 signature_unavailable and nothing was written (callers sign before they
 * write, or inside the transaction that the error then rolls back), with Retry-After 5; piscina starts a new worker.
 *
 * Loader: the BFF runs TypeScript under tsx (`tsx bff/src/main.ts`, ava's `--import=tsx`); worker-entry.mjs
 * registers tsx in the worker and imports worker.ts, as bff/src/liveness/worker-entry.mjs does.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Deps } from '../context.js';
import { appError } from '../errors.js';
import type { SignerSubject } from './ca.js';
import type { SignatureSpec } from './sign.js';
import type { PdfDocument, PdfJob, PdfJobResult, TimestampAnswer, TimestampRequest } from './worker.js';

export type { PdfDocument } from './worker.js';

/** Threads of the pool at most: one per core (os.availableParallelism). */
export const PDF_WORKERS = Math.max(1, availableParallelism());
/** A thread beyond the first stops after this long without a job (ms). */
const IDLE_MS = 60_000;

/** What a job needs of the server: the CA (credentials, timestamps), the log, the environment and the test faults. */
export type PdfDeps = Pick<Deps, 'ca' | 'log' | 'config'> & Partial<Pick<Deps, 'faults'>>;

type RunTransferList = NonNullable<Parameters<Piscina['run']>[1]>['transferList'];

let pool: Piscina | undefined;
let poolLog: Pick<Deps['log'], 'error'> | undefined;

function pdfPool(log: PdfDeps['log']): Piscina {
  poolLog = log;
  if (!pool) {
    pool = new Piscina({
      filename: fileURLToPath(new URL('./worker-entry.mjs', import.meta.url)),
      minThreads: 1,
      maxThreads: PDF_WORKERS,
      idleTimeout: IDLE_MS,
      // jobs await the main thread's timestamp answer: keep the worker's event loop running between jobs
      atomics: 'disabled',
    });
    // a worker that fails outside a job (e.g. while loading): logged; piscina replaces it
    pool.on('error', (err: Error) => poolLog?.error({ err }, 'PDF worker failed'));
  }
  return pool;
}

/** Starts the pool's threads (PDF_WORKERS) and waits until each has loaded its modules and the CJK font (`npm start`, the bench). */
export async function warmPdfWorkers(deps: Pick<PdfDeps, 'log'>): Promise<void> {
  const p = pdfPool(deps.log);
  await Promise.all(Array.from({ length: PDF_WORKERS }, () => p.run({ warm: true })));
}

/** Renders `document` unsigned in a worker (an unsigned preview). Errors: as the module's docstring. */
export function renderPdf(deps: PdfDeps, document: PdfDocument): Promise<Uint8Array> {
  return runJob(deps, { document });
}

/**
 * Renders `document` (or takes the PDF given) and adds one signature of `signer` in a worker: the same bytes
 * `signPdf(render(view), signer, {ca: deps.ca, ...spec})` makes in this thread (ISO 32000-1 §12.8, PKCS#7
 * detached, SHA-256, an incremental update; the RFC 3161 timestamp when the CA has a TSA). The worker issues
 * the certificate (valid 10 minutes) when the job starts; call it when a worker is free (signingSlots), so the
 * job starts at once at `spec.signedAt`. Errors: as the module's docstring.
 */
export function renderAndSign(deps: PdfDeps, document: PdfDocument, signer: SignerSubject, spec: SignatureSpec): Promise<Uint8Array> {
  return runJob(deps, { document, signature: { ...spec, signer, ca: deps.ca.pem() } });
}

async function runJob(deps: PdfDeps, job: PdfJob): Promise<Uint8Array> {
  if (deps.faults?.pdfWorkerCrash?.()) {
    if (deps.config.env === 'production') throw new Error('fault injection refuses NODE_ENV=production');
    job.crash = true;
  }
  const ts = job.signature ? deps.ca.timestamps : undefined;
  const channel = ts ? new MessageChannel() : undefined;
  if (ts && channel) {
    job.signature!.timestamps = { required: ts.required, port: channel.port2 };
    channel.port1.on('message', ({ signatureValue }: TimestampRequest) => {
      ts.authority.timestamp(signatureValue).then(
        (token) => channel.port1.postMessage({ token } satisfies TimestampAnswer),
        (error: Error) => {
          if (!ts.required) ts.onMissing?.(error);
          channel.port1.postMessage({ error: error.message } satisfies TimestampAnswer);
        },
      );
    });
  }
  let result: PdfJobResult;
  try {
    // the port is moved to the worker (piscina's TransferList type does not match @types/node's MessagePort)
    result = await pdfPool(deps.log).run(job, { transferList: (channel ? [channel.port2] : []) as unknown as RunTransferList });
  } catch (err) {
    deps.log.error({ err }, 'PDF worker failed during a job; nothing was signed');
    // a new worker is started at once: the client may try again in a few seconds (Retry-After)
    throw Object.assign(appError('signature_unavailable'), { retryAfter: 5 });
  } finally {
    channel?.port1.close();
  }
  if (result instanceof Uint8Array) return result;
  const { code, name, message } = result.error;
  if (code) throw appError(code, undefined, message);
  const Type = ({ RangeError, TypeError } as Record<string, ErrorConstructor>)[name] ?? Error;
  throw new Type(message);
}

/** Stops the pool (tests and tools that want their process to end at once; the idle threads do not keep it alive). */
export async function closePdfWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
