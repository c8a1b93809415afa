/** Compare the shown request with an earlier run of its route: which queries came and went. */
import { useEffect, useState } from 'react';
import type { RequestDetail, RequestSummary } from '../../../server/types.js';
import { detailUrl } from '../../app/useRequestDetail.js';
import { diffRequests, earlierRuns, formatDiffSummary, signedMs, type FingerprintChange } from './compare.js';

interface Props {
  detail: RequestDetail;
  requests: readonly RequestSummary[];
  mountPath: string;
}

type Loaded = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; base: RequestDetail };

const clock = (epochMs: number): string => new Date(epochMs).toLocaleTimeString();

export function Compare({ detail, requests, mountPath }: Props) {
  const candidates = earlierRuns(requests, detail);
  const [baseId, setBaseId] = useState('');
  const [loaded, setLoaded] = useState<Loaded>({ status: 'idle' });

  // Another request shown: the old comparison no longer applies.
  useEffect(() => setBaseId(''), [detail.id]);
  useEffect(() => {
    if (!baseId) {
      setLoaded({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setLoaded({ status: 'loading' });
    fetch(detailUrl(mountPath, baseId), { signal: controller.signal, headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return (await response.json()) as RequestDetail;
      })
      .then(
        (base) => setLoaded({ status: 'ready', base }),
        (error: unknown) => {
          if (!controller.signal.aborted) setLoaded({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    return () => controller.abort();
  }, [baseId, mountPath]);

  if (candidates.length === 0) return null;
  const diff = loaded.status === 'ready' ? diffRequests(loaded.base, detail) : null;
  return (
    <div className="compare">
      <label>
        Compare with{' '}
        <select className="filter-select" value={baseId} onChange={(e) => setBaseId(e.target.value)}>
          <option value="">an earlier run…</option>
          {candidates.map((r) => (
            <option key={r.id} value={r.id}>
              {clock(r.startedAt)} · {r.status} · {r.queryCount} q · {Math.round(r.durationMs)} ms ({r.id})
            </option>
          ))}
        </select>
      </label>
      {loaded.status === 'loading' && <span className="muted"> Loading…</span>}
      {loaded.status === 'error' && (
        <span className="error" role="alert">
          {' '}
          Could not load that request: {loaded.message}
        </span>
      )}
      {diff && (
        <div aria-live="polite">
          <p className="compare-summary">
            <strong>{formatDiffSummary(diff)}</strong>
            <span className="muted">
              {' '}
              · query time {diff.queryMs.before.toFixed(1)} → {diff.queryMs.after.toFixed(1)} ms ({signedMs(diff.queryMs.after - diff.queryMs.before)})
            </span>
          </p>
          <Changes title="Added" items={diff.added} className="added" />
          <Changes title="Removed" items={diff.removed} className="removed" />
          {diff.added.length === 0 && diff.removed.length === 0 && <p className="muted">Same queries, same counts.</p>}
        </div>
      )}
    </div>
  );
}

function Changes({ title, items, className }: { title: string; items: FingerprintChange[]; className: string }) {
  if (items.length === 0) return null;
  return (
    <ul className={className} aria-label={`${title} queries`}>
      {items.map((c) => (
        <li key={c.fingerprint}>
          {c.after > c.before ? '+' : '−'}
          {Math.abs(c.after - c.before)} ({c.before} → {c.after}) <span title={c.sql}>{c.sql.length > 120 ? `${c.sql.slice(0, 120)}…` : c.sql}</span>
        </li>
      ))}
    </ul>
  );
}
