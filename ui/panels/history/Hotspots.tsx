/** Where the queries come from across the stored history: `GET {mountPath}/api/sql/hotspots`, ranked by the server. */
import { useEffect, useState } from 'react';
import type { Hotspot, HotspotsResponse } from '../../../server/types.js';
import { formatMs } from '../../app/format.js';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; hotspots: Hotspot[] };

export function Hotspots({ mountPath }: { mountPath: string }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetch(`${mountPath}/api/sql/hotspots`, { signal: controller.signal, headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) throw new Error(`Request failed: HTTP ${response.status}`);
        const body = (await response.json()) as Partial<HotspotsResponse>;
        return Array.isArray(body.hotspots) ? body.hotspots : [];
      })
      .then(
        (hotspots) => setState({ status: 'ready', hotspots }),
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    return () => controller.abort();
  }, [mountPath]);

  if (state.status === 'loading') {
    return (
      <p className="state" role="status">
        Loading hotspots…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <p className="state error" role="alert">
        Could not load the hotspots: {state.message}
      </p>
    );
  }
  return (
    <table className="queries hotspots" aria-label="Query hotspots">
      <thead>
        <tr>
          <th scope="col">Code</th>
          <th scope="col">Queries</th>
          <th scope="col">Query time</th>
          <th scope="col">Requests</th>
          <th scope="col">N+1</th>
        </tr>
      </thead>
      <tbody>
        {state.hotspots.map((h) => (
          <tr key={`${h.file}:${h.line}`}>
            <td className="col-site">
              <span className="fn">{h.function ?? '<anonymous>'}</span>{' '}
              <span className="muted">
                {h.file}:{h.line}
              </span>
            </td>
            <td className="col-num">{h.queryCount}</td>
            <td className="col-num">{formatMs(h.totalMs, 1)}</td>
            <td className="col-num">{h.requestCount}</td>
            <td className="col-num">{h.nPlusOneCount > 0 ? <span className="flag warn">{h.nPlusOneCount}</span> : '—'}</td>
          </tr>
        ))}
        {state.hotspots.length === 0 && (
          <tr>
            <td className="empty" colSpan={5}>
              No queries recorded yet.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
