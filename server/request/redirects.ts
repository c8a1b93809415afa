import type { StoredRequest } from './record.js';
import { redactUrl } from '../security/redact-url.js';

/*
 * Redirect chains (POST /form → 303 → GET /done): a 3xx record keeps where it pointed, and at
 * read time a request that went there soon after is linked back to it. Pure, so the matching can
 * be tested without servers.
 */

/** A redirect followed later than this is not taken for the same navigation. */
export const REDIRECT_WINDOW_MS = 10_000;

/**
 * The Location of a 3xx answer, as stored: `display` redacted as written, `target` the path+query
 * it points to on this host (redacted the same way request URLs are), or absent when it leads to
 * another host or cannot be parsed.
 *
 * @example
 * redirectLocation(303, '/done?token=abc', 'localhost:3000')
 * // { display: '/done?token=[redacted]', target: '/done?token=[redacted]' }
 */
export function redirectLocation(
  status: number, location: unknown, host: string | undefined, redact: (url: string) => string = (url) => redactUrl(url),
): { display: string; target?: string } | undefined {
  if (status < 300 || status > 399 || typeof location !== 'string' || location === '') return undefined;
  const display = redact(location);
  const origin = `http://${host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'}`;
  try {
    const base = new URL(origin);
    const resolved = new URL(location, base);
    if (resolved.host !== base.host) return { display };
    return { display, target: redact(resolved.pathname + resolved.search) };
  } catch {
    return { display };
  }
}

/**
 * Finds, for each request, the stored redirect that led to it: a 3xx whose target is the request's
 * URL, started in the `REDIRECT_WINDOW_MS` before it; the latest such one wins.
 *
 * @example
 * const from = redirectSources(await store.list());
 * from(request) // '4f3a9c1e-2b' or undefined
 */
export function redirectSources(history: readonly StoredRequest[]): (request: StoredRequest) => string | undefined {
  const byTarget = new Map<string, StoredRequest[]>();
  for (const candidate of history) {
    if (!candidate.locationTarget) continue;
    const list = byTarget.get(candidate.locationTarget);
    if (list) list.push(candidate);
    else byTarget.set(candidate.locationTarget, [candidate]);
  }
  return (request) => {
    let best: StoredRequest | undefined;
    for (const candidate of byTarget.get(request.url) ?? []) {
      if (candidate.id === request.id) continue;
      const gap = request.startedAt - candidate.startedAt;
      if (gap < 0 || gap > REDIRECT_WINDOW_MS) continue;
      if (!best || candidate.startedAt > best.startedAt) best = candidate;
    }
    return best?.id;
  };
}
