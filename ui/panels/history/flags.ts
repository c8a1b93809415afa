/** The short warnings beside a request in History: what is worth a look, in a word each. */
import type { RequestSummary } from '../../../server/types.js';

// 304 Not Modified is a 3xx without a Location: the browser's cache answered, nothing redirected.
const REDIRECTS = new Set([300, 301, 302, 303, 307, 308]);

export interface RequestFlag {
  text: string;
  title: string;
  tone: 'warn' | 'err' | 'info';
}

/**
 * @example
 * requestFlags({ ...summary, nPlusOneCount: 1, duplicateCount: 3 }).map((f) => f.text) // → ['N+1', 'dup ×3']
 */
export function requestFlags(r: RequestSummary): RequestFlag[] {
  const flags: RequestFlag[] = [];
  if (r.nPlusOneCount > 0) flags.push({ text: r.nPlusOneCount > 1 ? `N+1 ×${r.nPlusOneCount}` : 'N+1', title: 'N+1 queries', tone: 'warn' });
  if (r.duplicateCount > 0) flags.push({ text: `dup ×${r.duplicateCount}`, title: 'Duplicate queries', tone: 'warn' });
  if (r.overBudget) flags.push({ text: 'over budget', title: 'More queries than the query budget allows', tone: 'warn' });
  if (r.error) flags.push({ text: 'error', title: r.error.message, tone: 'err' });
  if (r.replayedFrom !== undefined) flags.push({ text: 'cached', title: `Served from a response cache: the headers of request ${r.replayedFrom} were replayed`, tone: 'info' });
  if (r.location !== undefined || REDIRECTS.has(r.status)) {
    flags.push({ text: 'redirect', title: r.location ? `Redirects to ${r.location}` : 'Redirect', tone: 'info' });
  }
  return flags;
}

/** The route a request belongs to: method and path without the query string. */
export const routeKey = (r: Pick<RequestSummary, 'method' | 'url'>): string => `${r.method} ${r.url.split('?')[0]}`;
