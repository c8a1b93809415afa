import { schema, type CaseDialect, type PlanCase } from '../fixtures/explain/cases.js';

/** Runs one statement with bound params and answers its rows (pg, PGlite, mysql2, better-sqlite3 alike). */
export type Exec = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** A case's plan in the form the toolbar reads, beside the database's own text form of the same plan. */
export interface CapturedPlan {
  sql: string;
  params: unknown[];
  analyze: boolean;
  settings?: Record<string, string>;
  plan?: unknown;
  /** PostgreSQL: `EXPLAIN (FORMAT TEXT)`; MariaDB: the tabular EXPLAIN/ANALYZE rows; SQLite: the detail column is the text. */
  text?: string | Record<string, unknown>[];
  error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the cases' schema. On PostgreSQL it flushes the inserts' statistics before ANALYZE (so
 * they do not count as changes after it), analyzes, then makes `stale` stale: 20,000 rows more,
 * flushed, with autovacuum off for it.
 */
export async function buildSchema(dialect: CaseDialect, exec: Exec): Promise<void> {
  for (const statement of schema(dialect)) await exec(statement);
  if (dialect === 'postgres') {
    await flushStats(exec, 'posts', 1);
    await exec('ANALYZE');
    await exec('INSERT INTO stale (v) SELECT 7 FROM generate_series(1, 20000)');
    await flushStats(exec, 'stale', 20_000);
  } else if (dialect === 'mysql') {
    await exec('ANALYZE TABLE authors, posts, `Users`, comments');
  }
}

/** Waits until the table's changes reach the statistics PostgreSQL shows (they are flushed at most once a second). */
async function flushStats(exec: Exec, table: string, atLeast: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await exec('SELECT pg_stat_force_next_flush()').catch(() => undefined);
    const [row] = await exec('SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relid = to_regclass($1)', [table]);
    if (Number(row?.n ?? 0) >= atLeast) return;
    await sleep(50);
  }
}

/** `EXPLAIN (FORMAT JSON)` and `EXPLAIN (FORMAT TEXT)` of the same case, with its settings, in a read-only transaction rolled back. */
export async function explainPostgres(exec: Exec, c: PlanCase): Promise<CapturedPlan> {
  const options = c.analyze ? 'ANALYZE, ' : '';
  await exec('BEGIN READ ONLY');
  try {
    for (const [name, value] of Object.entries(c.settings ?? {})) await exec(`SET LOCAL ${name} = '${value}'`);
    const json = await exec(`EXPLAIN (${options}FORMAT JSON) ${c.sql}`, c.params);
    const text = await exec(`EXPLAIN (${options}FORMAT TEXT) ${c.sql}`, c.params);
    return {
      sql: c.sql, params: c.params, analyze: c.analyze ?? false, ...(c.settings ? { settings: c.settings } : {}),
      plan: json[0]['QUERY PLAN'], text: text.map((row) => String(row['QUERY PLAN'])).join('\n'),
    };
  } finally {
    await exec('ROLLBACK');
  }
}

/** MariaDB's JSON plan (EXPLAIN or ANALYZE FORMAT=JSON) and its tabular EXPLAIN or ANALYZE of the same case. */
export async function explainMariadb(exec: Exec, c: PlanCase): Promise<CapturedPlan> {
  const base = { sql: c.sql, params: c.params, analyze: c.analyze ?? false };
  await exec('START TRANSACTION READ ONLY');
  try {
    const json = await exec(`${c.analyze ? 'ANALYZE' : 'EXPLAIN'} FORMAT=JSON ${c.sql}`, c.params);
    const table = await exec(`${c.analyze ? 'ANALYZE' : 'EXPLAIN'} ${c.sql}`, c.params);
    return { ...base, plan: Object.values(json[0])[0], text: table };
  } catch (error) {
    // MariaDB refuses even a plain EXPLAIN of a write inside START TRANSACTION READ ONLY (1792).
    return { ...base, error: (error as Error).message };
  } finally {
    await exec('ROLLBACK');
  }
}

/** SQLite's EXPLAIN QUERY PLAN rows: their `detail` is SQLite's own text. Booleans are bound as 1 and 0, as SQLite stores them. */
export async function explainSqlite(exec: Exec, c: PlanCase): Promise<CapturedPlan> {
  const params = c.params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  return { sql: c.sql, params, analyze: false, plan: await exec(`EXPLAIN QUERY PLAN ${c.sql}`, params) };
}
