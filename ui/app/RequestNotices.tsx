/**
 * What the user should know before reading the panels: the redirect that led here, a response
 * cache that answered instead of the app, the error it ended with.
 */
import type { RequestDetail } from '../../server/types.js';
import { pluralize } from './format.js';
import { useRequestDetail } from './useRequestDetail.js';

interface Props {
  detail: RequestDetail;
  mountPath: string;
  /** Whether to show the error (the SQL and History tabs; the others have their own focus). */
  showError: boolean;
  onSelect: (id: string) => void;
}

export function RequestNotices({ detail, mountPath, showError, onSelect }: Props) {
  return (
    <>
      {detail.redirectedFrom && <RedirectBanner id={detail.redirectedFrom} mountPath={mountPath} onSelect={onSelect} />}
      {detail.replayedFrom && <CacheNotice count={detail.queryCount} from={detail.replayedFrom} onSelect={onSelect} />}
      {showError && detail.error && (
        <div className="error-notice" role="alert">
          <strong>Error:</strong> {detail.error.message}
          {detail.error.stack.length > 0 && (
            <ol className="error-stack" aria-label="Error stack">
              {detail.error.stack.map((frame, i) => (
                <li key={i}>
                  <span className="fn">{frame.function ?? '<anonymous>'}</span>{' '}
                  <span className="muted">
                    {frame.file}:{frame.line}:{frame.column}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </>
  );
}

function RedirectBanner({ id, mountPath, onSelect }: { id: string; mountPath: string; onSelect: (id: string) => void }) {
  // The redirecting request's method, URL and status, from its own record.
  const from = useRequestDetail(mountPath, id);
  const what = from.status === 'ready' ? `${from.detail.method} ${from.detail.url} (${from.detail.status})` : `request ${id}`;
  return (
    <div className="redirect-notice">
      <a
        href={`#/requests/${encodeURIComponent(id)}`}
        onClick={(event) => {
          event.preventDefault();
          onSelect(id);
        }}
      >
        Redirected from {what}
      </a>
    </div>
  );
}

/** The server saw its own headers come back from a cache: the work was done by an earlier request. */
function CacheNotice({ count, from, onSelect }: { count: number; from: string; onSelect: (id: string) => void }) {
  return (
    <div className="redirect-notice cache-notice" role="note">
      <strong>{pluralize(count, 'query', 'queries')}: served from a cache.</strong> A response cache replayed the stored headers of{' '}
      <a
        href={`#/requests/${encodeURIComponent(from)}`}
        onClick={(event) => {
          event.preventDefault();
          onSelect(from);
        }}
      >
        request {from}
      </a>
      , which built this answer{count > 0 ? '; the queries here ran before the cache answered' : ''}.
    </div>
  );
}
