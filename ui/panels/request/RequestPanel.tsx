/**
 * The Request tab: method, URL and status, then the request's and the response's headers as the
 * server stored them (credentials already `[redacted]`). Text only, as React renders it.
 */
import type { PanelViewProps } from '../../app/panel.js';
import type { HeaderField } from '../../../server/types.js';
import type { RecordedBody, RequestData } from '../../../server/panels/request/types.js';

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

function Pairs({ label, values }: { label: string; values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <p className="state">None.</p>;
  return (
    <table className="headers" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{typeof value === 'string' ? value : JSON.stringify(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ label, body }: { label: string; body: RecordedBody | undefined }) {
  if (!body) return null;
  return (
    <>
      <h3>{label}</h3>
      {'omitted' in body
        ? <p className="state">Not kept: {body.omitted}.</p>
        : <pre className="body" aria-label={label}>{typeof body.value === 'string' ? body.value : JSON.stringify(body.value, null, 2)}</pre>}
    </>
  );
}

/** Route, params, query, bodies, cookie names and session keys (server/panels/request/), when recorded. */
function RequestDataView({ data }: { data: RequestData }) {
  return (
    <>
      <h3>Route</h3>
      <p className="request-line">{data.route ?? 'No route matched (middleware or a 404 answered).'}</p>
      <h3>Route params</h3>
      <Pairs label="Route params" values={data.params} />
      <h3>Query</h3>
      <Pairs label="Query" values={data.query} />
      <Body label="Request body" body={data.body} />
      <Body label="Response body" body={data.responseBody} />
      <h3>Cookies</h3>
      <p className="request-line">{data.cookies.length ? data.cookies.join(', ') : 'None.'}</p>
      {data.session ? (
        <>
          <h3>Session keys</h3>
          <p className="request-line">{data.session.length ? data.session.join(', ') : 'An empty session.'}</p>
        </>
      ) : null}
    </>
  );
}

export function RequestPanel({ detail }: PanelViewProps) {
  const data = detail.panels?.request as RequestData | undefined;
  return (
    <div className="request-panel">
      <p className="request-line">
        <strong>{detail.method}</strong> {detail.url} → {detail.status || 'no status (closed before the headers were sent)'}
      </p>
      {data ? <RequestDataView data={data} /> : null}
      <h3>Request headers</h3>
      <HeaderTable label="Request headers" headers={detail.requestHeaders} />
      <h3>Response headers</h3>
      <HeaderTable label="Response headers" headers={detail.responseHeaders} />
    </div>
  );
}
