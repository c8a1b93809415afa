import type { ServerResponse } from 'node:http';
import { whenHeadersWritten } from '../instrument/headers-written.js';
import { performance } from 'node:perf_hooks';
import type { LiveRequest } from './record.js';
import type { ServerTimingEntry } from '../panels/panel.js';
import { panelServerTiming, panelsHeadersSent } from '../panels/lifecycle.js';
import { reportHookError } from '../instrument/patch.js';

function ms(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/**
 * The `Server-Timing` value for the browser's devtools: the panels' figures (time in the database,
 * in template rendering, in the cache) and the total up to the headers.
 *
 * @example
 * serverTimingValue([{ name: 'db', durationMs: 12.34, description: '3 queries' }, { name: 'render', durationMs: 4 }], 20)
 * // 'db;dur=12.3;desc="3 queries", render;dur=4, total;dur=20'
 */
export function serverTimingValue(entries: readonly ServerTimingEntry[], totalMs: number): string {
  return [
    // Names and descriptions are the panels' own constants and counts.
    ...entries.map((entry) => `${entry.name};dur=${ms(entry.durationMs)}${entry.description ? `;desc="${entry.description.replace(/["\\]/g, '')}"` : ''}`),
    `total;dur=${ms(totalMs)}`,
  ].join(', ');
}

/** Appends our entries to a `Server-Timing` header the app may have set itself. */
export function mergeServerTiming(existing: unknown, ours: string): string {
  if (Array.isArray(existing)) existing = existing.join(', ');
  if (typeof existing === 'string' && existing.trim() !== '') return `${existing}, ${ours}`;
  return ours;
}

/**
 * When the response's headers are written: tells the panels (the timeline's milestone) and, with
 * `serverTiming`, sets the header from their figures.
 */
export function onResponseHeaders(live: LiveRequest, res: ServerResponse, serverTiming: boolean): void {
  whenHeadersWritten(res, function onToolbarHeaders() {
    try {
      panelsHeadersSent(live);
      if (serverTiming) {
        const value = serverTimingValue(panelServerTiming(live), performance.now() - live.startTime);
        res.setHeader('Server-Timing', mergeServerTiming(res.getHeader('Server-Timing'), value));
      }
    } catch (error) {
      reportHookError(error);
    }
  });
}
