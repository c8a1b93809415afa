import type { QueryRecord, RawFrame } from '../../types.js';
import { isUserFrame } from '../../stack/callsite.js';
import { mapFrame } from '../../stack/source-map.js';

// Raw positions: a bundled or transpiled file may hold many source lines on one generated line.
const frameKey = (frame: RawFrame) => `${frame.file}:${frame.line}:${frame.column}`;

/**
 * Queries with the call site that names their loop. The first user frame is usually it, but not
 * in an app that sends every query through a helper of its own (node-postgres' guide suggests a
 * `db.query(text, params)` wrapper): that line runs every shape of the request, says nothing about
 * where the loop is, and would merge loops from different places. A line that ran two or more
 * shapes is such a helper, so the query's call site moves out to the first frame of its stack that
 * ran only its own shape. A query whose frames are all shared keeps its first user frame.
 *
 * @example
 * withLoopSites(queries, framesOf) // q.callSite: routes/posts.ts:14 instead of db/index.ts:5
 */
export function withLoopSites(queries: readonly QueryRecord[], framesOf: (query: QueryRecord) => readonly RawFrame[]): QueryRecord[] {
  const userFrames = queries.map((q) => framesOf(q).filter(isUserFrame));
  const shapesAt = new Map<string, Set<string>>();
  for (const [i, frames] of userFrames.entries()) {
    for (const frame of frames) {
      const key = frameKey(frame);
      const shapes = shapesAt.get(key) ?? new Set<string>();
      shapes.add(queries[i].fingerprint);
      shapesAt.set(key, shapes);
    }
  }
  return queries.map((q, i) => {
    const frames = userFrames[i];
    if (frames.length < 2 || (shapesAt.get(frameKey(frames[0]))?.size ?? 0) < 2) return q;
    const own = frames.find((frame) => (shapesAt.get(frameKey(frame))?.size ?? 0) < 2);
    return own ? { ...q, callSite: mapFrame(own) } : q;
  });
}
