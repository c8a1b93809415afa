/*
 * The `Forwarded` header (RFC 7239), read as the RFC writes it, with the whitespace proxies and
 * hand-written configs put around `=`, `;` and `,` tolerated. A value that does not parse is
 * reported as such (null), so the caller can refuse what it cannot read rather than skip it.
 */

/** RFC 7230 `tchar`: what a parameter name is made of. */
const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
/**
 * What an unquoted value is made of. Wider than a token: proxies write `host=localhost:3000` and
 * `for=[::1]:80` unquoted although `:` and `[` call for quotes. The caller checks every value
 * strictly, so reading these is safer than skipping them. Visible ASCII but `"`, `,`, `;` and `\`.
 */
const BARE_VALUE_CHAR = /[!#-+\--:<-[\]-~]/;

/**
 * The elements of a `Forwarded` header, each a map of its parameters (names lower-cased, values
 * unquoted), or null when the header does not follow RFC 7239's syntax: an unterminated quote, a
 * pair without `=`, an empty value, text after a value (`for=1.2.3.4 5.6.7.8`), or a parameter
 * given twice in one element (§4: which one a reader would use is anyone's guess).
 *
 * @example
 * parseForwarded('for="[::1]:4711";host=localhost, for = 203.0.113.9')
 * // [{ for: '[::1]:4711', host: 'localhost' }, { for: '203.0.113.9' }]
 * parseForwarded('for="127.0.0.1') // null
 */
export function parseForwarded(header: string): Record<string, string>[] | null {
  const elements: Record<string, string>[] = [];
  // No prototype: a parameter named `__proto__` or `constructor` is a parameter like any other.
  const empty = () => Object.create(null) as Record<string, string>;
  let element = empty();
  let at = 0;
  const skipSpaces = () => {
    while (header[at] === ' ' || header[at] === '\t') at++;
  };
  const run = (char: RegExp) => {
    const start = at;
    while (at < header.length && char.test(header[at])) at++;
    return header.slice(start, at);
  };
  const quoted = (): string | null => {
    let value = '';
    for (at++; at < header.length; at++) {
      const char = header[at];
      if (char === '"') {
        at++;
        return value;
      }
      if (char === '\\') {
        at++;
        if (at >= header.length) return null;
      }
      value += header[at];
    }
    return null;
  };

  for (;;) {
    skipSpaces();
    if (at >= header.length || header[at] === ',' || header[at] === ';') {
      // An empty pair or element (`a=1;;b=2`, `a=1,,b=2`) is allowed by the list syntax.
    } else {
      const name = run(TOKEN_CHAR).toLowerCase();
      skipSpaces();
      if (name === '' || header[at] !== '=') return null;
      at++;
      skipSpaces();
      const value = header[at] === '"' ? quoted() : run(BARE_VALUE_CHAR);
      if (value === null || (value === '' && header[at - 1] !== '"')) return null;
      if (Object.hasOwn(element, name)) return null;
      element[name] = value;
      skipSpaces();
    }
    if (at >= header.length) break;
    if (header[at] === ';') {
      at++;
      continue;
    }
    if (header[at] !== ',') return null;
    at++;
    if (Object.keys(element).length > 0) elements.push(element);
    element = empty();
  }
  if (Object.keys(element).length > 0) elements.push(element);
  return elements;
}
