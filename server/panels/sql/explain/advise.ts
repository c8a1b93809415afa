import type { Dialect } from '../../../types.js';
import { readCatalog, MAX_CATALOG_TABLES, type Catalog, type TableRef } from './catalog.js';
import { sqlClauses } from './conditions.js';
import { walk, type ReadNode } from './plan-node.js';
import type { ExplainOutcome } from './run.js';
import { adviseFromPlan, type Advice } from './suggestions.js';
import type { ExplainTarget } from './targets.js';

/**
 * The tables whose catalog the advice needs: those the plan reads (by their real names), and the
 * statement's other tables, to tell which of them a bare column belongs to.
 */
export function tablesToRead(nodes: ReadNode[], sql: string, dialect: Dialect): TableRef[] {
  const clauses = sqlClauses(sql, dialect);
  const names: string[] = [];
  for (const [node] of walk(nodes)) {
    if (!node.relation) continue;
    names.push(dialect === 'postgres' ? node.relation : clauses.tables.get(node.relation.toLowerCase()) ?? node.relation);
  }
  names.push(...clauses.tables.values());
  const unique = names.filter((name, i) => names.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === i);
  return unique.slice(0, MAX_CATALOG_TABLES).map((name) => ({ schema: clauses.schemas.get(name.toLowerCase()) ?? null, name }));
}

/**
 * The advice for an EXPLAIN's outcome: reads the catalog of the tables it touches on a connection
 * of the target's own (bound parameters only, read-only), then {@link adviseFromPlan}.
 *
 * @example
 * const { suggestions, notes } = await adviseExplain(target, await runExplain(target, sql, params, false));
 */
export async function adviseExplain(target: ExplainTarget, outcome: ExplainOutcome): Promise<Advice & { catalog: Catalog }> {
  const catalog = await readCatalog(target, tablesToRead(outcome.nodes, outcome.statement, target.dialect));
  const advice = adviseFromPlan({
    dialect: target.dialect, flavor: outcome.flavor, nodes: outcome.nodes, sql: outcome.statement, tableRows: outcome.tableRows, catalog,
  });
  return { ...advice, catalog };
}
