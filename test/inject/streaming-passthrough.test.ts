/**
 * Issue 7, robustness: what the toolbar must not touch is passed through as the app wrote it, and
 * as it wrote it: server-sent events arrive while the app is still writing, files and JSON keep
 * every byte, and an HTML page larger than `maxInjectBytes` is served unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../server/index.js';
import { listen } from '../support/http.js';
import { turns, type Turns } from '../support/turns.js';

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/**
 * Raw bytes as sent. With `stallMs`, the client reads nothing for that long first, so the server
 * meets backpressure; `onData` sees the bytes read so far, after each piece.
 */
function rawGet(
  url: string, accept = 'text/html,*/*', stallMs = 0, extra: Record<string, string> = {}, onData?: (soFar: Buffer) => void,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { accept, ...extra } }, (res) => {
      if (stallMs > 0) {
        res.pause();
        setTimeout(() => res.resume(), stallMs);
      }
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => {
        parts.push(part);
        onData?.(Buffer.concat(parts));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TAG = /<script [^>]*\bdata-debug-toolbar\b[^>]*><\/script>/;

const EVENTS = ['event: tick\ndata: 1 é\n\n', 'event: tick\ndata: 2 </body>\n\n', 'event: tick\ndata: 3 中\n\n'];
const MAX_INJECT = 64 * 1024;

// A JSON document holding an HTML string, cut inside '</body>' and inside 'é'.
const JSON_TEXT = JSON.stringify({ html: '<html><body>é</body></html>', items: [1, 2, 3] });
const JSON_BYTES = Buffer.from(JSON_TEXT, 'utf8');
const CUT_E = JSON_BYTES.indexOf(Buffer.from('é')) + 1;
const CUT_BODY = JSON_BYTES.indexOf(Buffer.from('</body>')) + 4;
const JSON_PARTS = [JSON_BYTES.subarray(0, CUT_E), JSON_BYTES.subarray(CUT_E, CUT_BODY), JSON_BYTES.subarray(CUT_BODY)];

let dir = '';
let binary: Buffer;
let binaryPath = '';
let bigHtml: Buffer;
let smallHtml: Buffer;
let largeHtml: Buffer;
let streamHtml: Buffer;
let largeHtmlPath = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edt-passthrough-'));
  // ~5 MB of random bytes with HTML-looking bytes inside, which must not matter for a binary type.
  binary = Buffer.concat([randomBytes(2_500_000), Buffer.from('<html><body></body></html>'), randomBytes(2_742_854)]);
  binaryPath = join(dir, 'blob.bin');
  writeFileSync(binaryPath, binary);
  // 200 kB of HTML, over maxInjectBytes; a small page in the same directory as a control.
  const row = '<p>héllo wörld 中文 😀 </p>\n';
  bigHtml = Buffer.from(`<!doctype html><html><body>${row.repeat(Math.ceil(200 * 1024 / Buffer.byteLength(row)))}</body></html>`);
  smallHtml = Buffer.from('<!doctype html><html><body><p>small é</p></body></html>');
  writeFileSync(join(dir, 'big.html'), bigHtml);
  writeFileSync(join(dir, 'small.html'), smallHtml);
  // 3 MB of HTML, under the default maxInjectBytes, with a decoy </body> near the start: from there
  // on a streaming toolbar has to hold the page back until it knows which </body> is the last.
  const para = '<p>Ünïcödé 中文 😀 paragraph</p>\n';
  largeHtml = Buffer.from(`<!doctype html><html><body><!-- </BODY> -->${para.repeat(Math.ceil(3_000_000 / Buffer.byteLength(para)))}</body></html>`);
  // The same without the decoy: it can go out as it is written, so its writer meets backpressure.
  streamHtml = Buffer.from(largeHtml.toString('utf8').replace('<!-- </BODY> -->', ''));
  largeHtmlPath = join(dir, 'large.html');
  writeFileSync(largeHtmlPath, largeHtml);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('pass-through (%s)', (_name, lib) => {
  let server: Awaited<ReturnType<typeof listen>>;
  let largeServer: Awaited<ReturnType<typeof listen>>;
  // Replaced by each server-sent events test, which takes turns with the route.
  let turn: Turns = turns();
  let drainWaits = 0;

  beforeAll(async () => {
    const app = lib();
    app.use(debugToolbar({ enabled: true, maxInjectBytes: MAX_INJECT }));
    app.get('/events', async (req, res) => {
      res.setHeader('Content-Type', 'text/event-stream');
      res.setHeader('Cache-Control', 'no-cache');
      // Without flushHeaders, the first write sends the headers.
      if (req.query.noflush === undefined) res.flushHeaders();
      for (const [i, event] of EVENTS.entries()) {
        if (i > 0) await turn.until(`client read event ${i - 1}`);
        turn.note(`server wrote event ${i}`);
        res.write(event);
      }
      res.end();
    });
    app.get('/download', (_req, res) => { res.download(binaryPath, 'blob.bin'); });
    app.get('/send-file', (_req, res) => { res.sendFile(binaryPath); });
    app.use('/static', lib.static(dir));
    app.get('/json-chunks', async (_req, res) => {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      for (const part of JSON_PARTS) {
        res.write(part);
        await sleep(2);
      }
      res.end();
    });
    server = await listen(app);

    // The default maxInjectBytes (5 MB), for pages that must get the tag.
    const large = lib();
    large.use(debugToolbar({ enabled: true }));
    large.get('/large-file', (_req, res) => { res.sendFile(largeHtmlPath); });
    large.get('/large-drain', async (_req, res) => {
      res.type('html');
      drainWaits = 0;
      for (let at = 0; at < streamHtml.length; at += 16 * 1024) {
        if (!res.write(streamHtml.subarray(at, at + 16 * 1024))) {
          drainWaits++;
          await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
    });
    largeServer = await listen(large);
  });
  afterAll(async () => {
    await server.close();
    await largeServer.close();
  });

  it.each([
    ['after flushHeaders', '/events'],
    ['without flushHeaders', '/events?noflush'],
  ])('server-sent events (%s) reach the client as they are written, untouched', async (_label, path) => {
    turn = turns();
    let read = 0;
    const response = await rawGet(`${server.url}${path}`, 'text/event-stream', 0, {}, (soFar) => {
      // Each event counts as read once all its bytes are in, as an EventSource would dispatch it.
      while (read < EVENTS.length && soFar.length >= Buffer.byteLength(EVENTS.slice(0, read + 1).join(''))) {
        turn.note(`client read event ${read++}`);
      }
    });
    expect(response.status).toBe(200);
    expect(response.body.equals(Buffer.from(EVENTS.join(''), 'utf8'))).toBe(true);
    // The app wrote each event only once the client had read the one before: none waited for the end.
    expect(turn.order).toEqual(EVENTS.flatMap((_, i) => [`server wrote event ${i}`, `client read event ${i}`]));
  });

  it.each([
    ['res.download', '/download'],
    ['res.sendFile', '/send-file'],
  ])('%s of a 5 MB binary file is byte-identical, with its Content-Length', async (_label, path) => {
    const response = await rawGet(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/octet-stream/);
    expect(response.headers['content-length']).toBe(String(binary.length));
    expect(response.body.length).toBe(binary.length);
    expect(sha256(response.body)).toBe(sha256(binary));
    if (path === '/download') expect(response.headers['content-disposition']).toContain('blob.bin');
  });

  it('express.static of an HTML page over maxInjectBytes is byte-identical', async () => {
    const response = await rawGet(`${server.url}/static/big.html`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(bigHtml.length).toBeGreaterThan(3 * MAX_INJECT);
    const length = response.headers['content-length'];
    if (length !== undefined) expect(Number(length)).toBe(response.body.length);
    expect(response.body.equals(bigHtml)).toBe(true);
  });

  it('express.static of a page under maxInjectBytes, from the same directory, gets the tag', async () => {
    const response = await rawGet(`${server.url}/static/small.html`);
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toMatch(TAG);
    const tag = TAG.exec(response.body.toString('utf8'))![0];
    expect(response.body.toString('utf8')).toBe(smallHtml.toString('utf8').replace('</body>', `${tag}</body>`));
    const length = response.headers['content-length'];
    if (length !== undefined) expect(Number(length)).toBe(response.body.length);
  });

  it.each([
    ['res.sendFile', '/large-file'],
    ['res.write honouring drain', '/large-drain'],
  ])('a 3 MB page by %s to a client that stalls completes, with the tag before its last </body>', async (_label, path) => {
    const response = await rawGet(`${largeServer.url}${path}`, 'text/html', 300);
    expect(response.status).toBe(200);
    const length = response.headers['content-length'];
    if (length !== undefined) expect(Number(length)).toBe(response.body.length);
    const text = response.body.toString('utf8');
    const tag = TAG.exec(text)?.[0];
    expect(tag).toBeDefined();
    const original = (path === '/large-drain' ? streamHtml : largeHtml).toString('utf8');
    const last = original.lastIndexOf('</body>');
    expect(text === original.slice(0, last) + tag! + original.slice(last)).toBe(true);
    // The app really met backpressure, and 'drain' came every time it waited.
    if (path === '/large-drain') expect(drainWaits).toBeGreaterThan(0);
  });

  it('a range of an HTML page (206) is exactly those bytes', async () => {
    const response = await rawGet(`${server.url}/static/small.html`, 'text/html', 0, { range: `bytes=10-${smallHtml.length - 1}` });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 10-${smallHtml.length - 1}/${smallHtml.length}`);
    expect(response.headers['content-length']).toBe(String(smallHtml.length - 10));
    expect(response.body.equals(smallHtml.subarray(10))).toBe(true);
  });

  it('a JSON response written in chunks is untouched', async () => {
    const response = await rawGet(`${server.url}/json-chunks`, 'application/json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.equals(Buffer.concat(JSON_PARTS.map((p) => Buffer.from(p))))).toBe(true);
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ html: '<html><body>é</body></html>', items: [1, 2, 3] });
  });
});
