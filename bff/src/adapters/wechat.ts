/**
 * WeChat mini-program server API client: `code2Session` (auth.code2Session: GET /sns/jscode2session) for
 * login, and subscription messages (POST /cgi-bin/message/subscribe/send) with a cached access token
 * (GET /cgi-bin/token). The base URL is a setting so tests point it at a local server speaking the same
 * protocol. The session_key never leaves this module.
 */

export interface WechatSettings {
  appId: string;
  appSecret: string;
  apiBase: string;
  subscribeTemplateId?: string;
}

export class WechatError extends Error {
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
  }
}

export class WechatClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(readonly settings: WechatSettings) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${this.settings.apiBase}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new WechatError(-1, `HTTP ${res.status}`);
    const data = (await res.json()) as T & { errcode?: number; errmsg?: string };
    if (data.errcode) throw new WechatError(data.errcode, data.errmsg ?? '');
    return data;
  }

  /** Exchanges a `wx.login` code for the user's openid (and unionid when bound). Throws WechatError (40029: invalid code). */
  async code2Session(code: string): Promise<{ openid: string; unionid?: string }> {
    const q = new URLSearchParams({ appid: this.settings.appId, secret: this.settings.appSecret, js_code: code, grant_type: 'authorization_code' });
    const data = await this.call<{ openid: string; unionid?: string; session_key: string }>(`/sns/jscode2session?${q}`);
    return { openid: data.openid, unionid: data.unionid };
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret });
    const data = await this.call<{ access_token: string; expires_in: number }>(`/cgi-bin/token?${q}`);
    this.token = { value: data.access_token, expiresAt: Date.now() + data.expires_in * 1000 };
    return data.access_token;
  }

  /** Sends a one-time subscription message; `data` maps template keys (thing1, character_string2 …) to values; `page` opens on tap. */
  async sendSubscribeMessage(msg: { openid: string; templateId: string; page: string; data: Record<string, string> }): Promise<void> {
    const token = await this.accessToken();
    const body = {
      touser: msg.openid,
      template_id: msg.templateId,
      page: msg.page,
      miniprogram_state: 'formal',
      lang: 'zh_CN',
      data: Object.fromEntries(Object.entries(msg.data).map(([k, v]) => [k, { value: v }])),
    };
    await this.call(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
