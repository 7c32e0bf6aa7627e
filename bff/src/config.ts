/**
 * Settings, read from the environment once at start and validated: a bad value stops the process with one
 * line per problem naming the variable and what it expects. Secrets that a development machine does not
 * set are generated once and kept in DATA_DIR/secrets.json; production must set them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROVINCE_RULES, PROVINCES, type Province, type ProvinceRules, type ReviewStage } from '@zhiyetong/shared';
import { loadProvinceSettings } from './domain/province.js';

const base64Key = (bytes: number) =>
  z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === bytes, { error: `应为 ${bytes} 字节密钥的 base64 编码 (expected ${bytes} bytes, base64)` });

/**
 * A reminder's thresholds in days (issue 16): a comma-separated list of whole days 1-3650, e.g. "90,30,7";
 * kept largest first, duplicates dropped.
 */
const reminderDays = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx): number[] => {
      const days = v.split(',').map((d) => d.trim());
      if (!days.every((d) => /^\d{1,4}$/.test(d) && Number(d) >= 1 && Number(d) <= 3650)) {
        ctx.issues.push({ code: 'custom', input: v, message: '应为以逗号分隔的天数，如 90,30,7 (expected whole days 1-3650, comma-separated)' });
        return z.NEVER;
      }
      return [...new Set(days.map(Number))].sort((a, b) => b - a);
    });

/** The SMS templates of the reminders, each with its own Tencent template id setting TENCENT_SMS_TEMPLATE_ID_<NAME>. */
export const REMINDER_SMS_TEMPLATES = ['reminder_validity_ending', 'reminder_employee_validity_ending', 'reminder_certificate_unclaimed', 'reminder_applicant_signature', 'reminder_employer_signature', 'reminder_correction'] as const;
/** SMS templates with their own Tencent template id setting TENCENT_SMS_TEMPLATE_ID_<NAME>: the reminders and the operator's invitation (issue 10). */
export const OWN_TEMPLATE_ID_SMS_TEMPLATES = [...REMINDER_SMS_TEMPLATES, 'operator_invited'] as const;
const reminderTemplateIdSettings = Object.fromEntries(OWN_TEMPLATE_ID_SMS_TEMPLATES.map((t) => [`TENCENT_SMS_TEMPLATE_ID_${t.toUpperCase()}`, z.string().optional()])) as Record<`TENCENT_SMS_TEMPLATE_ID_${Uppercase<(typeof OWN_TEMPLATE_ID_SMS_TEMPLATES)[number]>}`, z.ZodOptional<z.ZodString>>;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  PII_ENCRYPTION_KEY: base64Key(32).optional(),
  PII_HASH_KEY: base64Key(32).optional(),
  OTP_HASH_KEY: base64Key(32).optional(),
  /** AES-256-GCM key of the outbox's messages (phones, one-time codes): outside the database, so a dump or read access does not reveal codes. */
  OUTBOX_ENCRYPTION_KEY: base64Key(32).optional(),
  /** Hours a sent or failed outbox row (its message already erased) is kept for operations before it is deleted. */
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  SMS_PROVIDER: z.enum(['dev', 'tencent']).default('dev'),
  TENCENT_SECRET_ID: z.string().optional(),
  TENCENT_SECRET_KEY: z.string().optional(),
  TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  TENCENT_SMS_ENDPOINT: z.string().default('sms.tencentcloudapi.com'),
  TENCENT_SMS_PROTOCOL: z.enum(['https://', 'http://']).default('https://'),
  TENCENT_SMS_SDK_APP_ID: z.string().optional(),
  TENCENT_SMS_SIGN_NAME: z.string().optional(),
  /** One template with a single {1} parameter holding the whole message text. */
  TENCENT_SMS_TEMPLATE_ID: z.string().optional(),
  WECHAT_APP_ID: z.string().optional(),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_SUBSCRIBE_TEMPLATE_ID: z.string().optional(),
  /** The subscription-message template of the reminders (issue 16): thing1 事项, thing2 提醒内容, time3 日期. Unset: reminders go by SMS only. */
  WECHAT_REMINDER_TEMPLATE_ID: z.string().optional(),
  /** Days before a specialty's validity ends when its holder (mandatory) and the employer's operators are reminded. */
  REMINDER_VALIDITY_DAYS: reminderDays('90,30,7'),
  /** Days after a certificate version was issued and not claimed when its holder is reminded. */
  REMINDER_UNCLAIMED_DAYS: reminderDays('7'),
  /** Days a saved application waits for its applicant's signature before a reminder. */
  REMINDER_APPLICANT_SIGNATURE_DAYS: reminderDays('3'),
  /** Days an applicant-signed application waits for the employer's confirmation before its operators are reminded. */
  REMINDER_EMPLOYER_SIGNATURE_DAYS: reminderDays('3'),
  /** Days a returned application waits for its correction before a reminder. */
  REMINDER_CORRECTION_DAYS: reminderDays('3'),
  ...reminderTemplateIdSettings,
  /** Unset: the province settings file's authority.name and registrationNoPrefix (shared/src/provinces/<PROVINCE>.json). */
  AUTHORITY_NAME: z.string().optional(),
  PROVINCE_ABBR: z.string().length(1).optional(),
  PROVINCE: z.enum(PROVINCES).default('shanghai'),
  /** A JSON province settings file replacing the bundled shared/src/provinces/<PROVINCE>.json (same schema, validated at start). */
  PROVINCE_SETTINGS_FILE: z.string().optional(),
  RENEWAL_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  VERIFY_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(120),
  H5_DIR: z.string().optional(),
  /** The platform CA that issues signers' short-lived certificates (PEM). Development generates one in DATA_DIR/pki. */
  PLATFORM_CA_KEY_PEM: z.string().optional(),
  PLATFORM_CA_CERT_PEM: z.string().optional(),
  /** ES256 private JWK (JSON) signing the certificates' QR tokens. Development generates one in DATA_DIR/keys. */
  CERT_TOKEN_PRIVATE_JWK: z.string().optional(),
  /** The authority's QR claim keys (issue 12), JSON [{kid, privateJwk, notBefore, retiredAt?}]: the newest unretired one signs. Unset: CERT_TOKEN_PRIVATE_JWK (dev: DATA_DIR/keys) is the only one. */
  CERT_CLAIM_KEYS: z.string().optional(),
  /** ES256 private JWK signing the trust list (the trust anchor verifiers pin). Unset: CERT_TOKEN_PRIVATE_JWK in production, a generated one in dev. */
  TRUST_LIST_PRIVATE_JWK: z.string().optional(),
  /** A downloaded certificate copy's longest period of use (使用有效期), days; cut at the earliest specialty expiry. */
  /** A shared certificate link's longest validity, days (issue 12). */
  SHARE_LINK_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CERTIFICATE_COPY_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** RFC 3161 time-stamping authority (issue 12): every signature gets a timestamp token from it. Unset: no timestamps. */
  TSA_URL: z.string().url().optional(),
  /** Four-eyes (issue 11): whoever decided 初审/复审 of an application may not take its final decision. Unset: the province file's fourEyes in production, off otherwise. */
  REVIEW_FOUR_EYES: z.enum(['true', 'false']).optional(),
  /** Time limit per stage, hours, e.g. "acceptance=120,approval=120"; overrides the province file's working days for those stages. */
  REVIEW_STAGE_LIMIT_HOURS: z
    .string()
    .regex(/^\s*(acceptance|first_review|second_review|approval)\s*=\s*\d{1,5}\s*(,\s*(acceptance|first_review|second_review|approval)\s*=\s*\d{1,5}\s*)*$/, { error: '应为 stage=hours 列表，如 acceptance=120,approval=120' })
    .optional(),
  /** Stages where a reviewer may decide several applications at once (routine stages), comma-separated. */
  REVIEW_BATCH_STAGES: z
    .string()
    .regex(/^\s*(acceptance|first_review|second_review|approval)\s*(,\s*(acceptance|first_review|second_review|approval)\s*)*$/, { error: '应为审核环节列表，如 acceptance' })
    .default('acceptance'),
  /** Relay to a province's own back office (issue 11): where confirmed applications are POSTed. Unset: no relay. */
  RELAY_URL: z.string().url().optional(),
  /** The HMAC-SHA256 key shared with the back office, both directions (base64, 32 bytes); required with RELAY_URL. */
  RELAY_HMAC_KEY: base64Key(32).optional(),
  RELAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How far a callback's timestamp may be from our clock, seconds (replays of older callbacks are refused). */
  RELAY_CALLBACK_TOLERANCE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  TSA_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** true: when the TSA cannot answer, sign without a timestamp and log it (signature.untimestamped); default: fail closed (503 timestamp_unavailable). */
  TSA_ALLOW_UNTIMESTAMPED: z.enum(['true', 'false']).default('false'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** The outbox's first retry delay, ms; each later retry doubles it. */
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(5000),
  /** SCHEDULER=off: this process runs no periodic jobs (bff/src/jobs.ts); other processes on the database still do. */
  SCHEDULER: z.enum(['on', 'off']).default('on'),
  /** Requests to the login routes allowed per client IP per 10 minutes (mobile carriers put many people behind one IP). */
  AUTH_RATE_LIMIT_PER_10_MIN: z.coerce.number().int().min(1).default(100),
  SEED_DEV_DATA: z.enum(['true', 'false']).optional(),
  /** Liveness uploads per process being received, waiting or analysed; more get 503 liveness_busy with Retry-After. */
  LIVENESS_QUEUE_DEPTH: z.coerce.number().int().min(1).default(6),
  /** Liveness analyses run at the same time (each already uses every worker thread). */
  LIVENESS_CONCURRENT_ANALYSES: z.coerce.number().int().min(1).default(1),
  /** How often leftover zyt-liveness-* temp dirs (a crash during a check) are swept, seconds. */
  LIVENESS_SWEEP_SECONDS: z.coerce.number().int().min(1).default(300),
  /**
   * Where the local engine's liveness analyses run (issue 14): local = in this process's worker threads (the
   * default); queue = as pg-boss jobs (queue liveness.analyse) worked by `npm run liveness-worker` processes on
   * any machine, the API process only receiving the upload and waiting for the verdict (bff/src/liveness/jobs.ts).
   */
  LIVENESS_ANALYSIS: z.enum(['local', 'queue']).default('local'),
  /** With LIVENESS_ANALYSIS=queue: on = this API process also works the queue (loads the face models); off = API only. */
  LIVENESS_WORKER: z.enum(['on', 'off']).default('on'),
  /** With LIVENESS_ANALYSIS=queue: a job a worker has held this long (it died or hangs) is given to another worker, seconds. */
  LIVENESS_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  /**
   * Test only (refused unless NODE_ENV=test): a directory where a command at a named point (a liveness
   * analysis, an applicant's signature before its commit) writes a file and waits until it is removed
   * (domain/test-hold.ts; bff/test/hardening-fault.test.ts kills the process at that moment).
   */
  TEST_HOLD_DIR: z.string().min(1).optional(),
  /** Who checks the face: local (the embedded engine), tencent (Tencent Cloud FaceID against the ID photo database), wechat (WeChat 人脸核身, government mini-programs only). */
  FACE_PROVIDER: z.enum(['local', 'tencent', 'wechat']).default('local'),
  TENCENT_FACEID_ENDPOINT: z.string().default('faceid.tencentcloudapi.com'),
  TENCENT_FACEID_REGION: z.string().default('ap-guangzhou'),
  TENCENT_FACEID_PROTOCOL: z.enum(['https://', 'http://']).default('https://'),
  /** An egress proxy for FaceID calls (http://host:port), if the servers reach the internet through one. */
  TENCENT_FACEID_PROXY: z.string().url().optional(),
  /** LivenessRecognition's Sim (0-100) needed to pass; Tencent: 70 ≈ 1/1,000 false accepts, 80 ≈ 1/10,000. */
  TENCENT_FACEID_MIN_SIM: z.coerce.number().min(0).max(100).default(70),
  TENCENT_FACEID_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
  /**
   * How many reverse proxies in front of the BFF append to X-Forwarded-For. 0 (default): trust no forwarded
   * header, the client IP is the socket's peer. N: the client IP is the N-th address from the right (Koa's
   * `proxy` + `maxIpsCount`), so addresses a client writes into the header itself are never used.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Contract check (the test servers turn it on): every JSON 2xx body is validated against its route's
   * response schema (RouteSpec.responses); a mismatch answers 500 `response_contract_violation` naming the
   * fields and is recorded. Off in production (it costs a parse per response).
   */
  RESPONSE_VALIDATION: z.enum(['on', 'off']).default('off'),
  /** The business registry (bff/src/adapters/enterprise-registry.ts): HTTP base URL; unset = the development file. */
  ENTERPRISE_REGISTRY_URL: z.string().url().optional(),
  ENTERPRISE_REGISTRY_TOKEN: z.string().optional(),
  ENTERPRISE_REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** The development registry's JSON file (default DATA_DIR/enterprise-registry.json). */
  ENTERPRISE_REGISTRY_FILE: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  publicBaseUrl: string;
  logLevel: Env['LOG_LEVEL'];
  secrets: { jwt: string; piiEncryptionKey: Buffer; piiHashKey: Buffer; otpHashKey: Buffer; outboxEncryptionKey: Buffer };
  sms:
    | { provider: 'dev'; outboxFile: string }
    | {
        provider: 'tencent';
        secretId: string;
        secretKey: string;
        region: string;
        endpoint: string;
        protocol: 'https://' | 'http://';
        sdkAppId: string;
        signName: string;
        templateId: string;
        /** Template ids per SMS template name (TENCENT_SMS_TEMPLATE_ID_<NAME>); a template without one uses templateId. */
        templateIds?: Record<string, string>;
      };
  wechat: { appId: string; appSecret: string; apiBase: string; subscribeTemplateId?: string; reminderTemplateId?: string } | null;
  /** Reminder thresholds in days, largest first (issue 16, bff/src/domain/reminders.ts). */
  reminders: { validityDays: number[]; unclaimedDays: number[]; applicantSignatureDays: number[]; employerSignatureDays: number[]; correctionDays: number[] };
  authorityName: string;
  provinceAbbr: string;
  /** Whose rules the matters follow where the seeds differ (shared PROVINCE_RULES: employer change, renewal window, …). */
  province: Province;
  /** PROVINCE_RULES[province] with the overrides set here (RENEWAL_WINDOW_DAYS). */
  provinceRules: ProvinceRules;
  /** Public certificate verifications per client IP per minute (JSON and /v/ page). */
  verifyRateLimitPerMinute: number;
  h5Dir: string;
  platformCa: { keyPem: string; certPem: string } | null;
  certTokenJwk?: string;
  certClaimKeys?: string;
  trustListJwk?: string;
  /** CERTIFICATE_COPY_DAYS: a copy's longest period of use, days. */
  certificateCopyDays: number;
  /** SHARE_LINK_MAX_DAYS: a shared link's longest validity, days. */
  shareLinkMaxDays: number;
  tsa: { url: string; timeoutMs: number; allowUntimestamped: boolean } | null;
  /** The upstream back office every employer-confirmed application is relayed to (bff/src/domain/relay.ts), or null. */
  relay: { url: string; hmacKey: Buffer; timeoutMs: number; callbackToleranceSeconds: number } | null;
  outboxPollMs: number;
  outboxRetryBaseMs: number;
  /** Whether this process schedules and works the periodic jobs of bff/src/jobs.ts. */
  scheduler: boolean;
  outboxRetentionHours: number;
  authRateLimitPer10Min: number;
  seedDevData: boolean;
  liveness: {
    queueDepth: number;
    concurrentAnalyses: number;
    sweepSeconds: number;
    /** LIVENESS_ANALYSIS: local worker threads, or pg-boss jobs for worker processes (liveness/jobs.ts) */
    analysis: 'local' | 'queue';
    /** LIVENESS_WORKER: with analysis 'queue', whether this process works the queue too */
    worker: boolean;
    /** LIVENESS_JOB_EXPIRE_SECONDS: a held job is retried by another worker after this */
    jobExpireSeconds: number;
  };
  /** TEST_HOLD_DIR (NODE_ENV=test only): where a command at a named point announces itself and waits (domain/test-hold.ts) */
  testHoldDir?: string;
  face: {
    provider: 'local' | 'tencent' | 'wechat';
    tencent: { secretId: string; secretKey: string; endpoint: string; region: string; protocol: 'https://' | 'http://'; proxy?: string; minSim: number; timeoutSeconds: number } | null;
  };
  /** Reverse proxies trusted to append to X-Forwarded-For (TRUST_PROXY_HOPS); 0 = none. */
  trustProxyHops: number;
  /** RESPONSE_VALIDATION=on: validate every JSON 2xx body against its route's response schema (tests). */
  responseValidation: boolean;
  /** The enterprise registry: HTTP (url) or the development file (file; fileExplicit = ENTERPRISE_REGISTRY_FILE was set). */
  enterpriseRegistry: { url?: string; token?: string; timeoutMs: number; file: string; fileExplicit: boolean };
  /**
   * The authority's review settings (issue 11): four-eyes (REVIEW_FOUR_EYES; unset: the province file's
   * `fourEyes` in production, off in development and tests), the stages whose time limit REVIEW_STAGE_LIMIT_HOURS
   * sets in hours (the others: the province file's stageTimeLimitsWorkingDays, else DEFAULT_STAGE_LIMIT_HOURS;
   * review-queue.ts stageLimit), batch stages.
   */
  review: { fourEyes: boolean; stageLimitHours: Partial<Record<ReviewStage, number>>; batchStages: ReviewStage[] };
}

/** Time limits per stage, hours, for a stage neither REVIEW_STAGE_LIMIT_HOURS nor the province file limits: 5 days to accept (行政许可法 §32), 10 per review, 5 to approve. */
export const DEFAULT_STAGE_LIMIT_HOURS: Record<ReviewStage, number> = { acceptance: 120, first_review: 240, second_review: 240, approval: 120 };

function reviewSettings(e: Env, provinceFourEyes: boolean): Config['review'] {
  const stageLimitHours: Partial<Record<ReviewStage, number>> = {};
  for (const pair of (e.REVIEW_STAGE_LIMIT_HOURS ?? '').split(',').filter((p) => p.trim())) {
    const [stage, hours] = pair.split('=').map((x) => x.trim());
    stageLimitHours[stage as ReviewStage] = Number(hours);
  }
  return {
    fourEyes: e.REVIEW_FOUR_EYES ? e.REVIEW_FOUR_EYES === 'true' : e.NODE_ENV === 'production' && provinceFourEyes,
    stageLimitHours,
    batchStages: [...new Set(e.REVIEW_BATCH_STAGES.split(',').map((x) => x.trim() as ReviewStage))],
  };
}

export class ConfigError extends Error {}

/** Loads and validates the configuration. Throws ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const generated = production ? null : loadDevSecrets(dataDir);
  const secret = (name: DevSecret): string => {
    const v = e[name] ?? generated?.[name];
    if (!v) problems.push(`  ${name}: required when NODE_ENV=production`);
    return v ?? '';
  };
  const secrets = {
    jwt: secret('JWT_SECRET'),
    piiEncryptionKey: Buffer.from(secret('PII_ENCRYPTION_KEY'), 'base64'),
    piiHashKey: Buffer.from(secret('PII_HASH_KEY'), 'base64'),
    otpHashKey: Buffer.from(secret('OTP_HASH_KEY'), 'base64'),
    outboxEncryptionKey: Buffer.from(secret('OUTBOX_ENCRYPTION_KEY'), 'base64'),
  };

  if (e.RELAY_URL && !e.RELAY_HMAC_KEY) problems.push('  RELAY_HMAC_KEY: required with RELAY_URL (the key shared with the back office, 32 bytes base64)');

  let sms: Config['sms'];
  if (e.SMS_PROVIDER === 'dev') {
    if (production) problems.push('  SMS_PROVIDER: the dev SMS provider writes codes to a file and refuses to run with NODE_ENV=production; set SMS_PROVIDER=tencent');
    sms = { provider: 'dev', outboxFile: path.join(dataDir, 'sms-outbox.jsonl') };
  } else {
    const need = ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID', 'TENCENT_SMS_SIGN_NAME', 'TENCENT_SMS_TEMPLATE_ID'] as const;
    for (const n of need) if (!e[n]) problems.push(`  ${n}: required when SMS_PROVIDER=tencent`);
    sms = {
      provider: 'tencent',
      secretId: e.TENCENT_SECRET_ID ?? '',
      secretKey: e.TENCENT_SECRET_KEY ?? '',
      region: e.TENCENT_SMS_REGION,
      endpoint: e.TENCENT_SMS_ENDPOINT,
      protocol: e.TENCENT_SMS_PROTOCOL,
      sdkAppId: e.TENCENT_SMS_SDK_APP_ID ?? '',
      signName: e.TENCENT_SMS_SIGN_NAME ?? '',
      templateId: e.TENCENT_SMS_TEMPLATE_ID ?? '',
      templateIds: Object.fromEntries(OWN_TEMPLATE_ID_SMS_TEMPLATES.flatMap((t) => (e[`TENCENT_SMS_TEMPLATE_ID_${t.toUpperCase()}` as keyof typeof e] ? [[t, String(e[`TENCENT_SMS_TEMPLATE_ID_${t.toUpperCase()}` as keyof typeof e])]] : []))),
    };
  }
  if (Boolean(e.PLATFORM_CA_KEY_PEM) !== Boolean(e.PLATFORM_CA_CERT_PEM)) problems.push('  PLATFORM_CA_KEY_PEM, PLATFORM_CA_CERT_PEM: set both or neither');
  if (production && !e.PLATFORM_CA_KEY_PEM) problems.push('  PLATFORM_CA_KEY_PEM, PLATFORM_CA_CERT_PEM: required when NODE_ENV=production');
  if (production && !e.CERT_TOKEN_PRIVATE_JWK) problems.push('  CERT_TOKEN_PRIVATE_JWK: required when NODE_ENV=production');
  if (e.CERT_TOKEN_PRIVATE_JWK) {
    try {
      const jwk = JSON.parse(e.CERT_TOKEN_PRIVATE_JWK);
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) problems.push('  CERT_TOKEN_PRIVATE_JWK: expected a P-256 (ES256) private JWK');
    } catch {
      problems.push('  CERT_TOKEN_PRIVATE_JWK: not valid JSON');
    }
  }
  if (e.TEST_HOLD_DIR && e.NODE_ENV !== 'test') problems.push('  TEST_HOLD_DIR: test-only holds (a liveness analysis, a signature), refused unless NODE_ENV=test');
  if (Boolean(e.WECHAT_APP_ID) !== Boolean(e.WECHAT_APP_SECRET)) problems.push('  WECHAT_APP_ID, WECHAT_APP_SECRET: set both or neither');
  if (e.FACE_PROVIDER === 'tencent') for (const n of ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY'] as const) if (!e[n]) problems.push(`  ${n}: required when FACE_PROVIDER=tencent`);
  if (e.FACE_PROVIDER === 'wechat' && !e.WECHAT_APP_ID) problems.push('  WECHAT_APP_ID, WECHAT_APP_SECRET: required when FACE_PROVIDER=wechat (the mini-program of a government body)');
  let provinceSettings = PROVINCE_RULES[e.PROVINCE];
  try {
    provinceSettings = loadProvinceSettings(e.PROVINCE, e.PROVINCE_SETTINGS_FILE);
  } catch (err) {
    problems.push(`  PROVINCE_SETTINGS_FILE: ${(err as Error).message}`);
  }
  if (problems.length) throw new ConfigError(`Invalid settings:\n${problems.join('\n')}`);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    secrets,
    sms,
    wechat: e.WECHAT_APP_ID
      ? { appId: e.WECHAT_APP_ID, appSecret: e.WECHAT_APP_SECRET!, apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''), subscribeTemplateId: e.WECHAT_SUBSCRIBE_TEMPLATE_ID, reminderTemplateId: e.WECHAT_REMINDER_TEMPLATE_ID }
      : null,
    reminders: {
      validityDays: e.REMINDER_VALIDITY_DAYS,
      unclaimedDays: e.REMINDER_UNCLAIMED_DAYS,
      applicantSignatureDays: e.REMINDER_APPLICANT_SIGNATURE_DAYS,
      employerSignatureDays: e.REMINDER_EMPLOYER_SIGNATURE_DAYS,
      correctionDays: e.REMINDER_CORRECTION_DAYS,
    },
    authorityName: e.AUTHORITY_NAME ?? provinceSettings.authority.name,
    provinceAbbr: e.PROVINCE_ABBR ?? provinceSettings.registrationNoPrefix,
    province: e.PROVINCE,
    verifyRateLimitPerMinute: e.VERIFY_RATE_LIMIT_PER_MIN,
    provinceRules: { ...provinceSettings, ...(e.RENEWAL_WINDOW_DAYS ? { renewalWindowDays: e.RENEWAL_WINDOW_DAYS } : {}) },
    platformCa: e.PLATFORM_CA_KEY_PEM ? { keyPem: e.PLATFORM_CA_KEY_PEM, certPem: e.PLATFORM_CA_CERT_PEM! } : null,
    certTokenJwk: e.CERT_TOKEN_PRIVATE_JWK,
    certClaimKeys: e.CERT_CLAIM_KEYS,
    trustListJwk: e.TRUST_LIST_PRIVATE_JWK,
    certificateCopyDays: e.CERTIFICATE_COPY_DAYS,
    shareLinkMaxDays: e.SHARE_LINK_MAX_DAYS,
    relay: e.RELAY_URL ? { url: e.RELAY_URL, hmacKey: Buffer.from(e.RELAY_HMAC_KEY ?? '', 'base64'), timeoutMs: e.RELAY_TIMEOUT_MS, callbackToleranceSeconds: e.RELAY_CALLBACK_TOLERANCE_SECONDS } : null,
    tsa: e.TSA_URL ? { url: e.TSA_URL, timeoutMs: e.TSA_TIMEOUT_MS, allowUntimestamped: e.TSA_ALLOW_UNTIMESTAMPED === 'true' } : null,
    h5Dir: path.resolve(e.H5_DIR ?? path.join(import.meta.dirname, '../../miniapp/dist/h5')),
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxRetryBaseMs: e.OUTBOX_RETRY_BASE_MS,
    scheduler: e.SCHEDULER === 'on',
    outboxRetentionHours: e.OUTBOX_RETENTION_HOURS,
    authRateLimitPer10Min: e.AUTH_RATE_LIMIT_PER_10_MIN,
    seedDevData: e.SEED_DEV_DATA ? e.SEED_DEV_DATA === 'true' : !production,
    liveness: {
      queueDepth: e.LIVENESS_QUEUE_DEPTH,
      concurrentAnalyses: e.LIVENESS_CONCURRENT_ANALYSES,
      sweepSeconds: e.LIVENESS_SWEEP_SECONDS,
      analysis: e.LIVENESS_ANALYSIS,
      worker: e.LIVENESS_ANALYSIS === 'queue' && e.LIVENESS_WORKER === 'on',
      jobExpireSeconds: e.LIVENESS_JOB_EXPIRE_SECONDS,
    },
    testHoldDir: e.NODE_ENV === 'test' && e.TEST_HOLD_DIR ? path.resolve(e.TEST_HOLD_DIR) : undefined,
    face: {
      provider: e.FACE_PROVIDER,
      tencent:
        e.FACE_PROVIDER === 'tencent'
          ? { secretId: e.TENCENT_SECRET_ID ?? '', secretKey: e.TENCENT_SECRET_KEY ?? '', endpoint: e.TENCENT_FACEID_ENDPOINT, region: e.TENCENT_FACEID_REGION, protocol: e.TENCENT_FACEID_PROTOCOL, proxy: e.TENCENT_FACEID_PROXY, minSim: e.TENCENT_FACEID_MIN_SIM, timeoutSeconds: e.TENCENT_FACEID_TIMEOUT_SECONDS }
          : null,
    },
    trustProxyHops: e.TRUST_PROXY_HOPS,
    responseValidation: e.RESPONSE_VALIDATION === 'on',
    enterpriseRegistry: {
      url: e.ENTERPRISE_REGISTRY_URL,
      token: e.ENTERPRISE_REGISTRY_TOKEN,
      timeoutMs: e.ENTERPRISE_REGISTRY_TIMEOUT_MS,
      file: path.resolve(e.ENTERPRISE_REGISTRY_FILE ?? path.join(dataDir, 'enterprise-registry.json')),
      fileExplicit: e.ENTERPRISE_REGISTRY_FILE !== undefined,
    },
    review: reviewSettings(e, provinceSettings.fourEyes),
  };
}

type DevSecret = 'JWT_SECRET' | 'PII_ENCRYPTION_KEY' | 'PII_HASH_KEY' | 'OTP_HASH_KEY' | 'OUTBOX_ENCRYPTION_KEY';

/**
 * Development-only secrets, generated on first start and kept in DATA_DIR/secrets.json (mode 0600); a
 * secret added in a later version (OUTBOX_ENCRYPTION_KEY) is generated into an existing file.
 */
function loadDevSecrets(dataDir: string): Record<DevSecret, string> {
  const file = path.join(dataDir, 'secrets.json');
  const existing: Partial<Record<DevSecret, string>> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets: Record<DevSecret, string> = {
    JWT_SECRET: existing.JWT_SECRET ?? randomBytes(32).toString('base64url'),
    PII_ENCRYPTION_KEY: existing.PII_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    PII_HASH_KEY: existing.PII_HASH_KEY ?? randomBytes(32).toString('base64'),
    OTP_HASH_KEY: existing.OTP_HASH_KEY ?? randomBytes(32).toString('base64'),
    OUTBOX_ENCRYPTION_KEY: existing.OUTBOX_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  if (Object.keys(secrets).some((k) => !existing[k as DevSecret])) writeFileSync(file, JSON.stringify({ ...existing, ...secrets }, null, 2), { mode: 0o600 });
  return secrets;
}
