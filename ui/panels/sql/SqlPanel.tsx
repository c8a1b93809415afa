/** The SQL tab: totals, findings, and the queries table. */
import { useMemo } from 'react';
import type { PanelViewProps } from '../../app/panel.js';
import { formatMs, pluralize } from '../../app/format.js';
import { SqlRowContext } from './context.js';
import { Findings } from './Findings.js';
import { groupCountById } from './groups.js';
import { QueryTable } from './QueryTable.js';

export function SqlPanel({ detail }: PanelViewProps) {
  const rowContext = useMemo(
    () => ({
      duplicates: groupCountById(detail.duplicates),
      nPlusOne: groupCountById(detail.nPlusOne),
      maxDurationMs: Math.max(0, ...detail.queries.map((q) => q.durationMs ?? 0)),
    }),
    [detail.duplicates, detail.nPlusOne, detail.queries],
  );
  const summary = (
    <span className="summary">
      <strong>{pluralize(detail.queryCount, 'query', 'queries')}</strong>
      <span className="muted"> · {formatMs(detail.totalQueryMs)} total</span>
      {detail.overBudget === true && (
        <span className="over-budget" title="The queryBudget option">
          {' '}
          · over budget ({detail.queryBudget})
        </span>
      )}
      {detail.droppedQueryCount > 0 && (
        <span className="dropped" title="Raise maxQueriesPerRequest to keep more">
          {' '}
          · {detail.droppedQueryCount} not shown (per-request limit)
        </span>
      )}
    </span>
  );
  return (
    <SqlRowContext.Provider value={rowContext}>
      <div className="sql-panel">
        <QueryTable queries={detail.queries} summary={summary}>
          <Findings duplicates={detail.duplicates} nPlusOne={detail.nPlusOne} />
        </QueryTable>
      </div>
    </SqlRowContext.Provider>
  );
}
