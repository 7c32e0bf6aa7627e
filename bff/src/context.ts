/** What every route and command receives: settings, the database and the adapters. */
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Role } from '@zhiyetong/shared';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { PiiCipher } from './pii.js';
import type { SmsProvider } from './adapters/sms.js';
import type { WechatClient } from './adapters/wechat.js';
import type { EnterpriseRegistry } from './adapters/enterprise-registry.js';
import type { PlatformCa } from './pdf/ca.js';
import type { CertificateTokens } from './domain/certificate-tokens.js';

export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  pii: PiiCipher;
  sms: SmsProvider;
  wechat: WechatClient | null;
  ca: PlatformCa;
  certificateTokens: CertificateTokens;
  /** The current time; tests may move it. */
  now: () => Date;
  /** Sends relay messages to the province's own back office (RELAY_URL; bff/src/domain/relay.ts), or null. */
  relay?: import('./domain/outbox.js').RelayDeliverer | null;
  /** The columns a QR scan shows of recently scanned certificates, kept true by LISTEN/NOTIFY (certificate-cache.ts); absent: every scan reads PostgreSQL. */
  certificateCache?: import('./domain/certificate-cache.js').CertificateRowCache<import('./domain/certificates.js').VerifiedRow>;
  /** LIVENESS_ANALYSIS=queue: this process's client of the analysis queue (liveness/jobs.ts), started by startServer or the worker. */
  livenessJobs?: import('./liveness/jobs.js').LivenessJobs;
  /** The business registry's public record of enterprises (employer rename, issue 10's binding). */
  enterpriseRegistry: EnterpriseRegistry;
  /**
   * Test-only fault injection. No setting or environment variable sets it: only code that builds Deps in
   * the test process can, and every hook refuses to run when NODE_ENV=production.
   */
  faults?: {
    /** Called inside the employer-rename step transaction of the `step`-th registration (1-based) after its register write; a throw aborts that transaction (bff/src/domain/employer-rename.ts). */
    employerRenameStep?: (step: number, registrationId: string) => void | Promise<void>;
    /** Asked before each PDF worker job; true: that job's worker thread exits after rendering, before signing (bff/src/pdf/workers.ts). */
    pdfWorkerCrash?: () => boolean;
  };
}

export interface AuthUser {
  id: string;
  roles: Role[];
  /** The session (refresh-token family) this access token belongs to. */
  sid: string;
}

export interface AppState {
  user: AuthUser;
  body?: unknown;
  query?: unknown;
}

export type AppContext = Koa.ParameterizedContext<AppState>;

/** The actor of a command: who acts, in which role, from where (for the audit log). */
export interface Actor {
  id: string;
  role: Role;
  ip?: string;
}
