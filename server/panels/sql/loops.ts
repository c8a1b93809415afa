import type { DuplicateGroup, LoopSite, QueryRecord, RawFrame } from '../../types.js';
import { isUserFrame } from '../../stack/callsite.js';
import { mapFrame } from '../../stack/source-map.js';
import { isTemplateFile } from '../../stack/template-lines.js';
import { notInside } from '../../findings/repeats.js';

/** What the loop finder needs of an N+1 match (see NPlusOneMatch in groups.ts). */
export interface LoopMember {
  queries: readonly QueryRecord[];
  callSite: QueryRecord['callSite'];
}

// The column is left out, as in siteKey(): sync and async frames of one line differ in column.
const lineKey = (frame: RawFrame) => `${frame.file}:${frame.line}`;
const fnKey = (frame: RawFrame) => `${frame.file}\u0000${frame.function ?? ''}`;

/** User frames, outermost first: two stacks of one invocation share a prefix. */
const outerFirst = (frames: readonly RawFrame[]) => frames.filter(isUserFrame).reverse();

/**
 * Whether two shapes ran from one invocation of one function: their stacks agree from the
 * outside in, and where they part, both frames are in the same function (two lines of one loop
 * body, `a.getAuthor()` then `a.getTags()`), or one stack goes on where the other stops.
 */
function sameInvocation(a: readonly RawFrame[], b: readonly RawFrame[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (lineKey(a[i]) !== lineKey(b[i])) return fnKey(a[i]) === fnKey(b[i]);
  }
  return true;
}

/** Query id ranges that overlap: the shapes took turns, row after row. */
const interleaved = (a: readonly QueryRecord[], b: readonly QueryRecord[]) =>
  a[0].id < b[b.length - 1].id && b[0].id < a[a.length - 1].id;

/**
 * The loop of each N+1 match (same order), as `{ file, line, function }`: matches whose queries
 * interleave and come from one invocation of one function share one loop, and one value.
 *
 * Where the loop is: the innermost line of a template the shapes share (EJS views compiled with
 * line markers, template-lines.ts), else the innermost frame all its shapes' stacks hold at the same line that no
 * query before or after the loop holds (`for (…) await enrich(a)`: the line calling `enrich`,
 * when `enrich` runs several shapes). When the shapes part inside the function that holds the
 * loop itself, its line is not in any stack (V8 shows the line of the call, not of the `for`), so
 * the loop is named by its first query's line: the earliest call site of its shapes. Null when
 * the queries have no call site at all.
 *
 * @example
 * // for (const a of articles) { await a.getAuthor(); await a.getTags(); }   ← articles.js:57, :58
 * loopsOf(matches, queries, framesOf) // [{ file: 'articles.js', line: 57, … }, { file: 'articles.js', line: 57, … }]
 */
export function loopsOf(matches: readonly LoopMember[], queries: readonly QueryRecord[],
  framesOf: (query: QueryRecord) => readonly RawFrame[]): (LoopSite | null)[] {
  const stacks = matches.map((m) => outerFirst(framesOf(m.queries[0])));
  // Union-find over the matches: a loop of three shapes may link A–B and B–C only.
  const root = matches.map((_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
  for (let i = 0; i < matches.length; i++) {
    for (let j = i + 1; j < matches.length; j++) {
      if (interleaved(matches[i].queries, matches[j].queries) && sameInvocation(stacks[i], stacks[j])) root[find(j)] = find(i);
    }
  }
  const loops = new Map<number, LoopSite | null>();
  return matches.map((_, i) => {
    const r = find(i);
    if (!loops.has(r)) loops.set(r, loopSite(matches.filter((_m, k) => find(k) === r), stacks.filter((_s, k) => find(k) === r), queries, framesOf));
    return loops.get(r)!;
  });
}

function loopSite(members: readonly LoopMember[], stacks: readonly RawFrame[][], queries: readonly QueryRecord[],
  framesOf: (query: QueryRecord) => readonly RawFrame[]): LoopSite | null {
  const ids = members.flatMap((m) => m.queries.map((q) => q.id));
  const first = Math.min(...ids);
  const last = Math.max(...ids);
  const outside = new Set<string>();
  for (const query of queries) {
    if (query.id >= first && query.id <= last) continue;
    for (const frame of framesOf(query)) if (isUserFrame(frame)) outside.add(lineKey(frame));
  }
  let common = 0;
  while (stacks.every((s) => common < s.length && lineKey(s[common]) === lineKey(stacks[0][common]))) common++;
  // A view that runs a query per item (`<% for %>` around `await authorOf(p)`): the loop is in
  // the template, whatever helper the template called.
  for (let i = common - 1; i >= 0; i--) {
    if (isTemplateFile(stacks[0][i].file)) return { ...toLoop(mapFrame(stacks[0][i])), inTemplate: true };
  }
  for (let i = common - 1; i >= 0; i--) {
    const frame = stacks[0][i];
    if (!outside.has(lineKey(frame))) return toLoop(mapFrame(frame));
  }
  const earliest = [...members].sort((a, b) => a.queries[0].id - b.queries[0].id)[0];
  return earliest.callSite ? toLoop(earliest.callSite) : null;
}

const toLoop = (site: { file: string; line: number; function: string | null; lineUnknown?: true }): LoopSite =>
  ({ file: site.file, line: site.line, function: site.function, ...(site.lineUnknown ? { lineUnknown: true as const } : {}) });

/**
 * Duplicates whose every query belongs to one N+1 loop are that loop's business (the loop's fix
 * removes them too); they are not reported again on their own.
 *
 * @example
 * withoutLoopMembers(duplicates, [[3, 4, 5, 6]]) // drops { queryIds: [4, 6] }, keeps { queryIds: [1, 9] }
 */
export function withoutLoopMembers(duplicates: readonly DuplicateGroup[], loops: readonly (readonly number[])[]): DuplicateGroup[] {
  return notInside(duplicates, (d) => d.queryIds, loops);
}
