/**
 * The Logs tab: what the app logged while serving the request (console, pino, winston, debug), in
 * order, with level, time since the request started, the line that logged it and the structured
 * fields; the request's SQL can be shown between the lines. Text only, as React renders it.
 */
import { useMemo, useState } from 'react';
import { formatMs, pluralize } from '../../app/format.js';
import type { PanelViewProps } from '../../app/panel.js';
import { formatCallSite } from '../sql/callsite.js';
import { levelCounts, logRows, logsOf, type LogRow } from './rows.js';

export const NO_LOGS = 'Nothing was logged while serving this request (console is always recorded; pass { pino }, { winston } or { debug } in `instrument` for those loggers).';

export function LogsPanel({ detail }: PanelViewProps) {
  const logs = logsOf(detail.panels);
  const [withQueries, setWithQueries] = useState(false);
  const entries = useMemo(() => logs?.entries ?? [], [logs]);
  const queries = detail.panels.sql?.queries;
  const rows = useMemo(() => logRows(entries, queries ?? [], withQueries), [entries, queries, withQueries]);
  if (!logs || (entries.length === 0 && logs.dropped === 0)) return <p className="state">{NO_LOGS}</p>;
  const counts = [...levelCounts(entries)].map(([level, n]) => `${n} ${level}`).join(' · ');
  return (
    <div className="logs-panel">
      <div className="toolbar">
        <span className="summary">
          <strong>{pluralize(entries.length, 'line')}</strong>
          <span className="muted"> · {counts}</span>
          {logs.dropped > 0 ? <span className="warn"> · {logs.dropped} more not kept (limit per request)</span> : null}
        </span>
        <label>
          <input type="checkbox" checked={withQueries} onChange={(e) => setWithQueries(e.target.checked)} /> Show SQL in order
        </label>
      </div>
      <table className="logs" aria-label="Log lines">
        <thead>
          <tr>
            <th scope="col" className="num">At</th>
            <th scope="col">Level</th>
            <th scope="col">Message</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>{rows.map((row, i) => <Row key={i} row={row} />)}</tbody>
      </table>
    </div>
  );
}

function Row({ row }: { row: LogRow }) {
  if (row.kind === 'query') {
    return (
      <tr className="log-query">
        <td className="num">{formatMs(row.timeMs)}</td>
        <td>SQL #{row.query.id}</td>
        <td><code>{row.query.sql}</code></td>
        <td>{formatCallSite(row.query.callSite)}</td>
      </tr>
    );
  }
  const { entry } = row;
  return (
    <tr className={`log-${entry.level}`}>
      <td className="num">{formatMs(entry.timeMs)}</td>
      <td>
        {entry.level}
        <span className="muted"> {entry.namespace ?? entry.source}</span>
        {entry.afterResponse ? <span className="log-late" title="Logged after the response was sent, in this request's async context">after the response</span> : null}
      </td>
      <td>
        <span className="log-message">{entry.message}</span>
        {entry.fields ? <pre className="log-fields">{JSON.stringify(entry.fields, null, 2)}</pre> : null}
      </td>
      <td title={entry.callSite ? formatCallSite(entry.callSite, false) : 'no line of the app was on the stack'}>
        {formatCallSite(entry.callSite)}
      </td>
    </tr>
  );
}
