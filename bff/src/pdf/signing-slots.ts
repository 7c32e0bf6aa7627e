/**
 * At most one PDF signature per worker thread (bff/src/pdf/workers.ts, one per core) is under way at a time
 * in this process; the others wait here, holding no database connection (the commands read what they need
 * before taking a slot, so a slot's holder never waits for a pooled connection either). The callers
 * (applicantSignature, employerSignature, prepareAcceptanceNotice, prepareCertificate, and their re-signing
 * inside a transaction) take a slot, then read the clock for the signing time and issue the one-signature
 * certificate: a job that starts at once in a free worker is signed at the time it prints, and its
 * certificate (valid 10 minutes) is not aging in a queue. The rendering and signing themselves run in the
 * worker, off the event loop (issue 14: on the event loop, fifty signatures at N = 50 left every
 * transaction's next statement waiting behind them and requests timed out waiting for a connection).
 * p-limit (sindresorhus) is the queue.
 */
import pLimit from 'p-limit';
import { PDF_WORKERS } from './workers.js';

export const signingSlots = pLimit(PDF_WORKERS);
