/**
 * The findings the SQL tab leads with, in the order that matters: N+1 groups, duplicates, similar
 * shapes, then the query budget. Pure, so the order and the de-duplication are easy to test.
 */
import type { CallSite, DuplicateGroup, NPlusOneGroup, QueryRecord, RequestDetail, SimilarGroup } from '../../../server/types.js';

export type Finding =
  | { kind: 'nplusone'; key: string; group: NPlusOneGroup }
  | { kind: 'duplicate'; key: string; group: DuplicateGroup }
  | { kind: 'similar'; key: string; group: SimilarGroup };

const sameIds = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * N+1 groups and duplicates most repeated first; similar groups only when they add something:
 * not the shape of an N+1 group, and not exactly a duplicate group's queries.
 *
 * @example
 * listFindings(detail).map((f) => f.kind) // → ['nplusone', 'duplicate', 'similar']
 */
export function listFindings(detail: Pick<RequestDetail, 'nPlusOne' | 'duplicates' | 'similar'>): Finding[] {
  const byCount = <T extends { count: number }>(groups: readonly T[]) => [...groups].sort((a, b) => b.count - a.count);
  const nPlusOne = byCount(detail.nPlusOne ?? []);
  const duplicates = byCount(detail.duplicates ?? []);
  const n1Shapes = new Set(nPlusOne.map((g) => g.fingerprint));
  const similar = byCount(detail.similar ?? []).filter(
    (g) => !n1Shapes.has(g.fingerprint) && !duplicates.some((d) => sameIds(d.queryIds, g.queryIds)),
  );
  return [
    ...nPlusOne.map((group) => ({ kind: 'nplusone' as const, key: `n1-${group.fingerprint}`, group })),
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
