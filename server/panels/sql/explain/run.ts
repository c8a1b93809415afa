import type { Dialect } from '../../../types.js';
import { sqlClauses } from './conditions.js';
import { quoteIdent } from './identifiers.js';
import { walk, type ReadNode } from './plan-node.js';
import { readMysqlJsonPlan, readMysqlTree } from './plan-mysql.js';
import { readPostgresPlan } from './plan-postgres.js';
import { readSqlitePlan, type SqliteQueryPlanRow } from './plan-sqlite.js';
import type { ExplainTarget, RunStatement } from './targets.js';

/** What the database said, read. */
export interface ExplainOutcome {
  plan: unknown;
  nodes: ReadNode[];
  tableRows: Record<string, number>;
  flavor?: 'mysql' | 'mariadb';
}

/** Table sizes are looked up for at most this many tables per plan. */
const MAX_SIZE_LOOKUPS = 5;

const firstValue = (row: Record<string, unknown> | undefined): unknown => (row ? Object.values(row)[0] : undefined);

/** Runs `work` between `begin` and a ROLLBACK that is always sent, even after a failure. */
async function rolledBack<T>(run: RunStatement, begin: string, work: () => Promise<T>): Promise<T> {
  await run(begin);
  try {
    return await work();
  } finally {
    await run('ROLLBACK').catch(() => undefined);
  }
}

/** Full scans whose size the plan does not tell, by table name as the plan prints it. */
function unsizedScans(nodes: ReadNode[]): ReadNode[] {
  return [...walk(nodes)].map(([node]) => node).filter((node) => node.fullScan && node.relation && node.scannedRows === null);
}

async function explainPostgres(run: RunStatement, statement: string, params: unknown[], analyze: boolean): Promise<ExplainOutcome> {
  return rolledBack(run, 'BEGIN READ ONLY', async () => {
    const options = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
    const rows = await run(`EXPLAIN (${options}) ${statement}`, params);
    const plan = rows[0]?.['QUERY PLAN'] ?? firstValue(rows[0]);
    const nodes = readPostgresPlan(plan);
    const tableRows: Record<string, number> = {};
    // A filtered Seq Scan prints the rows it keeps, not the rows it reads: the planner's estimate of
    // the bare table says how big it is. It is one more EXPLAIN, of SQL made of the plan's own names.
    for (const node of unsizedScans(nodes).slice(0, MAX_SIZE_LOOKUPS)) {
      const table = node.relation as string;
      if (table in tableRows) continue;
      try {
        const sized = readPostgresPlan((await run(`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${quoteIdent(table, 'postgres')}`))[0]?.['QUERY PLAN']);
        if (sized[0]?.estimatedRows !== null && sized[0]?.estimatedRows !== undefined) tableRows[table] = sized[0].estimatedRows;
      } catch {
        break; // the transaction is aborted now; the suggestions do without the size
      }
    }
    return { plan, nodes, tableRows };
  });
}

async function explainMysql(run: RunStatement, statement: string, params: unknown[], analyze: boolean): Promise<ExplainOutcome> {
  const version = String(firstValue((await run('SELECT VERSION() AS version'))[0]) ?? '');
  const flavor = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  return rolledBack(run, 'START TRANSACTION READ ONLY', async () => {
    const prefix = !analyze ? 'EXPLAIN FORMAT=JSON' : flavor === 'mariadb' ? 'ANALYZE FORMAT=JSON' : 'EXPLAIN ANALYZE';
    const plan = firstValue((await run(`${prefix} ${statement}`, params))[0]);
    const nodes = analyze && flavor === 'mysql' ? readMysqlTree(String(plan)) : readMysqlJsonPlan(plan);
    return { plan, nodes, tableRows: {}, flavor };
  });
}

async function explainSqlite(run: RunStatement, statement: string, params: unknown[]): Promise<ExplainOutcome> {
  const plan = await run(`EXPLAIN QUERY PLAN ${statement}`, params);
  const nodes = readSqlitePlan(plan as unknown as SqliteQueryPlanRow[]);
  const tableRows: Record<string, number> = {};
  const tables = sqlClauses(statement, 'sqlite').tables;
  // EXPLAIN QUERY PLAN prints no sizes. sqlite_stat1, when ANALYZE has filled it, has them: its
  // first number is the table's row count. Without it the suggestion says the size is unknown.
  for (const node of unsizedScans(nodes).slice(0, MAX_SIZE_LOOKUPS)) {
    const table = tables.get((node.relation as string).toLowerCase()) ?? (node.relation as string);
    try {
      const stat = firstValue((await run('SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1', [table]))[0]);
      const rows = Number.parseInt(String(stat ?? ''), 10);
      if (Number.isFinite(rows)) tableRows[table] = rows;
    } catch {
      break; // no sqlite_stat1
    }
  }
  return { plan, nodes, tableRows };
}

/**
 * Runs the dialect's EXPLAIN of `statement` (already checked, from the stored record only) on a
 * connection of the target's own: PostgreSQL and MySQL inside a read-only transaction that is
 * rolled back whatever happens; SQLite's EXPLAIN QUERY PLAN never runs the statement.
 */
export function runExplain(target: ExplainTarget, statement: string, params: unknown[], analyze: boolean): Promise<ExplainOutcome> {
  const dialect: Dialect = target.dialect;
  return target.withConnection((run) => {
    if (dialect === 'postgres') return explainPostgres(run, statement, params, analyze);
    if (dialect === 'mysql') return explainMysql(run, statement, params, analyze);
    return explainSqlite(run, statement, params);
  });
}
