export type LivenessAction = 'blink' | 'open_mouth';

/** A prompted action; times are relative to video start, startMs = when the prompt was shown, endMs = the next prompt (or the end). */
export interface ActionWindow { action: LivenessAction; startMs: number; endMs: number }

export type LivenessReason =
  | 'no_face' | 'multiple_faces' | 'face_too_small' | 'too_dark' | 'identity_changed'
  | 'action_missing' | 'action_out_of_order' | 'static_image' | 'face_mismatch' | 'spoof_suspected'
  | 'video_unreadable' | 'video_too_short' | 'video_too_long'
  /** the clip's length or the reported prompt times do not match the session's schedule (schedule.ts) */
  | 'schedule_mismatch'
  /** the face check could not be completed (provider unreachable, check interrupted); no attempt is used */
  | 'check_unavailable';

export interface LivenessVerdict {
  passed: boolean;
  reasons: { code: LivenessReason; hint: string /* Chinese, actionable */; action?: LivenessAction }[];
  scores: {
    /** similarity 0..1 vs the reference photo (mean over the descriptor frames) */
    faceMatch: number;
    actions: { action: LivenessAction; detected: boolean; atMs?: number; peak: number }[];
    /** human's antispoof model, mean "real" score over descriptor frames (recorded, not blocking) */
    antispoof?: number;
    /** human's liveness model, mean "live" score over descriptor frames (recorded, not blocking) */
    liveness?: number;
    framesAnalysed: number;
    facesPerFrameMax: number;
    /** on schedule_mismatch: how far each reported prompt was from its scheduled time, and the clip's length against the schedule's, ms */
    schedule?: { promptOffsetsMs?: number[]; videoMs?: number; expectedMs: number };
    /** an external provider's answer (FACE_PROVIDER tencent / wechat): its result code and similarity (0-100) */
    provider?: { name: 'tencent' | 'wechat'; result: string; sim?: number; requestId?: string };
  };
  timings: { decodeMs: number; analyseMs: number; videoMs: number };
}
