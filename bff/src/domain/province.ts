/**
 * The deployment's province settings in the BFF (shared/src/province-settings.ts): which file is in force,
 * the route of a matter, whether it is announced, and the working-day arithmetic of notices and time limits.
 */
import { readFileSync } from 'node:fs';
import {
  MATTERS,
  PROVINCE_SETTINGS,
  parseProvinceSettings,
  provinceRoute,
  ProvinceSettingsError,
  type Province,
  type ProvinceSettings,
  type RegistrationType,
  type ReviewStage,
} from '@zhiyetong/shared';
import type { Config } from '../config.js';

/**
 * The settings of `province`: the bundled file (shared/src/provinces/<province>.json), or the JSON file at
 * `file` (PROVINCE_SETTINGS_FILE) when set, validated with the same schema; its `province` must be `province`.
 * @throws ProvinceSettingsError naming the file and every bad field (the process then refuses to start).
 */
export function loadProvinceSettings(province: Province, file?: string): ProvinceSettings {
  if (!file) return PROVINCE_SETTINGS[province];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProvinceSettingsError(`省份设置文件 ${file} 无法读取或不是 JSON (unreadable province settings): ${(e as Error).message}`);
  }
  const settings = parseProvinceSettings(json, file);
  if (settings.province !== province) throw new ProvinceSettingsError(`省份设置文件 ${file} 是 ${settings.province} 的设置，与 PROVINCE=${province} 不一致`);
  return settings;
}

/** The province settings in force (config.provinceRules holds the whole settings object, with RENEWAL_WINDOW_DAYS applied). */
export function settingsOf(config: Pick<Config, 'provinceRules'>): ProvinceSettings {
  return config.provinceRules as ProvinceSettings;
}

/** The authority's stages of matter `type` in this province (none for cancellation and paper exchange). */
export function routeOf(config: Pick<Config, 'provinceRules'>, type: RegistrationType | string): readonly ReviewStage[] {
  const t = type as RegistrationType;
  return provinceRoute(settingsOf(config), t, MATTERS[t].route);
}
