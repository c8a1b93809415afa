/**
 * The Request tab: method, URL and status, then the request's and the response's headers as the
 * server stored them (credentials already `[redacted]`). Text only, as React renders it.
 */
import type { PanelViewProps } from '../../app/panel.js';
import type { HeaderField } from '../../../server/types.js';

export const NO_HEADERS = 'No headers were recorded.';

function HeaderTable({ label, headers }: { label: string; headers: HeaderField[] | undefined }) {
  if (!headers || headers.length === 0) return <p className="state">{NO_HEADERS}</p>;
  return (
    <table className="headers" aria-label={label}>
      <tbody>
        {headers.map((header, i) => (
          <tr key={i}>
            <th scope="row">{header.name}</th>
            <td>{header.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RequestPanel({ detail }: PanelViewProps) {
  return (
    <div className="request-panel">
      <p className="request-line">
        <strong>{detail.method}</strong> {detail.url} → {detail.status || 'no status (closed before the headers were sent)'}
      </p>
      <h3>Request headers</h3>
      <HeaderTable label="Request headers" headers={detail.requestHeaders} />
      <h3>Response headers</h3>
      <HeaderTable label="Response headers" headers={detail.responseHeaders} />
    </div>
  );
}
