/**
 * Why the authority refuses to accept (不予受理, 004: 作出不予受理意见并告知具体原因), fails a review (审核不通过,
 * 003), returns an application for correction (退回补正) or upholds an objection: a reason chosen from this
 * list plus the reviewer's text. `correctable` reasons may return the application to the applicant, who
 * corrects it and files it again (same application, same acceptance number, its history kept) — for a matter
 * with an authority route; the others end it.
 */
export const REVIEW_REASONS = {
  materials_incomplete: { label: '申报材料不齐全', correctable: true },
  materials_unclear: { label: '申报材料不清晰或无法辨认', correctable: true },
  form_error: { label: '申请表填写有误', correctable: true },
  qualification_mismatch: { label: '资格信息与资格证书数据不符', correctable: true },
  continuing_education_missing: { label: '逾期注册未提供继续教育证明', correctable: true },
  employment_unproven: { label: '聘用关系证明不符合要求', correctable: true },
  not_competent: { label: '不属于本机关受理范围', correctable: false },
  registered_elsewhere: { label: '已在其他单位注册', correctable: false },
  false_information: { label: '提供虚假材料', correctable: false },
  objection_upheld: { label: '公示期间异议经核实成立', correctable: false },
  other: { label: '其他', correctable: true },
} as const satisfies Record<string, { label: string; correctable: boolean }>;

export type ReviewReasonCode = keyof typeof REVIEW_REASONS;
export const REVIEW_REASON_CODES = Object.keys(REVIEW_REASONS) as [ReviewReasonCode, ...ReviewReasonCode[]];

/** The reason as the notification and the history show it: 申报材料不齐全：缺少劳动合同 (the label alone without text). */
export function reviewReasonText(code: ReviewReasonCode, text?: string | null): string {
  const label = REVIEW_REASONS[code].label;
  if (!text) return label;
  return code === 'other' ? text : `${label}：${text}`;
}
