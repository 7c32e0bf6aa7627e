/**
 * Filings by the employer (企业申报, seed 003 §3.2.3) and batch confirmation (issue 10): the request shapes and
 * the answers, used by the BFF (bff/src/routes/employer-filings.ts) and the miniapp. The statuses and who may
 * move them are in workflow.ts (FILING_PATHS).
 */
import { z } from 'zod';
import type * as V from './views.js';
import { otpSchema, returnRequest } from './api.js';
import { checkIdNumber } from './id-number.js';
import { PROFESSIONS } from './professions.js';
import { EMPLOYER_FILED_MATTERS } from './workflow.js';

const personName = z.string({ error: '请填写人员姓名' }).trim().min(2, { error: '请填写人员姓名' }).max(20, { error: '姓名过长' });
const idNumber = z
  .string({ error: '请填写身份证号码' })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => checkIdNumber(v) === null, { error: '请输入完整有效的身份证号码' });

/** Finding one of the enterprise's people: name and ID number, both exact (003 §3.2.3.1 选择人员); a body, so the ID number stays out of URLs and proxy logs. */
export const personLookupRequest = z.strictObject({
  name: personName,
  idNumber,
  profession: z.enum(PROFESSIONS).default('constructor'),
});

/** Starting a filing for a person: the matter and the person (name and ID number). */
export const employerFilingRequest = z.strictObject({
  profession: z.enum(PROFESSIONS, { error: '请选择职业资格' }).default('constructor'),
  type: z.enum(EMPLOYER_FILED_MATTERS, { error: '请选择申报类型（初始、重新、增项、延续、遗失补办、注销、身份证号码变更，或临时建造师变更、延期、注销）' }),
  name: personName,
  idNumber,
});

/** The person's or the employer's refusal: a reason, kept in the history (003 §3.2.3.7). */
export const refusalRequest = z.strictObject({ reason: returnRequest.shape.reason });

export const BATCH_MAX = 50;

/** One application of a batch, as the list showed it: its id and its updatedAt (which every write changes). */
const batchItem = z.strictObject({
  id: z.uuid({ error: '申请编号无效' }),
  updatedAt: z.iso.datetime({ offset: true, error: '请提交列表中显示的更新时间' }),
});
const batchItems = z
  .array(batchItem, { error: '请选择要确认的申请' })
  .min(1, { error: '请至少选择一份申请' })
  .max(BATCH_MAX, { error: `一次最多确认 ${BATCH_MAX} 份申请` })
  .refine((items) => new Set(items.map((i) => i.id)).size === items.length, { error: '同一申请不能重复选择' });

export const batchCodeRequest = z.strictObject({ items: batchItems });
export const batchSignRequest = z.strictObject({
  items: batchItems,
  code: otpSchema,
  opinionAccepted: z.literal(true, { error: '请阅读并勾选聘用企业意见' }),
});
export type BatchItem = z.infer<typeof batchItem>;

/** POST /api/enterprise/people/search: the person found, their registration, and what the enterprise may file for them. */
export type PersonLookupView = z.infer<typeof V.personLookupViewSchema>;

/** POST /api/enterprise/batch-signatures/sms-code. */
export type BatchCodeSentResponse = z.infer<typeof V.batchCodeSentResponseSchema>;

export type BatchSkipReason = 'changed' | 'not_awaiting' | 'not_found' | 'failed';

/** POST /api/enterprise/batch-signatures: each application signed on its own, and those left out with why. */
export type BatchConfirmationResult = z.infer<typeof V.batchConfirmationResultSchema>;
