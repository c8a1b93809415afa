/** Loads `GET {mountPath}/api/requests/{id}`, with the loading and error states the shell shows. */
import { useEffect, useState } from 'react';
import type { ApiError, RequestDetail } from '../../server/types.js';

export type DetailState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: RequestDetail };

/** The URL of one request's detail. */
export const detailUrl = (mountPath: string, requestId: string): string =>
  `${mountPath}/api/requests/${encodeURIComponent(requestId)}`;

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ApiError>;
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // Not JSON: fall through to the status line.
  }
  return `Request failed: HTTP ${response.status}`;
}

export function useRequestDetail(mountPath: string, requestId: string): DetailState {
  const [state, setState] = useState<DetailState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetch(detailUrl(mountPath, requestId), { signal: controller.signal, headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) throw new Error(await errorMessage(response));
        return (await response.json()) as RequestDetail;
      })
      .then(
        (detail) => setState({ status: 'ready', detail }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    return () => controller.abort();
  }, [mountPath, requestId]);
  return state;
}
