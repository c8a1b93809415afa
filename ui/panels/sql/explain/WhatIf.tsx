/**
 * "Try this index": asks the server to build the query's index suggestions inside a transaction
 * it rolls back, and shows whether the planner used them, the cost before and after, and the plan
 * with them. Only ids are sent; the index comes from the server's catalog.
 */
import { useId, useRef, useState } from 'react';
import type { WhatIfResponse } from '../../../../server/types.js';
import { fetchJson, TOOLBAR_HEADERS } from './api.js';
import { readPlan } from './plan.js';
import { PlanTree } from './PlanTree.js';

export const WHAT_IF_NOTE = 'Builds the index inside a transaction that is rolled back, on the toolbar\'s own connection, and explains the query with it. Nothing is kept.';

type State = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; result: WhatIfResponse };

const cost = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));

export function WhatIf({ mountPath, requestId, queryId, count }: { mountPath: string; requestId: string; queryId: number; count: number }) {
  const [state, setState] = useState<State>({ status: 'idle' });
  const noteId = useId();
  const controller = useRef<AbortController | null>(null);
  const run = () => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState({ status: 'loading' });
    fetchJson<WhatIfResponse>(`${mountPath}/api/sql/what-if`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...TOOLBAR_HEADERS }, body: JSON.stringify({ requestId, queryId }), signal: abort.signal,
    }, 'The what-if').then(
      (result) => setState({ status: 'ready', result }),
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  };
  return (
    <div className="what-if">
      <div className="what-if-head">
        <button type="button" className="small-button" aria-describedby={noteId} disabled={state.status === 'loading'} onClick={run}>
          {count > 1 ? 'Try these indexes' : 'Try this index'}
        </button>
        <span id={noteId} className="muted explain-note">{WHAT_IF_NOTE}</span>
      </div>
      {state.status === 'loading' && <p className="state" role="status">Building the index in a transaction…</p>}
      {state.status === 'error' && <p className="state error" role="alert">{state.message}</p>}
      {state.status === 'ready' && <WhatIfResult result={state.result} />}
    </div>
  );
}

function WhatIfResult({ result }: { result: WhatIfResponse }) {
  const after = readPlan(result.after.plan);
  return (
    <section className="what-if-result" aria-label="What-if result">
      <p role="status" className={result.used ? 'what-if-verdict used' : 'what-if-verdict unused'}>
        {result.used ? 'The planner uses the index' : 'The planner does not use the index: it would not help this query'}
        {' · '}cost {cost(result.before.totalCost)} → {cost(result.after.totalCost)}
      </p>
      {result.indexes.length > 1 && (
        <ul className="what-if-indexes">
          {result.indexes.map((index) => (
            <li key={index.code}>
              <code>{index.code}</code> {index.used ? 'used' : 'not used'}
            </li>
          ))}
        </ul>
      )}
      <PlanTree view={after} analyzed={false} label="Plan with the index" />
      <p className="muted explain-note">Rolled back: the catalog was read again afterwards and holds none of these indexes.</p>
    </section>
  );
}
