/** A row's Explain button: only for queries whose connection the server can explain on. */
import type { QueryRecord } from '../../../../server/types.js';
import { explainButtonLabel, explainViewId, useExplainContext } from './context.js';

export function ExplainButton({ query }: { query: QueryRecord }) {
  const { openId, toggle } = useExplainContext();
  if (!query.db.explainKey) return null;
  const open = openId === query.id;
  return (
    <button
      type="button"
      className={open ? 'small-button active' : 'small-button'}
      aria-label={explainButtonLabel(query.id)}
      aria-expanded={open}
      aria-controls={open ? explainViewId(query.id) : undefined}
      title="Show the query plan (EXPLAIN)"
      onClick={() => toggle(query.id)}
    >
      Explain
    </button>
  );
}
