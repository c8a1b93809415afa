/**
 * Words that make a name secret in URLs and headers (a query-string key, a header, a JSON key in
 * them), matched word by word (`api_key`, `apiKey`, `X-Amz-Signature`, `password_hash`), so
 * `monkey`, `author` or `tokens_count` stay readable. Run-together names are listed whole. SQL
 * columns have their own, narrower list: {@link DEFAULT_REDACT_COLUMNS}.
 *
 * @example
 * debugToolbar({ redactNames: [...DEFAULT_REDACT_NAMES, 'ssn', 'iban', /^card_/] })
 */
export const DEFAULT_REDACT_NAMES: readonly string[] = Object.freeze([
  'token', 'key', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'auth', 'authorization', 'oauth',
  'signature', 'sig', 'credential', 'credentials', 'session', 'sid', 'cookie', 'jwt', 'bearer', 'otp', 'verifier',
  'private', 'apikey', 'accesstoken', 'refreshtoken', 'authtoken', 'idtoken', 'apitoken', 'clientsecret', 'sessionid',
  'csrf', 'xsrf',
]);

/**
 * Words that make a SQL column secret (its bound params and literals are stored as `[redacted]`).
 * Narrower than {@link DEFAULT_REDACT_NAMES}: as column words `key`, `auth`, `oauth`, `session`
 * and `private` name data (`settings.key`, `auth_provider`, `session_id`, `is_private`), and
 * hiding them hid what the panel is for. The secrets among those names are listed as phrases
 * (`api_key`, `private_key`, `session_key`…); `token`, `secret` and `password` cover the rest
 * (`auth_token`, `session_token`, `client_secret`).
 *
 * @example
 * debugToolbar({ redactColumns: [...DEFAULT_REDACT_COLUMNS, 'ssn'] })
 */
export const DEFAULT_REDACT_COLUMNS: readonly string[] = Object.freeze([
  'token', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'authorization', 'signature', 'sig',
  'credential', 'credentials', 'sid', 'cookie', 'jwt', 'bearer', 'otp', 'verifier', 'csrf', 'xsrf',
  'apikey', 'accesstoken', 'refreshtoken', 'authtoken', 'idtoken', 'apitoken', 'clientsecret', 'sessionid', 'privatekey',
  'api_key', 'access_key', 'auth_key', 'private_key', 'signing_key', 'encryption_key', 'master_key', 'session_key',
  'hmac_key', 'license_key',
]);

export const REDACTED = '[redacted]';

/**
 * Names with a secret's word that are protocol flags, never secrets: CORS's
 * `Access-Control-Allow-Credentials: true` says cookies may be sent, it holds none. As words.
 */
const PROTOCOL_FLAGS = new Set(['access control allow credentials']);

/** Tells whether a name (column, key, header) holds a secret. */
export type NameMatcher = (name: string) => boolean;

/** `X-Api-Key` → ['x', 'api', 'key']; `accessToken` → ['access', 'token']; `ACCESS_TOKEN` → ['access', 'token']. */
function wordsOf(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * A matcher for `names`: a string matches a name that has it as a word, or as a run of words
 * (`'api_key'` matches `x_api_key` and `apiKey`, not `api` alone); a RegExp is tested on the name
 * as written.
 *
 * @example
 * const secret = nameMatcher(['password', /^card_/]);
 * secret('password_hash') // true
 * secret('card_number')   // true
 * secret('passwords_seen') // false: a word is matched whole
 */
export function nameMatcher(names: readonly (string | RegExp)[]): NameMatcher {
  const single = new Set<string>();
  const phrases: string[][] = [];
  const patterns: RegExp[] = [];
  for (const name of names) {
    if (name instanceof RegExp) {
      patterns.push(new RegExp(name.source, name.flags.replace(/[gy]/g, '')));
      continue;
    }
    const words = wordsOf(name);
    if (words.length === 1) single.add(words[0]);
    else if (words.length > 1) phrases.push(words);
  }
  const cache = new Map<string, boolean>();
  return function isSecretName(name: string): boolean {
    const known = cache.get(name);
    if (known !== undefined) return known;
    const words = wordsOf(name);
    const flag = PROTOCOL_FLAGS.has(words.join(' '));
    const secret = (!flag && words.some((word) => single.has(word)))
      || (!flag && phrases.some((phrase) => words.some((_, i) => phrase.every((word, j) => words[i + j] === word))))
      || patterns.some((pattern) => pattern.test(name));
    // Names repeat (the same columns, headers and keys): remember a bounded number of answers.
    if (cache.size >= 2000) cache.clear();
    cache.set(name, secret);
    return secret;
  };
}

/** The default matcher for URLs and headers, over {@link DEFAULT_REDACT_NAMES}. */
export const isSecretName: NameMatcher = nameMatcher(DEFAULT_REDACT_NAMES);

/** The default matcher for SQL columns, over {@link DEFAULT_REDACT_COLUMNS}. */
export const isSecretColumn: NameMatcher = nameMatcher(DEFAULT_REDACT_COLUMNS);
