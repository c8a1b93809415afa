import { expect } from 'vitest';
import type { TimelineSpan } from '../../server/types.js';

/** Milliseconds of slack for "within its parent": the clock is read a few statements apart. */
export const TOLERANCE_MS = 1;

/** Checks every span lies within its parent and the request span covers them all. */
export function expectWellNested(timeline: TimelineSpan[], tolerance = TOLERANCE_MS): void {
  const byId = new Map(timeline.map((span) => [span.id, span]));
  expect(timeline[0]).toMatchObject({ id: 'request', parentId: null, kind: 'request', startMs: 0 });
  for (const span of timeline.slice(1)) {
    const parent = byId.get(span.parentId ?? '');
    expect(parent, `parent of ${span.id} ${span.name}`).toBeDefined();
    // A query can outlive the middleware that started it without awaiting; the rest nest strictly.
    const end = span.startMs + span.durationMs;
    expect(span.startMs, `${span.name} starts within ${parent!.name}`).toBeGreaterThanOrEqual(parent!.startMs - tolerance);
    if (span.kind !== 'query') {
      expect(end, `${span.name} ends within ${parent!.name}`).toBeLessThanOrEqual(parent!.startMs + parent!.durationMs + tolerance);
    }
    expect(end).toBeLessThanOrEqual(timeline[0].durationMs + tolerance);
  }
  const starts = timeline.slice(1).map((span) => span.startMs);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
}

/** The names of a span's children, in order. */
export function childrenOf(timeline: TimelineSpan[], parentId: string, kinds?: string[]): TimelineSpan[] {
  return timeline.filter((span) => span.parentId === parentId && (!kinds || kinds.includes(span.kind)));
}

/** The one span with this name (fails otherwise). */
export function spanNamed(timeline: TimelineSpan[], name: string | RegExp): TimelineSpan {
  const found = timeline.filter((span) => (typeof name === 'string' ? span.name === name : name.test(span.name)));
  expect(found.map((span) => span.name), `one span named ${name}`).toHaveLength(1);
  return found[0];
}
