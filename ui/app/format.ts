/** Number formatting shared by the shell and the panels. */

/**
 * @example
 * formatMs(12.345)    // → '12.35 ms'
 * formatMs(12.345, 1) // → '12.3 ms'
 */
export function formatMs(ms: number | null | undefined, digits = 2): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return `${ms.toFixed(digits)} ms`;
}

/** `1 query`, `7 queries`. */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
