import type { IndexesResponse, MissingIndex, QueryRecord } from '../../../types.js';
import type { SqlOfRequest } from '../read.js';
import { adviseExplain } from './advise.js';
import type { TableCatalog } from './catalog.js';
import { freshness, type Freshness } from './catalog-watch.js';
import { sqlClauses } from './conditions.js';
import { planIndexes } from './index-design.js';
import type { IndexNeed } from './index-needs.js';
import { ExplainBusy } from './limiter.js';
import { runExplain } from './run.js';
import { checkStatement } from './statement.js';
import { indexSuggestion } from './suggestions.js';
import { explainTarget, type ExplainTarget } from './targets.js';

/** Query shapes explained per call, the most time-consuming first: the rest are listed as skipped. */
export const MAX_INDEX_SHAPES = 30;
/** Past this long, the remaining query shapes are listed as skipped rather than explained. */
export const MAX_INDEXES_MS = 20_000;
/** Requests listed per missing index. */
const MAX_REQUESTS = 20;

/** One query shape on one database across the requests: its time, its runs, and the run to explain. */
interface Shape {
  key: string;
  explainKey: string;
  fingerprint: string;
  example: QueryRecord;
  count: number;
  totalMs: number;
  /** Requests it ran in, newest first. */
  requests: Map<string, { id: string; method: string; url: string }>;
  /** Each run: its request, when it started (epoch ms) and how long it took. */
  runs: { requestId: string; at: number; ms: number }[];
}

/** Groups the stored queries by database and fingerprint; `details` come newest first, as the store lists them. */
function shapesOf(details: readonly SqlOfRequest[]): Shape[] {
  const shapes = new Map<string, Shape>();
  for (const detail of details) {
    for (const query of detail.queries) {
      const explainKey = query.db.explainKey;
      if (!explainKey) continue;
      const key = `${explainKey}\u0000${query.fingerprint}`;
      let shape = shapes.get(key);
      if (!shape) {
        shape = { key, explainKey, fingerprint: query.fingerprint, example: query, count: 0, totalMs: 0, requests: new Map(), runs: [] };
        shapes.set(key, shape);
      }
      shape.count += 1;
      shape.totalMs += query.durationMs ?? 0;
      shape.runs.push({ requestId: detail.id, at: detail.startedAt + (query.startMs ?? 0), ms: query.durationMs ?? 0 });
      // Prefer a run that failed less and hid nothing: its plan is the one the app got.
      if ((shape.example.redacted || shape.example.error) && !query.redacted && !query.error) shape.example = query;
      if (!shape.requests.has(detail.id)) shape.requests.set(detail.id, { id: detail.id, method: detail.method, url: detail.url });
    }
  }
  return [...shapes.values()].sort((a, b) => b.totalMs - a.totalMs || b.count - a.count);
}

/** The index needs of one shape's plan, or why there are none to read. */
async function needsOf(shape: Shape, target: ExplainTarget): Promise<IndexNeed[] | string> {
  const check = checkStatement(shape.example.sql, target.dialect, false);
  if (!check.ok) return `not explained: ${check.reason}`;
  try {
    const outcome = await runExplain(target, shape.example.sql, shape.example.params, false);
    const advice = await adviseExplain(target, outcome);
    return advice.indexes.flatMap((index) => index.needs);
  } catch (error) {
    if (error instanceof ExplainBusy) return 'not explained: the database\'s EXPLAIN connections were busy';
    return `the EXPLAIN failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The missing indexes across stored requests: every query shape (fingerprint, per database) is
 * explained once (plain EXPLAIN, through the same checks and connection limit as the endpoint),
 * its index needs are resolved against the catalog, and the needs of all shapes on a table are
 * merged into the fewest indexes that serve them. Ranked by the total time of the stored queries
 * each index would serve, with its CREATE INDEX and the requests it came from. Suggestions are
 * today's plans against today's catalog (an index created since is seen, and what it covers is
 * not suggested); the time counts only the runs recorded since the table's indexes or size last
 * changed as far as the toolbar has seen ({@link freshness}), and `counted` says which.
 *
 * @example
 * const { indexes } = await findMissingIndexes(store.list().map((r) => readSql(r, settings)));
 * indexes[0] // { code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);', totalMs: 412.5, requests: [{ id, method, url }, …], … }
 */
export async function findMissingIndexes(details: readonly SqlOfRequest[], limit = MAX_INDEX_SHAPES): Promise<IndexesResponse> {
  const shapes = shapesOf(details);
  const now = Date.now();
  const position = new Map(details.map((detail, i) => [detail.id, i]));
  const skipped: IndexesResponse['skipped'] = [];
  const needsByKey = new Map<string, IndexNeed[]>();
  const shapeOf = new Map<IndexNeed, Shape>();
  let explained = 0;
  const started = performance.now();
  for (const [i, shape] of shapes.entries()) {
    const target = explainTarget(shape.explainKey);
    if (!target) continue;
    if (i >= limit) {
      skipped.push({ fingerprint: shape.fingerprint, sql: shape.example.sql, reason: `not explained: only the ${limit} most time-consuming query shapes are` });
      continue;
    }
    if (performance.now() - started > MAX_INDEXES_MS) {
      skipped.push({ fingerprint: shape.fingerprint, sql: shape.example.sql, reason: `not explained: the answer already took ${MAX_INDEXES_MS / 1000} s` });
      continue;
    }
    const needs = await needsOf(shape, target);
    if (typeof needs === 'string') {
      skipped.push({ fingerprint: shape.fingerprint, sql: shape.example.sql, reason: needs });
      continue;
    }
    explained += 1;
    const list = needsByKey.get(shape.explainKey) ?? [];
    for (const need of needs) {
      list.push(need);
      shapeOf.set(need, shape);
    }
    needsByKey.set(shape.explainKey, list);
  }
  const indexes: MissingIndex[] = [];
  for (const [explainKey, needs] of needsByKey) {
    const dialect = explainTarget(explainKey)?.dialect ?? 'postgres';
    const fresh = new Map<TableCatalog, Freshness>();
    for (const designed of planIndexes(needs).indexes) {
      const served = [...new Set(designed.needs.map((need) => shapeOf.get(need)).filter((s): s is Shape => s !== undefined))];
      const suggestion = indexSuggestion(designed, dialect, sqlClauses(served[0]?.example.sql ?? '', dialect));
      // The suggestion is today's plan against today's catalog; the time it would save is the time of the runs timed since the table last changed.
      const table = designed.catalog;
      if (table && !fresh.has(table)) fresh.set(table, freshness(explainKey, table, now));
      const { since, note } = table ? fresh.get(table) as Freshness
        : { since: null, note: 'Every stored run counts: the toolbar could not read the table\'s catalog to tell whether it changed.' };
      const counted = served.map((shape) => ({ shape, runs: shape.runs.filter((run) => since === null || run.at >= since) }));
      const requests = new Map<string, { id: string; method: string; url: string }>();
      for (const { shape, runs } of counted) for (const run of runs) requests.set(run.requestId, shape.requests.get(run.requestId) as { id: string; method: string; url: string });
      const ms = (runs: Shape['runs']) => runs.reduce((sum, run) => sum + run.ms, 0);
      indexes.push({
        explainKey, dialect, index: suggestion.index ?? { table: designed.table, columns: designed.columns }, code: suggestion.code,
        reason: suggestion.reason, totalMs: round(counted.reduce((sum, c) => sum + ms(c.runs), 0)),
        queryCount: counted.reduce((sum, c) => sum + c.runs.length, 0),
        queries: counted.map(({ shape, runs }) => ({ fingerprint: shape.fingerprint, sql: shape.example.sql, count: runs.length, totalMs: round(ms(runs)) })),
        // Newest first, as the store lists them.
        requests: [...requests.values()].sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)).slice(0, MAX_REQUESTS),
        counted: { since, note, leftOut: served.reduce((sum, s) => sum + s.runs.length, 0) - counted.reduce((sum, c) => sum + c.runs.length, 0) },
      });
    }
  }
  indexes.sort((a, b) => b.totalMs - a.totalMs || b.queryCount - a.queryCount);
  return { indexes, skipped, explained };
}
