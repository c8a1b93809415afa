/**
 * The recorded requests, newest first, kept live while the History tab is open: one
 * `EventSource` on `{mountPath}/api/events`, and polling `?after=<newest id>` every 2 s when the
 * event stream fails (proxies that buffer, old servers).
 */
import { useEffect, useState } from 'react';
import type { RequestListResponse, RequestSummary } from '../../../server/types.js';

export const POLL_MS = 2000;
/** Enough to scroll through; older ones drop off the end. */
export const MAX_ROWS = 500;

export type ListState =
  | { status: 'loading'; requests: RequestSummary[] }
  | { status: 'error'; message: string; requests: RequestSummary[] }
  | { status: 'ready'; requests: RequestSummary[]; live: 'events' | 'polling' | 'off' };

export const listUrl = (mountPath: string, after?: string): string =>
  `${mountPath}/api/requests${after ? `?after=${encodeURIComponent(after)}` : ''}`;

/** Puts `incoming` (newest first) before `current`, without duplicates. */
export function prependRequests(current: RequestSummary[], incoming: RequestSummary[]): RequestSummary[] {
  if (incoming.length === 0) return current;
  const seen = new Set(incoming.map((r) => r.id));
  return [...incoming, ...current.filter((r) => !seen.has(r.id))].slice(0, MAX_ROWS);
}

async function fetchList(url: string, signal: AbortSignal): Promise<RequestSummary[]> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Request failed: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<RequestListResponse>;
  return Array.isArray(body.requests) ? body.requests : [];
}

export function useRequestList(mountPath: string): ListState {
  const [state, setState] = useState<ListState>({ status: 'loading', requests: [] });

  useEffect(() => {
    const controller = new AbortController();
    let requests: RequestSummary[] = [];
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live: 'events' | 'polling' | 'off' = 'off';
    const publish = () => setState({ status: 'ready', requests, live });
    const add = (incoming: RequestSummary[]) => {
      requests = prependRequests(requests, incoming);
      publish();
    };

    const poll = () => {
      timer = setTimeout(() => {
        fetchList(listUrl(mountPath, requests[0]?.id), controller.signal)
          .then(add, () => {
            // A failed poll is retried on the next tick; the list stays as it was.
          })
          .finally(() => {
            if (!controller.signal.aborted) poll();
          });
      }, POLL_MS);
    };
    const startPolling = () => {
      source?.close();
      source = null;
      live = 'polling';
      publish();
      poll();
    };

    fetchList(listUrl(mountPath), controller.signal).then(
      (initial) => {
        requests = initial.slice(0, MAX_ROWS);
        if (typeof EventSource !== 'function') {
          startPolling();
          return;
        }
        live = 'events';
        publish();
        source = new EventSource(`${mountPath}/api/events`);
        source.addEventListener('request', (event) => {
          try {
            add([JSON.parse((event as MessageEvent<string>).data) as RequestSummary]);
          } catch {
            // A malformed event is skipped; the next one may be fine.
          }
        });
        source.addEventListener('error', () => {
          if (!controller.signal.aborted && live === 'events') startPolling();
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'error', message: error instanceof Error ? error.message : String(error), requests: [] });
      },
    );

    return () => {
      controller.abort();
      source?.close();
      clearTimeout(timer);
    };
  }, [mountPath]);

  return state;
}
