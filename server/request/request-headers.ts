import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderField } from '../types.js';
import { REDACTED, type NameMatcher } from '../security/redact.js';
import { redactUrl } from '../security/redact-url.js';

/*
 * The headers a stored request keeps, for the Request panel: in order, as written, with the
 * credentials they carry replaced by `[redacted]`. Read when the request is stored, after the
 * response is out, never while it is served.
 */

/** Headers past this many are dropped; a value past this length is cut. */
const MAX_HEADERS = 100;
const MAX_VALUE = 2000;

/** Attributes of a Set-Cookie that say how the cookie is kept, never what it holds. */
const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'expires', 'max-age', 'secure', 'httponly', 'samesite', 'partitioned', 'priority']);

/** `sid=abc; theme=dark` → `sid=[redacted]; theme=[redacted]`: which cookies were sent, not their values. */
function redactCookie(value: string): string {
  return value.split(';').map((pair) => {
    const trimmed = pair.trim();
    const equals = trimmed.indexOf('=');
    return equals > 0 ? `${trimmed.slice(0, equals)}=${REDACTED}` : REDACTED;
  }).join('; ');
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[redacted]; Path=/; HttpOnly`: the attributes that explain a lost cookie stay. */
function redactSetCookie(value: string): string {
  const [first = '', ...attributes] = value.split(';');
  const pair = first.trim();
  const equals = pair.indexOf('=');
  const cookie = equals > 0 ? `${pair.slice(0, equals)}=${REDACTED}` : REDACTED;
  const kept = attributes.map((attribute) => {
    const name = attribute.split('=')[0].trim().toLowerCase();
    return COOKIE_ATTRIBUTES.has(name) ? attribute.trim() : REDACTED;
  });
  return [cookie, ...kept].join('; ');
}

/** `Bearer abc` → `Bearer [redacted]`: the scheme tells which login was tried. */
function redactAuthorization(value: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/**
 * A header's value as stored. Cookie and Set-Cookie keep the cookie names (and Set-Cookie its
 * attributes), Authorization and Proxy-Authorization their scheme; any other header named like a
 * secret (`X-Api-Key`, `X-Auth-Token`, `X-CSRF-Token`) is `[redacted]` whole.
 *
 * @example
 * redactHeader('Authorization', 'Bearer eyJhbGci…', isSecretName) // 'Bearer [redacted]'
 * redactHeader('Accept', 'text/html', isSecretName)              // 'text/html'
 */
export function redactHeader(
  name: string, value: string, isSecret: NameMatcher, redactUrlValue: (url: string) => string = (url) => redactUrl(url, isSecret),
): string {
  switch (name.toLowerCase()) {
    case 'cookie': return redactCookie(value);
    case 'set-cookie': return redactSetCookie(value);
    case 'authorization':
    case 'proxy-authorization': return redactAuthorization(value);
    // URLs carry tokens in their query strings as the request's own URL does (a reset link as
    // Referer, an OAuth callback as Location).
    case 'referer':
    case 'location':
    case 'content-location': return redactUrlValue(value);
  }
  if (isSecret(name)) return REDACTED;
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}… [${value.length - MAX_VALUE} more characters]` : value;
}

/** `rawHeaders`-style pairs (`[name, value, name, value…]`) as stored fields. */
export function headerFields(raw: readonly string[], isSecret: NameMatcher, redactUrlValue?: (url: string) => string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (let i = 0; i + 1 < raw.length && fields.length < MAX_HEADERS; i += 2) {
    fields.push({ name: raw[i], value: redactHeader(raw[i], String(raw[i + 1]), isSecret, redactUrlValue) });
  }
  return fields;
}

/** The request's headers as they came in. */
export function requestHeaderFields(req: IncomingMessage, isSecret: NameMatcher, redactUrlValue?: (url: string) => string): HeaderField[] {
  return headerFields(Array.isArray(req.rawHeaders) ? req.rawHeaders : [], isSecret, redactUrlValue);
}

/** The response's headers as sent (none when the response ended before sending them). */
export function responseHeaderFields(res: ServerResponse, isSecret: NameMatcher, redactUrlValue?: (url: string) => string): HeaderField[] {
  if (!res.headersSent) return [];
  const raw: string[] = [];
  // Names as the app wrote them (`X-Request-Id`); getHeaderNames() has them lower-cased.
  const rawNames = (res as ServerResponse & { getRawHeaderNames?: () => string[] }).getRawHeaderNames;
  const names = typeof rawNames === 'function' ? rawNames.call(res) : res.getHeaderNames();
  for (const name of names) {
    const value = res.getHeader(name);
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) raw.push(name, String(one));
  }
  return headerFields(raw, isSecret, redactUrlValue);
}
