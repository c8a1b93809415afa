/** Reads the launcher tag's `data-badges` out of a page, as the launcher does (ui/launcher/config.ts). */
import type { LauncherBadge } from '../../server/panels/panel.js';

export type TagBadge = LauncherBadge & { id: string };

/** Every panel badge of the page's launcher tag; [] when the page has no tag. */
export function launcherBadges(html: string): TagBadge[] {
  const match = /<script[^>]*data-debug-toolbar[^>]*data-badges="([^"]*)"/.exec(html);
  if (!match) return [];
  const json = match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return JSON.parse(json) as TagBadge[];
}

/**
 * The SQL panel's badge of a page, read back into its counts.
 *
 * @example
 * sqlCounts(html) // → { queryCount: 7, duplicateCount: 2, nPlusOneCount: 0, warn: true }
 */
export function sqlCounts(html: string): { queryCount: number; duplicateCount: number; nPlusOneCount: number; warn: boolean } {
  const badge = launcherBadges(html).find((b) => b.id === 'sql');
  if (!badge) throw new Error('the page has no SQL badge');
  const say = badge.say ?? '';
  return {
    queryCount: Number(badge.text),
    duplicateCount: Number(/(\d+) duplicated/.exec(say)?.[1] ?? 0),
    nPlusOneCount: Number(/(\d+) N\+1/.exec(say)?.[1] ?? 0),
    warn: badge.tone === 'warn',
  };
}
