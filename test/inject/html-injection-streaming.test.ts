import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { interceptHtml } from '../../server/inject/html-injection.js';
import { turns, type Turns } from '../support/turns.js';

// Streamed pages go out as they are written; only what may hold the last </body> waits for end.
const SNIPPET = '<script data-test-snippet></script>';
const MAX_BYTES = 5 * 1024 * 1024;
const count = (text: string, part: string) => text.split(part).length - 1;

// BOM, then characters whose UTF-16LE bytes read `</body> ` in ASCII: U+2F3C U+6F62 U+7964 U+203E.
const UTF16_PAGE = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('<html><body><p>\u2F3C\u6F62\u7964\u203E</p></body></html>', 'utf16le'),
]);
const BIG_CHUNK = 64 * 1024;
const BIG_PAGE = Buffer.from(`<html><body>${'abcdefgh'.repeat((3 * 1024 * 1024) / 8)}</body></html>`);
const NO_BODY_CLOSE = Buffer.from(`<html><body>${'<p>é</p><'.repeat(500)}</html>`);

interface Received { headers: http.IncomingHttpHeaders; body: Buffer; arrivals: Buffer[] }

/**
 * GET over a real socket, keeping each piece as it arrived; `slow` pauses after each piece, and
 * `onData` sees everything read so far, after each piece.
 */
function receive(url: string, slow = false, onData?: (soFar: Buffer) => void): Promise<Received> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const arrivals: Buffer[] = [];
      res.on('data', (data: Buffer) => {
        arrivals.push(data);
        onData?.(Buffer.concat(arrivals));
        if (slow) {
          res.pause();
          setTimeout(() => res.resume(), 2);
        }
      });
      res.on('end', () => resolve({ headers: res.headers, arrivals, body: Buffer.concat(arrivals) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Writes chunks one by one, waiting for 'drain' whenever write() asks to. */
async function writeAll(res: express.Response, chunks: Buffer[], log?: boolean[]): Promise<void> {
  for (const chunk of chunks) {
    const ok = res.write(chunk);
    log?.push(ok);
    if (!ok) await new Promise((resolve) => res.once('drain', resolve));
  }
}

function split(body: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
  return chunks;
}

describe('interceptHtml streaming (Express 5, real sockets)', () => {
  let base = '';
  let server: http.Server;
  const writeReturns: boolean[] = [];
  // Replaced by each test that takes turns with its route.
  let turn: Turns = turns();

  beforeAll(async () => {
    const app = express();
    app.use((req, res, next) => {
      interceptHtml(req, res, { snippet: () => SNIPPET, maxBytes: MAX_BYTES, onError: (e) => { throw e; } });
      next();
    });
    app.get('/slow', async (_req, res) => {
      res.type('html');
      turn.note('server wrote head');
      res.write('<html><body><h1>Head</h1>');
      await turn.until('client read head');
      turn.note('server wrote rest');
      res.write('<p>rest</p>');
      res.end('</body></html>');
    });
    app.get('/split', (_req, res) => {
      res.type('html');
      res.write('<html><body><p>x</p></bo');
      res.write('dy>');
      res.end('</html>');
    });
    app.get('/several', async (_req, res) => {
      res.type('html');
      for (const part of ['<html><body><template></body></template>', '<p>a</BODY>b</p>', '<p>c</p></body>', '</html>']) {
        res.write(part);
        await sleep(5);
      }
      res.end();
    });
    app.get('/no-body-close', async (_req, res) => {
      res.type('html');
      const [first, ...rest] = split(NO_BODY_CLOSE, Math.ceil(NO_BODY_CLOSE.length / 10));
      turn.note('server wrote the first chunk');
      res.write(first);
      await turn.until('client read bytes');
      turn.note('server wrote the rest');
      for (const chunk of rest) {
        res.write(chunk);
        await sleep(2);
      }
      res.end();
    });
    app.get('/send', (_req, res) => {
      res.send('<html><body><p>é</p></body></html>');
    });
    app.get('/utf16', (_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.send(UTF16_PAGE);
    });
    app.get('/utf16-stream', (_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.write(UTF16_PAGE.subarray(0, 1));
      res.write(UTF16_PAGE.subarray(1, 9));
      res.end(UTF16_PAGE.subarray(9));
    });
    app.get('/big', async (_req, res) => {
      res.type('html');
      await writeAll(res, split(BIG_PAGE, BIG_CHUNK), writeReturns);
      res.end();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('(a) sends the head of a page at once, and the tag once before </body> at the end', async () => {
    turn = turns();
    const got = await receive(`${base}/slow`, false, (soFar) => {
      if (soFar.includes('<h1>Head</h1>') && !turn.order.includes('client read head')) turn.note('client read head');
    });
    // The route wrote the rest only once the client had the head: it was not held for the end.
    expect(turn.order).toEqual(['server wrote head', 'client read head', 'server wrote rest']);
    const text = got.body.toString();
    expect(text).toBe(`<html><body><h1>Head</h1><p>rest</p>${SNIPPET}</body></html>`);
    expect(got.headers['transfer-encoding']).toBe('chunked');
    expect(got.headers['content-length']).toBeUndefined();
  });

  it('(b) finds a </body> split across two writes', async () => {
    const text = (await receive(`${base}/split`)).body.toString();
    expect(text).toBe(`<html><body><p>x</p>${SNIPPET}</body></html>`);
    expect(count(text, SNIPPET)).toBe(1);
  });

  it('(c) puts the tag before the last of several </body> in different chunks', async () => {
    const text = (await receive(`${base}/several`)).body.toString();
    expect(text).toBe(`<html><body><template></body></template><p>a</BODY>b</p><p>c</p>${SNIPPET}</body></html>`);
  });

  it('(d) streams a page without </body> byte-identical', async () => {
    turn = turns();
    const got = await receive(`${base}/no-body-close`, false, () => {
      if (!turn.order.includes('client read bytes')) turn.note('client read bytes');
    });
    expect(got.body.equals(NO_BODY_CLOSE)).toBe(true);
    // Bytes of the first chunk reached the client before the route wrote the second.
    expect(turn.order).toEqual(['server wrote the first chunk', 'client read bytes', 'server wrote the rest']);
  });

  it('(e) keeps res.send with a Content-Length of the injected body', async () => {
    const got = await receive(`${base}/send`);
    const expected = Buffer.from(`<html><body><p>é</p>${SNIPPET}</body></html>`);
    expect(got.body.equals(expected)).toBe(true);
    expect(Number(got.headers['content-length'])).toBe(expected.length);
  });

  it.each(['/utf16', '/utf16-stream'])('(f) leaves %s (UTF-16LE with a BOM, no charset) byte-identical', async (path) => {
    const got = await receive(`${base}${path}`);
    expect(got.body.equals(UTF16_PAGE)).toBe(true);
  });

  it('(g) completes a 3 MB page written in 64 KB chunks to a slow reader, honoring backpressure', async () => {
    writeReturns.length = 0;
    const got = await receive(`${base}/big`, true);
    const expected = Buffer.from(BIG_PAGE.toString().replace('</body>', `${SNIPPET}</body>`));
    expect(got.body.length).toBe(expected.length);
    expect(got.body.equals(expected)).toBe(true);
    expect(writeReturns).toContain(false);
  });
});
