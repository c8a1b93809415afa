/** Fakes for the History tests: a routed `fetch` and an `EventSource` the test drives. Import only from tests. */
import { vi } from 'vitest';
import type { Hotspot, RequestDetail, RequestSummary } from '../../server/types.js';
import { sampleDetail } from './sample-detail.js';

export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  closed = false;
  private listeners = new Map<string, ((event: Event) => void)[]>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(): void {}
  close(): void {
    this.closed = true;
  }
  /** Sends `event: request` with `summary` as its data. */
  emit(summary: RequestSummary): void {
    for (const l of this.listeners.get('request') ?? []) l(new MessageEvent('request', { data: JSON.stringify(summary) }));
  }
  fail(): void {
    for (const l of this.listeners.get('error') ?? []) l(new Event('error'));
  }
}

export const summary = (id: string, over: Partial<RequestSummary> = {}): RequestSummary => ({
  id,
  method: 'GET',
  url: '/orders',
  status: 200,
  startedAt: 1_700_000_000_000,
  durationMs: 10,
  contentType: 'text/html',
  queryCount: 1,
  duplicateCount: 0,
  nPlusOneCount: 0,
  ...over,
});

export const detailOf = (s: RequestSummary, over: Partial<RequestDetail> = {}): RequestDetail => ({
  ...sampleDetail,
  ...s,
  overBudget: s.overBudget ?? false,
  ...over,
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * Stubs `fetch`: `/api/requests` (and `?after=`) from `lists` in order (the last repeats), with
 * the store's `capacity` when given; `?kind=background` from `background`; `/api/requests/:id` from `details`.
 */
export function stubApi(lists: RequestSummary[][], details: Record<string, RequestDetail>, hotspots: Hotspot[] = [], capacity?: number,
  background: RequestSummary[] = []) {
  let listCall = 0;
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    const path = url.split('?')[0];
    if (path.endsWith('/api/requests') && url.includes('kind=background')) return json({ requests: background, capacity: 50 });
    if (path.endsWith('/api/requests')) {
      const list = lists[Math.min(listCall++, lists.length - 1)] ?? [];
      return json({ requests: list, capacity });
    }
    if (path.endsWith('/api/sql/hotspots')) return json({ hotspots });
    const id = decodeURIComponent(path.split('/').pop() ?? '');
    const detail = details[id];
    return detail ? json(detail) : json({ error: 'not found' }, 404);
  });
}
