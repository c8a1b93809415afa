import { vi } from 'vitest';
import { GIVE_UP_MS } from './turns.js';

/**
 * Runs `uses` with the clock stopped: `setTimeout` and `setInterval` are vitest's fake timers,
 * which also stand in for `node:timers/promises`, where node-redis waits out its reconnection
 * backoff. What `uses` resolves to was therefore reached without waiting for any timer: no
 * connect timeout, no reconnection attempt, no command timeout. That is what "answers at once"
 * means, whatever the machine's load (issue #17), where "within 1.5 s" meant it only on an idle one.
 *
 * A real timer of GIVE_UP_MS only turns a use that does wait into a clear failure instead of a
 * hung test. On the way out, timers that came due on the stopped clock fire before the real
 * clock is back, so nothing (a reconnection loop) stays stuck on a clock that no longer runs.
 *
 * @example
 * const answers = await withClockStopped(() => Promise.all([store.get('a'), store.list()]));
 */
export async function withClockStopped<T>(uses: () => Promise<T>): Promise<T> {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  try {
    return await Promise.race([
      uses(),
      new Promise<never>((_, reject) => {
        giveUp = realSetTimeout(() => reject(new Error(`no answer with the clock stopped: it waits for a timer (gave up after ${GIVE_UP_MS} ms)`)), GIVE_UP_MS);
      }),
    ]);
  } finally {
    realClearTimeout(giveUp);
    vi.runOnlyPendingTimers();
    vi.useRealTimers();
  }
}
