import type { Dialect } from '../../types.js';
import { REDACTED, type NameMatcher } from '../../security/redact.js';
import { secretPlan, type SecretPlan } from './secret-plan.js';

/*
 * Hiding a statement's secret values in one stored query, by the plan read from its SQL text
 * (secret-plan.ts), cached per text.
 */

export { secretPlan, type SecretPlan } from './secret-plan.js';

/** `{"email":"a","password":"b"}` as stored (objects are kept as JSON text): secret keys' values hidden. */
function redactObjectText(text: string, hide: (key: string) => boolean, hidden: (value: unknown) => void): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
    let changed = false;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(copy)) {
      if (hide(key)) {
        hidden(copy[key]);
        copy[key] = REDACTED;
        changed = true;
      }
    }
    return changed ? JSON.stringify(copy) : text;
  } catch {
    // Cut at the stored length, so no longer JSON: hide `"key": value` pairs as text.
    return text.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]]*)/g, (pair, key: string, colon: string, value: string) => {
      if (!hide(key)) return pair;
      hidden(value.replace(/^"|"$/g, ''));
      return `"${key}"${colon}"${REDACTED}"`;
    });
  }
}

/**
 * Hides the plan's values in `params` (a copy); params that are not there stay absent. `hidden`
 * is told each value hidden, as it was.
 */
export function applyPlan(plan: SecretPlan, params: unknown[], isSecret: NameMatcher, hidden: (value: unknown) => void = () => {}): unknown[] {
  const out = params.slice();
  for (const position of plan.positions) {
    if (position >= out.length) continue;
    hidden(out[position]);
    out[position] = REDACTED;
  }
  for (const { position, columns } of plan.rowColumns) {
    const rows = out[position];
    if (!Array.isArray(rows)) {
      if (position >= out.length) continue;
      hidden(rows);
      out[position] = REDACTED;
      continue;
    }
    out[position] = rows.map((row) => {
      if (!Array.isArray(row)) {
        hidden(row);
        return REDACTED;
      }
      const copy = row.slice();
      for (const i of columns) {
        if (i >= copy.length) continue;
        hidden(copy[i]);
        copy[i] = REDACTED;
      }
      return copy;
    });
  }
  if (plan.objectKeys) {
    const named = new Set(plan.names);
    // better-sqlite3 keys omit the prefix, node-sqlite3's keep it (`$password`).
    const hide = (key: string) => {
      const bare = key.replace(/^[:@$]/, '');
      return named.has(bare) || isSecret(bare);
    };
    for (let i = 0; i < out.length; i++) {
      const value = out[i];
      if (typeof value === 'string' && value.startsWith('{')) out[i] = redactObjectText(value, hide, hidden);
    }
  }
  return out;
}

/** A statement's SQL and params as they may be stored. */
export interface RedactableQuery {
  sql: string;
  params: unknown[];
  db: { dialect: Dialect };
  /** Set when something was hidden: EXPLAIN ANALYZE would run with the wrong values. */
  redacted?: boolean;
}

/** Statements remembered per redactor; past it the cache starts over. */
const MAX_CACHED = 1000;
/** Longer statements (bulk inserts with inlined rows) are read each time rather than kept. */
const MAX_CACHED_SQL = 20_000;

/**
 * A redactor with its own cache of plans by SQL text: call it on each stored query, after the
 * response is sent. It replaces `sql` and `params` when they held secrets, sets `redacted`, and
 * returns the values it hid, as they were (for hiding them wherever else the request shows them).
 *
 * @example
 * const redact = createQueryRedactor(isSecretColumn);
 * const query = { sql: 'SELECT * FROM users WHERE email = ? AND password = ?', params: ['a@b', 'hunter2'], db: { dialect: 'mysql' } };
 * redact(query); // ['hunter2']; query.params → ['a@b', '[redacted]'], query.redacted → true
 */
export function createQueryRedactor(isSecret: NameMatcher): (query: RedactableQuery) => unknown[] {
  const caches: Record<Dialect, Map<string, SecretPlan | null>> = { postgres: new Map(), mysql: new Map(), sqlite: new Map() };
  return function redactQuery(query) {
    const cache = caches[query.db.dialect] ?? caches.postgres;
    let plan = cache.get(query.sql);
    if (plan === undefined) {
      plan = secretPlan(query.sql, query.db.dialect ?? 'postgres', isSecret);
      if (query.sql.length <= MAX_CACHED_SQL) {
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(query.sql, plan);
      }
    }
    if (plan === null) return [];
    const hidden: unknown[] = [...plan.literals];
    const params = applyPlan(plan, query.params, isSecret, (value) => hidden.push(value));
    const changed = plan.sql !== null || params.some((value, i) => value !== query.params[i]);
    if (!changed) return [];
    if (plan.sql !== null) query.sql = plan.sql;
    query.params = params;
    query.redacted = true;
    return hidden;
  };
}
