import type { LiveRequest } from '../../request/record.js';
import { fingerprint } from './fingerprint.js';
import { sqlShape } from './sql-shape.js';
import { paramsText } from './groups.js';

export interface BadgeCounts {
  queryCount: number;
  duplicateCount: number;
  nPlusOneCount: number;
}

/**
 * The launcher's badge, computed while the page is being sent, so only from what is cheap: SQL
 * text, params and cached fingerprints, never stack frames (resolving them is the read path's
 * work). Duplicates are exact. The N+1 count is the number of query shapes repeated at least
 * `threshold` times with different params; the panel then tells them apart by call site, so in
 * the rare request where one shape repeats from two places the two counts can differ.
 * Duplicates of an N+1's shape are left out, as the panel folds them into their loop (it keeps
 * one whose runs are not all inside the loop: then the counts can differ too).
 */
export function badgeCounts(request: LiveRequest, threshold: number): BadgeCounts {
  // Grouped by SQL text first (whatever the database, as the panel's duplicates are): a request
  // runs few distinct statements many times, and each one's shape is then looked up once.
  const bySql = new Map<string, StatementRuns>();
  const statements: StatementRuns[] = [];
  for (const query of request.queries) {
    let statement = bySql.get(query.sql);
    if (!statement) {
      bySql.set(query.sql, (statement = { sql: query.sql, dialect: query.db.dialect, runs: new Map() }));
      statements.push(statement);
    }
    const params = paramsText(query.params) ?? '';
    statement.runs.set(params, (statement.runs.get(params) ?? 0) + 1);
  }
  // Per shape: how many runs, and how many different ones (SQL text or params).
  const shapes = new Map<string, { count: number; distinct: number }>();
  const shapeOf = new Map<StatementRuns, string>();
  for (const statement of statements) {
    // The same statements the panel's N+1 detector considers (cached by SQL text).
    if (sqlShape(statement.sql, statement.dialect).statement === 'other') continue;
    const shape = fingerprint(statement.sql, statement.dialect);
    shapeOf.set(statement, shape);
    const totals = shapes.get(shape) ?? { count: 0, distinct: 0 };
    for (const count of statement.runs.values()) totals.count += count;
    totals.distinct += statement.runs.size;
    shapes.set(shape, totals);
  }
  const loops = new Set<string>();
  for (const [shape, { count, distinct }] of shapes) if (count >= threshold && distinct >= 2) loops.add(shape);
  let duplicateCount = 0;
  for (const statement of statements) {
    const shape = shapeOf.get(statement);
    if (shape !== undefined && loops.has(shape)) continue;
    for (const count of statement.runs.values()) duplicateCount += count - 1;
  }
  return { queryCount: request.queryCount, duplicateCount, nPlusOneCount: loops.size };
}

/** One SQL text's runs in a request, by their params as JSON. */
interface StatementRuns {
  sql: string;
  dialect: LiveRequest['queries'][number]['db']['dialect'];
  runs: Map<string, number>;
}
