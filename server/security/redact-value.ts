import { REDACTED, type NameMatcher } from './redact.js';

/** Limits of a value copied into a record: a log line's fields, a request or response body. */
export interface ValueBounds {
  /** Longest string kept; longer ones are cut with a note of how much was left out. */
  maxString: number;
  /** Keys kept per object and items per array. */
  maxEntries: number;
  /** Nesting kept; deeper values become `[…]`. */
  maxDepth: number;
}

export const DEFAULT_VALUE_BOUNDS: ValueBounds = { maxString: 500, maxEntries: 50, maxDepth: 4 };

function boundString(value: string, bounds: ValueBounds): string {
  return value.length > bounds.maxString
    ? `${value.slice(0, bounds.maxString)}… [${value.length - bounds.maxString} more characters]`
    : value;
}

type Scrub = (text: string) => string;

function copy(value: unknown, isSecret: NameMatcher, bounds: ValueBounds, depth: number, seen: Set<object>, scrub?: Scrub): unknown {
  switch (typeof value) {
    case 'string': return boundString(scrub ? scrub(value) : value, bounds);
    case 'number': return Number.isFinite(value) ? value : String(value);
    case 'boolean': return value;
    case 'bigint': return value.toString();
    case 'undefined': return null;
    case 'function':
    case 'symbol': return `[${typeof value}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (Buffer.isBuffer(object) || object instanceof Uint8Array) return `[${object.byteLength} bytes]`;
  if (object instanceof Error) return boundString(scrub ? scrub(`${object.name}: ${object.message}`) : `${object.name}: ${object.message}`, bounds);
  if (seen.has(object)) return '[circular]';
  if (depth >= bounds.maxDepth) return '[…]';
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      // A flat list of names and values (`rawHeaders`: ['authorization', 'Bearer …']): a value after a secret's name is one.
      const items = object.slice(0, bounds.maxEntries).map((item, i) => (i > 0 && typeof object[i - 1] === 'string' && isSecret(object[i - 1] as string)
        ? REDACTED : copy(item, isSecret, bounds, depth + 1, seen, scrub)));
      if (object.length > bounds.maxEntries) items.push(`… ${object.length - bounds.maxEntries} more`);
      return items;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(object);
    for (const key of keys.slice(0, bounds.maxEntries)) {
      let item: unknown;
      try {
        item = (object as Record<string, unknown>)[key];
      } catch {
        item = '[getter threw]';
      }
      out[key] = isSecret(key) ? REDACTED : copy(item, isSecret, bounds, depth + 1, seen, scrub);
    }
    if (keys.length > bounds.maxEntries) out['…'] = `${keys.length - bounds.maxEntries} more keys`;
    return out;
  } finally {
    seen.delete(object);
  }
}

/**
 * A JSON-safe copy of `value` for a stored record: values under secret-named keys (the
 * `redactNames` rules, at any depth) are `[redacted]`, strings, objects and nesting are bounded,
 * getters that throw and cycles are survived, and `scrub` (the values the request's queries showed
 * to be secret) runs on every string. Never holds a reference to the app's objects.
 *
 * @example
 * redactValue({ user: 'ada', password: 'x', nested: { apiKey: 'k' } }, isSecretName)
 * // → { user: 'ada', password: '[redacted]', nested: { apiKey: '[redacted]' } }
 */
export function redactValue(value: unknown, isSecret: NameMatcher, bounds: ValueBounds = DEFAULT_VALUE_BOUNDS, scrub?: Scrub): unknown {
  return copy(value, isSecret, bounds, 0, new Set(), scrub);
}

/**
 * `value`, plain JSON (a stored record's part), with `map` run on every string however deep: the
 * same shape, nothing bounded or left out. For values of the app, copy them with
 * {@link redactValue} first (once: a second copy would bound its own notes of what it left out).
 *
 * @example
 * mapStrings({ entries: [{ message: 'p=hunter2' }] }, (text) => text.replaceAll('hunter2', '[redacted]'))
 */
export function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, map);
  return out;
}

// The name may be quoted (JSON: `"password":"x"`); an auth scheme's credential is hidden with it
// (`Authorization: Bearer eyJ…`); a value that opens an object or a list (`cookie: {`) is not one
// value: its own keys are matched inside it.
const NAMED_VALUE = /([A-Za-z_][\w.-]*)(["']?\s*[=:]\s*)((?:Bearer|Basic|Token|Digest|Negotiate)\s+[^\s,;"']+|"[^"]*"|'[^']*'|[^\s,;&)}\]{[][^\s,;&)}\]]*)/gi;

/**
 * A free text (a log message) with the values of `name=value` and `name: value` pairs whose name
 * is a secret's hidden: `login failed for ada password=hunter2` → `… password=[redacted]`.
 */
export function redactNamedValues(text: string, isSecret: NameMatcher): string {
  return text.replace(NAMED_VALUE, (whole, name: string, separator: string, value: string) => {
    if (!isSecret(name)) return whole;
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${name}${separator}${quote}${REDACTED}${quote}`;
  });
}
