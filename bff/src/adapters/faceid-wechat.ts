/**
 * WeChat 人脸核身 for mini-programs of government bodies (only those may use it): the server asks WeChat for a
 * verification session of the person's name and ID number (`getVerifyId`: POST
 * /cityservice/face/identify/getverifyid), the mini-program runs it (`wx.requestFacialVerify({verifyId})`),
 * and the server confirms the result itself (`queryVerifyInfo`: POST /cityservice/face/identify/queryverifyinfo,
 * verify_ret 10000 = 识别成功) before trusting it: what the phone reports is never taken as the result.
 * The access token comes from GET /cgi-bin/token (client_credential) and is cached; the base URL is
 * WECHAT_API_BASE, so tests point it at a local server speaking the same protocol.
 *
 * cert_hash ("根据证件信息生成"): computed as base64(SHA-256("cert_type=IDENTITY_CARD&cert_name=<name>&cert_no=<ID number>"))
 * as we read WeChat's integration guide; the local test server checks the same formula, so confirm it with
 * WeChat's 人脸核身 onboarding material before production. A timeout or an API error throws
 * FaceProviderUnavailable (no attempt used).
 */
import { createHash } from 'node:crypto';
import { FaceProviderUnavailable } from './faceid.js';

export interface WechatFaceSettings {
  appId: string;
  appSecret: string;
  apiBase: string;
}

/** verify_ret of queryVerifyInfo: 10000 passed; 9xxxx ended on the phone (cancelled, camera, network) before a verdict. */
export const WECHAT_VERIFY_OK = 10000;

export function wechatCertHash(name: string, idNumber: string): string {
  return createHash('sha256').update(`cert_type=IDENTITY_CARD&cert_name=${name}&cert_no=${idNumber}`, 'utf8').digest('base64');
}

export class WechatFace {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly settings: WechatFaceSettings) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T & { errcode?: number; errmsg?: string }> {
    let res: Response;
    try {
      res = await fetch(`${this.settings.apiBase}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      throw new FaceProviderUnavailable(`WeChat ${path.split('?')[0]}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new FaceProviderUnavailable(`WeChat ${path.split('?')[0]}: HTTP ${res.status}`);
    return (await res.json()) as T & { errcode?: number; errmsg?: string };
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret });
    const data = await this.call<{ access_token: string; expires_in: number }>(`/cgi-bin/token?${q}`);
    if (data.errcode || !data.access_token) throw new FaceProviderUnavailable(`WeChat token: ${data.errcode} ${data.errmsg ?? ''}`);
    this.token = { value: data.access_token, expiresAt: Date.now() + data.expires_in * 1000 };
    return data.access_token;
  }

  private async post<T>(path: string, body: unknown): Promise<T & { errcode?: number; errmsg?: string }> {
    const token = await this.accessToken();
    return this.call<T>(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** getVerifyId: a verification session for this person (`outSeqNo` is ours, at most 32 characters). */
  async getVerifyId(input: { outSeqNo: string; name: string; idNumber: string; openid: string }): Promise<{ verifyId: string; expiresIn: number }> {
    const data = await this.post<{ verify_id: string; expires_in: number }>('/cityservice/face/identify/getverifyid', {
      out_seq_no: input.outSeqNo,
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: input.name, cert_no: input.idNumber },
      openid: input.openid,
    });
    if (data.errcode || !data.verify_id) throw new FaceProviderUnavailable(`WeChat getverifyid: ${data.errcode} ${data.errmsg ?? ''}`);
    return { verifyId: data.verify_id, expiresIn: data.expires_in ?? 3600 };
  }

  /** queryVerifyInfo: WeChat's own record of how the verification ended (verify_ret). */
  async queryVerifyInfo(input: { verifyId: string; outSeqNo: string; name: string; idNumber: string; openid: string }): Promise<number> {
    const data = await this.post<{ verify_ret: number }>('/cityservice/face/identify/queryverifyinfo', {
      verify_id: input.verifyId,
      out_seq_no: input.outSeqNo,
      cert_hash: wechatCertHash(input.name, input.idNumber),
      openid: input.openid,
    });
    if (data.errcode || typeof data.verify_ret !== 'number') throw new FaceProviderUnavailable(`WeChat queryverifyinfo: ${data.errcode} ${data.errmsg ?? ''}`);
    return data.verify_ret;
  }
}
