/** Calls `POST {mountPath}/api/sql/explain` for one query, again whenever ANALYZE is toggled. */
import { useEffect, useState } from 'react';
import type { ExplainRequest, ExplainResponse } from '../../../../server/types.js';
import { readError, TOOLBAR_HEADERS } from './api.js';

export type ExplainState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; result: ExplainResponse };

export const explainUrl = (mountPath: string): string => `${mountPath}/api/sql/explain`;

/**
 * The request the explain endpoint expects; `X-Debug-Toolbar` marks it as the toolbar's own
 * (the server refuses state-changing calls without it, so a cross-site form cannot make them).
 */
export function explainInit(body: ExplainRequest, signal?: AbortSignal): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...TOOLBAR_HEADERS },
    body: JSON.stringify({ requestId: body.requestId, queryId: body.queryId, analyze: body.analyze === true }),
    signal,
  };
}

export function useExplain(mountPath: string, requestId: string, queryId: number, analyze: boolean): ExplainState {
  const [state, setState] = useState<ExplainState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetch(explainUrl(mountPath), explainInit({ requestId, queryId, analyze }, controller.signal))
      .then(async (response) => {
        if (!response.ok) throw new Error(await readError(response, 'EXPLAIN'));
        return (await response.json()) as ExplainResponse;
      })
      .then(
        (result) => setState({ status: 'ready', result }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    return () => controller.abort();
  }, [mountPath, requestId, queryId, analyze]);
  return state;
}
