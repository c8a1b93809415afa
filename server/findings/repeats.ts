import { isAbsolute, relative, sep } from 'node:path';

/*
 * The repetition logic every panel's findings share (SQL queries, cache commands): the same work
 * run again with the same arguments (a duplicate) and the same kind of work repeated from one line
 * of the user's code with arguments that differ per call (an N+1). Each panel says what "the same
 * kind", "the same run" and "the line" mean for its items.
 */

/** A place in the user's code, as a finding names it. */
export interface SiteLike {
  file: string;
  line: number;
}

/** Items by key, in their original order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Where an item comes from, for grouping: the file and line of its first user frame. The column
 * is left out on purpose: V8 reports a call started synchronously at the call's column and one
 * started after a library's own awaits at the `await`'s column, on the same line.
 */
export function siteKey(site: SiteLike | null): string {
  return site ? `${site.file}:${site.line}` : '?';
}

/** `test/orm-pg.test.ts:42`: relative to the working directory when the file is inside it. */
export function shortWhere(site: SiteLike | null): string | null {
  if (!site) return null;
  const path = relative(process.cwd(), site.file);
  const file = path && !path.startsWith(`..${sep}`) && !isAbsolute(path) ? path : site.file;
  return `${file}:${site.line}`;
}

/** Whether some of the items overlapped in time (`Promise.all(rows.map(load))`). */
export function overlapping<T>(items: readonly T[], startOf: (item: T) => number, durationOf: (item: T) => number | null | undefined): boolean {
  const byStart = [...items].sort((a, b) => startOf(a) - startOf(b));
  let end = -Infinity;
  for (const item of byStart) {
    if (startOf(item) < end) return true;
    end = Math.max(end, startOf(item) + (durationOf(item) ?? Infinity));
  }
  return false;
}

/**
 * Groups of two or more items that are the same run (same work, same arguments): the later runs
 * could reuse the first one's result. Largest first.
 *
 * @example
 * findSameRuns(commands, (c) => c.args.join(' ')) // [[c2, c5]]
 */
export function findSameRuns<T>(items: readonly T[], runOf: (item: T) => string): T[][] {
  return [...groupBy(items, runOf).values()].filter((same) => same.length >= 2).sort((a, b) => b.length - a.length);
}

/** What makes items one repetition (see {@link findRepeats}). */
export interface RepeatRules<T> {
  /** The kind of work, whatever its arguments: a statement's fingerprint, a command's name. */
  shapeOf: (item: T) => string;
  /** The line of user code it came from ({@link siteKey}). */
  siteOf: (item: T) => string;
  /** The work with its arguments: items of one run are duplicates, not an N+1. */
  runOf: (item: T) => string;
  /** Repetitions from one site before it counts. */
  threshold: number;
}

/**
 * N+1 candidates: one shape run at least `threshold` times from the same line of user code, not
 * all with the same arguments (that is a duplicate). Order and overlap do not matter:
 * `for (…) await load(row)` and `await Promise.all(rows.map(load))` are the same N+1. Largest first.
 *
 * @example
 * findRepeats(commands, { shapeOf: (c) => c.command, siteOf, runOf, threshold: 3 }) // [[GET user:1, GET user:2, GET user:3]]
 */
export function findRepeats<T>(items: readonly T[], rules: RepeatRules<T>): T[][] {
  const repeats: T[][] = [];
  for (const same of groupBy(items, (item) => `${rules.shapeOf(item)}\u0000${rules.siteOf(item)}`).values()) {
    if (same.length < rules.threshold) continue;
    if (new Set(same.map(rules.runOf)).size < 2) continue;
    repeats.push(same);
  }
  return repeats.sort((a, b) => b.length - a.length);
}

/**
 * Groups all of whose members belong to one of `within` (a duplicate inside an N+1 loop: the
 * loop's fix removes it too) left out.
 *
 * @example
 * notInside(duplicates, (d) => d.queryIds, [[3, 4, 5, 6]]) // drops { queryIds: [4, 6] }, keeps { queryIds: [1, 9] }
 */
export function notInside<G, M>(groups: readonly G[], membersOf: (group: G) => readonly M[], within: readonly (readonly M[])[]): G[] {
  const sets = within.map((members) => new Set(members));
  return groups.filter((group) => !sets.some((set) => membersOf(group).every((member) => set.has(member))));
}
