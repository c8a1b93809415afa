import { readCatalog } from './catalog-read.js';
import { tablesToRead, type Catalog } from './catalog.js';
import type { ExplainOutcome } from './run.js';
import { adviseFromPlan, type Advice } from './suggestions.js';
import type { ExplainTarget } from './targets.js';

/**
 * The advice for an EXPLAIN's outcome: the catalog of the tables it touches, as the EXPLAIN read
 * it on its own connection (else read now, on a connection of the target's own: bound parameters
 * only, read-only), then {@link adviseFromPlan}.
 *
 * @example
 * const { suggestions, notes } = await adviseExplain(target, await runExplain(target, sql, params, false));
 */
export async function adviseExplain(target: ExplainTarget, outcome: ExplainOutcome): Promise<Advice & { catalog: Catalog }> {
  const catalog = outcome.catalog ?? await readCatalog(target, tablesToRead(outcome.nodes, outcome.statement, target.dialect));
  const advice = adviseFromPlan({
    dialect: target.dialect, flavor: outcome.flavor, nodes: outcome.nodes, sql: outcome.statement, tableRows: outcome.tableRows, catalog,
  });
  return { ...advice, catalog };
}
