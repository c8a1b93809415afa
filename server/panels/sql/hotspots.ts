import type { CallSite, Hotspot } from '../../types.js';
import type { SqlOfRequest } from './read.js';

/*
 * Where the queries come from, across the stored history: each query is charged to the user's
 * line that issued it (its N+1 group's call site when it belongs to one, so a loop's queries land
 * on the loop), and lines are ranked by the time their queries took. Pure: details in, ranking out.
 */

/** Lines returned by `GET {mountPath}/api/sql/hotspots` at most. */
export const MAX_HOTSPOTS = 50;

interface Tally extends Hotspot {
  requests: Set<string>;
}

function keyOf(site: CallSite): string {
  return `${site.file}\u0000${site.line}`;
}

/**
 * Ranks the user's call sites by total query time, then query count.
 *
 * @example
 * rankHotspots(history.map((r) => readSql(r, settings)))
 * // [{ file: '/app/routes/posts.ts', line: 14, function: 'loadAuthor', queryCount: 40, totalMs: 31.2, requestCount: 4, nPlusOneCount: 4 }, …]
 */
export function rankHotspots(details: readonly SqlOfRequest[], limit = MAX_HOTSPOTS): Hotspot[] {
  const tallies = new Map<string, Tally>();
  const tally = (site: CallSite): Tally => {
    const key = keyOf(site);
    let entry = tallies.get(key);
    if (!entry) {
      entry = {
        file: site.file, line: site.line, function: site.function,
        queryCount: 0, totalMs: 0, requestCount: 0, nPlusOneCount: 0, requests: new Set(),
      };
      tallies.set(key, entry);
    }
    return entry;
  };
  for (const detail of details) {
    const groupSite = new Map<number, CallSite>();
    for (const group of detail.nPlusOne) {
      if (!group.callSite) continue;
      tally(group.callSite).nPlusOneCount += 1;
      for (const id of group.queryIds) groupSite.set(id, group.callSite);
    }
    for (const query of detail.queries) {
      const site = groupSite.get(query.id) ?? query.callSite;
      if (!site) continue;
      const entry = tally(site);
      entry.queryCount += 1;
      entry.totalMs += query.durationMs ?? 0;
      entry.requests.add(detail.id);
    }
  }
  return [...tallies.values()]
    .filter((entry) => entry.queryCount > 0 || entry.nPlusOneCount > 0)
    .sort((a, b) => b.totalMs - a.totalMs || b.queryCount - a.queryCount || a.file.localeCompare(b.file) || a.line - b.line)
    .slice(0, limit)
    .map(({ requests, ...hotspot }) => ({ ...hotspot, requestCount: requests.size, totalMs: Math.round(hotspot.totalMs * 1000) / 1000 }));
}
