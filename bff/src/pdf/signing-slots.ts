/**
 * At most one PDF signature per core is made at a time in this process by the commands that sign before their
 * transaction (applicantSignature, employerSignature, prepareAcceptanceNotice, prepareCertificate for the
 * approval); the others wait here, holding no database connection (they read what they need before taking a
 * slot, so a slot's holder never waits for a pooled connection either). Why (issue 14, `npm run bench` whole path at N = 50): a signature is 0.1-0.3 s of
 * mostly synchronous CPU (layout, subsetting, serialisation, RSA); fifty interleaved on one event loop left
 * every transaction's next query waiting behind them, so connections were held for seconds and requests
 * waiting for one passed the pool's 5 s timeout (503). Queued here, the signatures run a few at a time and the
 * transactions between them finish at once. p-limit (sindresorhus) is the queue.
 */
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';

export const signingSlots = pLimit(Math.max(1, availableParallelism()));
