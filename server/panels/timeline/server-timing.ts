import type { LiveRequest } from '../../request/record.js';
import { sinceStart } from './spans.js';
import type { ServerTimingEntry } from '../panel.js';

/** The figures of the `Server-Timing` header. */
export interface ServerTimingFigures {
  dbMs: number;
  queryCount: number;
  renderMs: number;
  totalMs: number;
}

function ms(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/**
 * The `Server-Timing` value for the browser's devtools: time in the database, in template
 * rendering, and in total up to the headers.
 *
 * @example
 * serverTimingValue({ dbMs: 12.34, queryCount: 3, renderMs: 4, totalMs: 20 })
 * // 'db;dur=12.3;desc="3 queries", render;dur=4, total;dur=20'
 */
export function serverTimingValue(figures: ServerTimingFigures, more: readonly ServerTimingEntry[] = []): string {
  const noun = figures.queryCount === 1 ? 'query' : 'queries';
  return [
    `db;dur=${ms(figures.dbMs)};desc="${figures.queryCount} ${noun}"`,
    `render;dur=${ms(figures.renderMs)}`,
    // The panels' figures (a cache's time): names and descriptions are the panels' own constants and counts.
    ...more.map((entry) => `${entry.name};dur=${ms(entry.durationMs)}${entry.description ? `;desc="${entry.description.replace(/["\\]/g, '')}"` : ''}`),
    `total;dur=${ms(figures.totalMs)}`,
  ].join(', ');
}

/** The figures of a request so far: a query or render still running counts up to now. */
export function figuresOf(request: LiveRequest): ServerTimingFigures {
  const now = sinceStart(request);
  let dbMs = 0;
  for (const query of request.queries) dbMs += query.durationMs ?? now - query.startMs;
  let renderMs = 0;
  for (const template of request.timeline?.templates ?? []) {
    // Top-level views only: an include's time is already inside its parent's.
    if (template.parentId === null) renderMs += template.durationMs ?? now - template.startMs;
  }
  return { dbMs, queryCount: request.queryCount, renderMs, totalMs: now };
}

/** Appends our entries to a `Server-Timing` header the app may have set itself. */
export function mergeServerTiming(existing: unknown, ours: string): string {
  if (Array.isArray(existing)) existing = existing.join(', ');
  if (typeof existing === 'string' && existing.trim() !== '') return `${existing}, ${ours}`;
  return ours;
}
