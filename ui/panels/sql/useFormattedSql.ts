/** Formatted SQL for display: the raw statement first, the formatted one once the formatter chunk loads. */
import { useEffect, useState } from 'react';
import type { Dialect } from '../../../server/types.js';

type FormatFn = (sql: string, dialect: Dialect) => string;

let formatter: FormatFn | null = null;
let loading: Promise<FormatFn | null> | null = null;
const cache = new Map<string, string>();

function loadFormatter(): Promise<FormatFn | null> {
  loading ??= import('./format-sql.js').then(
    (m) => (formatter = m.formatSql),
    () => null, // keep showing raw SQL
  );
  return loading;
}

function format(fn: FormatFn, sql: string, dialect: Dialect): string {
  const key = `${dialect}\u0000${sql}`;
  let out = cache.get(key);
  if (out === undefined) {
    out = fn(sql, dialect);
    if (cache.size > 2000) cache.clear();
    cache.set(key, out);
  }
  return out;
}

/**
 * @example
 * const text = useFormattedSql(query.sql, query.db.dialect);
 */
export function useFormattedSql(sql: string, dialect: Dialect): string {
  const [fn, setFn] = useState<FormatFn | null>(() => formatter);
  useEffect(() => {
    if (fn) return;
    let live = true;
    void loadFormatter().then((loaded) => {
      if (live && loaded) setFn(() => loaded);
    });
    return () => {
      live = false;
    };
  }, [fn]);
  return fn ? format(fn, sql, dialect) : sql;
}
