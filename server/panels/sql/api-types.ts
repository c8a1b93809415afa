/**
 * The JSON of the SQL panel's findings and of `detail.panels.sql`, re-exported by server/types.ts:
 * the API and the UI share them.
 */
import type { CallSite, QueryRecord } from '../../types.js';

/** The same SQL with the same params, run two or more times in one request. */
export interface DuplicateGroup {
  fingerprint: string;
  sql: string;
  queryIds: number[];
  count: number;
  /** Optional, not filled yet: the first run's call site. */
  callSite?: CallSite | null;
  /** Optional, not filled yet: opens `callSite` in the editor (the `editorUrl` option). */
  editorUrl?: string;
  /** Optional, not filled yet: reuse the first result (server/panels/sql/fixes `suggestDuplicateFix`). */
  suggestion?: Suggestion;
}

/** The library that issued a query, read from its stack: decides the wording of a fix. */
export type QueryLibrary = 'knex' | 'sequelize' | 'drizzle-orm' | 'typeorm' | 'prisma' | 'pg' | 'pglite' | 'mysql2'
  | 'better-sqlite3' | 'sqlite3';

/** A fix the user can copy, in the words of the library that issued the queries. */
export interface Suggestion {
  title: string;
  code: string;
  /** The library whose API `code` uses. */
  orm: QueryLibrary;
  /** Why, in a sentence: how many queries it saves and the time they took. */
  reason?: string;
}

/** The same shape (fingerprint), any params, two or more times: worth a look, not always wrong. */
export interface SimilarGroup {
  fingerprint: string;
  sql: string;
  queryIds: number[];
  count: number;
  totalMs: number;
}

/** The same query shape run again and again from one place with different params. */
export interface NPlusOneGroup {
  fingerprint: string;
  sql: string;
  count: number;
  queryIds: number[];
  totalMs: number;
  callSite: CallSite | null;
  /** The user-code frames of the first query, innermost first, source-mapped. */
  stack: CallSite[];
  suggestion: Suggestion | null;
  /** Link that opens `callSite` in the editor (the `editorUrl` option). */
  editorUrl?: string;
  /** The earlier query that fetched the list the loop went over (about as many rows as `count`). */
  parentQueryId?: number;
  /** Some of the queries overlapped in time (`Promise.all`): still one round trip per row. */
  concurrent?: boolean;
  /**
   * The loop in the user's code that ran these queries, the same value for every shape of one
   * loop (`for (a of articles) { await a.getAuthor(); await a.getTags(); }` is one loop, two
   * groups); null when the queries have no call site. Absent on records stored before loops.
   */
  loop?: LoopSite | null;
}

/** Where an N+1 loop is: `articles.js:57` in `list`. */
export interface LoopSite {
  file: string;
  line: number;
  function: string | null;
  /** In a template whose engine does not say the line: `line` is 0 and means nothing. */
  lineUnknown?: true;
  /** The loop runs in a template (a helper called per item): its fix loads the data before rendering. */
  inTemplate?: true;
}

/** `detail.panels.sql`: the SQL panel's part of a request (server/panels/sql/index.ts). */
export interface SqlDetail {
  queries: QueryRecord[];
  /** Queries run past `maxQueriesPerRequest`: counted in `queryCount`, not stored. */
  droppedQueryCount: number;
  /** Sum of the stored queries' durations. */
  totalQueryMs: number;
  duplicates: DuplicateGroup[];
  similar: SimilarGroup[];
  nPlusOne: NPlusOneGroup[];
  /** The `queryBudget` option; `queryCount` above it flags the request. */
  queryBudget: number;
}
