/** The History tab: the recorded requests, live; picking one shows it in every tab. */
import { useState } from 'react';
import type { PanelViewProps } from '../../app/panel.js';
import { pluralize } from '../../app/format.js';
import { useSelection } from '../../app/selection.js';
import { Compare } from './Compare.js';
import { ExportButtons } from './ExportButtons.js';
import { Hotspots } from './Hotspots.js';
import { HistoryTable } from './HistoryTable.js';
import { useRequestList } from './useRequestList.js';

const LIVE_TEXT = { events: 'live', polling: 'live (polling)', off: '' } as const;

export function HistoryPanel({ detail, mountPath }: PanelViewProps) {
  const { selectedId, select } = useSelection();
  const [view, setView] = useState<'requests' | 'background' | 'hotspots'>('requests');
  const list = useRequestList(mountPath, view === 'background' ? 'background' : 'history');
  const listed = view === 'requests' || view === 'background';
  return (
    <div className="history-panel">
      <div className="history-actions" role="group" aria-label="Selected request">
        <span>
          <span className="method">{detail.method}</span> <span className="url">{detail.url}</span>{' '}
          <span className="muted">({detail.id})</span>
        </span>
        <ExportButtons detail={detail} mountPath={mountPath} />
        <span className="spacer" />
        <span role="group" aria-label="History view" className="view-toggle">
          <button type="button" className="small-button" aria-pressed={view === 'requests'} onClick={() => setView('requests')}>
            Requests
          </button>
          <button
            type="button"
            className="small-button"
            aria-pressed={view === 'background'}
            title="Queries outside any request, task or socket event (timers, start-up), by the line of your code that ran them"
            onClick={() => setView('background')}
          >
            Background
          </button>
          <button type="button" className="small-button" aria-pressed={view === 'hotspots'} onClick={() => setView('hotspots')}>
            Hotspots
          </button>
        </span>
      </div>
      {view === 'requests' ? <Compare detail={detail} requests={list.requests} mountPath={mountPath} /> : <Hotspots mountPath={mountPath} />}
      {list.status === 'error' && (
        <p className="state error" role="alert">
          Could not load the history: {list.message}
        </p>
      )}
      {listed && list.status === 'loading' && (
        <p className="state" role="status">
          Loading history…
        </p>
      )}
      {listed && list.status === 'ready' && (
        <HistoryTable
          requests={list.requests}
          selectedId={selectedId}
          onSelect={select}
          summary={
            <span className="muted">
              {pluralize(list.requests.length, view === 'background' ? 'background entry' : 'request', view === 'background' ? 'background entries' : undefined)}
              {list.live !== 'off' && <span className="live-dot"> · {LIVE_TEXT[list.live]}</span>}
            </span>
          }
        />
      )}
    </div>
  );
}
