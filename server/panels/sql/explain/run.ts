import type { Dialect } from '../../../types.js';
import { readCatalogWith } from './catalog-read.js';
import { tablesToRead, type Catalog } from './catalog.js';
import { sqlClauses } from './conditions.js';
import { quoteIdent } from './identifiers.js';
import { walk, type ReadNode } from './plan-node.js';
import { readMysqlJsonPlan, readMysqlTree } from './plan-mysql.js';
import { readPostgresPlan } from './plan-postgres.js';
import { readSqlitePlan, type SqliteQueryPlanRow } from './plan-sqlite.js';
import type { ExplainTarget, RunStatement } from './targets.js';
import { checkStatement } from './statement.js';
import type { LexSettings } from './sql-tokens.js';

/** What the database said, read. */
export interface ExplainOutcome {
  /** The statement that was explained: the stored text without its trailing `;` and comments. */
  statement: string;
  plan: unknown;
  nodes: ReadNode[];
  tableRows: Record<string, number>;
  flavor?: 'mysql' | 'mariadb';
  /** The catalog of the tables the plan reads, read on the EXPLAIN's own connection and transaction. */
  catalog?: Catalog;
}

/** The stored statement, read as the explain connection's server reads it, may not be explained: the endpoint answers 400. */
export class StatementRefused extends Error {}

/** The transaction the EXPLAIN ran in was ended from inside: nothing after it can be trusted to roll back. */
export class TransactionEscaped extends Error {}

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

/**
 * Full scans whose size the plan does not tell, by table name as the plan prints it: those that
 * print no size, and those that may have stopped early (what they read is not the table).
 */
function unsizedScans(nodes: ReadNode[]): ReadNode[] {
  return [...walk(nodes)].map(([node]) => node)
    .filter((node) => node.fullScan && node.relation && (node.scannedRows === null || node.mayStopEarly));
}

/**
 * The check after the EXPLAIN, before the ROLLBACK: still in the read-only transaction it opened,
 * which has written nothing (no transaction id assigned). A failure here means a statement ended
 * that transaction, which the layers before must have prevented: say so loudly.
 */
async function assertStillReadOnlyPostgres(run: RunStatement): Promise<void> {
  let row: Record<string, unknown> | undefined;
  try {
    row = (await run("SELECT current_setting('transaction_read_only') AS read_only, txid_current_if_assigned()::text AS xid"))[0];
  } catch (error) {
    // 25P02: the transaction is aborted (a size lookup failed), so it is still open and cannot commit.
    if ((error as { code?: string }).code === '25P02') return;
    throw error;
  }
  if (row?.read_only !== 'on' || (row.xid !== null && row.xid !== undefined)) {
    throw new TransactionEscaped(`the EXPLAIN no longer ran in its read-only transaction (transaction_read_only=${String(row?.read_only)}, transaction id ${String(row?.xid)}); it was rolled back and the toolbar refuses this query`);
  }
}

async function explainPostgres(run: RunStatement, statement: string, params: unknown[], analyze: boolean): Promise<Omit<ExplainOutcome, 'statement'>> {
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
    const catalog = await catalogOf(run, 'postgres', nodes, statement);
    await assertStillReadOnlyPostgres(run);
    return { plan, nodes, tableRows, catalog };
  });
}

async function explainMysql(run: RunStatement, statement: string, params: unknown[], analyze: boolean, flavor: 'mysql' | 'mariadb'): Promise<Omit<ExplainOutcome, 'statement'>> {
  return rolledBack(run, 'START TRANSACTION READ ONLY', async () => {
    const prefix = !analyze ? 'EXPLAIN FORMAT=JSON' : flavor === 'mariadb' ? 'ANALYZE FORMAT=JSON' : 'EXPLAIN ANALYZE';
    const plan = firstValue((await run(`${prefix} ${statement}`, params))[0]);
    const nodes = analyze && flavor === 'mysql' ? readMysqlTree(String(plan)) : readMysqlJsonPlan(plan);
    const catalog = await catalogOf(run, 'mysql', nodes, statement);
    // MariaDB tells whether a transaction is open; MySQL has no such variable, and its protocol
    // (execute, no multi-statements) is what keeps a second statement out.
    if (flavor === 'mariadb' && Number(firstValue((await run('SELECT @@in_transaction AS open'))[0])) !== 1) {
      throw new TransactionEscaped('the EXPLAIN no longer ran in its read-only transaction; the toolbar refuses this query');
    }
    return { plan, nodes, tableRows: {}, flavor, catalog };
  });
}

async function explainSqlite(run: RunStatement, statement: string, params: unknown[]): Promise<Omit<ExplainOutcome, 'statement'>> {
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
  return { plan, nodes, tableRows, catalog: await catalogOf(run, 'sqlite', nodes, statement) };
}

/**
 * The catalog the advice needs, read on the EXPLAIN's connection, inside its transaction (one
 * connection and one limiter slot per EXPLAIN; a second one could be refused as busy between
 * the two). A failure leaves the catalog empty with the reason, as a refusal to read it would.
 */
async function catalogOf(run: RunStatement, dialect: Dialect, nodes: ReadNode[], statement: string): Promise<Catalog> {
  try {
    return await readCatalogWith(run, dialect, tablesToRead(nodes, statement, dialect), true);
  } catch (error) {
    return { tables: new Map(), error: error instanceof Error ? error.message : String(error) };
  }
}

/** How the connection's server reads strings, asked of the server itself. */
async function lexSettingsOf(run: RunStatement, dialect: Dialect): Promise<{ lex?: LexSettings; flavor?: 'mysql' | 'mariadb' }> {
  if (dialect === 'postgres') {
    const conforming = firstValue((await run('SHOW standard_conforming_strings'))[0]);
    return { lex: { backslashEscapes: conforming !== 'on', ansiQuotes: true } };
  }
  if (dialect === 'mysql') {
    const row = (await run('SELECT VERSION() AS version, @@SESSION.sql_mode AS mode'))[0] ?? {};
    const modes = String(row.mode ?? '').toUpperCase().split(',');
    return {
      flavor: /mariadb/i.test(String(row.version ?? '')) ? 'mariadb' : 'mysql',
      lex: { backslashEscapes: !modes.includes('NO_BACKSLASH_ESCAPES'), ansiQuotes: modes.includes('ANSI_QUOTES') || modes.includes('ANSI') },
    };
  }
  return {};
}

/**
 * Runs the dialect's EXPLAIN of the stored `sql` on a connection of the target's own. The text is
 * read again ({@link checkStatement}) as that connection's server reads strings, then sent
 * through a single-statement protocol: PostgreSQL and MySQL inside a read-only transaction that
 * is checked to be still open and unwritten, then rolled back whatever happens; SQLite's EXPLAIN
 * QUERY PLAN on a read-only connection never runs the statement.
 */
export function runExplain(target: ExplainTarget, sql: string, params: unknown[], analyze: boolean): Promise<ExplainOutcome> {
  const dialect: Dialect = target.dialect;
  return target.withConnection(async (run, format) => {
    if (format && params.length > 0) {
      sql = format(sql, params);
      params = [];
    }
    const { lex, flavor } = await lexSettingsOf(run, dialect);
    const check = checkStatement(sql, dialect, analyze, lex);
    if (!check.ok) throw new StatementRefused(check.reason);
    const { statement } = check;
    const outcome = dialect === 'postgres' ? await explainPostgres(run, statement, params, analyze)
      : dialect === 'mysql' ? await explainMysql(run, statement, params, analyze, flavor ?? 'mysql')
        : await explainSqlite(run, statement, params);
    return { statement, ...outcome };
  });
}
