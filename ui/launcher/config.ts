/** Reading the injected `<script data-debug-toolbar …>` tag, and the launcher's words: pure, so tested without a page. */

/** A request's counts, as the tag and the toolbar's request list both give them. */
export interface Counts {
  queryCount: number;
  duplicateCount: number;
  nPlusOneCount: number;
  /** The request whose headers a response cache replayed for this one. */
  replayedFrom?: string;
}

/** A panel's part of the badge, as the server's panels contribute it (server/panels/panel.ts). */
export interface PanelBadge {
  id: string;
  text: string;
  tone?: 'warn';
}

export interface LauncherConfig extends Counts {
  requestId: string;
  mountPath: string;
  nonce?: string;
  /** The panels' badges (`data-badges`): `2 warnings` from the Logs panel. */
  badges: PanelBadge[];
}

/** The tag's `data-badges` JSON, keeping only well-formed entries: an app page can hold anything. */
export function readBadges(raw: string | undefined): PanelBadge[] {
  try {
    const list: unknown = JSON.parse(raw || '[]');
    return Array.isArray(list)
      ? list.filter((b): b is PanelBadge => typeof b?.id == 'string' && typeof b.text == 'string').slice(0, 8)
      : [];
  } catch {
    return [];
  }
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
  const config: LauncherConfig = {
    requestId,
    mountPath,
    queryCount: count(data.queryCount),
    duplicateCount: count(data.duplicateCount),
    nPlusOneCount: count(data.nPlusOneCount),
    nonce: nonce || undefined,
    badges: readBadges(data.badges),
  };
  if (data.replayedFrom) config.replayedFrom = data.replayedFrom;
  return config;
}

/** Whether a badge should use the warning colour. */
export function needsAttention(c: Counts): boolean {
  return c.duplicateCount > 0 || c.nPlusOneCount > 0 || c.queryCount > QUERY_WARNING_THRESHOLD;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The sentence a screen reader hears after the button's name. */
export function describeCounts(c: Counts): string {
  const parts = [plural(c.queryCount, 'query', 'queries')];
  if (c.duplicateCount > 0) parts.push(`${c.duplicateCount} duplicated`);
  if (c.nPlusOneCount > 0) parts.push(`${c.nPlusOneCount} N+1`);
  if (c.replayedFrom) parts.push('served from a cache');
  return parts.join(', ');
}

/**
 * The queries of the requests the page fired: `fired` requests seen, `known` of them with counts
 * read so far, `queries` in those. What is not known yet is never counted as 0.
 *
 * @example
 * describeFetches(3, 3, 450) // → '+450 in 3 fetches'
 * describeFetches(3, 2, 12)  // → '+12 in 2 of 3 fetches'
 * describeFetches(1, 0, 0)   // → '+… in 1 fetch'
 */
export function describeFetches(fired: number, known: number, queries: number): string {
  const of = known > 0 && known < fired ? `${known} of ` : '';
  return `+${known > 0 ? queries : '…'} in ${of}${plural(fired, 'fetch', 'fetches')}`;
}
