/** Looking up which duplicate or N+1 group a query belongs to, for its row badges. */
import type { DuplicateGroup, NPlusOneGroup } from '../../../server/types.js';

/**
 * Maps each query id to the size of the group containing it.
 *
 * @example
 * groupCountById([{ queryIds: [2, 5], count: 2 }]) // → Map { 2 → 2, 5 → 2 }
 */
export function groupCountById(groups: ReadonlyArray<Pick<DuplicateGroup | NPlusOneGroup, 'queryIds' | 'count'>>): Map<number, number> {
  const byId = new Map<number, number>();
  for (const group of groups) {
    for (const id of group.queryIds) byId.set(id, Math.max(byId.get(id) ?? 0, group.count));
  }
  return byId;
}
