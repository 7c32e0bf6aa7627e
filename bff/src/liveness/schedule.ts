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
import { MIN_REACTION_MS } from './rules.js';
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
export const LEAD_MS: [number, number] = [1000, 2200];
/**
 * Time from an action's prompt to the next prompt (or to the end of the recording), uniform, ms.
 * A blink needs a reaction (simple visual reaction 213 ms on average, Woods et al. 2015; choosing between
 * two actions and reading a prompt takes longer) plus about 0.3 s; the mouth must also be held for
 * rules.MOUTH_HOLD_MS (800 ms) inside the recording. The previous fixed schedule gave each action 3.5 s.
 */
export const GAP_MS: Record<LivenessAction, [number, number]> = { blink: [2000, 3200], open_mouth: [3000, 4200] };
/** Chance that the session asks for a second blink (three actions instead of two). */
export const EXTRA_BLINK_CHANCE = 0.5;
/**
 * A reported prompt time may differ from the schedule by this much (ms): the phone's timers fire every
 * 50 ms and a busy phone delays them; more than this and the clip is refused with schedule_mismatch.
 */
export const PROMPT_TOLERANCE_MS = 400;

const uniform = ([a, b]: [number, number]) => randomInt(a, b + 1);

/** A fresh random schedule: blink and open_mouth in random order, maybe a second blink at a random place, random gaps. */
export function makeSchedule(rand: (range: [number, number]) => number = uniform, coin: () => boolean = () => randomInt(0, 1000) < EXTRA_BLINK_CHANCE * 1000): Schedule {
  const actions: LivenessAction[] = rand([0, 1]) === 0 ? ['blink', 'open_mouth'] : ['open_mouth', 'blink'];
  if (coin()) actions.splice(rand([0, actions.length]), 0, 'blink');
  let t = rand(LEAD_MS);
  const prompts: ScheduledPrompt[] = [];
  for (const action of actions) {
    prompts.push({ action, atMs: t });
    t += rand(GAP_MS[action]);
  }
  return { prompts, durationMs: t };
}

/**
 * The window each action is judged in (rules.decide): it must begin at least MIN_REACTION_MS after its own
 * prompt and before the next prompt could have been reacted to (next prompt + MIN_REACTION_MS); the last one
 * before the recording's scheduled end.
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

export { MIN_REACTION_MS };
