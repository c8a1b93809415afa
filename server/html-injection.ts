/**
 * HTML injection, the I/O part: wraps one response's write/end the way expressjs/compression
 * does, decides once when headers are written, buffers HTML and splices the launcher in at end.
 * Whatever happens inside, the host's response completes with its own bytes at worst.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import { injectionSkipReason, insertBeforeBodyClose } from './inject.js';

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
 * HTML is buffered (up to `maxBytes`) and Content-Length, ETag and Last-Modified are dropped
 * because they describe the body before injection; Content-Length is set again when the whole
 * body arrives before the headers are written (`res.send`, `res.end(body)`), else the response
 * goes chunked. Anything else (JSON, HEAD, 204/304, ranges, encoded bodies) passes through.
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
  let chunks: Buffer[] = [];
  let size = 0;
  const removed = new Map<string, OutgoingHttpHeader>();

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
        if (value !== undefined) removed.set(name, value);
        res.removeHeader(name);
      }
      res.removeHeader('content-length');
      mode = 'buffer';
    } catch (error) {
      options.onError(error);
    }
  }

  /** Stops buffering for good: what was held goes out as it came. */
  function release(): boolean {
    mode = 'pass';
    const held = chunks;
    chunks = [];
    return held.length > 0 ? originalWrite.call(res, Buffer.concat(held)) : true;
  }

  function write(this: ServerResponse, ...args: unknown[]): boolean {
    if (ended) return originalWrite.apply(res, args);
    const { chunk, encoding, callback } = splitArgs(args);
    const buffer = toBuffer(chunk, encoding);
    // A chunk Node rejects must fail as it would without us: before any header is written.
    if (buffer === null) {
      if (mode === 'buffer') release();
      return originalWrite.apply(res, args);
    }
    // The decision must exist before the first chunk is buffered, and it is taken at writeHead.
    if (!res.headersSent) (res as ServerResponse & { _implicitHeader(): void })._implicitHeader();
    if (mode !== 'buffer') return originalWrite.apply(res, args);

    if (size + buffer.length > options.maxBytes) {
      skip(`body larger than ${options.maxBytes} bytes`);
      release();
      return originalWrite.apply(res, args);
    }
    chunks.push(buffer);
    size += buffer.length;
    if (callback) process.nextTick(callback);
    return true;
  }

  function end(this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (ended) return originalEnd.apply(res, args);
    const { chunk, encoding, callback } = splitArgs(args);
    const last = chunk === undefined || chunk === null ? Buffer.alloc(0) : toBuffer(chunk, encoding);
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
    chunks.push(last);
    size += last.length;
    const original = Buffer.concat(chunks);
    chunks = [];

    const body = size > options.maxBytes ? tooLarge(original) : injected(original);
    if (!res.headersSent) {
      // An explicit Transfer-Encoding and a Content-Length together are an invalid response.
      if (!res.hasHeader('transfer-encoding')) res.setHeader('Content-Length', body.length);
      if (body === original) for (const [name, value] of removed) res.setHeader(name, value);
    }
    return originalEnd.call(res, body, undefined, callback);
  }

  function tooLarge(original: Buffer): Buffer {
    skip(`body larger than ${options.maxBytes} bytes`);
    return original;
  }

  function injected(original: Buffer): Buffer {
    try {
      const result = insertBeforeBodyClose(original, options.snippet());
      if (result === null) skip('no </body>');
      return result ?? original;
    } catch (error) {
      options.onError(error);
      return original;
    }
  }

  onHeaders(res, decide);
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
