/**
 * The enterprise registry (企业登记信息, the business registry's public record: 国家企业信用信息公示系统 /
 * 市场监督管理部门): one interface, two implementations.
 *
 * `lookup(uscc)` answers the public record of the enterprise with that unified social credit code
 * (统一社会信用代码, 18 characters, GB 32100), or null when the registry has no such enterprise:
 *   { uscc, name: 企业名称 as registered, legalRepresentative: 法定代表人姓名, legalRepresentativeIdNumber?, status }
 * with status `active` (存续/在业), `suspended` (停业), `revoked` (吊销) or `deregistered` (注销).
 * `legalRepresentativeIdNumber` (法定代表人证件号码, 18 characters) is present only where the registry
 * service verifies it (a licensed 企业信息核验 interface; the public record has the name only); when present,
 * binding also compares it with the verified person's ID number.
 * It throws `EnterpriseRegistryUnavailable` when the registry cannot answer (timeout, network, a 5xx or a
 * malformed answer), so callers can tell "no such enterprise" from "ask again later".
 *
 * Seed 000 §6 (聘用企业名称变更) and 004 (经工商数据比对后办结) check a new employer name against it;
 * issue 10 (binding an enterprise by its legal representative) uses the same interface.
 *
 * - `FileEnterpriseRegistry` (development): a JSON array of records in ENTERPRISE_REGISTRY_FILE (default
 *   DATA_DIR/enterprise-registry.json), read on every lookup so a developer can edit it while the server
 *   runs; created with the development enterprise when missing.
 * - `HttpEnterpriseRegistry` (ENTERPRISE_REGISTRY_URL): `GET {url}/enterprises/{uscc}` with
 *   `Accept: application/json` (and `Authorization: Bearer ENTERPRISE_REGISTRY_TOKEN` when set) → 200 with
 *   the record, 404 for an unknown code; ENTERPRISE_REGISTRY_TIMEOUT_MS (default 5000) per request.
 *   Tests play the registry with bff/test/helpers/enterprise-registry-server.ts on 127.0.0.1.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const ENTERPRISE_STATUSES = ['active', 'suspended', 'revoked', 'deregistered'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

/** 登记状态 as the registry prints it. */
export const ENTERPRISE_STATUS_LABELS: Record<EnterpriseStatus, string> = { active: '存续', suspended: '停业', revoked: '吊销', deregistered: '注销' };

/** The business registry's public record of one enterprise. */
export interface EnterpriseRecord {
  /** 统一社会信用代码 (18 characters, upper case). */
  uscc: string;
  /** 企业名称, exactly as registered. */
  name: string;
  /** 法定代表人姓名. */
  legalRepresentative: string;
  /** 法定代表人身份证号码, upper case — only from a registry service that gives it; absent from the public record. */
  legalRepresentativeIdNumber?: string;
  status: EnterpriseStatus;
}

export interface EnterpriseRegistry {
  /** The record for `uscc`, or null when the registry has none. Throws EnterpriseRegistryUnavailable when it cannot answer. */
  lookup(uscc: string): Promise<EnterpriseRecord | null>;
}

/** The registry could not answer (timeout, network, server error, malformed answer): try again later. */
export class EnterpriseRegistryUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`enterprise registry unavailable: ${message}`, options);
    this.name = 'EnterpriseRegistryUnavailable';
  }
}

export const enterpriseRecordSchema = z.object({
  uscc: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/),
  name: z.string().trim().min(1).max(200),
  legalRepresentative: z.string().trim().min(1).max(100),
  legalRepresentativeIdNumber: z
    .string()
    .regex(/^\d{17}[\dXx]$/)
    .transform((v) => v.toUpperCase())
    .optional(),
  status: z.enum(ENTERPRISE_STATUSES),
});

/** The development enterprise's record (seed data: bff/src/seed.ts DEV_ENTERPRISE). */
export const DEV_ENTERPRISE_RECORD: EnterpriseRecord = { uscc: '91310115MA1K3YJH5A', name: '上海建和工程咨询有限公司', legalRepresentative: '王建和', status: 'active' };

/** Development registry: a JSON array of EnterpriseRecord in `file`, created with the development enterprise when missing. */
export class FileEnterpriseRegistry implements EnterpriseRegistry {
  constructor(readonly file: string) {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify([DEV_ENTERPRISE_RECORD], null, 2) + '\n');
    }
  }

  async lookup(uscc: string): Promise<EnterpriseRecord | null> {
    let records: EnterpriseRecord[];
    try {
      records = z.array(enterpriseRecordSchema).parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch (e) {
      throw new EnterpriseRegistryUnavailable(`${this.file} is not a JSON array of {uscc, name, legalRepresentative, legalRepresentativeIdNumber?, status}`, { cause: e });
    }
    return records.find((r) => r.uscc === uscc.toUpperCase()) ?? null;
  }
}

/** Production registry over HTTP: GET {baseUrl}/enterprises/{uscc} → 200 EnterpriseRecord | 404. */
export class HttpEnterpriseRegistry implements EnterpriseRegistry {
  constructor(private readonly settings: { baseUrl: string; token?: string; timeoutMs: number }) {}

  async lookup(uscc: string): Promise<EnterpriseRecord | null> {
    const url = `${this.settings.baseUrl.replace(/\/$/, '')}/enterprises/${encodeURIComponent(uscc.toUpperCase())}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}) },
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new EnterpriseRegistryUnavailable(timeout ? `no answer within ${this.settings.timeoutMs} ms` : String((e as Error)?.message ?? e), { cause: e });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new EnterpriseRegistryUnavailable(`HTTP ${res.status}`);
    }
    try {
      const record = enterpriseRecordSchema.parse(await res.json());
      if (record.uscc !== uscc.toUpperCase()) throw new Error(`answered for ${record.uscc}`);
      return record;
    } catch (e) {
      throw new EnterpriseRegistryUnavailable(`malformed answer: ${(e as Error).message}`, { cause: e });
    }
  }
}

/**
 * The registry the settings name: HTTP when ENTERPRISE_REGISTRY_URL is set, else the development file.
 * Production never trusts a local file it was not told to use: with neither setting it gets a registry
 * that always answers unavailable (the rename is then refused with registry_unavailable, nothing changes).
 */
export function createEnterpriseRegistry(settings: { url?: string; token?: string; timeoutMs: number; file: string; fileExplicit: boolean; production: boolean }): EnterpriseRegistry {
  if (settings.url) return new HttpEnterpriseRegistry({ baseUrl: settings.url, token: settings.token, timeoutMs: settings.timeoutMs });
  if (settings.production && !settings.fileExplicit)
    return {
      async lookup() {
        throw new EnterpriseRegistryUnavailable('ENTERPRISE_REGISTRY_URL is not set (production does not use the development file)');
      },
    };
  return new FileEnterpriseRegistry(settings.file);
}
