/**
 * The standalone page's address names the request it shows (`#/requests/<id>`, the target of the
 * `X-Debug-Toolbar-Link` header): picking a request updates it, so the address can be copied or
 * bookmarked and Back returns to the request shown before; editing it picks that request.
 */
import { useEffect } from 'react';

/**
 * The request id in `#/requests/<id>`, or null.
 *
 * @example
 * requestIdFromHash('#/requests/a%20b') // → 'a b'
 */
export function requestIdFromHash(hash: string): string | null {
  const match = /^#\/requests\/([^/?#]+)/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/**
 * `#/requests/<id>`, the id encoded.
 *
 * @example
 * requestHash('1f2e-9') // → '#/requests/1f2e-9'
 */
export const requestHash = (id: string): string => `#/requests/${encodeURIComponent(id)}`;

/**
 * Keeps `location.hash` and the selected request in step while `enabled` (the standalone page
 * only: the embedded panel must not touch the host page's address, which its router may own).
 *
 * @example
 * useHashSelection(fullPage, selectedId, setSelectedId);
 */
export function useHashSelection(enabled: boolean, selectedId: string, select: (id: string) => void): void {
  useEffect(() => {
    if (!enabled) return;
    const target = requestHash(selectedId);
    if (location.hash === target) return;
    // The first request shown replaces a bare address; later picks are history entries.
    if (requestIdFromHash(location.hash) === null) history.replaceState(history.state, '', target);
    else location.hash = target;
  }, [enabled, selectedId]);

  useEffect(() => {
    if (!enabled) return;
    const onHashChange = () => {
      const id = requestIdFromHash(location.hash);
      if (id !== null) select(id);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [enabled, select]);
}
