/**
 * Face verification by Tencent Cloud FaceID 活体人脸核身 (API 2018-03-01): `GetActionSequence` gives the
 * order of the two actions (1 张嘴 open the mouth, 2 闭眼 close the eyes) and `LivenessRecognition` takes the
 * video with the person's name and ID number, checks liveness in that order and compares the face with the
 * authoritative ID photo database (公安部权威库), answering a similarity `Sim` in [0, 100]. Tencent's published
 * false-accept rates (the SDK's LivenessRecognitionResponse docs): Sim >= 70 about 1/1,000, >= 80 about
 * 1/10,000; the threshold is TENCENT_FACEID_MIN_SIM (default 70).
 *
 * Called through the official SDK's client (tencentcloud-sdk-nodejs-common's AbstractClient, as the
 * per-product packages such as tencentcloud-sdk-nodejs-sms do; the faceid package is not published on the
 * registry we reach), which signs with TC3-HMAC-SHA256. A timeout, a network failure or a Tencent-side error
 * throws FaceProviderUnavailable: the caller then uses no attempt. The video is sent as MP4 (H.264, at most
 * 640 px; Tencent takes mp4/avi/flv up to 8 MB of base64) and never kept.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-common';
import type { Config } from '../config.js';
import type { LivenessAction, LivenessReason, LivenessVerdict } from '../liveness/types.js';
import { ACTION_HINTS, HINTS } from '../liveness/rules.js';

const execFileAsync = promisify(execFile);

/** The face check could not be completed (timeout, network, provider error): no attempt is used. */
export class FaceProviderUnavailable extends Error {}

export type TencentFaceIdSettings = NonNullable<Config['face']['tencent']>;

/** Tencent's action codes in GetActionSequence / ValidateData. */
const TENCENT_ACTIONS: Record<string, LivenessAction> = { '1': 'open_mouth', '2': 'blink' };
const CODE_OF: Record<LivenessAction, string> = { open_mouth: '1', blink: '2' };

/** Tencent's FailedOperation codes that are a verdict on the person (billed, an attempt), by our reason. */
const VERDICT_CODES: Record<string, { code: LivenessReason; action?: LivenessAction }> = {
  'FailedOperation.CompareLowSimilarity': { code: 'face_mismatch' },
  'FailedOperation.CompareFail': { code: 'face_mismatch' },
  'FailedOperation.IdNameMisMatch': { code: 'face_mismatch' },
  'FailedOperation.ActionOpenMouth': { code: 'action_missing', action: 'open_mouth' },
  'FailedOperation.ActionCloseEye': { code: 'action_missing', action: 'blink' },
  'FailedOperation.ActionFirstAction': { code: 'action_missing' },
  'FailedOperation.ActionNodetectFace': { code: 'no_face' },
  'FailedOperation.ActionFaceClose': { code: 'no_face' },
  'FailedOperation.ActionFaceLeft': { code: 'no_face' },
  'FailedOperation.ActionFaceRight': { code: 'no_face' },
  'FailedOperation.ActionFaceFar': { code: 'face_too_small' },
  'FailedOperation.ActionLightDark': { code: 'too_dark' },
  'FailedOperation.CoveredFace': { code: 'no_face' },
  // not a live person (Tencent's own spelling "Livess")
  'FailedOperation.LivessDetectFail': { code: 'spoof_suspected' },
  'FailedOperation.LivessDetectFake': { code: 'spoof_suspected' },
  'FailedOperation.LifePhotoDetectFake': { code: 'spoof_suspected' },
  'FailedOperation.SilentDetectFail': { code: 'spoof_suspected' },
};

class FaceIdClient extends tencentcloud.AbstractClient {
  constructor(s: TencentFaceIdSettings) {
    super(s.endpoint, '2018-03-01', {
      credential: { secretId: s.secretId, secretKey: s.secretKey },
      region: s.region,
      profile: { httpProfile: { endpoint: s.endpoint, protocol: s.protocol, reqTimeout: s.timeoutSeconds, ...(s.proxy ? { proxy: s.proxy } : {}) } },
    });
  }
}

export class TencentFaceId {
  private readonly client: FaceIdClient;

  constructor(private readonly settings: TencentFaceIdSettings) {
    this.client = new FaceIdClient(settings);
  }

  /** Calls `action`; a timeout, network or Tencent-side failure becomes FaceProviderUnavailable, a FailedOperation verdict is returned as `{failed}`. */
  private async call(action: string, req: Record<string, unknown>): Promise<{ ok: Record<string, unknown> } | { failed: string }> {
    try {
      return { ok: (await this.client.request(action, req)) as Record<string, unknown> };
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (VERDICT_CODES[code]) return { failed: code };
      throw new FaceProviderUnavailable(`Tencent FaceID ${action}: ${code || 'no answer'} ${(e as Error).message ?? ''}`.trim());
    }
  }

  /** GetActionSequence: the order of the session's two actions. */
  async actionSequence(): Promise<LivenessAction[]> {
    const r = await this.call('GetActionSequence', {});
    const seq = 'ok' in r ? String(r.ok.ActionSequence ?? '') : '';
    const actions = seq.split(',').map((c) => TENCENT_ACTIONS[c.trim()]);
    if (actions.length < 1 || actions.some((a) => !a)) throw new FaceProviderUnavailable(`Tencent FaceID GetActionSequence: unexpected "${seq}"`);
    return actions;
  }

  /**
   * LivenessRecognition on the clip (any container ffmpeg reads; sent as MP4) with the actions in the order
   * asked. Passed when Result is Success and Sim >= minSim; each FailedOperation verdict maps to our reason
   * code and Chinese hint; anything else throws FaceProviderUnavailable.
   */
  async check(input: { videoPath: string; name: string; idNumber: string; actions: LivenessAction[] }): Promise<LivenessVerdict> {
    const t0 = performance.now();
    const mp4 = path.join(path.dirname(input.videoPath), 'faceid.mp4');
    const { ffmpegBinary } = await import('../liveness/decode.js');
    await execFileAsync(ffmpegBinary(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', input.videoPath, '-an', '-vf', "scale='min(640,iw)':-2", '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', mp4], { timeout: 60_000 });
    const video = (await readFile(mp4)).toString('base64');
    const r = await this.call('LivenessRecognition', {
      IdCard: input.idNumber,
      Name: input.name,
      LivenessType: 'ACTION',
      ValidateData: input.actions.map((a) => CODE_OF[a]).join(','),
      VideoBase64: video,
    });
    const result = 'ok' in r ? String(r.ok.Result ?? '') : r.failed;
    const sim = 'ok' in r && typeof r.ok.Sim === 'number' ? r.ok.Sim : 0;
    const reasons: LivenessVerdict['reasons'] = [];
    if (result === 'Success') {
      if (sim < this.settings.minSim) reasons.push({ code: 'face_mismatch', hint: HINTS.face_mismatch });
    } else if (VERDICT_CODES[result]) {
      const v = VERDICT_CODES[result];
      reasons.push({ code: v.code, hint: v.code === 'action_missing' && v.action ? ACTION_HINTS[v.action] : HINTS[v.code], ...(v.action ? { action: v.action } : {}) });
    } else {
      throw new FaceProviderUnavailable(`Tencent FaceID LivenessRecognition: Result ${result || '(none)'}`);
    }
    return {
      passed: reasons.length === 0,
      reasons,
      scores: {
        faceMatch: Math.round(sim * 10) / 1000,
        actions: input.actions.map((action) => ({ action, detected: result === 'Success' || (VERDICT_CODES[result]?.action !== action && VERDICT_CODES[result]?.code !== 'action_missing'), peak: 0 })),
        framesAnalysed: 0,
        facesPerFrameMax: 0,
        provider: { name: 'tencent', result, sim, requestId: 'ok' in r ? String(r.ok.RequestId ?? '') : undefined },
      },
      timings: { decodeMs: 0, analyseMs: Math.round(performance.now() - t0), videoMs: 0 },
    };
  }
}
