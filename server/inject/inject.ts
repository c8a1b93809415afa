/**
 * HTML injection, the pure part: where the launcher goes, what it looks like, and whether a
 * response may be touched at all. No I/O here, so every rule is a row in a table of tests.
 */

import { startsWithUtf16Bom } from './body-close-scanner.js';
import type { LauncherBadge } from '../panels/panel.js';

// `</body>` with optional HTML whitespace before `>`; the parser accepts `</body >` and `</BODY\n>`.
const BODY_CLOSE = /<\/body[\t\n\f\r ]*>/gi;

/**
 * Inserts `snippet` before the last `</body>` of an HTML body, or returns null when there is none.
 *
 * The search runs on a latin1 view, where one character is one byte, so the index found is a byte
 * offset that is valid for UTF-8, latin1, windows-1252 and every other ASCII-compatible charset:
 * multibyte sequences never contain the ASCII bytes of `</body>`. UTF-16 pages rarely match, and
 * one starting with a UTF-16 byte order mark never gets the tag (null), whatever its bytes hold.
 * The last `</body>` wins, as in django-debug-toolbar, because earlier ones are usually inside
 * comments, scripts or templates of templates.
 *
 * @example
 * insertBeforeBodyClose(Buffer.from('<body>hi</body>'), '<script></script>')
 * // → Buffer '<body>hi<script></script></body>'
 */
export function insertBeforeBodyClose(body: Buffer, snippet: string): Buffer | null {
  if (startsWithUtf16Bom(body)) return null;
  const view = body.toString('latin1');
  let index = -1;
  BODY_CLOSE.lastIndex = 0;
  for (let match = BODY_CLOSE.exec(view); match; match = BODY_CLOSE.exec(view)) index = match.index;
  if (index < 0) return null;
  return Buffer.concat([body.subarray(0, index), Buffer.from(snippet, 'utf8'), body.subarray(index)]);
}

/**
 * Escapes a value for a double- or single-quoted HTML attribute. Non-ASCII characters become
 * numeric references too, so the tag is pure ASCII and reads the same in any page charset.
 */
function escapeAttribute(value: string): string {
  let out = '';
  for (const char of value) {
    switch (char) {
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '"': out += '&quot;'; break;
      case "'": out += '&#39;'; break;
      default: {
        const code = char.codePointAt(0) ?? 0;
        out += code > 0x7e || code < 0x20 ? `&#x${code.toString(16)};` : char;
      }
    }
  }
  return out;
}

/** What the launcher tag carries: where to load it from, and the counts its badge shows at once. */
export interface LauncherTagOptions {
  src: string;
  requestId: string;
  mountPath: string;
  /** The page's CSP nonce; without it a strict `script-src` would block the launcher. */
  nonce?: string;
  /** The request whose headers a response cache replayed for this page (see server/request/cache-replay.ts). */
  replayedFrom?: string;
  /**
   * What the panels show on the launcher (server/panels/panel.ts `badge`), in the registry's order:
   * `[{ id: 'sql', label: 'SQL', text: '7', say: '7 queries, 2 duplicated', tone: 'warn' }, { id: 'logs', text: '2 warnings' }]`.
   */
  badges?: readonly ({ id: string } & LauncherBadge)[];
}

/**
 * The `<script>` tag injected into each page. Every value is attribute-escaped, since the request
 * id, mount path and nonce may come from configuration or headers.
 *
 * @example
 * launcherTag({ src: '/__toolbar/launcher.js', requestId: 'r1', mountPath: '/__toolbar',
 *   badges: [{ id: 'sql', label: 'SQL', text: '7' }] })
 * // → '<script type="module" src="/__toolbar/launcher.js" data-debug-toolbar="" data-request-id="r1"
 * //    data-mount-path="/__toolbar" data-badges="[{&quot;id&quot;:&quot;sql&quot;,…}]"></script>'   (one line)
 */
export function launcherTag(opts: LauncherTagOptions): string {
  const attrs = [
    'type="module"',
    `src="${escapeAttribute(opts.src)}"`,
    'data-debug-toolbar=""',
    `data-request-id="${escapeAttribute(opts.requestId)}"`,
    `data-mount-path="${escapeAttribute(opts.mountPath)}"`,
  ];
  if (opts.replayedFrom !== undefined) attrs.push(`data-replayed-from="${escapeAttribute(opts.replayedFrom)}"`);
  if (opts.badges && opts.badges.length > 0) attrs.push(`data-badges="${escapeAttribute(JSON.stringify(opts.badges))}"`);
  if (opts.nonce !== undefined) attrs.push(`nonce="${escapeAttribute(opts.nonce)}"`);
  return `<script ${attrs.join(' ')}></script>`;
}

/** What is known about a response when its headers are about to be written. */
export interface ResponseFacts {
  method: string;
  status: number;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  contentRange?: string | undefined;
}

// WHATWG labels of UTF-16 (ucs-2, unicode…), UTF-32/7 and the ISO-2022 family: their bytes may
// hold `</body>` that is not the tag, and an ASCII tag inserted there would be garbage.
const NOT_ASCII_LABELS = new Set(['ucs-2', 'unicode', 'unicodefeff', 'unicodefffe', 'csunicode', 'iso-10646-ucs-2', 'hz-gb-2312', 'replacement']);
function notAsciiCompatible(charset: string): boolean {
  return NOT_ASCII_LABELS.has(charset) || /^(utf-?(16|32|7)|iso-2022-|csiso2022)/.test(charset);
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
// Statuses whose body is empty by definition; touching them would add a body or a length.
const BODILESS_STATUSES = new Set([204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Decides whether a response may receive the launcher: null means inject, anything else is the
 * reason not to, short enough for a debug log line.
 *
 * @example
 * injectionSkipReason({ method: 'GET', status: 200, contentType: 'text/html; charset=utf-8',
 *   contentEncoding: undefined }) // → null
 * injectionSkipReason({ method: 'GET', status: 200, contentType: 'application/json',
 *   contentEncoding: undefined }) // → 'not HTML (content-type application/json)'
 */
export function injectionSkipReason(facts: ResponseFacts): string | null {
  if (facts.method.toUpperCase() === 'HEAD') return 'HEAD request';
  if (facts.status < 200 || BODILESS_STATUSES.has(facts.status)) return `status ${facts.status}`;
  // Browsers never show a redirect's body, and Express 5's has a </body>.
  if (REDIRECT_STATUSES.has(facts.status)) return `status ${facts.status} (redirect)`;
  if (facts.status === 206 || facts.contentRange) return `status ${facts.status} (range)`;

  const [mediaType = '', ...params] = (facts.contentType ?? '').split(';');
  const type = mediaType.trim().toLowerCase();
  if (!HTML_TYPES.has(type)) return `not HTML (content-type ${type || 'missing'})`;

  const encoding = (facts.contentEncoding ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity') return `content-encoding ${encoding}`;

  // The insertion works on bytes of ASCII-compatible charsets only; UTF-16/32 would be corrupted.
  for (const param of params) {
    const [key = '', value = ''] = param.split('=');
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (key.trim().toLowerCase() === 'charset' && notAsciiCompatible(charset)) {
      return `charset ${charset} is not ASCII-compatible`;
    }
  }
  return null;
}
