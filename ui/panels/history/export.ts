/** Turning a recorded request into something to keep: a JSON file, or a regression test. */
import type { RequestDetail } from '../../../server/types.js';

/**
 * A file name that says what the request was.
 *
 * @example
 * exportFileName({ method: 'GET', url: '/api/posts?x=1', id: 'abc-1f' }) // → 'GET-api-posts-abc-1f.json'
 */
export function exportFileName(detail: Pick<RequestDetail, 'method' | 'url' | 'id'>): string {
  const path = detail.url.split('?')[0].replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${detail.method}-${path || 'root'}-${detail.id}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Saves `detail` as pretty JSON through a temporary `<a download>` (works inside a shadow root). */
export function downloadJson(detail: RequestDetail, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(detail, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = exportFileName(detail);
  link.style.display = 'none';
  doc.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked after the click has been handled, or some browsers cancel the download.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
