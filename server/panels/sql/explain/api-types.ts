/**
 * The JSON of the SQL panel's EXPLAIN, what-if, index and hotspot endpoints, re-exported by
 * server/types.ts: the API and the UI share them.
 */
import type { Dialect } from '../../../types.js';

/** A condition or key a plan node prints, under the database's own name for it. */
export interface PlanDetail {
  /**
   * PostgreSQL: `Index Cond`, `Recheck Cond`, `Hash Cond`, `Merge Cond`, `Join Filter`, `Filter`,
   * `One-Time Filter`, `Sort Key`, `Group Key`…; MySQL/MariaDB: `attached_condition`, `ref`,
   * `index_condition`…; MySQL's tree: `Filter`.
   */
  name: string;
  text: string;
}

/** A number a plan node prints beside its rows, under the database's own name: `Rows Removed by Filter`, `r_filtered`. */
export interface PlanCounter {
  name: string;
  value: number;
}

/** One node of an EXPLAIN plan, the same shape for every dialect. */
export interface PlanNode {
  /** The node type as the database names it: `Hash Left Join`, `Index Scan`, `HashAggregate`, `SCAN`, `Full table scan`. */
  operation: string;
  /**
   * The node's title as the database's own text plan prints it, without its numbers:
   * `Index Scan Backward using posts_pkey on posts p`, `Nested Loop Left Join`, `SEARCH a USING INTEGER PRIMARY KEY (rowid=?)`.
   */
  label: string;
  /** The line above the node that names it as a subplan: `InitPlan 1 (returns $0)`, `SubPlan 2`, `CTE w`. */
  subplan: string | null;
  relation: string | null;
  /** The name the query gave the relation, when it differs from `relation`. */
  alias: string | null;
  index: string | null;
  /** Rows the planner expected per loop (PostgreSQL `rows=`, MySQL `rows` × `filtered`). */
  estimatedRows: number | null;
  /** Rows the node returned per loop, as the database prints it (an average over the loops). */
  actualRows: number | null;
  /** How many times the node ran; 0 with `neverExecuted`. Null without ANALYZE. */
  loops: number | null;
  /** ANALYZE ran the statement and this node never ran (PostgreSQL's "never executed"). */
  neverExecuted: boolean;
  /** The planner's total cost (PostgreSQL's second cost number). */
  cost: number | null;
  startupCost: number | null;
  /** Time the node took over all its loops: actual time per loop × loops, children included. */
  timeMs: number | null;
  /** `timeMs` minus the children's: the node's own work. */
  selfTimeMs: number | null;
  /** The node with the largest own time (analyzed) or own cost (estimated), when the plan has more than one node. */
  hot: boolean;
  /** The node's `Filter` (MySQL: attached condition) only; the other conditions are in `details` under their names. */
  filter: string | null;
  details: PlanDetail[];
  counters: PlanCounter[];
  children: PlanNode[];
}

/** `POST {mountPath}/api/sql/explain` with `{ requestId, queryId, analyze? }`. */
export interface ExplainRequest {
  requestId: string;
  queryId: number;
  analyze?: boolean;
}

/** The index a suggestion creates, as resolved from the catalog: what the what-if builds. */
export interface IndexSpec {
  table: string;
  /** The table's schema (PostgreSQL), when the catalog gave one. */
  schema?: string | null;
  columns: string[];
  /** Per column: descending (only when the sort keys mix directions). */
  desc?: boolean[];
}

/** A change to the schema or statistics that the plan calls for: `CREATE INDEX …`, `ANALYZE …`. */
export interface PlanSuggestion {
  title: string;
  code: string;
  reason: string;
  /** What kind of change: an index the what-if can try, fresh statistics, extended statistics. */
  kind?: 'index' | 'statistics';
  /** For an index: its table and columns, resolved from the catalog. */
  index?: IndexSpec;
}

export interface ExplainResponse {
  dialect: Dialect;
  /** The plan as the database returned it (JSON for PostgreSQL/MySQL, rows for SQLite). */
  plan: unknown;
  /** The plan as indented text, for copying. */
  text: string;
  nodes: PlanNode[];
  suggestions: PlanSuggestion[];
  /** What the toolbar noticed and did not turn into a suggestion, or could not check, in a sentence each. */
  notes?: string[];
  analyzed: boolean;
  /** Whether `POST …/api/sql/what-if` can try this query's index suggestions, and if not, why. */
  whatIf?: { available: true } | { available: false; reason: string };
}

/** `POST {mountPath}/api/sql/what-if` with `{ requestId, queryId }`. */
export interface WhatIfRequest {
  requestId: string;
  queryId: number;
}

/** One side of a what-if: the plan as the planner chose it. */
export interface WhatIfPlan {
  totalCost: number | null;
  plan: PlanNode[];
  text: string;
}

/** The index suggestions of a query, created inside a transaction that was rolled back, and the plan with them. */
export interface WhatIfResponse {
  /** The index tried (the first, when the query called for several: `indexes` has them all). */
  index: IndexSpec & { code: string };
  indexes: (IndexSpec & { code: string; used: boolean })[];
  before: WhatIfPlan;
  after: WhatIfPlan;
  /** The planner used at least one of the indexes. */
  used: boolean;
  /** The transaction was rolled back and the catalog checked: none of the indexes exists. */
  rolledBack: true;
}

/** A missing index, ranked across the stored history by the time of the queries it would serve. */
export interface MissingIndex {
  /** The database, as the queries' `db.explainKey` names it. */
  explainKey: string;
  dialect: Dialect;
  index: IndexSpec;
  code: string;
  reason: string;
  /** Sum of the durations of the stored queries it would serve. */
  totalMs: number;
  queryCount: number;
  /** The query shapes it serves, with one example each. */
  queries: { fingerprint: string; sql: string; count: number; totalMs: number }[];
  /** The stored requests those queries came from, newest first: those whose runs are counted. */
  requests: { id: string; method: string; url: string }[];
  /**
   * Which runs `totalMs`, `queryCount`, `queries` and `requests` count: those recorded from
   * `since` (epoch ms; null: all), after the table's indexes or size last changed as far as the
   * toolbar has seen; `leftOut` runs recorded before are not; `note` says why in a sentence.
   */
  counted: { since: number | null; note: string; leftOut: number };
}

/** `GET {mountPath}/api/sql/indexes[?requestId=…]`. */
export interface IndexesResponse {
  indexes: MissingIndex[];
  /** Query shapes the toolbar did not explain, and why (too many, refused, failed). */
  skipped: { fingerprint: string; sql: string; reason: string }[];
  /** How many distinct query shapes were explained. */
  explained: number;
}

/** A line of the user's code ranked across the stored history: where the queries come from. */
export interface Hotspot {
  file: string;
  line: number;
  function: string | null;
  queryCount: number;
  totalMs: number;
  requestCount: number;
  nPlusOneCount: number;
}

/** `GET {mountPath}/api/sql/hotspots`. */
export interface HotspotsResponse {
  hotspots: Hotspot[];
}
