/**
 * The findings the SQL tab leads with, in the order that matters: N+1 groups, duplicates, similar
 * shapes, then the query budget. Pure, so the order and the de-duplication are easy to test.
 */
import type { CallSite, DuplicateGroup, NPlusOneGroup, QueryRecord, SimilarGroup, SqlDetail } from '../../../server/types.js';

export type Finding =
  /** One loop: `group` sums its shapes (all their queries, the loop as call site), `shapes` lists them. */
  | { kind: 'nplusone'; key: string; group: NPlusOneGroup; shapes: NPlusOneGroup[] }
  | { kind: 'duplicate'; key: string; group: DuplicateGroup }
  | { kind: 'similar'; key: string; group: SimilarGroup };

const sameIds = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The N+1 groups of one loop (the same `loop` value) together, in the order of their first query.
 * A group without a loop (records stored before loops, or no call site) is a loop of its own.
 *
 * @example
 * loopsOf(nPlusOne) // [[authorsGroup, tagsGroup, countGroup], [otherGroup]]
 */
export function loopsOf(groups: readonly NPlusOneGroup[]): NPlusOneGroup[][] {
  const loops = new Map<string | NPlusOneGroup, NPlusOneGroup[]>();
  for (const group of groups) {
    const key = group.loop ? `${group.loop.file}:${group.loop.line}` : group;
    loops.set(key, [...(loops.get(key) ?? []), group]);
  }
  return [...loops.values()].map((shapes) => shapes.sort((a, b) => (a.queryIds[0] ?? 0) - (b.queryIds[0] ?? 0)));
}

/** A loop's shapes as one group: their queries, time and count, the loop as the call site. */
function loopGroup(shapes: readonly NPlusOneGroup[]): NPlusOneGroup {
  const [first] = shapes;
  if (shapes.length === 1) return first;
  const loop = first.loop;
  return {
    ...first,
    count: shapes.reduce((sum, g) => sum + g.count, 0),
    queryIds: shapes.flatMap((g) => g.queryIds).sort((a, b) => a - b),
    totalMs: shapes.reduce((sum, g) => sum + g.totalMs, 0),
    callSite: loop ? { ...loop, column: first.callSite?.column ?? 1 } : first.callSite,
    concurrent: shapes.some((g) => g.concurrent),
  };
}

/**
 * "3 queries per row × 5 rows = 15" when every shape ran once per row, else "15 queries over 5
 * rows"; rows are read as the most repeated shape's count.
 *
 * @example
 * perRow([{ count: 5 }, { count: 5 }]) // → '2 queries per row × 5 rows = 10'
 */
export function perRow(shapes: ReadonlyArray<Pick<NPlusOneGroup, 'count'>>): string {
  const rows = Math.max(...shapes.map((g) => g.count));
  const total = shapes.reduce((sum, g) => sum + g.count, 0);
  if (shapes.every((g) => g.count === rows)) return `${shapes.length} queries per row × ${rows} rows = ${total}`;
  return `${total} queries over ${rows} rows`;
}

/**
 * N+1 loops and duplicates most repeated first; similar groups only when they add something:
 * not the shape of an N+1 group, and not exactly a duplicate group's queries.
 *
 * @example
 * listFindings(detail).map((f) => f.kind) // → ['nplusone', 'duplicate', 'similar']
 */
export function listFindings(detail: Pick<SqlDetail, 'nPlusOne' | 'duplicates' | 'similar'>): Finding[] {
  const byCount = <T extends { count: number }>(groups: readonly T[]) => [...groups].sort((a, b) => b.count - a.count);
  const loops = loopsOf(detail.nPlusOne ?? []).map((shapes) => ({ shapes, group: loopGroup(shapes) }))
    .sort((a, b) => b.group.count - a.group.count);
  const duplicates = byCount(detail.duplicates ?? []);
  const nPlusOne = loops.flatMap((l) => l.shapes);
  const n1Shapes = new Set(nPlusOne.map((g) => g.fingerprint));
  const similar = byCount(detail.similar ?? []).filter(
    (g) => !n1Shapes.has(g.fingerprint) && !duplicates.some((d) => sameIds(d.queryIds, g.queryIds)),
  );
  return [
    ...loops.map(({ shapes, group }) => ({ kind: 'nplusone' as const, key: `n1-${shapes.map((g) => g.fingerprint).join('-')}`, group, shapes })),
    ...duplicates.map((group) => ({ kind: 'duplicate' as const, key: `dup-${group.fingerprint}-${group.queryIds.join(',')}`, group })),
    ...similar.map((group) => ({ kind: 'similar' as const, key: `sim-${group.fingerprint}`, group })),
  ];
}

/** The user-code frames to show for a finding: an N+1 group's stack, else its queries' call sites. */
export function findingFrames(finding: Finding, queries: ReadonlyMap<number, QueryRecord>): CallSite[] {
  if (finding.kind === 'nplusone') {
    const { stack, callSite } = finding.group;
    if (stack?.length) return stack;
    return callSite ? [callSite] : [];
  }
  const seen = new Set<string>();
  const frames: CallSite[] = [];
  for (const id of finding.group.queryIds) {
    const site = queries.get(id)?.callSite;
    const key = site && `${site.file}:${site.line}:${site.column}`;
    if (site && key && !seen.has(key)) {
      seen.add(key);
      frames.push(site);
    }
  }
  return frames;
}
