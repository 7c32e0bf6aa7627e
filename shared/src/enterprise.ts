/**
 * The enterprise side's identity and basic information (issue 10; seed 003 §3.2.2): binding an enterprise
 * by its legal representative (法定代表人), its operators (经办人), and 企业基本信息 (003 §3.2.2.1), whose
 * starred fields must be complete before the enterprise may file or counter-sign ("带星号的地方为必填项,
 * 企业需要先完善基本信息后才能去申报其他业务").
 */
import { z } from 'zod';
import type * as V from './views.js';
import { phoneSchema } from './api.js';
import { isoDateSchema, MOBILE_PATTERN, usccSchema } from './forms.js';

/** POST /api/enterprise/bindings: the unified social credit code (GB 32100 check character verified, upper-cased). */
export const enterpriseBindingRequest = z.strictObject({ uscc: usccSchema });

/** POST /api/enterprise/operators: the operator's mobile number. */
export const operatorInviteRequest = z.strictObject({ phone: phoneSchema });

export const ENTERPRISE_MEMBER_ROLES = ['legal_representative', 'operator'] as const;
export type EnterpriseMemberRole = (typeof ENTERPRISE_MEMBER_ROLES)[number];

/**
 * 企业登记注册类型: the codes of 国家统计局、国家工商行政管理总局《关于划分企业登记注册类型的规定》(2011 调整).
 */
export const ENTERPRISE_REGISTRATION_TYPES = {
  '110': '国有企业',
  '120': '集体企业',
  '130': '股份合作企业',
  '140': '联营企业',
  '151': '国有独资公司',
  '159': '其他有限责任公司',
  '160': '股份有限公司',
  '171': '私营独资企业',
  '172': '私营合伙企业',
  '173': '私营有限责任公司',
  '174': '私营股份有限公司',
  '190': '其他企业',
  '200': '港、澳、台商投资企业',
  '300': '外商投资企业',
} as const;
export type EnterpriseRegistrationType = keyof typeof ENTERPRISE_REGISTRATION_TYPES;

/** 注册资本币种 (ISO 4217). */
export const CAPITAL_CURRENCIES = { CNY: '人民币', USD: '美元', HKD: '港币', EUR: '欧元', JPY: '日元', GBP: '英镑' } as const;

/** 企业类型 (003: 省内企业 / 省外企业). */
export const ENTERPRISE_LOCALITIES = { in_province: '省内企业', out_of_province: '省外企业' } as const;

const text = (max: number, label: string) => z.string().trim().max(max, { error: `${label}不超过 ${max} 个字` });
const optionalText = (max: number, label: string) => text(max, label).nullish();
/** Office phone or fax: digits with an optional area code and extension (021-12345678, 0731-88271748-801, 4008001234). */
const landline = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^(\d{3,4}-?)?\d{7,8}(-\d{1,6})?$|^1\d{10}$|^[48]00\d{7}$/, { error: `请填写正确的${label}，如 021-12345678` })
    .nullish();

/**
 * 企业基本信息 (003 §3.2.2.1). Every field may be left empty when saving (the legal representative fills it
 * in over time); the starred ones (REQUIRED_PROFILE_FIELDS) gate the filings. The social-insurance login
 * (社保登录用户名/密码) of the old system is not kept: the platform stores no third-party passwords.
 * Units: registeredCapital in 万元 of capitalCurrency; dates are YYYY-MM-DD.
 */
export const enterpriseProfileSchema = z.strictObject({
  /** *成立日期 */
  establishedOn: isoDateSchema.nullish(),
  /** 曾用名 */
  formerNames: optionalText(200, '曾用名'),
  /** 企业类型: 省内企业 / 省外企业 */
  locality: z.enum(Object.keys(ENTERPRISE_LOCALITIES) as [keyof typeof ENTERPRISE_LOCALITIES]).nullish(),
  /** 注册所在省 / 地市 / 区县 */
  province: optionalText(20, '注册所在省'),
  city: optionalText(30, '注册所在地市'),
  district: optionalText(30, '注册所在区县'),
  /** *企业营业地址 */
  businessAddress: optionalText(200, '企业营业地址'),
  /** *企业登记注册类型 */
  registrationType: z.enum(Object.keys(ENTERPRISE_REGISTRATION_TYPES) as [EnterpriseRegistrationType], { error: '请选择企业登记注册类型' }).nullish(),
  /** *注册资本金 (万元) */
  registeredCapital: z.number({ error: '注册资本金应为数字（万元）' }).positive({ error: '注册资本金应大于 0' }).max(1e9, { error: '注册资本金过大，请以万元为单位填写' }).multipleOf(0.0001, { error: '注册资本金最多 4 位小数' }).nullish(),
  /** *注册资本币种 */
  capitalCurrency: z.enum(Object.keys(CAPITAL_CURRENCIES) as [keyof typeof CAPITAL_CURRENCIES], { error: '请选择注册资本币种' }).nullish(),
  /** *办公电话 */
  officePhone: landline('办公电话'),
  /** 传真号码 */
  fax: landline('传真号码'),
  /** *联系人姓名 */
  contactName: optionalText(30, '联系人姓名'),
  /** *联系人手机号码 */
  contactMobile: z.string().trim().regex(MOBILE_PATTERN, { error: '请填写正确的 11 位手机号' }).nullish(),
  /** 企业网址 */
  website: z.string().trim().max(200).regex(/^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i, { error: '请填写正确的网址' }).nullish(),
  /** 电子邮箱 */
  email: z.string().trim().max(100).email({ error: '请填写正确的电子邮箱' }).nullish(),
  /** 企业资质类型 (e.g. 非招标代理机构) */
  qualificationType: optionalText(50, '企业资质类型'),
  /** 营业执照经营范围 */
  businessScope: optionalText(2000, '经营范围'),
});
export type EnterpriseProfile = z.infer<typeof enterpriseProfileSchema>;

/** The starred fields of 003 §3.2.2.1 with the message naming each when missing. */
export const REQUIRED_PROFILE_FIELDS = {
  establishedOn: '请填写成立日期',
  businessAddress: '请填写企业营业地址',
  registrationType: '请选择企业登记注册类型',
  registeredCapital: '请填写注册资本金（万元）',
  capitalCurrency: '请选择注册资本币种',
  officePhone: '请填写办公电话',
  contactName: '请填写联系人姓名',
  contactMobile: '请填写联系人手机号码',
} as const satisfies Partial<Record<keyof EnterpriseProfile, string>>;
export type RequiredProfileField = keyof typeof REQUIRED_PROFILE_FIELDS;

/** The required fields `profile` lacks (empty strings count as missing), in the form's order. */
export function missingProfileFields(profile: Partial<Record<string, unknown>> | null | undefined): RequiredProfileField[] {
  return (Object.keys(REQUIRED_PROFILE_FIELDS) as RequiredProfileField[]).filter((f) => {
    const v = profile?.[f];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
}

/**
 * Whether two personal names are the same person's name as written: NFKC, whitespace removed, the middle
 * dots of minority names (·・•‧∙) unified. The registry and the ID card may differ only in such writing.
 */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize('NFKC')
      .replace(/\s+/g, '')
      .replace(/[·・•‧∙.]/g, '·');
  return norm(a) !== '' && norm(a) === norm(b);
}

/** GET /api/enterprise/memberships: one enterprise the caller acts for. */
export type EnterpriseMembershipView = z.infer<typeof V.enterpriseMembershipViewSchema>;

/** GET /api/enterprise/operators */
export type EnterpriseMemberView = z.infer<typeof V.enterpriseMemberViewSchema>;

/** GET/PUT /api/enterprise/profile */
export type EnterpriseProfileView = z.infer<typeof V.enterpriseProfileViewSchema>;

/**
 * GET /api/enterprise/registrations (003 §3.2.4 人员注册信息查询): one registration in the register whose employer is
 * the acting enterprise, with its newest certificate version and the changes made to it (oldest first).
 */
export type EnterpriseRegistrationView = z.infer<typeof V.enterpriseRegistrationViewSchema>;
