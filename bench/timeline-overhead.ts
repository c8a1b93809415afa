/**
 * Per-request cost of the timeline: a 10-middleware Express app driven in-process (a real
 * IncomingMessage/ServerResponse pair on a socket that discards what it is sent, so loopback
 * networking does not drown microseconds in noise), in three set-ups run in alternating rounds: no
 * toolbar, the toolbar without the timeline (`timeline: false, serverTiming: false`), the toolbar
 * with it. Reports medians over rounds: CPU µs per request, the timeline's extra µs, and the median of
 * the per-round ratios.
 *
 *   npx tsx bench/timeline-overhead.ts [rounds] [requests-per-round]
 */
import express from 'express';
import express4 from 'express4';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { debugToolbar } from '../server/index.js';

type Setup = 'bare' | 'toolbar' | 'timeline';
type App = ReturnType<typeof express>;

function buildApp(make: typeof express, setup: Setup): App {
  const app = make();
  if (setup === 'toolbar') app.use(debugToolbar({ enabled: true, timeline: false, serverTiming: false }));
  if (setup === 'timeline') app.use(debugToolbar({ enabled: true }));
  for (let i = 0; i < 10; i++) {
    app.use(function passAlong(_req, _res, next) {
      next();
    });
  }
  app.get('/', function answer(_req, res) {
    res.json({ ok: true });
  });
  return app;
}

function fakeSocket(): Socket {
  const socket = new Duplex({ write: (_chunk, _encoding, callback) => callback(), read() {} }) as unknown as Socket;
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  return socket;
}

function handle(app: App): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = fakeSocket();
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/';
    req.headers = { host: 'bench.local', accept: 'application/json' };
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => {
      res.detachSocket(socket);
      resolve();
    });
    (app as unknown as (q: IncomingMessage, s: ServerResponse, done: (error?: unknown) => void) => void)(
      req, res, (error) => (error ? reject(error) : reject(new Error('unhandled'))));
  });
}

/** CPU µs (user + system) per request: wall time on a shared machine mostly measures the neighbours. */
async function usPerRequest(app: App, requests: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < requests; i++) await handle(app);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / requests;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function measure(label: string, make: typeof express, rounds: number, requests: number) {
  const setups: Setup[] = ['bare', 'toolbar', 'timeline'];
  const apps = setups.map((setup) => buildApp(make, setup));
  for (const app of apps) await usPerRequest(app, 2000); // warm-up: JIT, first-request patching
  const samples: Record<Setup, number[]> = { bare: [], toolbar: [], timeline: [] };
  const ratios: number[] = [];
  const extra: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate the order each round so drift in the machine's load does not favour one set-up.
    const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    const result: Partial<Record<Setup, number>> = {};
    for (const index of order) result[setups[index]] = await usPerRequest(apps[index], requests);
    for (const setup of setups) samples[setup].push(result[setup]!);
    ratios.push(result.timeline! / result.toolbar!);
    extra.push(result.timeline! - result.toolbar!);
  }
  const fmt = (n: number) => n.toFixed(1);
  console.log(`${label}: CPU µs/request, median of ${rounds} rounds × ${requests} requests`);
  console.log(`  no toolbar            ${fmt(median(samples.bare))}`);
  console.log(`  toolbar, no timeline  ${fmt(median(samples.toolbar))}`);
  console.log(`  toolbar + timeline    ${fmt(median(samples.timeline))}`);
  console.log(`  timeline: +${fmt(median(extra))} µs/request (median of per-round differences), ` +
    `median ratio ${median(ratios).toFixed(3)}`);
}

const rounds = Number(process.argv[2] ?? 15);
const requests = Number(process.argv[3] ?? 1000);
await measure('Express 5', express, rounds, requests);
await measure('Express 4', express4 as unknown as typeof express, rounds, requests);
