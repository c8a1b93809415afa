import type { Queryable } from './db-types.js';

export type SiteSettings = Record<string, string>;

/**
 * Every setting. Not cached on purpose: the /duplicates page calls it from several "components",
 * and the toolbar groups the identical queries.
 */
export async function siteSettings(db: Queryable): Promise<SiteSettings> {
  const { rows } = await db.query<{ key: string; value: string }>(
    'SELECT key, value FROM site_settings ORDER BY key',
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

export interface PathViews {
  path: string;
  views: number;
  lastViewedAt: Date | null;
}

/** Views of one path. page_views has 50,000 rows and no index on path: a sequential scan. */
export async function viewsForPath(db: Queryable, path: string): Promise<PathViews> {
  const { rows } = await db.query<{ views: number; lastViewedAt: Date | null }>(
    `SELECT count(*)::int AS views, max(viewed_at) AS "lastViewedAt"
     FROM page_views WHERE path = $1`,
    [path],
  );
  return { path, views: rows[0]?.views ?? 0, lastViewedAt: rows[0]?.lastViewedAt ?? null };
}

export interface PageView {
  userAgent: string;
  viewedAt: Date;
}

/** The latest views of one path: another full scan, plus a sort. */
export async function recentViews(db: Queryable, path: string, limit = 10): Promise<PageView[]> {
  const { rows } = await db.query<PageView>(
    `SELECT user_agent AS "userAgent", viewed_at AS "viewedAt"
     FROM page_views WHERE path = $1 ORDER BY viewed_at DESC LIMIT $2`,
    [path, limit],
  );
  return rows;
}
