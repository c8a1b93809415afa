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

/**
 * Rows kept: never more than the store keeps (`capacity` in the list response), so the count
 * shown is never more than the server could still answer for.
 *
 * @example
 * rowLimit(100) // → 100
 * rowLimit(undefined) // → MAX_ROWS (a store that does not say)
 */
export const rowLimit = (capacity: unknown): number =>
  typeof capacity === 'number' && Number.isInteger(capacity) && capacity > 0 ? Math.min(capacity, MAX_ROWS) : MAX_ROWS;

export type ListState =
  | { status: 'loading'; requests: RequestSummary[] }
  | { status: 'error'; message: string; requests: RequestSummary[] }
  | { status: 'ready'; requests: RequestSummary[]; live: 'events' | 'polling' | 'off' };

/** Which list: the app's requests, tasks and socket events, or the background stream (`?kind=background`). */
export type ListSource = 'history' | 'background';

export const listUrl = (mountPath: string, after?: string, source: ListSource = 'history'): string => {
  const params = new URLSearchParams();
  if (source === 'background') params.set('kind', 'background');
  if (after) params.set('after', after);
  const query = params.toString();
  return `${mountPath}/api/requests${query ? `?${query}` : ''}`;
};

/** Puts `incoming` (newest first) before `current`, without duplicates, keeping the newest `limit`. */
export function prependRequests(current: RequestSummary[], incoming: RequestSummary[], limit = MAX_ROWS): RequestSummary[] {
  if (incoming.length === 0) return current.slice(0, limit);
  const seen = new Set(incoming.map((r) => r.id));
  return [...incoming, ...current.filter((r) => !seen.has(r.id))].slice(0, limit);
}

async function fetchList(url: string, signal: AbortSignal): Promise<{ requests: RequestSummary[]; limit: number }> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Request failed: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<RequestListResponse>;
  return { requests: Array.isArray(body.requests) ? body.requests : [], limit: rowLimit(body.capacity) };
}

/** `listSource` 'background' polls `?kind=background` (the live event stream carries the history only). */
export function useRequestList(mountPath: string, listSource: ListSource = 'history'): ListState {
  const [state, setState] = useState<ListState>({ status: 'loading', requests: [] });

  useEffect(() => {
    const controller = new AbortController();
    let requests: RequestSummary[] = [];
    let limit = MAX_ROWS;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live: 'events' | 'polling' | 'off' = 'off';
    const publish = () => setState({ status: 'ready', requests, live });
    const add = (incoming: RequestSummary[]) => {
      requests = prependRequests(requests, incoming, limit);
      publish();
    };

    const poll = () => {
      timer = setTimeout(() => {
        fetchList(listUrl(mountPath, requests[0]?.id, listSource), controller.signal)
          .then((polled) => {
            limit = polled.limit;
            add(polled.requests);
          }, () => {
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

    fetchList(listUrl(mountPath, undefined, listSource), controller.signal).then(
      (initial) => {
        limit = initial.limit;
        requests = initial.requests.slice(0, limit);
        if (typeof EventSource !== 'function' || listSource === 'background') {
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
  }, [mountPath, listSource]);

  return state;
}
