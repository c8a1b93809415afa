import type { LiveRequest } from './record.js';
import { fingerprint } from './panels/sql/fingerprint.js';
import { sqlShape } from './panels/sql/sql-shape.js';

export interface BadgeCounts {
  queryCount: number;
  duplicateCount: number;
  nPlusOneCount: number;
}

/**
 * The launcher's badge, computed while the page is being sent, so only from what is cheap: SQL
 * text, params and cached fingerprints, never stack frames (resolving them is the read path's
 * work). Duplicates are exact. The N+1 count is the number of query shapes repeated at least
 * `threshold` times with different params; the panel then tells them apart by call site, so in
 * the rare request where one shape repeats from two places the two counts can differ.
 */
export function badgeCounts(request: LiveRequest, threshold: number): BadgeCounts {
  const runs = new Map<string, number>();
  const shapes = new Map<string, Set<string>>();
  const shapeCounts = new Map<string, number>();
  for (const query of request.queries) {
    const run = `${query.sql}\u0000${JSON.stringify(query.params)}`;
    runs.set(run, (runs.get(run) ?? 0) + 1);
    // The same statements the panel's N+1 detector considers (cached by SQL text).
    if (sqlShape(query.sql).statement === 'other') continue;
    const shape = fingerprint(query.sql);
    shapeCounts.set(shape, (shapeCounts.get(shape) ?? 0) + 1);
    let distinct = shapes.get(shape);
    if (!distinct) shapes.set(shape, (distinct = new Set()));
    distinct.add(run);
  }
  let duplicateCount = 0;
  for (const count of runs.values()) duplicateCount += count - 1;
  let nPlusOneCount = 0;
  for (const [shape, count] of shapeCounts) {
    if (count >= threshold && (shapes.get(shape)?.size ?? 0) >= 2) nPlusOneCount += 1;
  }
  return { queryCount: request.queryCount, duplicateCount, nPlusOneCount };
}
