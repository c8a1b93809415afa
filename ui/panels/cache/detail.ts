/** `detail.panels.cache` as the server sent it. */
import type { CacheDetail } from '../../../server/panels/cache/types.js';

/** The Cache panel's part of a request's detail, or null when the request sent no command. */
export function cacheOf(panels: Record<string, unknown> | undefined): CacheDetail | null {
  const cache = panels?.cache as CacheDetail | undefined;
  return cache && Array.isArray(cache.commands) ? cache : null;
}
