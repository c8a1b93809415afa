import type { CallSite, DuplicateGroup, NPlusOneGroup, QueryRecord, RawFrame, SimilarGroup } from '../../types.js';
import { isUserFrame } from '../../stack/callsite.js';
import { mapFrame } from '../../stack/source-map.js';
import { editorUrl } from '../../stack/editor-url.js';
import { shortWhere } from '../../findings/repeats.js';
import { findDuplicates, findNPlusOne, findSimilar, N_PLUS_ONE_THRESHOLD } from './groups.js';
import { analyzeNPlusOne } from './fixes/index.js';
import { ormNamesIn, ormOfLibrary, schemaFor } from './orm/index.js';
import { detectLibrary } from './fixes/library.js';
import { withLoopSites } from './loop-site.js';
import { loopsOf, withoutLoopMembers } from './loops.js';
import { beforeRendering } from './fixes/template-loop.js';

/** The options the SQL findings depend on. */
export interface FindingSettings {
  nPlusOneThreshold?: number;
  editorUrl?: string;
  /** The `instrument` option: its ORM object (`sequelize`, `prisma`, …) gives fixes the app's own names. */
  instrument?: object;
}

export interface SqlFindings {
  duplicates: DuplicateGroup[];
  similar: SimilarGroup[];
  nPlusOne: NPlusOneGroup[];
}

/**
 * Duplicates, similar shapes and N+1s of one request, each N+1 with the user's frames, a fix in
 * the words of the library that issued it, and an editor link. Runs on the read path, once per
 * stored request (request-detail.ts caches the result).
 *
 * @example
 * analyzeSql(queries, (q) => framesById.get(q.id) ?? [], { nPlusOneThreshold: 3 })
 */
export function analyzeSql(
  queries: readonly QueryRecord[],
  /** The captured frames of a query, found by its id. */
  framesOf: (query: QueryRecord) => readonly RawFrame[],
  settings: FindingSettings = {},
): SqlFindings {
  const link = (site: CallSite | null) => (site && settings.editorUrl ? { editorUrl: editorUrl(settings.editorUrl, site) } : {});

  const sited = withLoopSites(queries, framesOf);
  const matches = findNPlusOne(sited, settings.nPlusOneThreshold ?? N_PLUS_ONE_THRESHOLD, framesOf);
  const loops = loopsOf(matches, queries, framesOf);
  const nPlusOne = matches.map((match, i): NPlusOneGroup => {
    const frames = framesOf(match.queries[0]);
    const stack = frames.filter(isUserFrame).map(mapFrame);
    let suggestion = null;
    let parent = match.parent;
    try {
      const first = match.queries[0];
      const schema = schemaFor(settings.instrument, ormOfLibrary(detectLibrary(frames, first.db), first.ormCall));
      ({ suggestion, parent } = analyzeNPlusOne({
        queries: match.queries, frames, parent: match.parent, parents: match.parents, framesOf, totalMs: match.totalMs,
        where: shortWhere(match.callSite), schema, ormNames: ormNamesIn(settings.instrument), all: queries,
      }));
    } catch {
      // A fix is a bonus; SQL beyond the shape reader must not cost the user the finding.
    }
    const loop = loops[i];
    if (suggestion && loop?.inTemplate) suggestion = beforeRendering(suggestion, loop);
    return {
      fingerprint: match.fingerprint,
      sql: match.sql,
      count: match.queries.length,
      queryIds: match.queries.map((q) => q.id),
      totalMs: match.totalMs,
      callSite: match.callSite,
      stack: stack.length > 0 ? stack : match.callSite ? [match.callSite] : [],
      suggestion,
      ...link(match.callSite),
      ...(parent ? { parentQueryId: parent.id } : {}),
      concurrent: match.concurrent,
      loop: loops[i],
    };
  });
  // One loop's shapes share one loop value (the same object): their queries together.
  const loopIds = new Map<object, number[]>();
  for (const [i, loop] of loops.entries()) {
    const key = loop ?? matches[i];
    loopIds.set(key, [...(loopIds.get(key) ?? []), ...matches[i].queries.map((q) => q.id)]);
  }
  // DuplicateGroup keeps its four fields for now (test/panels/sql/drivers/pg.test.ts pins them exactly);
  // suggestDuplicateFix(runs, framesOf(runs[0]), shortWhere(site)) is ready to join them.
  const duplicates: DuplicateGroup[] = withoutLoopMembers(findDuplicates(queries), [...loopIds.values()]);

  return { duplicates, similar: findSimilar(queries), nPlusOne };
}
