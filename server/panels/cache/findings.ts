import { findRepeats, findSameRuns, notInside, shortWhere, siteKey, type SiteLike } from '../../findings/repeats.js';
import type { CallSite } from '../../types.js';
import { cacheFix } from './fixes.js';
import type { CacheClient, CacheDuplicate, CacheFinding, CacheNPlusOne } from './types.js';

/** Repetitions from one line before a command counts as an N+1 when no `nPlusOneThreshold` is given (SQL's default). */
export const CACHE_N_PLUS_ONE_THRESHOLD = 3;

/** What the findings read of a round trip. */
export interface FindingInput {
  command: string;
  key: string | null;
  args: readonly string[];
  durationMs: number | null;
  client: CacheClient;
  /** Equal for the same command with the same arguments (values included). */
  run: string;
  site: SiteLike | null;
  batch: boolean;
}

/** `user:*` for `user:1`, `user:2`: the parts that differ replaced by `*`. */
export function keyPattern(keys: readonly (string | null)[]): string {
  const present = keys.filter((key): key is string => key !== null);
  if (present.length === 0) return '';
  const parts = present.map((key) => key.split(':'));
  if (parts.every((p) => p.length === parts[0].length)) {
    return parts[0].map((part, i) => (parts.every((p) => p[i] === part) ? part : '*')).join(':');
  }
  let prefix = present[0];
  for (const key of present) while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix}*`;
}

/** Indexes of the N+1 groups and of the duplicate groups (not inside an N+1) of a request. */
export function cacheRepeats(inputs: readonly FindingInput[], threshold = CACHE_N_PLUS_ONE_THRESHOLD): { nPlusOne: number[][]; duplicates: number[][] } {
  const indexes = inputs.map((_, i) => i);
  const singles = indexes.filter((i) => !inputs[i].batch);
  const nPlusOne = findRepeats(singles, {
    shapeOf: (i) => `${inputs[i].client}\u0000${inputs[i].command}`, siteOf: (i) => siteKey(inputs[i].site), runOf: (i) => inputs[i].run, threshold,
  });
  const duplicates = notInside(findSameRuns(indexes, (i) => inputs[i].run), (group) => group, nPlusOne);
  return { nPlusOne, duplicates };
}

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/**
 * The findings of a request's cache commands: N+1s with a fix in the client's words, then duplicates.
 *
 * @example
 * cacheFindings(inputs, (i) => callSites[i]) // [{ kind: 'n-plus-one', message: 'GET user:* ran 40 times from feed.ts:12', … }]
 */
export function cacheFindings(
  inputs: readonly FindingInput[], callSiteOf: (index: number) => CallSite | null, threshold = CACHE_N_PLUS_ONE_THRESHOLD,
): CacheFinding[] {
  const { nPlusOne, duplicates } = cacheRepeats(inputs, threshold);
  const loops = nPlusOne.map((group): CacheNPlusOne => {
    const first = inputs[group[0]];
    const callSite = callSiteOf(group[0]);
    const pattern = keyPattern(group.map((i) => inputs[i].key));
    const where = shortWhere(callSite);
    let fix = null;
    try {
      fix = cacheFix(first.client, first.command, group.map((i) => inputs[i].args.slice(1)), callSite);
    } catch {
      // A fix is a bonus: the finding stands without it.
    }
    return {
      kind: 'n-plus-one', command: first.command, keyPattern: pattern, count: group.length, commandIndexes: group,
      totalMs: group.reduce((sum, i) => sum + (inputs[i].durationMs ?? 0), 0), callSite,
      message: `${first.command} ${pattern} ran ${times(group.length)}${where ? ` from ${where}` : ''}`, fix,
    };
  });
  const repeated = duplicates.map((group): CacheDuplicate => {
    const first = inputs[group[0]];
    return {
      kind: 'duplicate', command: first.command, key: first.key, count: group.length, commandIndexes: group,
      message: `${first.command}${first.key ? ` ${first.key}` : ''} ran ${times(group.length)} with the same arguments`,
    };
  });
  return [...loops, ...repeated];
}
