/**
 * The plan of one query, shown in a row under it: ANALYZE toggle, node tree with bars and the hot
 * node, the database's suggestions, and the raw text. Escape closes it and returns focus.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ExplainResponse, QueryRecord } from '../../../../server/types.js';
import { CodeBlock } from '../CodeBlock.js';
import { CopyButton } from '../CopyButton.js';
import { explainViewId, useExplainContext } from './context.js';
import { isReadStatement, readPlan } from './plan.js';
import { PlanTree } from './PlanTree.js';
import { useExplain } from './useExplain.js';
import { WhatIf } from './WhatIf.js';

export const ANALYZE_NOTE = 'Runs the query for real, inside a read-only transaction that is rolled back.';
export const ANALYZE_DISABLED = 'ANALYZE is offered for SELECT statements only: it would run this statement for real.';

export function ExplainView({ query }: { query: QueryRecord }) {
  const { requestId, mountPath, close } = useExplainContext();
  const canAnalyze = isReadStatement(query.sql);
  const [analyze, setAnalyze] = useState(false);
  const state = useExplain(mountPath, requestId, query.id, analyze);
  const noteId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);

  return (
    <div
      ref={ref}
      id={explainViewId(query.id)}
      className="explain"
      role="region"
      aria-label={`Query plan for query ${query.id}`}
      aria-busy={state.status === 'loading'}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // Handled here: the panel must not close too.
        event.preventDefault();
        close();
      }}
    >
      <div className="explain-head">
        <strong>Query plan</strong>
        <span className="muted">#{query.id}</span>
        <label className={canAnalyze ? 'switch' : 'switch disabled'} title={canAnalyze ? ANALYZE_NOTE : ANALYZE_DISABLED}>
          <input
            type="checkbox"
            role="switch"
            checked={analyze}
            disabled={!canAnalyze}
            aria-describedby={noteId}
            onChange={(event) => setAnalyze(event.target.checked)}
          />
          ANALYZE
        </label>
        <span id={noteId} className="muted explain-note">
          {canAnalyze ? ANALYZE_NOTE : ANALYZE_DISABLED}
        </span>
        <span className="spacer" />
        <button type="button" className="small-button" aria-label="Close query plan" title="Close (Escape)" onClick={close}>
          Close
        </button>
      </div>
      {state.status === 'loading' && (
        <p className="state" role="status">
          {analyze ? 'Running EXPLAIN ANALYZE…' : 'Running EXPLAIN…'}
        </p>
      )}
      {state.status === 'error' && (
        <p className="state error" role="alert">
          {state.message}
        </p>
      )}
      {state.status === 'ready' && <PlanResult result={state.result} dialect={query.db.dialect} query={query} />}
    </div>
  );
}

function PlanResult({ result, dialect, query }: { result: ExplainResponse; dialect: QueryRecord['db']['dialect']; query: QueryRecord }) {
  const { requestId, mountPath } = useExplainContext();
  const view = readPlan(result.nodes ?? []);
  const indexes = (result.suggestions ?? []).filter((s) => s.kind === 'index');
  return (
    <div className="plan">
      <p className="muted plan-meta">
        {result.analyzed ? 'Analyzed: actual rows per loop, time over all loops' : 'Estimated plan'} · {result.dialect}
        {view.measure && ` · bars show ${view.measure === 'time' ? 'time' : 'cost'}`}
      </p>
      {view.rows.length > 0 ? <PlanTree view={view} analyzed={result.analyzed} /> : <p className="muted">The database returned no plan nodes.</p>}
      {(result.notes ?? []).length > 0 && (
        <ul className="plan-notes" aria-label="Plan notes">
          {(result.notes ?? []).map((note, i) => (
            <li key={i} role="note">
              {note}
            </li>
          ))}
        </ul>
      )}
      {result.suggestions?.length > 0 && (
        <section className="plan-suggestions" aria-label="Plan suggestions">
          {result.suggestions.map((s, i) => (
            <div key={`${s.title}-${i}`} className="plan-suggestion">
              <p className="fix-title">{s.title}</p>
              <p className="fix-reason">{s.reason}</p>
              <CodeBlock code={s.code} language={{ sql: dialect }} copyLabel="Copy" announcement="Copied the suggestion" />
            </div>
          ))}
          {indexes.length > 0 && result.whatIf?.available === true && (
            <WhatIf mountPath={mountPath} requestId={requestId} queryId={query.id} count={indexes.length} />
          )}
          {indexes.length > 0 && result.whatIf?.available === false && (
            <p className="muted explain-note what-if-unavailable">Not tried before you run it: {result.whatIf.reason}</p>
          )}
        </section>
      )}
      {result.text && (
        <details className="raw-plan">
          <summary>Raw plan</summary>
          <div className="code-block">
            <pre className="code">{result.text}</pre>
            <CopyButton text={result.text} label="Copy plan" announcement="Copied the plan" />
          </div>
        </details>
      )}
    </div>
  );
}
