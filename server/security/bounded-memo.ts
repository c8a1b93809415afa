/**
 * A pure string check with its answers kept per input, at most `limit` of them (the oldest goes
 * first). The gate reads the same socket address and `Host` on every request, and the strict
 * reading of `::ffff:127.0.0.1` as IPv6 cost more than the rest of the gate; a client sending a
 * new `Host` each time only makes the oldest answers go, never the memory grow.
 *
 * @example
 * const cachedIsLoopbackHost = memoizeBounded(isLoopbackHost, 256);
 * cachedIsLoopbackHost('localhost:3000'); // computed once, then read back
 */
export function memoizeBounded(check: (value: string) => boolean, limit: number): (value: string) => boolean {
  const answers = new Map<string, boolean>();
  return function remembered(value: string): boolean {
    const known = answers.get(value);
    if (known !== undefined) return known;
    const answer = check(value);
    if (answers.size >= limit) answers.delete(answers.keys().next().value as string);
    answers.set(value, answer);
    return answer;
  };
}
