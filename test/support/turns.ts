/**
 * How long `until` waits before letting the route go on anyway. Not a measure: it only turns a
 * toolbar that holds bytes back into a failed order assertion instead of a hung test. Reaching it
 * means the client never got bytes the app had written; it stays under vitest's 20 s test timeout.
 */
export const GIVE_UP_MS = 8_000;

/** A route and the test's client taking turns, with the order they took them in. */
export interface Turns {
  /** What happened, in the order it happened, on the server and on the client. */
  readonly order: string[];
  /** Records a step, and lets a route waiting `until` that step go on. */
  note(step: string): void;
  /** Resolves once `step` was noted (or, if it never is, after GIVE_UP_MS, once per Turns). */
  until(step: string): Promise<void>;
}

/**
 * Lets a route wait until the client has read what it wrote, so a test proves that bytes went out
 * while the app was still writing by the order of events rather than by elapsed time (issue #17:
 * on a shared, loaded machine, "arrived 200 ms before the end" fails for reasons of its own). A
 * toolbar that buffered the response would keep the client from noting its step: the route gives
 * up, writes the rest, and `order` shows the rest written before the client read anything.
 *
 * @example
 * const turn = turns();
 * app.get('/page', async (_req, res) => {
 *   turn.note('server wrote head');
 *   res.write('<html><body><h1>Head</h1>');
 *   await turn.until('client read head');
 *   turn.note('server wrote rest');
 *   res.end('</body></html>');
 * });
 * // In the client's 'data' handler, once the head is in: turn.note('client read head').
 * expect(turn.order).toEqual(['server wrote head', 'client read head', 'server wrote rest']);
 */
export function turns(): Turns {
  const order: string[] = [];
  const waiting = new Map<string, () => void>();
  // After one give-up the order is already wrong; later waits need not add to the test's time.
  let gaveUp = false;
  return {
    order,
    note(step) {
      order.push(step);
      waiting.get(step)?.();
    },
    until(step) {
      if (gaveUp || order.includes(step)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          gaveUp = true;
          waiting.delete(step);
          resolve();
        }, GIVE_UP_MS);
        waiting.set(step, () => {
          clearTimeout(timer);
          waiting.delete(step);
          resolve();
        });
      });
    },
  };
}
