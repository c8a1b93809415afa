import { randomBytes } from 'node:crypto';
import type { ExplainResponse, PlanSuggestion, QueryRecord, WhatIfPlan, WhatIfResponse } from '../../../types.js';
import { adviseExplain } from './advise.js';
import { catalogColumn } from './catalog.js';
import { indexName, quoteIdent } from './identifiers.js';
import type { DesignedIndex } from './index-design.js';
import { planText, toPlanNodes, walk, type ReadNode } from './plan-node.js';
import { readPostgresPlan } from './plan-postgres.js';
import { runExplain, StatementRefused, TransactionEscaped } from './run.js';
import type { LexSettings } from './sql-tokens.js';
import { sqlClauses } from './conditions.js';
import { checkStatement } from './statement.js';
import { holdSlot } from './limiter.js';
import { createIndexSql } from './suggestions.js';
import type { ExplainTarget, RunStatement } from './targets.js';

/** Tables bigger than this are not indexed to try: building the index blocks writes to the table until the rollback. */
export const WHAT_IF_MAX_TABLE_BYTES = 100 * 1024 * 1024;
/** The CREATE INDEX and the EXPLAIN after it may take this long together, and wait this long for a lock. */
export const WHAT_IF_STATEMENT_TIMEOUT_MS = 15_000;
export const WHAT_IF_LOCK_TIMEOUT_MS = 2_000;

/** The what-if cannot be offered for this query: the endpoint answers 422 with the reason. */
export class WhatIfRefused extends Error {}

/** An index the what-if created is still in the catalog after the rollback. Never expected; said loudly. */
export class IndexSurvived extends Error {}

/** The transaction with the indexes failed (or its connection dropped); the message says what the catalog showed afterwards. */
export class WhatIfFailed extends Error {}

const MYSQL_REASON = 'MySQL and MariaDB commit CREATE INDEX at once (their DDL is not transactional), so the toolbar cannot try an index without really creating it. Try it on a copy of the database.';
const SQLITE_REASON = 'The toolbar opens SQLite read-only, and building an index would take the database file\'s write lock and block the app\'s writers. SQLite can roll back a CREATE INDEX: try it on a copy of the file, then EXPLAIN QUERY PLAN.';

/**
 * Whether the what-if can try this query's index suggestions, and if not, why in a sentence.
 *
 * @example
 * whatIfAvailability(query, target, suggestions) // { available: false, reason: 'MySQL and MariaDB commit CREATE INDEX at once …' }
 */
export function whatIfAvailability(query: Pick<QueryRecord, 'db'>, target: Pick<ExplainTarget, 'dialect'>, suggestions: PlanSuggestion[]): NonNullable<ExplainResponse['whatIf']> {
  if (target.dialect === 'mysql') return { available: false, reason: MYSQL_REASON };
  if (target.dialect === 'sqlite') return { available: false, reason: SQLITE_REASON };
  if (!suggestions.some((s) => s.kind === 'index')) return { available: false, reason: 'The plan calls for no index.' };
  return query.db.explainKey ? { available: true } : { available: false, reason: 'No connection to explain this query on.' };
}

/** Every index a what-if built exists in the catalog under a name of this form, and only for the transaction. */
const temporaryName = (tag: string, i: number) => `edt_whatif_${tag}_${i}`;

/** The indexes to build, each checked against the catalog it was resolved from: the table found, every column one of its columns. */
function resolvedIndexes(indexes: DesignedIndex[], maxTableBytes: number): DesignedIndex[] {
  if (indexes.length === 0) throw new WhatIfRefused('the plan calls for no index, so there is nothing to try');
  for (const index of indexes) {
    const table = index.catalog;
    if (!table || !table.schema) throw new WhatIfRefused(`the toolbar could not find ${index.table} in the catalog, so it will not build an index on it`);
    if (index.columns.some((column) => catalogColumn(table, column, 'postgres') !== column)) {
      throw new WhatIfRefused(`${index.columns.join(', ')} are not all columns of ${table.name} in the catalog`);
    }
    if (table.bytes !== null && table.bytes > maxTableBytes) {
      throw new WhatIfRefused(`${table.name} takes ${Math.round(table.bytes / 1048576)} MB; the toolbar tries indexes only on tables up to ${Math.round(maxTableBytes / 1048576)} MB, because building one blocks writes to the table until it is rolled back`);
    }
  }
  return indexes;
}

/** The DDL, from catalog names only (schema, table, columns), each quoted: never text the browser or the recorded SQL wrote. */
function createStatement(index: DesignedIndex, name: string): string {
  const table = `${quoteIdent(index.catalog?.schema as string, 'postgres')}.${quoteIdent(index.catalog?.name as string, 'postgres')}`;
  return `CREATE INDEX ${quoteIdent(name, 'postgres')} ON ${table} (${index.columns.map((c, i) => quoteIdent(c, 'postgres') + (index.desc[i] ? ' DESC' : '')).join(', ')})`;
}

const sidePlan = (nodes: ReadNode[]): WhatIfPlan => {
  const plan = toPlanNodes(nodes);
  return { totalCost: plan[0]?.cost ?? null, plan, text: planText(plan) };
};

/** How the server reads strings, as runExplain asks it, so the statement is checked again as it will be read. */
async function lexOf(run: RunStatement): Promise<LexSettings> {
  const conforming = Object.values((await run('SHOW standard_conforming_strings'))[0] ?? {})[0];
  return { backslashEscapes: conforming !== 'on', ansiQuotes: true };
}

/**
 * The EXPLAIN with the indexes built: BEGIN, a statement and lock timeout, CREATE INDEX for each
 * (catalog names, quoted), the transaction made read-only, the EXPLAIN (extended protocol,
 * statement checked again as this server reads it), a check that the transaction is still the
 * one that built the indexes and is read-only, and a ROLLBACK that is always sent.
 */
async function explainWithIndexes(run: RunStatement, statement: string, params: unknown[], indexes: DesignedIndex[], names: string[]): Promise<ReadNode[]> {
  const check = checkStatement(statement, 'postgres', false, await lexOf(run));
  if (!check.ok) throw new StatementRefused(check.reason);
  await run('BEGIN READ WRITE');
  try {
    await run(`SET LOCAL statement_timeout = ${WHAT_IF_STATEMENT_TIMEOUT_MS}`);
    await run(`SET LOCAL lock_timeout = ${WHAT_IF_LOCK_TIMEOUT_MS}`);
    for (const [i, index] of indexes.entries()) await run(createStatement(index, names[i]));
    const xid = String(Object.values((await run('SELECT txid_current()::text AS xid'))[0] ?? {})[0]);
    // From here nothing the statement could do may write, even a function mislabelled IMMUTABLE that the planner folds.
    await run('SET LOCAL transaction_read_only = on');
    const rows = await run(`EXPLAIN (FORMAT JSON) ${check.statement}`, params);
    const after = (await run("SELECT current_setting('transaction_read_only') AS read_only, txid_current_if_assigned()::text AS xid"))[0];
    if (after?.read_only !== 'on' || String(after?.xid) !== xid) {
      throw new TransactionEscaped(`the EXPLAIN no longer ran in the transaction that built the indexes (transaction id ${String(after?.xid)}, expected ${xid}); it was rolled back and the toolbar refuses this query`);
    }
    return readPostgresPlan(rows[0]?.['QUERY PLAN'] ?? Object.values(rows[0] ?? {})[0]);
  } finally {
    await run('ROLLBACK').catch(() => undefined);
  }
}

/** The what-if's indexes (named `edt_whatif_<tag>_<n>`) that exist in the catalog: after a what-if, always none. */
async function survivors(run: RunStatement, tag: string): Promise<string[]> {
  const rows = await run("SELECT relname FROM pg_class WHERE relkind = 'i' AND starts_with(relname, $1)", [temporaryName(tag, 0).slice(0, -1)]);
  return rows.map((row) => String(row.relname));
}

/**
 * Tries a query's index suggestions on PostgreSQL or PGlite without keeping them: the plan as it
 * is, then the plan with the indexes built inside a transaction that is rolled back, on the
 * toolbar's own connection (PGlite: inside its transaction), and whether the planner used them.
 * Afterwards the catalog is read again, on a new connection if the first one dropped: none of the
 * indexes may exist ({@link IndexSurvived} otherwise).
 *
 * @example
 * const result = await runWhatIf(target, query);
 * result.used // true: the planner chose the index
 */
export function runWhatIf(target: ExplainTarget, query: Pick<QueryRecord, 'sql' | 'params'>,
  options: { maxTableBytes?: number } = {}): Promise<WhatIfResponse> {
  if (target.dialect !== 'postgres') return Promise.reject(new WhatIfRefused(target.dialect === 'mysql' ? MYSQL_REASON : SQLITE_REASON));
  // One slot for the whole what-if: its connections follow one another, and none may be refused as busy halfway.
  return holdSlot(target, (own) => whatIfOn(own, query, options));
}

async function whatIfOn(target: ExplainTarget, query: Pick<QueryRecord, 'sql' | 'params'>, options: { maxTableBytes?: number }): Promise<WhatIfResponse> {
  const before = await runExplain(target, query.sql, query.params, false);
  const advice = await adviseExplain(target, before);
  if (advice.catalog.error) throw new WhatIfRefused(`the toolbar could not read the catalog, which the index must be built from: ${advice.catalog.error}`);
  const indexes = resolvedIndexes(advice.indexes, options.maxTableBytes ?? WHAT_IF_MAX_TABLE_BYTES);
  const tag = randomBytes(4).toString('hex');
  const names = indexes.map((_, i) => temporaryName(tag, i));
  let after: ReadNode[] | null = null;
  let failure: unknown = null;
  try {
    after = await target.withConnection((run) => explainWithIndexes(run, before.statement, query.params, indexes, names));
  } catch (error) {
    failure = error;
  }
  // Read the catalog again on a connection of its own: the first one may have dropped before its
  // ROLLBACK (PostgreSQL then rolls back itself), and PGlite's transaction is over.
  const why = failure instanceof Error ? failure.message : String(failure);
  let left: string[];
  try {
    left = await target.withConnection((run) => survivors(run, tag));
  } catch (error) {
    if (failure instanceof StatementRefused || failure instanceof TransactionEscaped) throw failure;
    throw new WhatIfFailed(`${failure !== null ? `${why}; ` : ''}the toolbar could not read the catalog afterwards to confirm the rollback (${error instanceof Error ? error.message : String(error)}); PostgreSQL rolls back the transaction of a connection that ends`);
  }
  if (left.length > 0) throw new IndexSurvived(`the indexes ${left.join(', ')} still exist after the what-if; drop them: ${left.map((n) => `DROP INDEX ${n};`).join(' ')}`);
  if (failure instanceof StatementRefused || failure instanceof TransactionEscaped) throw failure;
  if (failure !== null || after === null) throw new WhatIfFailed(`${why}; it was rolled back, and the catalog read again afterwards holds none of its indexes`);
  return describe(indexes, names, before.nodes, after, sqlClauses(before.statement, 'postgres').schemas);
}

/** The response: each index's CREATE INDEX as the suggestion wrote it, whether the planner used it, both plans. */
function describe(indexes: DesignedIndex[], names: string[], before: ReadNode[], after: ReadNode[], written: Map<string, string>): WhatIfResponse {
  const specs = indexes.map((index, i) => ({
    table: index.table, schema: index.schema, columns: index.columns,
    code: createIndexSql({ ...index, schema: written.get(index.table.toLowerCase()) ?? null }, 'postgres'),
    used: [...walk(after)].some(([node]) => node.index === names[i]),
  }));
  // The plan names the temporary index: show the name the suggestion gives it.
  for (const [node] of walk(after)) {
    const i = names.indexOf(node.index ?? '');
    if (i < 0) continue;
    const name = indexName(indexes[i].table, indexes[i].columns);
    node.label = node.label.replace(names[i], quoteIdent(name, 'postgres'));
    node.index = name;
  }
  const [first] = specs;
  return {
    index: { table: first.table, schema: first.schema, columns: first.columns, code: first.code },
    indexes: specs, before: sidePlan(before), after: sidePlan(after), used: specs.some((spec) => spec.used), rolledBack: true,
  };
}
