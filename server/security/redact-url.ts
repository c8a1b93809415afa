import { REDACTED, isSecretName, nameMatcher, type NameMatcher } from './redact.js';

/*
 * URLs as stored (the recorded request, Referer, Location, outbound calls): secret query values,
 * passwords, path segments that carry a token (`/reset/<token>`), and the same inside URLs nested
 * in query values (`?next=/done?token=…`) and in fragments (`#access_token=…`) become
 * `[redacted]`; everything else is kept as written, so the URL still reads like the original.
 */

/**
 * Path words after which the next segment is a secret: `/reset/<token>`, `/api/push/<token>`,
 * `/verify/<code>`. Matched word by word like `redactNames` (`password-reset` has `reset`).
 *
 * @example
 * debugToolbar({ redactPathSegments: { after: [...DEFAULT_REDACT_PATH_AFTER, 'download'] } })
 */
export const DEFAULT_REDACT_PATH_AFTER: readonly string[] = Object.freeze([
  'reset', 'token', 'tokens', 'push', 'verify', 'verification', 'confirm', 'confirmation', 'activate', 'activation',
  'invite', 'magic', 'unsubscribe', 'password', 'secret', 'key', 'keys', 'apikey', 'signature', 'otp', 'session',
]);

/** Which path segments are hidden. */
export interface PathRedaction {
  /** A segment that follows one named like these is hidden (unless it is one of them itself). */
  after: NameMatcher;
  /** Hide segments that look like a token wherever they are ({@link looksLikeToken}). */
  tokenLike: boolean;
}

/** The default: after {@link DEFAULT_REDACT_PATH_AFTER}, and token-like segments. */
export const DEFAULT_PATH_REDACTION: PathRedaction = Object.freeze({ after: nameMatcher(DEFAULT_REDACT_PATH_AFTER), tokenLike: true });

/** URL-encoded levels read inside query values; a value still encoded past them is hidden whole. */
const MAX_DEPTH = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OBJECT_ID = /^[0-9a-f]{24}$/i;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;

/** Shannon entropy of `text`, in bits per character. */
function bitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether a path segment looks like a token rather than a name or an id: a JWT, or 16+ characters
 * of letters and digits in one run (hex, base62, base64url) that read as random. UUIDs and MongoDB
 * ObjectIds are kept: in a path they are nearly always record ids, and hiding every id would make
 * History unreadable (a token after `reset`, `verify`… is hidden anyway). Slugs
 * (`my-first-post-2024`), numeric ids and hashed asset names stay.
 *
 * @example
 * looksLikeToken('Zk9xQm2LpR7tWv3Y')     // true
 * looksLikeToken('my-first-blog-post-2024') // false
 */
export function looksLikeToken(segment: string): boolean {
  if (segment.length < 16) return false;
  if (JWT.test(segment)) return true;
  if (UUID.test(segment) || OBJECT_ID.test(segment) || !/^[A-Za-z0-9_\-.~+=]+$/.test(segment)) return false;
  let longest = '';
  for (const run of segment.split(/[-_.~]/)) if (run.length > longest.length) longest = run;
  return longest.length >= 16 && /\d/.test(longest) && /[A-Za-z]/.test(longest) && bitsPerChar(longest) >= 3;
}

/** Characters without which a query value is plain text: no escape, path, pair or URL in it. */
const STRUCTURED = /[%+/=?#:]/;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * `/reset/abc/x` → `/reset/[redacted]/x`. Empty and dot segments are looked through
 * (`/reset//abc`, `/reset/./abc`), and a segment whose decoded text holds a `/` (`reset%2Fabc`) is
 * read as the path it spells.
 */
function redactPath(path: string, paths: PathRedaction | null, nested = false): string {
  if (!paths || path === '') return path;
  const segments = path.split('/');
  let afterKeyword = false;
  let changed = false;
  const out = segments.map((segment) => {
    // Runs for every recorded request: decode only what is encoded (`+` is literal in a path).
    let word = segment;
    if (segment.includes('%')) {
      try {
        word = decodeURIComponent(segment);
      } catch {
        // A malformed escape: read it as written.
      }
    }
    if (word === '' || word === '.' || word === '..') return segment;
    const keyword = paths.after(word);
    const hide = (afterKeyword && !keyword) || (paths.tokenLike && looksLikeToken(word));
    afterKeyword = keyword;
    if (hide) {
      changed = true;
      return REDACTED;
    }
    if (!nested && word.includes('/') && word !== segment) {
      const inner = redactPath(word, paths, true);
      if (inner !== word) {
        changed = true;
        return encodeURIComponent(inner).split(encodeURIComponent(REDACTED)).join(REDACTED);
      }
    }
    return segment;
  });
  return changed ? out.join('/') : path;
}

interface Rules {
  isSecret: NameMatcher;
  paths: PathRedaction | null;
}

/**
 * A query value: a path or URL written raw has its segments read, a query string written raw
 * (`state=token=abc`) its pairs; an encoded one is decoded and read again. Past `MAX_DEPTH`
 * levels, a value that still holds a path or a pair is hidden whole rather than trusted.
 */
function redactValue(value: string, rules: Rules, depth: number): string {
  // Most values are words and numbers (`page=2`): nothing in them can hold a URL or a pair.
  if (!STRUCTURED.test(value)) return value;
  const decoded = /%[0-9a-f]{2}|\+/i.test(value) ? decode(value) : null;
  // Past the levels read: anything still shaped like a URL or a query is hidden whole, not trusted.
  if (depth >= MAX_DEPTH) return /[=/?#]/.test(fullyDecoded(value)) ? REDACTED : value;
  const isUrl = (text: string) => /^(?:\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(text);
  const read = (text: string) => (isUrl(text) ? redactUrlAt(text, rules, depth + 1)
    : text.includes('=') ? redactQuery(text, rules, depth + 1) : text);
  const out = read(value);
  if (out !== value || decoded === null || decoded === value) return out;
  // Encoded once more (`%252F…`): decode again, as the app will.
  const inner = /[?=#/]/.test(decoded) ? read(decoded) : redactValue(decoded, rules, depth + 1);
  return inner === decoded ? value : encodeURIComponent(inner).split(encodeURIComponent(REDACTED)).join(REDACTED);
}

/** `text` decoded until it no longer changes (a few times at most). */
function fullyDecoded(text: string): string {
  let out = text;
  for (let i = 0; i < 8; i++) {
    const next = /%[0-9a-f]{2}|\+/i.test(out) ? decode(out) : null;
    if (next === null || next === out) break;
    out = next;
  }
  return out;
}

/**
 * `a=1&token=x` (what follows `?` or `#`). A raw `?` inside a pair continues the query of a URL
 * nested in its value (`to=/done?token=x`): each `?`-separated piece is read as a pair, in one
 * flat pass however deep the nesting.
 */
function redactQuery(query: string, rules: Rules, depth: number): string {
  return query.split('&').map((pair) => pair.split('?').map((piece) => {
    const equals = piece.indexOf('=');
    if (equals === -1) return piece;
    const rawKey = piece.slice(0, equals);
    const key = /[%+]/.test(rawKey) ? decode(rawKey) ?? rawKey : rawKey;
    if (rules.isSecret(key)) return `${rawKey}=${REDACTED}`;
    return `${rawKey}=${redactValue(piece.slice(equals + 1), rules, depth)}`;
  }).join('?')).join('&');
}

function redactUrlAt(url: string, rules: Rules, depth: number): string {
  const withoutPassword = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*):[^/?#@]*@/i, `$1:${REDACTED}@`);
  const parts = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#[^]*)?$/i.exec(withoutPassword);
  if (!parts) return withoutPassword;
  const [, origin = '', path, query, fragment] = parts;
  return origin + redactPath(path, rules.paths)
    + (query === undefined ? '' : `?${redactQuery(query.slice(1), rules, depth)}`)
    // OAuth's implicit flow puts tokens in the fragment of a redirect: `#access_token=…`.
    + (fragment === undefined ? '' : fragment.includes('=') ? `#${redactQuery(fragment.slice(1), rules, depth)}` : fragment);
}

/**
 * A URL with the values of secret-looking query parameters (in it and in URLs nested in its
 * query values and fragment), any password in it, and secret path segments replaced by
 * `[redacted]`. Everything else is kept as written.
 *
 * @example
 * redactUrl('https://api.example.com/v1?q=cats&api_key=abc123')
 * // 'https://api.example.com/v1?q=cats&api_key=[redacted]'
 * redactUrl('/reset/9f8e7d?next=/done?token=abc')
 * // '/reset/[redacted]?next=/done?token=[redacted]'
 */
export function redactUrl(url: string, isSecret: NameMatcher = isSecretName, paths: PathRedaction | null = DEFAULT_PATH_REDACTION): string {
  return redactUrlAt(url, { isSecret, paths }, 0);
}
