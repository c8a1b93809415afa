import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debugToolbar } from '../../../server/index.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { expectWellNested, spanNamed } from '../../support/timeline.js';

const BODY_DELAY_MS = 40;

/** Answers headers at once and the body BODY_DELAY_MS later: the span must end at the body. */
function upstreamServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/missing')) {
      res.writeHead(404).end('no');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('head ');
    setTimeout(() => res.end('tail'), BODY_DELAY_MS);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('outbound HTTP on %s', (_name, express) => {
  let upstream: Awaited<ReturnType<typeof upstreamServer>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let closedPort: number;

  beforeAll(async () => {
    upstream = await upstreamServer();
    const spare = await upstreamServer();
    closedPort = (spare.server.address() as AddressInfo).port;
    await new Promise((resolve) => spare.server.close(resolve));

    const app = express();
    app.use(debugToolbar());
    app.get('/fetch', async function callsFetch(_req, res) {
      const response = await fetch(`${upstream.url}/slow?q=cats&token=s3cr3t&api_key=k`);
      const text = await response.text();
      const missing = await fetch(`${upstream.url}/missing`);
      await missing.text();
      res.json({ text, missing: missing.status });
    });
    app.get('/http', async function callsHttp(_req, res) {
      const { status, body } = await httpGet(`${upstream.url}/slow?password=hunter2&page=2`);
      res.json({ status, body });
    });
    app.get('/failing', async function callsNowhere(_req, res) {
      const fetched = await fetch(`http://127.0.0.1:${closedPort}/down?signature=abc`).then(() => 'ok', () => 'failed');
      const got = await httpGet(`http://127.0.0.1:${closedPort}/down`).then(() => 'ok', () => 'failed');
      res.json({ fetched, got });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  it('records fetch calls with status, redacted query string and the time to the end of the body', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/fetch');
    expect(JSON.parse(body)).toEqual({ text: 'head tail', missing: 404 });
    const calls = detail.panels.timeline!.spans.filter((span) => span.kind === 'http');
    expect(calls.map((span) => [span.name, span.detail])).toEqual([
      [`GET ${upstream.url}/slow?q=cats&token=[redacted]&api_key=[redacted]`, '200'],
      [`GET ${upstream.url}/missing`, '404'],
    ]);
    // Headers come at once, the body BODY_DELAY_MS later: the span covers the body.
    expect(calls[0].durationMs).toBeGreaterThanOrEqual(BODY_DELAY_MS * 0.75);
    expect(calls[0].parentId).toBe(spanNamed(detail.panels.timeline!.spans, 'callsFetch').id);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('records http.get calls the same way', async () => {
    const { detail } = await fetchRecorded(server.url, '/http');
    const call = spanNamed(detail.panels.timeline!.spans, /^GET http:/);
    expect(call).toMatchObject({
      kind: 'http', name: `GET ${upstream.url}/slow?password=[redacted]&page=2`, detail: '200',
      parentId: spanNamed(detail.panels.timeline!.spans, 'callsHttp').id,
    });
    expect(call.durationMs).toBeGreaterThanOrEqual(BODY_DELAY_MS * 0.75);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('records failed calls, and the app still handles their errors', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/failing');
    expect(JSON.parse(body)).toEqual({ fetched: 'failed', got: 'failed' });
    const calls = detail.panels.timeline!.spans.filter((span) => span.kind === 'http');
    expect(calls.map((span) => span.name)).toEqual([
      `GET http://127.0.0.1:${closedPort}/down?signature=[redacted]`, `GET http://127.0.0.1:${closedPort}/down`,
    ]);
    expect(calls[0].detail).toMatch(/^failed: /);
    expectWellNested(detail.panels.timeline!.spans);
  });
});
