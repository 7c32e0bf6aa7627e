/**
 * PDF worker thread (piscina; started by bff/src/pdf/workers.ts through worker-entry.mjs): renders a document
 * from its plain view and adds one signature, issuing its one-signature certificate with the platform CA it
 * loaded once. Everything here is CPU: fontkit layout and subsetting, pdf-lib serialisation, RSA key
 * generation (when its pool of fresh keys is empty), node-forge ASN.1 and SHA-256, RSA (OpenSSL). The
 * one I/O of a signature, the RFC 3161 timestamp, is asked of the main thread through the job's MessagePort
 * (the TSA client and its policy stay there). The CJK font is read and parsed once per worker, at start; a
 * CA once per worker, on its first job.
 *
 * A job's answer is always a {@link PdfJobResult}: the PDF, or the error it threw (an AppError by its code,
 * anything else by its name and message), so that a rejected `run` means only that the worker itself failed
 * (it died, or the pool was closed).
 */
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ErrorCode } from '@zhiyetong/shared';
import { AppError } from '../errors.js';
import { renderAcceptanceNotice, type AcceptanceNoticeView } from './acceptance-notice.js';
import { renderApplicationForm, type ApplicationFormView } from './application-form.js';
import { platformCaFromPem, type CaPem, type PlatformCa, type SignatureTimestamps, type SignerSubject } from './ca.js';
import { renderCertificatePdf, type CertificateView } from './certificate.js';
import { loadCjkFontBytes } from './font.js';
import { signPdfWith, type SignatureSpec } from './sign.js';

/** What to render (a view of plain data: strings, numbers, Dates, Uint8Array images), or a PDF made earlier. */
export type PdfDocument =
  | { kind: 'application_form'; view: ApplicationFormView }
  | { kind: 'certificate'; view: CertificateView }
  | { kind: 'acceptance_notice'; view: AcceptanceNoticeView }
  | { kind: 'pdf'; bytes: Uint8Array };

/** One signature to add, the CA that issues its one-signature certificate and, when timestamps are on, the port that asks for them. */
export interface WorkerSignature extends SignatureSpec {
  signer: SignerSubject;
  /** The platform CA (PEM); each worker parses a CA once and keeps its own pool of fresh signer keys. */
  ca: CaPem;
  /** Present when the main thread's CA has a TSA: posts {signatureValue} and receives {token} or {error}. */
  timestamps?: { required: boolean; port: MessagePort };
}

export interface PdfJob {
  document: PdfDocument;
  signature?: WorkerSignature;
  /** Tests only (Deps.faults.pdfWorkerCrash): the worker thread exits after rendering, before signing. */
  crash?: boolean;
}

/** The PDF (its buffer transferred), or the error the job threw. */
export type PdfJobResult = Uint8Array | { error: { code?: ErrorCode; name: string; message: string } };

/** The timestamp request of a signature, posted on its job's port, and the main thread's answer. */
export interface TimestampRequest { signatureValue: Uint8Array }
export type TimestampAnswer = { token: Uint8Array } | { error: string };

// the font once per worker, before the first job (the main thread waits for it: workers.ts warm)
await loadCjkFontBytes();

/** The CAs this worker has loaded, by certificate (one per server of the process; one in production). */
const cas = new Map<string, PlatformCa>();
function caOf(pem: CaPem): PlatformCa {
  let ca = cas.get(pem.certPem);
  if (!ca) cas.set(pem.certPem, (ca = platformCaFromPem(pem.keyPem, pem.certPem)));
  return ca;
}

function render(document: PdfDocument): Promise<Uint8Array> | Uint8Array {
  switch (document.kind) {
    case 'application_form':
      return renderApplicationForm(document.view);
    case 'certificate':
      return renderCertificatePdf(document.view);
    case 'acceptance_notice':
      return renderAcceptanceNotice(document.view);
    case 'pdf':
      return document.bytes;
  }
}

/** The timestamps of one signature, asked of the main thread on `port` (one request per signature). */
function portTimestamps(opts: { required: boolean; port: MessagePort }): SignatureTimestamps {
  return {
    required: opts.required,
    authority: {
      timestamp: (signatureValue) =>
        new Promise<Uint8Array>((resolve, reject) => {
          opts.port.once('message', (answer: TimestampAnswer) => ('token' in answer ? resolve(answer.token) : reject(new Error(answer.error))));
          opts.port.postMessage({ signatureValue } satisfies TimestampRequest);
        }),
    },
  };
}

/** Runs one job (see the module's docstring). The PDF's buffer is transferred back, not copied. */
export default async function pdfJob(job: PdfJob | { warm: true }): Promise<PdfJobResult | 'warm'> {
  if ('warm' in job) return 'warm';
  try {
    let pdf = await render(job.document);
    if (job.crash) process.exit(70); // ends this worker thread only, in the middle of the job
    const sig = job.signature;
    if (sig) {
      const { signer, ca, timestamps, ...spec } = sig;
      // the certificate (RSA-2048 key from this worker's pool, valid 10 minutes) is issued when the job starts
      const credentials = caOf(ca).issueSignerCredentials(signer);
      pdf = await signPdfWith(pdf, signer, { ...spec, credentials, timestamps: timestamps ? portTimestamps(timestamps) : undefined });
    }
    const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : new Uint8Array(pdf);
    return Piscina.move(own) as Uint8Array;
  } catch (e) {
    const error = e as Error;
    return { error: { code: e instanceof AppError ? e.code : undefined, name: error?.name ?? 'Error', message: String(error?.message ?? e) } };
  } finally {
    job.signature?.timestamps?.port.close();
  }
}
