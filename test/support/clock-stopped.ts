import { vi } from 'vitest';
import timersPromises from 'node:timers/promises';
import { GIVE_UP_MS } from './turns.js';

type PromiseTimeout = typeof timersPromises.setTimeout;

/** What `withClockStopped` saw. */
export interface ClockStopped<T> {
  /** What `uses` resolved to. */
  result: T;
  /** Promise timers (node-redis's reconnection backoff) still waiting when `uses` had resolved. */
  delaysWaiting: number;
}

/**
 * Runs `uses` with the clock stopped, so that what it resolves to was reached without waiting
 * for any timer: no connect timeout, no reconnection attempt, no command timeout. That is what
 * "answers at once" means whatever the machine's load (issue #17), where "within 1.5 s" meant
 * it only on an idle machine.
 *
 * Stopped: `setTimeout`/`setInterval` (vitest's fake timers), and `setTimeout` of
 * `node:timers/promises`, where node-redis waits out its reconnection backoff and which vitest's
 * fake timers leave running. A real timer of GIVE_UP_MS only turns a use that does wait into a
 * clear failure instead of a hung test. On the way out the waiting promise timers are started
 * again on the real clock, for their whole delay, and the fake timers that came due fire, so
 * nothing (a reconnection loop) stays stuck on a clock that no longer runs.
 *
 * @example
 * const { result, delaysWaiting } = await withClockStopped(() => Promise.all([store.get('a'), store.list()]));
 */
export async function withClockStopped<T>(uses: () => Promise<T>): Promise<ClockStopped<T>> {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const realDelay = timersPromises.setTimeout;
  const waiting: (() => void)[] = [];
  // node-redis reads the property at each call (`(0, promises_1.setTimeout)(ms)`), so this reaches it.
  timersPromises.setTimeout = ((delay?: number, value?: unknown) => new Promise<unknown>((resolve) => {
    waiting.push(() => void realDelay(delay, value).then(resolve));
  })) as PromiseTimeout;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  try {
    const result = await Promise.race([
      uses(),
      new Promise<never>((_, reject) => {
        giveUp = realSetTimeout(() => reject(new Error(`no answer with the clock stopped: it waits for a timer (gave up after ${GIVE_UP_MS} ms)`)), GIVE_UP_MS);
      }),
    ]);
    return { result, delaysWaiting: waiting.length };
  } finally {
    realClearTimeout(giveUp);
    timersPromises.setTimeout = realDelay;
    for (const restart of waiting) restart();
    vi.runOnlyPendingTimers();
    vi.useRealTimers();
  }
}
