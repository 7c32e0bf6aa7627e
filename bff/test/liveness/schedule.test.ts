/**
 * The server-dictated challenge as pure rules (no face data, no models): what makeSchedule draws, the
 * window each action must begin in (reaction time after its prompt, before the next prompt could be reacted
 * to), the reported prompt times' tolerance, the clip length check, and the refusal of a mouth opening no
 * prompt asked for.
 */
import test from 'ava';
import { clipLengthMatches, CLIP_LONG_MS, CLIP_SHORT_MS, inWindow, matchActions, MAX_REACTION_MS, MAX_VIDEO_MS, MIN_REACTION_MS, unpromptedMouth } from '../../src/liveness/rules.js';
import { GAP_MS, LEAD_MS, makeSchedule, PROMPT_TOLERANCE_MS, promptsMatchSchedule, scheduleWindows, TAIL_MS } from '../../src/liveness/schedule.js';

test('makeSchedule: 3 or 4 actions, one or two mouth openings, gaps and length in their ranges', (t) => {
  const counts = new Set<number>(), orders = new Set<string>();
  for (let k = 0; k < 2000; k++) {
    const s = makeSchedule();
    const actions = s.prompts.map((p) => p.action);
    counts.add(actions.length);
    orders.add(actions.join(','));
    const mouths = actions.filter((a) => a === 'open_mouth').length;
    t.true(mouths >= 1 && mouths <= 2 && (actions.length === 3 || mouths === 2));
    t.true(s.prompts[0].atMs >= LEAD_MS[0] && s.prompts[0].atMs <= LEAD_MS[1]);
    for (let i = 1; i < s.prompts.length; i++) {
      const gap = s.prompts[i].atMs - s.prompts[i - 1].atMs;
      const [lo, hi] = GAP_MS[s.prompts[i - 1].action];
      if (gap < lo || gap > hi) t.fail(`gap ${gap} after ${s.prompts[i - 1].action}`);
    }
    const last = s.prompts[s.prompts.length - 1];
    const tail = s.durationMs - last.atMs;
    t.true(tail >= GAP_MS[last.action][0] + TAIL_MS[0] && tail <= GAP_MS[last.action][1] + TAIL_MS[1]);
    t.true(s.durationMs + CLIP_LONG_MS <= MAX_VIDEO_MS);
  }
  t.deepEqual([...counts].sort(), [3, 4]);
  t.is(orders.size, 12, 'every order of 1-2 mouths among 3 and of 2 mouths among 4');
  // a provider's order (Tencent's GetActionSequence) is kept, with our times
  t.deepEqual(makeSchedule(undefined, ['blink', 'open_mouth']).prompts.map((p) => p.action), ['blink', 'open_mouth']);
});

test('an action must begin a reaction time after its prompt, within MAX_REACTION_MS, and before the next prompt could be reacted to', (t) => {
  const s = { prompts: [{ action: 'blink' as const, atMs: 1000 }, { action: 'open_mouth' as const, atMs: 2500 }], durationMs: 6000 };
  const [blink, mouth] = scheduleWindows(s);
  t.false(inWindow(1000 + MIN_REACTION_MS - 1, blink), 'faster than a person can react: it was not a response');
  t.true(inWindow(1000 + MIN_REACTION_MS, blink));
  t.true(inWindow(2500 + MIN_REACTION_MS - 1, blink), 'begun before the next prompt could be reacted to');
  t.false(inWindow(2500 + MIN_REACTION_MS, blink));
  t.true(inWindow(2500 + MAX_REACTION_MS - 1, mouth));
  t.false(inWindow(2500 + MAX_REACTION_MS, mouth), 'too late after its own prompt');
});

test('matchActions finds each action in its own window and in order; a mouth opening no prompt asked for is unprompted', (t) => {
  const s = { prompts: [{ action: 'open_mouth' as const, atMs: 1000 }, { action: 'blink' as const, atMs: 4000 }], durationMs: 7000 };
  const w = scheduleWindows(s);
  const ev = (blinks: number[], mouths: number[]) => new Map([['blink' as const, blinks.map((atMs) => ({ atMs, peak: 0.5 }))], ['open_mouth' as const, mouths.map((atMs) => ({ atMs, peak: 0.5 }))]]);
  const ok = ev([4600], [1500]);
  const m = matchActions(ok, w);
  t.true(m.every((x) => x.hit));
  t.false(unpromptedMouth(ok.get('open_mouth')!, m));
  // a natural blink during the mouth window is fine; a second mouth opening in the blink window is not
  const extraBlink = ev([1800, 4600], [1500]);
  t.false(unpromptedMouth(extraBlink.get('open_mouth')!, matchActions(extraBlink, w)));
  const extraMouth = ev([4600], [1500, 4400]);
  t.true(unpromptedMouth(extraMouth.get('open_mouth')!, matchActions(extraMouth, w)));
  // a mouth opening before its prompt (a recording made for another schedule)
  const early = ev([4600], [800]);
  const me = matchActions(early, w);
  t.is(me[0].hit, null);
  t.true(unpromptedMouth(early.get('open_mouth')!, me));
});

test('reported prompt times must be the schedule within PROMPT_TOLERANCE_MS; the clip within -CLIP_SHORT_MS/+CLIP_LONG_MS of its length', (t) => {
  const s = { prompts: [{ action: 'blink' as const, atMs: 1000 }, { action: 'open_mouth' as const, atMs: 3500 }], durationMs: 7000 };
  const at = (a: number, b: number) => [{ action: 'blink' as const, shownAtMs: a }, { action: 'open_mouth' as const, shownAtMs: b }];
  t.true(promptsMatchSchedule(s, at(1000, 3500)));
  t.true(promptsMatchSchedule(s, at(1000 + PROMPT_TOLERANCE_MS, 3500 - PROMPT_TOLERANCE_MS)));
  t.false(promptsMatchSchedule(s, at(1000 + PROMPT_TOLERANCE_MS + 1, 3500)));
  t.false(promptsMatchSchedule(s, [{ action: 'open_mouth', shownAtMs: 1000 }, { action: 'blink', shownAtMs: 3500 }]), 'another order');
  t.false(promptsMatchSchedule(s, at(1000, 3500).slice(0, 1)), 'a prompt missing');
  t.true(clipLengthMatches(7000 - CLIP_SHORT_MS, 7000) && clipLengthMatches(7000 + CLIP_LONG_MS, 7000));
  t.false(clipLengthMatches(7000 - CLIP_SHORT_MS - 1, 7000) || clipLengthMatches(7000 + CLIP_LONG_MS + 1, 7000));
});
