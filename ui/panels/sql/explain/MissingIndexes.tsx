/**
 * Missing indexes, for this request or across the stored history: each query shape explained
 * once, what the plans ask of indexes merged per table, ranked by the time of the queries each
 * index would serve (`GET {mountPath}/api/sql/indexes`). Loaded on demand: it runs EXPLAINs.
 */
import { useId, useRef, useState } from 'react';
import type { Dialect, IndexesResponse, MissingIndex } from '../../../../server/types.js';
import { formatMs, pluralize } from '../../../app/format.js';
import { CodeBlock } from '../CodeBlock.js';
import { fetchJson, TOOLBAR_HEADERS } from './api.js';

export const MISSING_INDEXES_NOTE = 'Runs a plain EXPLAIN of each query shape (nothing is executed) and merges what the plans ask of indexes, per table.';

type Scope = 'request' | 'history';
type State = { status: 'idle' } | { status: 'loading'; scope: Scope } | { status: 'error'; message: string } | { status: 'ready'; scope: Scope; result: IndexesResponse };

/** Requests listed per index before "and N more". */
const REQUESTS_SHOWN = 5;

export function MissingIndexes({ mountPath, requestId }: { mountPath: string; requestId: string }) {
  const [state, setState] = useState<State>({ status: 'idle' });
  const noteId = useId();
  const controller = useRef<AbortController | null>(null);
  const load = (scope: Scope) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState({ status: 'loading', scope });
    const query = scope === 'request' ? `?requestId=${encodeURIComponent(requestId)}` : '';
    fetchJson<IndexesResponse>(`${mountPath}/api/sql/indexes${query}`, { headers: TOOLBAR_HEADERS, signal: abort.signal }, 'Finding missing indexes').then(
      (result) => setState({ status: 'ready', scope, result }),
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  };
  const busy = state.status === 'loading';
  return (
    <section className="missing-indexes" aria-label="Missing indexes" aria-busy={busy}>
      <div className="missing-head">
        <strong>Missing indexes</strong>
        <button type="button" className="small-button" aria-describedby={noteId} disabled={busy} onClick={() => load('request')}>
          This request
        </button>
        <button type="button" className="small-button" aria-describedby={noteId} disabled={busy} onClick={() => load('history')}>
          All stored requests
        </button>
        <span id={noteId} className="muted explain-note">{MISSING_INDEXES_NOTE}</span>
      </div>
      {state.status === 'loading' && <p className="state" role="status">Explaining the {state.scope === 'request' ? "request's" : 'stored'} query shapes…</p>}
      {state.status === 'error' && <p className="state error" role="alert">{state.message}</p>}
      {state.status === 'ready' && <Result result={state.result} scope={state.scope} />}
    </section>
  );
}

function Result({ result, scope }: { result: IndexesResponse; scope: Scope }) {
  return (
    <div className="missing-result">
      <p className="muted plan-meta" role="status">
        {pluralize(result.explained, 'query shape')} explained {scope === 'request' ? 'in this request' : 'across the stored requests'}
        {' · '}
        {result.indexes.length === 0 ? 'no missing index' : pluralize(result.indexes.length, 'missing index', 'missing indexes')}
      </p>
      {result.indexes.length > 0 && (
        <ol className="missing-list" aria-label="Missing indexes, most time first">
          {result.indexes.map((index) => (
            <MissingIndexItem key={`${index.explainKey}:${index.code}`} index={index} />
          ))}
        </ol>
      )}
      {result.skipped.length > 0 && (
        <details className="raw-plan">
          <summary>{pluralize(result.skipped.length, 'query shape')} not explained</summary>
          <ul className="missing-skipped">
            {result.skipped.map((skip) => (
              <li key={skip.fingerprint}>
                <code>{skip.sql}</code> <span className="muted">{skip.reason}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function MissingIndexItem({ index }: { index: MissingIndex }) {
  const more = index.requests.length - REQUESTS_SHOWN;
  return (
    <li className="missing-item">
      <p className="missing-meta">
        <strong>{formatMs(index.totalMs)}</strong> over {pluralize(index.queryCount, 'query', 'queries')} of{' '}
        {pluralize(index.queries.length, 'shape')} in {pluralize(index.requests.length, 'request')}
      </p>
      <CodeBlock code={index.code} language={{ sql: index.dialect as Dialect }} copyLabel="Copy" announcement="Copied the index" />
      <p className="fix-reason">{index.reason}</p>
      {index.counted.since !== null && (
        <p className="muted missing-counted">
          {index.counted.note}
          {index.counted.leftOut > 0 && ` ${pluralize(index.counted.leftOut, 'earlier run')} left out.`}
        </p>
      )}
      <ul className="missing-requests" aria-label="Requests it came from">
        {index.requests.slice(0, REQUESTS_SHOWN).map((request) => (
          <li key={request.id}>
            <code>{request.method} {request.url}</code>
          </li>
        ))}
        {more > 0 && <li className="muted">and {more} more</li>}
      </ul>
    </li>
  );
}
