import type { LiveRequest } from '../../request/record.js';
import { fingerprint } from './fingerprint.js';
import { sqlShape } from './sql-shape.js';

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
 * Duplicates of an N+1's shape are left out, as the panel folds them into their loop (it keeps
 * one whose runs are not all inside the loop: then the counts can differ too).
 */
export function badgeCounts(request: LiveRequest, threshold: number): BadgeCounts {
  const runs = new Map<string, number>();
  const shapeOfRun = new Map<string, string>();
  const shapes = new Map<string, Set<string>>();
  const shapeCounts = new Map<string, number>();
  for (const query of request.queries) {
    const run = `${query.sql}\u0000${JSON.stringify(query.params)}`;
    runs.set(run, (runs.get(run) ?? 0) + 1);
    // The same statements the panel's N+1 detector considers (cached by SQL text).
    if (sqlShape(query.sql, query.db.dialect).statement === 'other') continue;
    const shape = fingerprint(query.sql, query.db.dialect);
    shapeOfRun.set(run, shape);
    shapeCounts.set(shape, (shapeCounts.get(shape) ?? 0) + 1);
    let distinct = shapes.get(shape);
    if (!distinct) shapes.set(shape, (distinct = new Set()));
    distinct.add(run);
  }
  const loops = new Set<string>();
  for (const [shape, count] of shapeCounts) {
    if (count >= threshold && (shapes.get(shape)?.size ?? 0) >= 2) loops.add(shape);
  }
  let duplicateCount = 0;
  for (const [run, count] of runs) {
    const shape = shapeOfRun.get(run);
    if (shape === undefined || !loops.has(shape)) duplicateCount += count - 1;
  }
  const nPlusOneCount = loops.size;
  return { queryCount: request.queryCount, duplicateCount, nPlusOneCount };
}
