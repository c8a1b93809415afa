/** Reading the injected `<script data-debug-toolbar …>` tag, and the launcher's words: pure, so tested without a page. */

/**
 * A panel's part of the launcher, as the server's panels contribute it (server/panels/panel.ts
 * `LauncherBadge`): `{ id: 'sql', label: 'SQL', text: '7', say: '7 queries, 2 duplicated', tone: 'warn' }`.
 */
export interface PanelBadge {
  id: string;
  text: string;
  tone?: 'warn';
  label?: string;
  say?: string;
  /** The list line's field the launcher adds up over the page's fetches, and those that make the sum a warning. */
  fetches?: { sum: string; warnIf?: string[] };
}

export interface LauncherConfig {
  requestId: string;
  mountPath: string;
  nonce?: string;
  /** The panels' badges (`data-badges`), in the server's registry order. */
  badges: PanelBadge[];
  /** The request whose headers a response cache replayed for this one. */
  replayedFrom?: string;
}

const isText = (value: unknown): value is string => typeof value == 'string';

/** The tag's `data-badges` JSON, keeping only well-formed entries: an app page can hold anything. */
export function readBadges(raw: string | undefined): PanelBadge[] {
  try {
    const list: unknown = JSON.parse(raw || '[]');
    return Array.isArray(list)
      ? list.filter((b): b is PanelBadge => isText(b?.id) && isText(b.text) && (b.label == null || isText(b.label))
        && (b.say == null || isText(b.say)) && (b.fetches == null || (isText(b.fetches.sum)
        && (b.fetches.warnIf == null || (Array.isArray(b.fetches.warnIf) && b.fetches.warnIf.every(isText)))))).slice(0, 8)
      : [];
  } catch {
    return [];
  }
}

/**
 * Turns the tag's dataset into a config; null when the request id is missing, since the panel
 * would have nothing to show.
 *
 * @example
 * readConfig({ requestId: 'abc-12', mountPath: '/__toolbar/', badges: '[{"id":"sql","text":"7"}]' }, undefined)
 * // → { requestId: 'abc-12', mountPath: '/__toolbar', badges: [{ id: 'sql', text: '7' }] }
 */
export function readConfig(data: DOMStringMap, nonce: string | undefined): LauncherConfig | null {
  const requestId = data.requestId?.trim();
  if (!requestId) return null;
  const mountPath = (data.mountPath?.trim() || '/__toolbar').replace(/\/+$/, '');
  const config: LauncherConfig = {
    requestId,
    mountPath,
    nonce: nonce || undefined,
    badges: readBadges(data.badges),
  };
  if (data.replayedFrom) config.replayedFrom = data.replayedFrom;
  return config;
}

/** The sentence a screen reader hears after the button's name: each badge's words. */
export function describeBadges(config: LauncherConfig): string {
  const parts = config.badges.map((b) => b.say ?? (b.label ? `${b.label} ${b.text}` : b.text));
  if (config.replayedFrom) parts.push('served from a cache');
  return parts.join(', ');
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * What the requests the page fired add to a badge (its `fetches.sum`: their queries): `fired`
 * requests seen, `known` of them with counts read so far, `queries` in those. What is not known
 * yet is never counted as 0.
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
