/**
 * SMS: one interface, two providers. `TencentSmsProvider` sends through Tencent Cloud SMS with its official
 * SDK (API 2021-01-11 SendSms, template + parameters); `DevSmsProvider` appends `{"phone","text","at"}`
 * lines to DATA_DIR/sms-outbox.jsonl for development and tests, and refuses to exist in production.
 */
import { appendFile } from 'node:fs/promises';
import type { Agent } from 'node:http';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import type { Config } from '../config.js';

/** Templates registered with the SMS provider; `params` fill {1}, {2} … in order. */
export const SMS_TEMPLATES = {
  login_code: '您的登录验证码为{1}，5分钟内有效。如非本人操作，请忽略本短信。',
  signature_code: '您正在签署《{1}》（受理编号{2}），验证码{3}，5分钟内有效，请勿泄露给他人。',
  employer_pending: '{1}的{2}申请（受理编号{3}）已完成个人签名，请登录执业通进行企业确认。',
  applicant_employer_signed: '您的{1}申请（受理编号{2}）已由聘用企业签名确认，已提交注册机构。',
  applicant_returned: '您的{1}申请（受理编号{2}）被聘用企业退回，原因：{3}。请修改后重新签名。',
  applicant_review: '您的{1}申请（受理编号{2}）{3}：{4}。',
  applicant_completed: '您的{1}申请（受理编号{2}）已办结：{3}。',
  employer_review: '贵单位{1}的{2}申请（受理编号{3}）{4}，{5}。',
  applicant_filing_pending: '{1}已为您填报{2}申请（受理编号{3}），请登录执业通核对后签名确认。',
  employer_filing_refused: '{1}拒绝确认{2}申请（受理编号{3}），原因：{4}。该申请已终止。',
  applicant_refused: '您的{1}申请（受理编号{2}）被聘用企业拒绝确认，原因：{3}。该申请已终止。',
  // temporary constructors (003 §3.2.3.9): the old employer is asked to release the person, and the new one told of a refusal
  release_pending: '{1}申请将贵单位临时建造师{2}转入（{3}，受理编号{4}），请登录执业通确认是否同意转出。',
  release_refused: '{1}不同意{2}转出（{3}，受理编号{4}），原因：{5}。该申请已终止。',
  // issue 10: the person a legal representative invited as an operator (经办人) of the enterprise
  operator_invited: '{1}已邀请您为企业经办人，请用本手机号登录执业通，为该企业办理注册申报和确认。',
  batch_signature_code: '您正在批量签署{1}份申请（受理编号{2}），验证码{3}，5分钟内有效，请勿泄露给他人。',
  holder_certificate_reissued: '您的{1}电子注册证书（注册编号{2}）已换发：{3}。请登录执业通领取新证书。',
  // reminders (issue 16, bff/src/domain/reminders.ts); each has its own Tencent template id setting
  reminder_validity_ending: '您的{1}注册专业“{2}”（注册编号{3}）有效期至{4}，还有{5}天届满。请及时登录执业通申请延续注册。',
  reminder_employee_validity_ending: '贵单位{1}的{2}注册专业“{3}”（注册编号{4}）有效期至{5}，还有{6}天届满，请提醒其及时申请延续注册。',
  reminder_certificate_unclaimed: '您的{1}电子注册证书（注册编号{2}）已发放{3}天，尚未领取。请登录执业通核对并领取。',
  reminder_applicant_signature: '您的{1}申请（受理编号{2}）已保存{3}天，尚未签名提交。请登录执业通签名。',
  reminder_employer_signature: '{1}的{2}申请（受理编号{3}）已等待企业确认{4}天，请登录执业通进行企业确认。',
  reminder_correction: '您的{1}申请（受理编号{2}）被退回已{3}天，尚未修改。请登录执业通修改后重新签名。',
} as const;

export type SmsTemplate = keyof typeof SMS_TEMPLATES;

export interface SmsMessage {
  template: SmsTemplate;
  params: string[];
}

/** The message as the person reads it. */
export function renderSms(message: SmsMessage): string {
  return SMS_TEMPLATES[message.template].replace(/\{(\d+)\}/g, (_, n) => message.params[Number(n) - 1] ?? '');
}

export interface SmsProvider {
  /** Sends one message; throws on a provider refusal so the outbox retries. */
  send(phone: string, message: SmsMessage): Promise<void>;
}

export class DevSmsProvider implements SmsProvider {
  constructor(
    private readonly outboxFile: string,
    env: string,
  ) {
    if (env === 'production') throw new Error('DevSmsProvider refuses to start with NODE_ENV=production');
  }

  async send(phone: string, message: SmsMessage): Promise<void> {
    await appendFile(this.outboxFile, JSON.stringify({ phone, text: renderSms(message), at: new Date().toISOString() }) + '\n');
  }
}

type TencentSettings = Extract<Config['sms'], { provider: 'tencent' }>;

export class TencentSmsProvider implements SmsProvider {
  private readonly client: InstanceType<typeof tencentcloud.sms.v20210111.Client>;

  constructor(
    private readonly settings: TencentSettings,
    /** Template ids per template name, e.g. {"login_code": "1234567"}; defaults to the single configured id. */
    private readonly templateIds: Partial<Record<SmsTemplate, string>> = {},
    /** An HTTP agent for the SDK (tests route the production host name to a local server with it). */
    agent?: Agent,
  ) {
    this.client = new tencentcloud.sms.v20210111.Client({
      credential: { secretId: settings.secretId, secretKey: settings.secretKey },
      region: settings.region,
      profile: { httpProfile: { endpoint: settings.endpoint, protocol: settings.protocol, reqTimeout: 10, ...(agent ? { agent } : {}) } },
    });
  }

  async send(phone: string, message: SmsMessage): Promise<void> {
    const result = await this.client.SendSms({
      PhoneNumberSet: [`+86${phone}`],
      SmsSdkAppId: this.settings.sdkAppId,
      SignName: this.settings.signName,
      TemplateId: this.templateIds[message.template] ?? this.settings.templateId,
      TemplateParamSet: message.params,
    });
    const status = result.SendStatusSet?.[0];
    if (status?.Code !== 'Ok') throw new Error(`Tencent SMS refused: ${status?.Code ?? 'no status'} ${status?.Message ?? ''}`);
  }
}

export function createSmsProvider(config: Config, agent?: Agent): SmsProvider {
  return config.sms.provider === 'dev' ? new DevSmsProvider(config.sms.outboxFile, config.env) : new TencentSmsProvider(config.sms, config.sms.templateIds ?? {}, agent);
}
