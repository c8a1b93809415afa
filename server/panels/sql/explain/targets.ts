import type { Dialect } from '../../../types.js';
import { limitConnections } from './limiter.js';

/** Rows as plain objects, whatever the driver. */
export type Rows = Record<string, unknown>[];

/**
 * Runs one statement with bound params on the explain connection, always through a protocol that
 * runs exactly one statement (PostgreSQL's extended protocol, mysql2's `execute`, SQLite's
 * `prepare`): a text holding two fails at the database, whatever the toolbar's reader thought.
 */
export type RunStatement = (sql: string, params?: readonly unknown[]) => Promise<Rows>;

/**
 * How EXPLAIN reaches the database a query ran on. A driver registers one per set of connection
 * settings, under the `explainKey` it puts in the query's `DbInfo`; the explain endpoint opens a
 * connection of its own through it, never the application's, and closes it afterwards.
 */
/** Puts params into the text the way the driver's client-side `query()` does (mysql2). */
export type FormatStatement = (sql: string, params: readonly unknown[]) => string;

export interface ExplainTarget {
  dialect: Dialect;
  /**
   * Opens a connection of its own, hands `run` to `work`, and always closes it. A driver that
   * put params into the text on the client (mysql2's `query()`) also hands its `format`, so the
   * text that is checked is the text that runs.
   */
  withConnection<T>(work: (run: RunStatement, format?: FormatStatement) => Promise<T>): Promise<T>;
  /**
   * Set by the connection limit ({@link limitConnections}): holds one slot while `work` opens
   * connections in turn through the unlimited target it is handed.
   */
  hold?<T>(work: (target: ExplainTarget) => Promise<T>): Promise<T>;
}

const targets = new Map<string, ExplainTarget>();

/**
 * Called by a driver hook when it sees a connection's settings: cheap, because the target only
 * keeps the settings and connects on demand. The first registration of a key wins. Every target
 * is bounded to a few connections at once ({@link limitConnections}).
 *
 * @example
 * const key = registerExplainTarget(`pg:${host}:${port}:${database}:${user}`, () => pgTarget(settings));
 */
export function registerExplainTarget(key: string, create: () => ExplainTarget): string {
  if (!targets.has(key)) targets.set(key, limitConnections(create()));
  return key;
}

/** The target registered under `key`, if any. */
export function explainTarget(key: string | undefined): ExplainTarget | undefined {
  return key === undefined ? undefined : targets.get(key);
}
