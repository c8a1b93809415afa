/**
 * HTML injection, the I/O part: wraps one response's write/end the way expressjs/compression
 * does, decides once when headers are written, streams HTML through while holding back only what
 * may contain the last `</body>`, and splices the launcher in at end.
 * Whatever happens inside, the host's response completes with its own bytes at worst.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { whenHeadersWritten } from '../instrument/headers-written.js';
import { injectionSkipReason, insertBeforeBodyClose } from './inject.js';
import { findBodyClose, MAX_PARTIAL, partialBodyCloseLength, startsWithUtf16Bom } from './body-close-scanner.js';

/** Options of {@link interceptHtml}. */
export interface InterceptHtmlOptions {
  /** Built at end, so the tag carries the request's final counts. */
  snippet: () => string;
  /** Bodies larger than this pass through unmodified, so a huge page is never held in memory. */
  maxBytes: number;
  /** Why a response was left alone; for debug logs. */
  onSkip?: (reason: string) => void;
  /** A failure inside the toolbar; the response itself still completes. */
  onError: (error: unknown) => void;
}

type Callback = (error?: Error | null) => void;
type Mode = 'undecided' | 'pass' | 'buffer';
// Validators describe the unmodified body; kept so they can be restored if it stays unmodified.
const VALIDATORS = ['etag', 'last-modified'] as const;
const EMPTY = Buffer.alloc(0);

/** `a` then `b`, copying only when both hold bytes. */
function join(a: Buffer, b: Buffer): Buffer {
  if (a.length === 0) return b;
  return b.length === 0 ? a : Buffer.concat([a, b]);
}

function headerText(value: OutgoingHttpHeader | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Splits `(chunk?, encoding?, cb?)` the way Node's write/end accept them. */
function splitArgs(args: unknown[]): { chunk: unknown; encoding: unknown; callback?: Callback } {
  const [chunk, encoding, callback] = args;
  if (typeof chunk === 'function') return { chunk: undefined, encoding: undefined, callback: chunk as Callback };
  if (typeof encoding === 'function') return { chunk, encoding: undefined, callback: encoding as Callback };
  return { chunk, encoding, callback: typeof callback === 'function' ? (callback as Callback) : undefined };
}

/** What write/end take as their first argument, when it is not a chunk Node rejects. */
function isChunk(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string' || typeof value === 'function' || value instanceof Uint8Array;
}

/** A Buffer of the chunk, or null when Node itself would reject it (left for Node to throw). */
function toBuffer(chunk: unknown, encoding: unknown): Buffer | null {
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk !== 'string') return null;
  if (encoding === undefined || encoding === null) return Buffer.from(chunk, 'utf8');
  if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) return null;
  return Buffer.from(chunk, encoding);
}

/**
 * Wraps `res.write`/`res.end` so that an HTML response gets `options.snippet()` inserted before
 * its last `</body>`. Call it once per request, before the app handles the request.
 *
 * Written HTML goes out at once, except a possibly split `</body` prefix (≤ 5 bytes) and, from the
 * first `</body` on, everything up to end, where the tag goes before the last one. A body over
 * `maxBytes` in all is left byte-identical. Content-Length, ETag and Last-Modified are dropped
 * because they describe the body before injection; Content-Length is set again when the whole
 * body arrives before the headers are written (`res.send`, `res.end(body)`), else the response
 * goes chunked. Anything else (JSON, HEAD, 204/304, ranges, encoded bodies, a UTF-16 byte order
 * mark) passes through.
 *
 * @example
 * app.use((req, res, next) => {
 *   interceptHtml(req, res, { snippet: () => '<script src="/t.js"></script>', maxBytes: 5e6,
 *     onError: (e) => console.error(e) });
 *   next();
 * });
 */
export function interceptHtml(req: IncomingMessage, res: ServerResponse, options: InterceptHtmlOptions): void {
  const originalWrite = res.write as (...args: unknown[]) => boolean;
  const originalEnd = res.end as (...args: unknown[]) => ServerResponse;
  let mode: Mode = 'undecided';
  let ended = false;
  // What is held back: at most a split `</body` prefix, or everything from the first `</body` on.
  let held: Buffer[] = [];
  let holdAll = false;
  let written = 0;
  // Every byte of the body so far, held or written: a body over maxBytes is left byte-identical.
  let size = 0;
  // Made only for a page: most responses (JSON, assets) are decided against.
  let removed: Map<string, OutgoingHttpHeader> | undefined;

  function skip(reason: string): void {
    try {
      options.onSkip?.(reason);
    } catch (error) {
      options.onError(error);
    }
  }

  // Runs from the on-headers listener, or from end() when the whole body is known first.
  function decide(): void {
    if (mode !== 'undecided') return;
    mode = 'pass';
    try {
      const reason = injectionSkipReason({
        method: req.method ?? 'GET',
        status: res.statusCode,
        contentType: headerText(res.getHeader('content-type')),
        contentEncoding: headerText(res.getHeader('content-encoding')),
        contentRange: headerText(res.getHeader('content-range')),
      });
      if (reason !== null) return skip(reason);
      for (const name of VALIDATORS) {
        const value = res.getHeader(name);
        if (value !== undefined) (removed ??= new Map()).set(name, value);
        res.removeHeader(name);
      }
      res.removeHeader('content-length');
      mode = 'buffer';
    } catch (error) {
      options.onError(error);
    }
  }

  /** Stops holding for good: what was held goes out as it came. */
  function release(): boolean {
    mode = 'pass';
    const data = held;
    held = [];
    return data.length > 0 ? originalWrite.call(res, Buffer.concat(data)) : true;
  }

  /**
   * Takes a chunk in: returns what may go out now, or null when the page must pass through
   * untouched (UTF-16 byte order mark). State changes only after everything that may throw.
   */
  function accept(buffer: Buffer): Buffer | null {
    if (holdAll) {
      held.push(buffer);
      return EMPTY;
    }
    const tail = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held); // ≤ 5 bytes
    if (written === 0 && tail.length + buffer.length < 2) {
      held = [Buffer.concat([tail, buffer])];
      return EMPTY;
    }
    if (written === 0 && startsWithUtf16Bom(Buffer.concat([tail, buffer.subarray(0, 2)]))) return null;
    // A short chunk is joined to the tail (a few bytes); a long one is never copied when no tail.
    const joined = tail.length > 0 && buffer.length < 2 * MAX_PARTIAL ? Buffer.concat([tail, buffer]) : null;
    const [head, rest] = joined ? [EMPTY, joined] : [tail, buffer];
    const at = findBodyClose(head, rest);
    const cut = at >= 0 ? at : head.length + rest.length - partialBodyCloseLength(rest);
    const out = cut <= head.length ? head.subarray(0, cut) : join(head, rest.subarray(0, cut - head.length));
    const keep = cut < head.length ? [head.subarray(cut), rest] : [rest.subarray(cut - head.length)];
    held = keep.filter((part) => part.length > 0);
    holdAll = at >= 0;
    written += out.length;
    return out;
  }

  function write(this: ServerResponse, ...args: unknown[]): boolean {
    // Decided against (JSON, an image...) or done: nothing of ours to do, not even a copy.
    if (ended || mode === 'pass') return originalWrite.apply(res, args);
    const { chunk, encoding, callback } = splitArgs(args);
    const buffer = toBuffer(chunk, encoding);
    // A chunk Node rejects must fail as it would without us: before any header is written.
    if (buffer === null) {
      if (mode === 'buffer') release();
      return originalWrite.apply(res, args);
    }
    // The decision must exist before the first chunk is held, and it is taken at writeHead.
    if (!res.headersSent) (res as ServerResponse & { _implicitHeader(): void })._implicitHeader();
    if (mode !== 'buffer') return originalWrite.apply(res, args);

    if (size + buffer.length > options.maxBytes) {
      skip(`body larger than ${options.maxBytes} bytes`);
      release();
      return originalWrite.apply(res, args);
    }
    let out: Buffer | null = null;
    try {
      out = accept(buffer);
      if (out === null) skip('UTF-16 byte order mark');
    } catch (error) {
      options.onError(error);
    }
    if (out === null) {
      release();
      return originalWrite.apply(res, args);
    }
    size += buffer.length;
    if (out.length > 0) return originalWrite.call(res, out, callback);
    if (callback) process.nextTick(callback);
    return !res.writableNeedDrain;
  }

  function end(this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (ended) return originalEnd.apply(res, args);
    // `res.send(json)` sets the type before end(): decide from the headers before copying the body.
    if (!res.headersSent && isChunk(args[0])) decide();
    if (mode === 'pass') {
      ended = true;
      return originalEnd.apply(res, args);
    }
    const { chunk, encoding, callback } = splitArgs(args);
    const last = chunk === undefined || chunk === null ? EMPTY : toBuffer(chunk, encoding);
    if (last === null) {
      if (mode === 'buffer') release();
      return originalEnd.apply(res, args);
    }
    if (!res.headersSent) decide();
    if (mode !== 'buffer') {
      ended = true;
      return originalEnd.apply(res, args);
    }

    ended = true;
    size += last.length;
    const original = held.length === 0 ? last : Buffer.concat([...held, last]);
    held = [];

    const body = size > options.maxBytes ? tooLarge(original) : injected(original);
    if (!res.headersSent) {
      // An explicit Transfer-Encoding and a Content-Length together are an invalid response.
      if (!res.hasHeader('transfer-encoding')) res.setHeader('Content-Length', body.length);
      if (body === original && removed) for (const [name, value] of removed) res.setHeader(name, value);
    }
    return originalEnd.call(res, body, undefined, callback);
  }

  function tooLarge(original: Buffer): Buffer {
    skip(`body larger than ${options.maxBytes} bytes`);
    return original;
  }

  /** The held part with the tag; when the page started earlier, from its first `</body` on. */
  function injected(original: Buffer): Buffer {
    try {
      const from = written === 0 ? 0 : findBodyClose(EMPTY, original);
      const result = from < 0 ? null : insertBeforeBodyClose(original.subarray(from), options.snippet());
      if (result === null) skip('no </body>');
      return result === null ? original : join(original.subarray(0, from), result);
    } catch (error) {
      options.onError(error);
      return original;
    }
  }

  whenHeadersWritten(res, decide);
  res.write = write as ServerResponse['write'];
  res.end = end as ServerResponse['end'];
}

/**
 * Removes the conditional-GET headers of a request for a page, so it is never answered 304 from
 * a body that carries an older request's toolbar. Requests for other types keep their caching.
 *
 * @example
 * app.use((req, _res, next) => { disableConditionalGet(req); next(); });
 */
export function disableConditionalGet(req: IncomingMessage): void {
  const accept = (req.headers.accept ?? '').toLowerCase();
  if (!accept.includes('text/html') && !accept.includes('application/xhtml+xml')) return;
  delete req.headers['if-none-match'];
  delete req.headers['if-modified-since'];
}
