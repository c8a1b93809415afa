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

/** Files a page loads beside itself; a 304 for one has no Content-Type, so the path tells. */
const STATIC_PATH = /\.(?:css|m?js|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|woff2?|ttf|otf|eot|mp4|webm|ogg|mp3|wav|wasm|webmanifest)$/i;
const STATIC_TYPE = /^(?:text\/css|(?:text|application)\/(?:x-)?javascript|image\/|font\/|audio\/|video\/|application\/(?:font-|x-font-|wasm|manifest\+json))/i;

/**
 * Whether a request fetched a static asset (stylesheet, script, image, font, media): about 7 rows
 * in 10 on a typical page, which History hides until asked.
 *
 * @example
 * isStaticAsset({ method: 'GET', url: '/style.css', contentType: null }) // → true
 * isStaticAsset({ method: 'GET', url: '/posts', contentType: 'text/html' }) // → false
 */
export function isStaticAsset(r: Pick<RequestSummary, 'method' | 'url' | 'contentType'>): boolean {
  if (r.method !== 'GET' && r.method !== 'HEAD') return false;
  if (r.contentType) return STATIC_TYPE.test(r.contentType.trim());
  return STATIC_PATH.test(r.url.split(/[?#]/)[0]);
}
