/**
 * Issue 7, robustness with the `compression` middleware. Mounted before the toolbar, compression
 * wraps res.write/end first, so the toolbar's wrapper sees the page as the app wrote it and the
 * tag is compressed with the rest. Mounted after, the toolbar only sees gzip/brotli bytes and a
 * Content-Encoding, and must leave them alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import compression from 'compression';
import http from 'node:http';
import { brotliDecompressSync, createGunzip, gunzipSync } from 'node:zlib';
import { debugToolbar } from '../../server/index.js';
import { listen } from '../support/http.js';
import { turns, type Turns } from '../support/turns.js';

// Larger than compression's 1 kB threshold, with multibyte text and a decoy </body> in a comment.
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>Café 中文</title></head><body>' +
  '<!-- </body> -->' +
  Array.from({ length: 60 }, (_, i) => `<p>ligne ${i}: héllo wörld 中文 😀</p>`).join('\n') +
  '</body></html>';
const PAGE_BYTES = Buffer.from(PAGE, 'utf8');
const TAG = /<script [^>]*\bdata-debug-toolbar\b[^>]*><\/script>/g;

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** Raw bytes as sent: Node's http client does not decode Content-Encoding. */
function rawGet(url: string, acceptEncoding: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { accept: 'text/html', 'accept-encoding': acceptEncoding } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Reads gzip-compressed server-sent events, noting in `turn` each event once it can be decoded. */
function readEvents(url: string, turn: Turns): Promise<{ headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip' } }, (res) => {
      const gunzip = createGunzip();
      let text = '';
      let read = 0;
      gunzip.on('data', (part: Buffer) => {
        text += part.toString('utf8');
        while (read < EVENTS.length && text.length >= EVENTS.slice(0, read + 1).join('').length) {
          turn.note(`client read event ${read++}`);
        }
      });
      gunzip.on('end', () => resolve({ headers: res.headers, text }));
      gunzip.on('error', reject);
      res.pipe(gunzip);
    }).on('error', reject);
  });
}

function decode(response: Raw): Buffer {
  const length = response.headers['content-length'];
  if (length !== undefined) expect(Number(length)).toBe(response.body.length);
  switch (response.headers['content-encoding']) {
    case 'gzip': return gunzipSync(response.body);
    case 'br': return brotliDecompressSync(response.body);
    default: throw new Error(`expected a compressed response, got ${String(response.headers['content-encoding'])}`);
  }
}

/** The page with the one launcher tag of `decoded` inserted before its last </body>. */
function expectInjected(decoded: Buffer, requestId: string | string[] | undefined): void {
  const text = decoded.toString('utf8');
  const tags = [...text.matchAll(TAG)].map((m) => m[0]);
  expect(tags).toHaveLength(1);
  expect(tags[0]).toContain(`data-request-id="${String(requestId)}"`);
  const last = PAGE.lastIndexOf('</body>');
  expect(decoded.equals(Buffer.from(PAGE.slice(0, last) + tags[0] + PAGE.slice(last), 'utf8'))).toBe(true);
}

const EVENTS = ['data: 1 é\n\n', 'data: 2 </body>\n\n', 'data: 3 中\n\n'];
/** The app wrote each event only once the client had decoded the one before. */
const EVENTS_IN_TURN = EVENTS.flatMap((_, i) => [`server wrote event ${i}`, `client read event ${i}`]);

// Replaced by each server-sent events test, which takes turns with the route.
let turn: Turns = turns();

function routes(app: express.Express): void {
  // Server-sent events through compression: each event is pushed out with compression's res.flush().
  app.get('/events', async (_req, res) => {
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    for (const [i, event] of EVENTS.entries()) {
      if (i > 0) await turn.until(`client read event ${i - 1}`);
      turn.note(`server wrote event ${i}`);
      res.write(event);
      res.flush();
    }
    res.end();
  });
  app.get('/send', (_req, res) => { res.type('html').send(PAGE); });
  app.get('/stream', async (_req, res) => {
    res.type('html');
    // Cuts inside '中' (3 bytes) and inside the last '</body>'.
    const cut1 = PAGE_BYTES.indexOf(Buffer.from('中')) + 1;
    const cut2 = PAGE_BYTES.lastIndexOf(Buffer.from('</body>')) + 3;
    for (const part of [PAGE_BYTES.subarray(0, cut1), PAGE_BYTES.subarray(cut1, cut2), PAGE_BYTES.subarray(cut2)]) {
      res.write(part);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    res.end();
  });
}

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('compression mounted before the toolbar (%s)', (_name, lib) => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const app = lib();
    app.use(compression());
    app.use(debugToolbar({ enabled: true }));
    routes(app);
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['res.send', '/send', 'gzip'],
    ['res.send', '/send', 'br'],
    ['streamed res.write', '/stream', 'gzip'],
    ['streamed res.write', '/stream', 'br'],
  ])('%s (%s), %s: the response decompresses to the page with the tag', async (_how, path, encoding) => {
    const response = await rawGet(`${server.url}${path}`, encoding);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding);
    expectInjected(decode(response), response.headers['x-debug-toolbar-id']);
  });

  it('server-sent events are compressed, flushed one by one and untouched', async () => {
    turn = turns();
    const events = await readEvents(`${server.url}/events`, turn);
    expect(events.headers['content-encoding']).toBe('gzip');
    expect(events.text).toBe(EVENTS.join(''));
    expect(turn.order).toEqual(EVENTS_IN_TURN);
  });
});

describe('compression mounted after the toolbar', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true }));
    app.use(compression());
    routes(app);
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['/send', 'gzip'],
    ['/send', 'br'],
    ['/stream', 'gzip'],
    ['/stream', 'br'],
  ])('%s with %s: the toolbar leaves the encoded bytes alone, the page decompresses byte-identical', async (path, encoding) => {
    const response = await rawGet(`${server.url}${path}`, encoding);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding);
    // Still recorded, just not injected.
    expect(response.headers['x-debug-toolbar-id']).toBeTruthy();
    expect(decode(response).equals(PAGE_BYTES)).toBe(true);
  });

  it('server-sent events are compressed, flushed one by one and untouched', async () => {
    turn = turns();
    const events = await readEvents(`${server.url}/events`, turn);
    expect(events.headers['content-encoding']).toBe('gzip');
    expect(events.text).toBe(EVENTS.join(''));
    expect(turn.order).toEqual(EVENTS_IN_TURN);
  });
});
