/** Reading the injected `<script data-debug-toolbar …>` tag: pure, so it is tested without a page. */

export interface LauncherConfig {
  requestId: string;
  mountPath: string;
  queryCount: number;
  duplicateCount: number;
  nPlusOneCount: number;
  nonce?: string;
}

/** More queries than this on one page is worth a warning even without duplicates. */
export const QUERY_WARNING_THRESHOLD = 20;

const count = (raw: string | undefined): number => {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Turns the tag's dataset into a config; null when the request id is missing, since the panel
 * would have nothing to show.
 *
 * @example
 * readConfig({ requestId: 'abc-12', mountPath: '/__toolbar/', queryCount: '7' }, undefined)
 * // → { requestId: 'abc-12', mountPath: '/__toolbar', queryCount: 7, … }
 */
export function readConfig(data: DOMStringMap, nonce: string | undefined): LauncherConfig | null {
  const requestId = data.requestId?.trim();
  if (!requestId) return null;
  const mountPath = (data.mountPath?.trim() || '/__toolbar').replace(/\/+$/, '');
  return {
    requestId,
    mountPath,
    queryCount: count(data.queryCount),
    duplicateCount: count(data.duplicateCount),
    nPlusOneCount: count(data.nPlusOneCount),
    nonce: nonce || undefined,
  };
}

/** Whether the launcher badge should use the warning colour. */
export function needsAttention(c: Pick<LauncherConfig, 'queryCount' | 'duplicateCount' | 'nPlusOneCount'>): boolean {
  return c.duplicateCount > 0 || c.nPlusOneCount > 0 || c.queryCount > QUERY_WARNING_THRESHOLD;
}

/** The sentence a screen reader hears after the button's name. */
export function describeCounts(c: Pick<LauncherConfig, 'queryCount' | 'duplicateCount' | 'nPlusOneCount'>): string {
  const parts = [`${c.queryCount} ${c.queryCount === 1 ? 'query' : 'queries'}`];
  if (c.duplicateCount > 0) parts.push(`${c.duplicateCount} duplicated`);
  if (c.nPlusOneCount > 0) parts.push(`${c.nPlusOneCount} N+1`);
  return parts.join(', ');
}
