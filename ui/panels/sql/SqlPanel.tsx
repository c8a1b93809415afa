/** The SQL tab: totals, findings first, then the queries table with per-query plans. */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { PanelViewProps } from '../../app/panel.js';
import { formatMs, pluralize } from '../../app/format.js';
import { EnsureNavigation } from '../../app/navigation.js';
import { SqlRowContext } from './context.js';
import { explainButtonLabel, ExplainContext } from './explain/context.js';
import { Findings } from './Findings.js';
import { MissingIndexes } from './explain/MissingIndexes.js';
import { groupCountById } from './groups.js';
import { QueryTable } from './QueryTable.js';
import { sqlView } from './sql-view.js';

export function SqlPanel({ detail: request, mountPath }: PanelViewProps) {
  const detail = useMemo(() => sqlView(request), [request]);
  const rowContext = useMemo(
    () => ({
      duplicates: groupCountById(detail.duplicates),
      nPlusOne: groupCountById(detail.nPlusOne),
      maxDurationMs: Math.max(0, ...detail.queries.map((q) => q.durationMs ?? 0)),
    }),
    [detail.duplicates, detail.nPlusOne, detail.queries],
  );
  const root = useRef<HTMLDivElement>(null);
  const [explainId, setExplainId] = useState<number | null>(null);
  const openId = useRef<number | null>(null);
  openId.current = explainId;
  const close = useCallback(() => {
    const id = openId.current;
    // Focus goes back to the button that opened the plan, which stays in its row.
    if (id !== null) root.current?.querySelector<HTMLElement>(`button[aria-label="${explainButtonLabel(id)}"]`)?.focus();
    setExplainId(null);
  }, []);
  const explain = useMemo(
    () => ({
      openId: explainId,
      toggle: (id: number) => setExplainId((open) => (open === id ? null : id)),
      close,
      requestId: detail.id,
      mountPath,
    }),
    [explainId, close, detail.id, mountPath],
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
      {(detail.afterResponseCount ?? 0) > 0 && (
        <span className="after-response" title="Queries started in this request's async context after its response: not in the count, budget or badge">
          {' '}
          · after the response: {pluralize(detail.afterResponseCount ?? 0, 'query', 'queries')},{' '}
          {formatMs(detail.queries.filter((q) => q.afterResponse).reduce((sum, q) => sum + (q.durationMs ?? 0), 0))}
        </span>
      )}
      {detail.queries.some((q) => q.unawaited) && (
        <span className="unawaited" title="Running when the response was sent: nobody awaited them before responding">
          {' '}
          · {pluralize(detail.queries.filter((q) => q.unawaited).length, 'query', 'queries')} not awaited
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
    <EnsureNavigation>
      <SqlRowContext.Provider value={rowContext}>
        <ExplainContext.Provider value={explain}>
          <div className="sql-panel" ref={root}>
            <QueryTable queries={detail.queries} summary={summary}>
              <Findings detail={detail} />
              {detail.queries.some((q) => q.db.explainKey) && <MissingIndexes mountPath={mountPath} requestId={detail.id} />}
            </QueryTable>
          </div>
        </ExplainContext.Provider>
      </SqlRowContext.Provider>
    </EnsureNavigation>
  );
}
