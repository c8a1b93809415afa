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

/** The stopped clock, as `uses` sees it. */
export interface StoppedClock {
  /** Moves the clock on by `ms`, firing the `setTimeout`s that come due (not the held delays). */
  advance(ms: number): Promise<void>;
}

/**
 * Runs `uses` with the clock stopped, so that what it resolves to was reached without waiting
 * for any timer (no connect timeout, no reconnection attempt, no command timeout) except those
 * `uses` let run by moving the clock on itself, by a stated amount. That is what "answers at
 * once" means whatever the machine's load (issue #17), where "within 1.5 s" meant it only on an
 * idle machine.
 *
 * Stopped: `setTimeout`/`setInterval` (vitest's fake timers), and `setTimeout` of
 * `node:timers/promises`, where node-redis waits out its reconnection backoff and which vitest's
 * fake timers leave running; those delays stay held even when `uses` moves the clock, so no
 * reconnection attempt is made. A real timer of GIVE_UP_MS only turns a use that does wait into a
 * clear failure instead of a hung test. On the way out the held delays start again on the real
 * clock, for their whole delay, and the fake timers still pending fire, so nothing (a
 * reconnection loop) stays stuck on a clock that no longer runs.
 *
 * @example
 * const { result, delaysWaiting } = await withClockStopped(async (clock) => {
 *   const list = await store.list();      // at once
 *   const adding = store.add(record);
 *   await clock.advance(COMMAND_TIMEOUT_MS); // at most the command timeout
 *   return [list, await adding];
 * });
 */
export async function withClockStopped<T>(uses: (clock: StoppedClock) => Promise<T>): Promise<ClockStopped<T>> {
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
  const clock: StoppedClock = { advance: async (ms) => void await vi.advanceTimersByTimeAsync(ms) };
  try {
    const result = await Promise.race([
      uses(clock),
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
