/**
 * Words that make a query-string key secret, matched word by word (`api_key`, `apiKey`,
 * `X-Amz-Signature`), so `monkey` or `author` stay readable. Run-together names are listed whole.
 */
const SECRET_WORDS = new Set([
  'token', 'key', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'auth', 'authorization', 'oauth',
  'signature', 'sig', 'credential', 'credentials', 'session', 'sid', 'cookie', 'jwt', 'bearer', 'otp', 'verifier',
  'private', 'apikey', 'accesstoken', 'refreshtoken', 'authtoken', 'idtoken', 'apitoken', 'clientsecret', 'sessionid',
]);

function isSecretKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}

export const REDACTED = '[redacted]';

/**
 * A URL with the values of secret-looking query parameters (and any password in it) replaced by
 * `[redacted]`. Everything else is kept as written, so the URL still reads like the original.
 *
 * @example
 * redactUrl('https://api.example.com/v1?q=cats&api_key=abc123')
 * // 'https://api.example.com/v1?q=cats&api_key=[redacted]'
 */
export function redactUrl(url: string): string {
  let result = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*):[^/?#@]*@/i, `$1:${REDACTED}@`);
  const query = result.indexOf('?');
  if (query === -1) return result;
  const hash = result.indexOf('#', query);
  const end = hash === -1 ? result.length : hash;
  const params = result.slice(query + 1, end).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const rawKey = equals === -1 ? pair : pair.slice(0, equals);
    let key = rawKey;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: match on the raw key.
    }
    return equals !== -1 && isSecretKey(key) ? `${rawKey}=${REDACTED}` : pair;
  });
  result = `${result.slice(0, query + 1)}${params.join('&')}${result.slice(end)}`;
  return result;
}
