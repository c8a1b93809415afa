/**
 * Builders for the panels' parts of a test detail (`detail.panels.sql`, `.timeline`, `.templates`),
 * so a test says what it changes without spelling the nesting. Import only from tests.
 */
import type { RequestDetail, SqlDetail, TemplateRender, TimelineSpan } from '../../server/types.js';

const NO_SQL: SqlDetail = { queries: [], droppedQueryCount: 0, totalQueryMs: 0, duplicates: [], similar: [], nPlusOne: [], queryBudget: 20 };

/**
 * The SQL part of a detail; throws when the detail has none, so a test never reads a silent empty.
 *
 * @example
 * sqlOf(sampleDetail).queries[0].sql
 */
export function sqlOf(detail: RequestDetail): SqlDetail {
  const sql = detail.panels.sql;
  if (!sql) throw new Error(`request ${detail.id} has no panels.sql`);
  return sql;
}

/**
 * `detail` with `sql` over its SQL part (an empty one when it has none); the list line's counts
 * (`queryCount`, `overBudget`, ...) stay top level and are set by the caller.
 *
 * @example
 * withSql({ ...sampleDetail, queryCount: 2 }, { queries: [a, b], duplicates: [] })
 */
export function withSql(detail: RequestDetail, sql: Partial<SqlDetail>): RequestDetail {
  return { ...detail, panels: { ...detail.panels, sql: { ...(detail.panels.sql ?? NO_SQL), ...sql } } };
}

/**
 * `detail` with `spans` as its waterfall (`panels.timeline.spans`).
 *
 * @example
 * withTimeline(sampleDetail, sampleTimeline)
 */
export function withTimeline(detail: RequestDetail, spans: TimelineSpan[]): RequestDetail {
  return { ...detail, panels: { ...detail.panels, timeline: { spans } } };
}

/**
 * `detail` with `renders` as its templates (`panels.templates.renders`).
 *
 * @example
 * withTemplates(sampleDetail, sampleTemplates)
 */
export function withTemplates(detail: RequestDetail, renders: TemplateRender[]): RequestDetail {
  return { ...detail, panels: { ...detail.panels, templates: { renders } } };
}
