/** The panel header: title, the request, query totals, tabs and the close button. */
import type { ReactNode } from 'react';
import type { RequestDetail } from '../../server/types.js';
import { formatMs, pluralize } from './format.js';

interface Props {
  detail: RequestDetail | null;
  tabs: ReactNode;
  /** Absent on the standalone page, which has nothing to close. */
  onClose?: () => void;
}

const statusClass = (status: number): string => (status >= 500 ? 'status err' : status >= 400 ? 'status warn' : 'status');

export function Header({ detail, tabs, onClose }: Props) {
  return (
    <header className="header">
      <span className="title">express-debug-toolbar</span>
      {detail && (
        <span className="request" title={`${detail.method} ${detail.url}`}>
          <span className="method">{detail.method}</span>
          <span className="url">{detail.url}</span>
          <span className={statusClass(detail.status)}>{detail.status}</span>
          <span className="muted">{formatMs(detail.durationMs, 1)}</span>
        </span>
      )}
      {tabs}
      <span className="spacer" />
      {detail && (
        <span className="totals">
          {pluralize(detail.queryCount, 'query', 'queries')} · {formatMs(detail.panels.sql?.totalQueryMs ?? 0, 1)}
        </span>
      )}
      {onClose && (
        <button type="button" className="icon-button" aria-label="Close debug toolbar" title="Close (Alt+Shift+D)" onClick={onClose}>
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d="M3.5 3.5l9 9m0-9l-9 9" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        </button>
      )}
    </header>
  );
}
