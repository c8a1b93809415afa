/** Cell contents of the SQL table that need more than a value. */
import { useMemo, useState } from 'react';
import type { CallSite, Dialect, QueryRecord, StreamInfo } from '../../../server/types.js';
import { formatCallSite } from './callsite.js';
import { compactSql } from './compact.js';
import { useSqlRowContext } from './context.js';
import { Highlight } from './Highlight.js';
import { useFormattedSql } from './useFormattedSql.js';

/** The SQL, one compact line by default; the formatted statement when expanded. */
export function SqlCell({ query }: { query: QueryRecord }) {
  const { duplicates, nPlusOne } = useSqlRowContext();
  const [expanded, setExpanded] = useState(false);
  const dialect = query.db.dialect;
  const compact = useMemo(() => compactSql(query.sql, dialect), [query.sql, dialect]);
  const duplicateCount = duplicates.get(query.id);
  const nPlusOneCount = nPlusOne.get(query.id);
  return (
    <div className="sql-cell">
      <div className="sql-main">
        <button
          type="button"
          className="expand-button"
          aria-expanded={expanded}
          aria-label="Show formatted SQL"
          title={expanded ? 'Collapse' : 'Format and show the whole statement'}
          onClick={() => setExpanded(!expanded)}
        >
          <svg viewBox="0 0 16 16" width="10" height="10" aria-hidden="true" focusable="false">
            <path d="M5 3l6 5-6 5z" fill="currentColor" />
          </svg>
        </button>
        {expanded ? (
          <FormattedSql sql={query.sql} dialect={dialect} />
        ) : (
          <pre className="sql-text compact">
            <Highlight sql={compact} dialect={dialect} />
          </pre>
        )}
      </div>
      {(duplicateCount || nPlusOneCount || query.error || query.afterResponse || query.unawaited || query.stream || query.params.length > 0) && (
        <div className="sql-meta">
          {query.stream ? <StreamFlags stream={query.stream} /> : null}
          {query.afterResponse ? <span className="flag" title="Started after the response was sent, in this request's async context">after the response</span> : null}
          {query.unawaited ? (
            <span className="flag warn" title="Still running when the response was sent: its promise was not awaited before responding">not awaited</span>
          ) : null}
          {duplicateCount ? <span className="flag warn">duplicate ×{duplicateCount}</span> : null}
          {nPlusOneCount ? <span className="flag danger">N+1 ×{nPlusOneCount}</span> : null}
          {query.error ? <span className="flag danger">error</span> : null}
          {query.params.length > 0 && <Params params={query.params} />}
        </div>
      )}
      {query.error && <div className="query-error">{query.error}</div>}
    </div>
  );
}

/** How a streamed query was read: its fetches, and whether the consumer stopped before the last row. */
function StreamFlags({ stream }: { stream: StreamInfo }) {
  const fetches = stream.fetches === undefined ? '' : ` · ${stream.fetches} ${stream.fetches === 1 ? 'fetch' : 'fetches'}`;
  return (
    <>
      <span className="flag" title="Read as a stream or through a cursor: rows counts every batch read, duration runs until the stream ended or was closed">
        streamed{fetches}
      </span>
      {stream.closedEarly ? (
        <span className="flag warn" title="The consumer closed the stream before its last row: rows counts what was read until then">closed early</span>
      ) : null}
    </>
  );
}

function FormattedSql({ sql, dialect }: { sql: string; dialect: Dialect }) {
  const formatted = useFormattedSql(sql, dialect);
  return (
    <pre className="sql-text">
      <Highlight sql={formatted} dialect={dialect} />
    </pre>
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
    <span className="params" title={text}>
      <span className="muted">params </span>
      {text}
    </span>
  );
}

/** Duration with a bar relative to the slowest query of the request. */
export function DurationCell({ ms }: { ms: number | undefined }) {
  const { maxDurationMs } = useSqlRowContext();
  if (ms === undefined) return <span className="muted">running</span>;
  const share = maxDurationMs > 0 ? Math.max(2, Math.round((ms / maxDurationMs) * 100)) : 0;
  return (
    <span className="duration">
      {ms.toFixed(2)} ms
      <span className="duration-bar" aria-hidden="true">
        <span style={{ width: `${share}%` }} />
      </span>
    </span>
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
