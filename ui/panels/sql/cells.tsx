/** Cell contents of the SQL table that need more than a value. */
import type { CallSite, QueryRecord } from '../../../server/types.js';
import { formatCallSite } from './callsite.js';
import { useSqlGroups } from './context.js';
import { Highlight } from './Highlight.js';
import { useFormattedSql } from './useFormattedSql.js';

export function SqlCell({ query }: { query: QueryRecord }) {
  const { duplicates, nPlusOne } = useSqlGroups();
  const formatted = useFormattedSql(query.sql, query.db.dialect);
  const duplicateCount = duplicates.get(query.id);
  const nPlusOneCount = nPlusOne.get(query.id);
  return (
    <div className="sql-cell">
      {(duplicateCount || nPlusOneCount || query.error) && (
        <div className="row-flags">
          {duplicateCount ? <span className="flag warn">duplicate ×{duplicateCount}</span> : null}
          {nPlusOneCount ? <span className="flag danger">N+1 ×{nPlusOneCount}</span> : null}
          {query.error ? <span className="flag danger">error</span> : null}
        </div>
      )}
      <pre className="sql-text">
        <Highlight sql={formatted} dialect={query.db.dialect} />
      </pre>
      {query.params.length > 0 && <Params params={query.params} />}
      {query.error && <div className="query-error">{query.error}</div>}
    </div>
  );
}

function Params({ params }: { params: unknown[] }) {
  let text: string;
  try {
    text = JSON.stringify(params);
  } catch {
    text = String(params);
  }
  return (
    <div className="params" title={text}>
      <span className="muted">params </span>
      {text}
    </div>
  );
}

export function CallSiteCell({ site }: { site: CallSite | null }) {
  if (!site) return <span className="muted">—</span>;
  const full = formatCallSite(site, false);
  return (
    <span className="callsite" title={site.function ? `${site.function} — ${full}` : full}>
      {formatCallSite(site)}
    </span>
  );
}
