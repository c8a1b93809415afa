import type { Dialect } from '../../../types.js';

/** Rows as plain objects, whatever the driver. */
export type Rows = Record<string, unknown>[];

/** Runs one statement with bound params on the explain connection. */
export type RunStatement = (sql: string, params?: readonly unknown[]) => Promise<Rows>;

/**
 * How EXPLAIN reaches the database a query ran on. A driver registers one per set of connection
 * settings, under the `explainKey` it puts in the query's `DbInfo`; the explain endpoint opens a
 * connection of its own through it, never the application's, and closes it afterwards.
 */
export interface ExplainTarget {
  dialect: Dialect;
  /** Opens a connection of its own, hands `run` to `work`, and always closes it. */
  withConnection<T>(work: (run: RunStatement) => Promise<T>): Promise<T>;
}

const targets = new Map<string, ExplainTarget>();

/**
 * Called by a driver hook when it sees a connection's settings: cheap, because the target only
 * keeps the settings and connects on demand. The first registration of a key wins.
 *
 * @example
 * const key = registerExplainTarget(`pg:${host}:${port}:${database}:${user}`, () => pgTarget(settings));
 */
export function registerExplainTarget(key: string, create: () => ExplainTarget): string {
  if (!targets.has(key)) targets.set(key, create());
  return key;
}

/** The target registered under `key`, if any. */
export function explainTarget(key: string | undefined): ExplainTarget | undefined {
  return key === undefined ? undefined : targets.get(key);
}
