/**
 * Error codes: stable identifiers the API returns as `{error: {code, message}}`, with the Chinese message a
 * user can act on. The miniapp shows `message`; code paths branch on `code` only.
 */

export const ERRORS = {
  bad_request: { status: 400, message: '请求格式有误，请刷新后重试' },
  invalid_json: { status: 400, message: '请求内容不是有效的 JSON' },
  payload_too_large: { status: 413, message: '提交的内容过大' },
  unsupported_media_type: { status: 415, message: '请以 JSON 格式提交' },
  validation_failed: { status: 422, message: '填写的信息有误，请按提示修改' },
  unauthenticated: { status: 401, message: '请先登录' },
  token_expired: { status: 401, message: '登录已过期，请重新登录' },
  refresh_invalid: { status: 401, message: '登录状态已失效，请重新登录' },
  forbidden: { status: 403, message: '您没有权限进行此操作' },
  not_found: { status: 404, message: '没有找到该记录' },
  otp_invalid: { status: 400, message: '验证码错误，请重新输入' },
  otp_expired: { status: 400, message: '验证码已过期，请重新获取' },
  otp_too_many_attempts: { status: 429, message: '验证码错误次数过多，请重新获取' },
  otp_resend_too_soon: { status: 429, message: '验证码发送过于频繁，请稍后再试' },
  otp_daily_limit: { status: 429, message: '今日验证码发送次数已达上限，请明天再试' },
  rate_limited: { status: 429, message: '操作过于频繁，请稍后再试' },
  identity_required: { status: 409, message: '请先填写实名信息' },
  identity_unverified: { status: 409, message: '请先完成实名认证（人脸识别），或到注册机构现场核验身份' },
  face_consent_required: { status: 409, message: '请先阅读并同意人脸信息处理规则' },
  identity_documents_required: { status: 409, message: '请先上传身份证人像面照片' },
  upload_invalid: { status: 422, message: '上传的文件无效，请重新拍摄' },
  liveness_session_expired: { status: 409, message: '本次认证已超时，请重新开始' },
  liveness_session_used: { status: 409, message: '本次认证已提交，请重新开始' },
  liveness_attempts_exceeded: { status: 429, message: '认证次数过多，请一小时后再试，或到注册机构现场核验' },
  liveness_upload_in_progress: { status: 409, message: '您已有一段视频正在核验，请等待结果后再试' },
  liveness_busy: { status: 503, message: '当前核验人数较多，请稍后再试' },
  face_provider_unavailable: { status: 503, message: '人脸核验服务暂时不可用，本次不计入次数，请稍后再试' },
  identity_locked: { status: 409, message: '实名信息已核验或已用于注册申请，如需更正请联系注册机构' },
  identity_taken: { status: 409, message: '该身份证号码已由其他账号完成实名登记，请使用原手机号登录或联系注册机构' },
  wechat_not_bound: { status: 409, message: '该微信尚未绑定手机号，请先用手机号和验证码登录' },
  wechat_unavailable: { status: 503, message: '微信登录暂不可用，请使用手机号登录' },
  wechat_code_invalid: { status: 400, message: '微信登录凭证无效，请重试' },
  application_in_progress: { status: 409, message: '您有正在办理的注册申请，请先完成该申请' },
  application_type_unsupported: { status: 422, message: '暂不支持在线办理该注册事项' },
  application_locked: { status: 409, message: '申请已提交注册机构审批，不能再修改' },
  application_not_signable: { status: 409, message: '请先保存完整有效的申请表再签名' },
  application_wrong_status: { status: 409, message: '申请当前状态不能进行此操作' },
  version_conflict: { status: 409, message: '申请表已在其他地方修改，请刷新后重试' },
  review_stage_mismatch: { status: 409, message: '该申请不在此审核环节' },
  enterprise_not_found: { status: 404, message: '未找到该企业，请填写营业执照上的企业全称' },
  certificate_not_claimed: { status: 409, message: '请先确认领取电子证书' },
  certificate_already_claimed: { status: 409, message: '该证书已领取' },
  certificate_revoked: { status: 409, message: '该证书已注销' },
  privacy_consent_required: { status: 409, message: '请先阅读并同意隐私保护指引' },
  internal: { status: 500, message: '系统繁忙，请稍后再试' },
  unavailable: { status: 503, message: '服务暂不可用，请稍后再试' },
  service_unavailable: { status: 503, message: '系统正在维护或暂时无法连接数据库，请稍后再试' },
  upload_unsupported_media_type: { status: 415, message: '请以 multipart/form-data 格式上传文件' },
  method_not_allowed: { status: 405, message: '不支持该请求方法' },
  not_implemented: { status: 501, message: '不支持该请求方法' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The wire shape of every error response. `fields` maps a form path (e.g. `specialties.0.issueDate`) to its message. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; fields?: Record<string, string> };
}
