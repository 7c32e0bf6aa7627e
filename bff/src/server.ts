/**
 * Starts everything from a Config: the database (embedded unless DATABASE_URL), migrations, development
 * data, the adapters, the outbox worker and the HTTP server. Used by main.ts and by the tests.
 */
import type { AddressInfo } from 'node:net';
import type { Agent, Server } from 'node:http';
import path from 'node:path';
import type { Config } from './config.js';
import type { Deps } from './context.js';
import { openDatabase } from './db/database.js';
import { CertificateRowCache } from './domain/certificate-cache.js';
import { createLogger } from './logger.js';
import { PiiCipher } from './pii.js';
import { createSmsProvider } from './adapters/sms.js';
import { WechatClient } from './adapters/wechat.js';
import { loadOrCreatePlatformCa, platformCaFromPem } from './pdf/ca.js';
import { loadCertificateTokens } from './domain/certificate-tokens.js';
import { httpTsa } from './adapters/tsa.js';
import { OutboxWorker } from './domain/outbox.js';
import { Scheduler } from './jobs.js';
import { LivenessJobs } from './liveness/jobs.js';
import { analyseQueuedVideo, retryJobsOfGoneWorkers } from './domain/real-name.js';
import { relayClient } from './domain/relay.js';
import { createApp } from './app.js';
import { createEnterpriseRegistry } from './adapters/enterprise-registry.js';
import { resumeEmployerRenames, stopEmployerRenames } from './domain/employer-rename.js';
import { seedDevData } from './seed.js';
import { bootstrapAuthorities } from './domain/authorities.js';

export interface RunningServer {
  url: string;
  deps: Deps;
  outbox: OutboxWorker;
  /** The periodic jobs (bff/src/jobs.ts); started only when config.scheduler. */
  scheduler: Scheduler;
  /** The PostgreSQL connection string in use (the embedded server's when DATABASE_URL is unset). */
  databaseUrl: string;
  /** Bodies that broke their route's response schema (RESPONSE_VALIDATION=on; the test servers fail on any). */
  contractViolations: import('./http/api-router.js').ContractViolation[];
  close(): Promise<void>;
}

export async function startServer(config: Config, overrides: Partial<Pick<Deps, 'now'>> & { httpAgent?: Agent } = {}): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: (line) => log.debug({ pg: line }) });
  try {
    if (config.seedDevData && (await seedDevData(database.db, config.province))) log.info('development data created: operator 13800000002, reviewer 13800000009');
    // the authority tree, and a place for reviewers who have none (issue 11)
    const placed = await bootstrapAuthorities(database.db, config.province);
    if (placed) log.info({ placed }, 'reviewers without a place made province administrators');
    const deps: Deps = {
      config,
      db: database.db,
      log,
      pii: new PiiCipher(config.secrets.piiEncryptionKey, config.secrets.piiHashKey),
      sms: createSmsProvider(config, overrides.httpAgent),
      wechat: config.wechat ? new WechatClient(config.wechat) : null,
      ca: config.platformCa ? platformCaFromPem(config.platformCa.keyPem, config.platformCa.certPem) : await loadOrCreatePlatformCa(path.join(config.dataDir, 'pki')),
      certificateTokens: await loadCertificateTokens({ jwkJson: config.certTokenJwk, claimKeysJson: config.certClaimKeys, trustListJwkJson: config.trustListJwk, issuer: config.authorityName, dir: path.join(config.dataDir, 'keys'), production: config.env === 'production' }),
      now: overrides.now ?? (() => new Date()),
      enterpriseRegistry: createEnterpriseRegistry({ ...config.enterpriseRegistry, production: config.env === 'production' }),
    };
    if (config.tsa) {
      // every signature gets an RFC 3161 timestamp (issue 12); without one it fails closed unless allowed, then it is logged
      deps.ca = {
        ...deps.ca,
        issueSignerCredentials: deps.ca.issueSignerCredentials.bind(deps.ca),
        pem: deps.ca.pem.bind(deps.ca),
        timestamps: {
          authority: httpTsa(config.tsa),
          required: !config.tsa.allowUntimestamped,
          onMissing: (error) => log.warn({ event: 'signature.untimestamped', tsa: config.tsa!.url, error: error.message }, 'signature made without a timestamp: TSA unavailable'),
        },
      };
    }
    if (config.relay) deps.relay = relayClient(deps);
    // scans answered from memory for certificates scanned lately, forgotten on any change in any process (issue 14)
    deps.certificateCache = new CertificateRowCache({ url: database.url, log });
    await deps.certificateCache.start();
    const outbox = new OutboxWorker(deps, config.outboxPollMs);
    const scheduler = new Scheduler(deps, database.url);
    if (config.scheduler) await scheduler.start();
    // LIVENESS_ANALYSIS=queue: analyses are pg-boss jobs; with LIVENESS_WORKER=on this process works them too
    if (config.liveness.analysis === 'queue') {
      deps.livenessJobs = new LivenessJobs(database.url, { expireSeconds: config.liveness.jobExpireSeconds, log });
      await deps.livenessJobs.start();
      if (config.liveness.worker) await retryJobsOfGoneWorkers(deps, deps.livenessJobs);
      if (config.liveness.worker) await deps.livenessJobs.work(config.liveness.concurrentAnalyses, (data) => analyseQueuedVideo(deps, data));
    }
    const { app, api } = createApp(deps, { kickOutbox: () => outbox.kick() });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(config.port, config.host, () => resolve(s));
    });
    outbox.start();
    // an employer rename batch a crash left half-way is finished by the next start (the same batch)
    resumeEmployerRenames(deps);
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      deps,
      outbox,
      scheduler,
      databaseUrl: database.url,
      contractViolations: api.contractViolations,
      async close() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections?.();
        await stopEmployerRenames(deps);
        await outbox.stop();
        await scheduler.stop();
        await deps.livenessJobs?.stop();
        await deps.certificateCache?.stop();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}
