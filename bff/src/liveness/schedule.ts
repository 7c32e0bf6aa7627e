/**
 * The server-dictated challenge (issue 13): a liveness session fixes the actions AND when each prompt
 * appears, relative to the start of the recording, with random gaps the server draws (node:crypto randomInt,
 * a CSPRNG), and sometimes a second blink. The phone shows each prompt at its time; the server judges every
 * action against these times (rules.decide) and refuses a clip whose length or reported prompt times do not
 * match (checkSchedule, rules.checkClipLength). A clip recorded in advance passes only if its actions happen
 * to fall into the windows of a schedule it has never seen: the evaluation computes that chance.
 * Pure functions, no I/O.
 */
import { randomInt } from 'node:crypto';
import { MAX_REACTION_MS, MIN_REACTION_MS } from './rules.js';
import type { ActionWindow, LivenessAction } from './types.js';

export interface ScheduledPrompt {
  action: LivenessAction;
  /** when the prompt must appear, ms after the recording started */
  atMs: number;
}
export interface Schedule {
  prompts: ScheduledPrompt[];
  /** how long the recording must last, ms (the last prompt's window runs to here) */
  durationMs: number;
}

/** The first prompt appears this long after the recording starts (uniform, ms): the person settles in front of the camera. */
export const LEAD_MS: [number, number] = [800, 2600];
/**
 * Time from an action's prompt to the next prompt (or to the end of the recording), uniform, ms.
 * A blink needs a reaction (simple visual reaction 213 ms on average, Woods et al. 2015; reading a prompt
 * and choosing between two actions takes longer) plus about 0.3 s; the mouth must also be held for
 * rules.MOUTH_HOLD_MS (800 ms) inside the recording. The previous fixed schedule gave each action 3.5 s.
 */
export const GAP_MS: Record<LivenessAction, [number, number]> = { blink: [1800, 3000], open_mouth: [2600, 3600] };
/**
 * How many actions a session asks for: 3 or 4 (even chance), one or two of them mouth openings (the rest
 * blinks), in random order. Measured with the evaluation's replay simulation (a clip recorded for one
 * session, replayed to fresh ones): two actions in random order with a sometimes-added blink let such a
 * clip pass about 9 % of sessions, three or four about 3 %, and with TAIL_MS about 1 %; each added action
 * and each choice of kind divides the chance, random times alone do little (a window must be wide enough
 * for a person, and a clip is short).
 */
export const ACTION_COUNTS = [3, 4] as const;
/**
 * After the last action's gap the recording goes on this much longer (uniform, ms; the person holds still):
 * the recording's length then says less about where the actions are. In the replay simulation it cut the
 * chance that issue 13's clip fits a fresh session from 3.0 % to 0.95 %.
 */
export const TAIL_MS: [number, number] = [300, 2500];

/**
 * A reported prompt time may differ from the schedule by this much (ms): the phone's timers fire every
 * 50 ms and a busy phone delays them; more than this and the clip is refused with schedule_mismatch.
 */
export const PROMPT_TOLERANCE_MS = 400;

const uniform = ([a, b]: [number, number]) => randomInt(a, b + 1);

/** A fresh random schedule (see ACTION_COUNTS, LEAD_MS, GAP_MS, TAIL_MS), or random times for `fixedActions`; `rand([a, b])` draws an integer in [a, b]. */
export function makeSchedule(rand: (range: [number, number]) => number = uniform, fixedActions?: LivenessAction[]): Schedule {
  const n = ACTION_COUNTS[rand([0, ACTION_COUNTS.length - 1])];
  const mouths = n === 4 ? 2 : rand([1, 2]);
  let actions: LivenessAction[] = Array.from({ length: n }, (_, i) => (i < mouths ? 'open_mouth' : 'blink'));
  for (let i = actions.length - 1; i > 0; i--) {
    const j = rand([0, i]);
    [actions[i], actions[j]] = [actions[j], actions[i]];
  }
  // a provider that dictates the actions (Tencent's GetActionSequence): its order, our times
  if (fixedActions) actions = [...fixedActions];
  let t = rand(LEAD_MS);
  const prompts: ScheduledPrompt[] = [];
  for (const action of actions) {
    prompts.push({ action, atMs: t });
    t += rand(GAP_MS[action]);
  }
  return { prompts, durationMs: t + rand(TAIL_MS) };
}

/**
 * The window each action is judged in (rules.inWindow): it must begin at least MIN_REACTION_MS and at most
 * MAX_REACTION_MS after its own prompt, and before the next prompt could have been reacted to (next prompt +
 * MIN_REACTION_MS); the last one before the recording's scheduled end.
 */
export function scheduleWindows(s: Schedule): ActionWindow[] {
  return s.prompts.map((p, i) => ({ action: p.action, startMs: p.atMs, endMs: s.prompts[i + 1]?.atMs ?? s.durationMs }));
}

export interface ReportedPrompt {
  action: LivenessAction;
  /** when the phone showed the prompt, ms after the recording started */
  shownAtMs: number;
}

/** True when the reported prompts are the schedule's, in its order, each shown within PROMPT_TOLERANCE_MS of its time. */
export function promptsMatchSchedule(s: Schedule, reported: ReportedPrompt[]): boolean {
  return reported.length === s.prompts.length && s.prompts.every((p, i) => reported[i].action === p.action && Math.abs(reported[i].shownAtMs - p.atMs) <= PROMPT_TOLERANCE_MS);
}

export { MAX_REACTION_MS, MIN_REACTION_MS };
