import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import express4 from 'express4';
import pino from 'pino';
import winston from 'winston';
import createDebug from 'debug';
import Database from 'better-sqlite3';
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { LogsDetail } from '../../../server/panels/logs/types.js';
import { MAX_LOGS_PER_REQUEST } from '../../../server/panels/logs/entries.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { launcherBadges } from '../../support/launcher-badges.js';

/**
 * Issue 15, part 3: the Logs panel. Real console, pino, winston and debug, in real Express 4 and 5
 * apps, with real better-sqlite3 queries between the lines.
 */
const ROUTES = fileURLToPath(new URL('../../fixtures/logs/routes.cjs', import.meta.url));
const addRoutes = createRequire(import.meta.url)(ROUTES) as (app: express.Express, deps: object) => void;

/** Where a logged line was written: the routes' line of `marker` (a comment at the end of the line). */
function lineOf(marker: string): number {
  const index = readFileSync(ROUTES, 'utf8').split('\n').findIndex((line) => line.includes(`// ${marker}`));
  if (index < 0) throw new Error(`no line marked ${marker}`);
  return index + 1;
}

const sink = () => new Writable({ write(_chunk, _encoding, done) { done(); } });

describe.each([[5, express], [4, express4 as unknown as typeof express]])('the Logs panel on Express %i', (_version, makeApp) => {
  let base: string;
  let close: () => Promise<void>;
  const db = new Database(':memory:');
  const logger = pino({ level: 'info' }, sink());
  const requestLogger = logger.child({ component: 'orders' });
  const wlogger = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream: sink() })] });
  const trace = createDebug('shop:db');
  const quiet = vi.spyOn(process.stderr, 'write');
  const consoleOutput: unknown[][] = [];

  beforeAll(async () => {
    createDebug.enable('shop:*');
    // The app's own console keeps working: what it prints still reaches the terminal.
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void consoleOutput.push(args));
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void consoleOutput.push(args));
    db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER); INSERT INTO orders VALUES (1, 10), (2, 20);");
    const app = makeApp();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database, pino, winston, debug: createDebug } }));
    addRoutes(app, { db, requestLogger, wlogger, trace });
    app.get('/quiet', (_req, res) => res.json({ ok: true }));
    app.get('/review', (_req, res) => {
      console.trace('traced');
      console.log(JSON.stringify({ password: 'hunter22', user: 'ada' }));
      console.log('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig');
      logger.error(new Error('login failed password=hunter2'));
      logger.info({ url: '/reset?token=abc12345', rawHeaders: ['host', 'x', 'authorization', 'Bearer SEKRET-TOKEN-123'] }, 'request');
      res.json({ ok: true });
    });
    app.get('/printed', (_req, res) => {
      console.log('\x1b[31m%s\x1b[0m', 'in red');
      console.log({ cookie: { path: '/', token: 'abcd1234' }, user: 'ada' });
      res.json({ ok: true });
    });
    app.get('/flood', (_req, res) => {
      for (let i = 0; i < MAX_LOGS_PER_REQUEST + 25; i++) console.log('line', i);
      res.json({ ok: true });
    });
    ({ url: base, close } = await listen(app));
  });

  afterAll(async () => {
    await close();
    vi.restoreAllMocks();
    quiet.mockRestore();
  });

  it('records every logger in order, with level, call site and redacted fields', async () => {
    const { detail, body } = await fetchRecorded(base, '/orders');
    const logs = detail.panels.logs as LogsDetail;
    expect(logs.entries.map((e) => [e.source, e.level])).toEqual([
      ['console', 'log'], ['pino', 'info'], ['winston', 'warn'], ['debug', 'debug'], ['console', 'warn'],
    ]);
    const [log, info, warn, debugLine, consoleWarn] = logs.entries;
    expect(log.message).toBe('listing 2 orders');
    expect(info.message).toBe('orders read');
    expect(info.fields).toEqual({ component: 'orders', count: 2, password: '[redacted]' });
    expect(warn.message).toBe('slow orders for ada');
    expect(warn.fields).toMatchObject({ userId: 7, apiToken: '[redacted]' });
    expect(debugLine.namespace).toBe('shop:db');
    expect(debugLine.message).toContain('fetched');
    expect(consoleWarn.message).toBe('login failed password=[redacted] for ada');
    // Each line points at the app's own line that logged it.
    expect([log, info, warn, debugLine, consoleWarn].map((e) => e.callSite?.line)).toEqual(
      ['console-log', 'pino-info', 'winston-warn', 'debug-line', 'console-warn'].map(lineOf),
    );
    expect(log.callSite?.file).toBe(ROUTES);
    // In time order, and the query between the first two lines.
    const times = logs.entries.map((e) => e.timeMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(detail.panels.sql!.queries[0].startMs).toBeGreaterThanOrEqual(log.timeMs);
    expect(detail.panels.sql!.queries[0].startMs).toBeLessThanOrEqual(info.timeMs);
    // The launcher's badge says 2 warnings (winston's and console's).
    expect(launcherBadges(body).find((badge) => badge.id === 'logs')).toEqual({ id: 'logs', text: '2 warnings', tone: 'warn' });
    // The app's console still printed its lines.
    expect(consoleOutput.some((args) => args[0] === 'listing %d orders')).toBe(true);
  });

  // Found on a real app: colour codes were kept, and `cookie: {` lost its brace to the redaction.
  it('strips colour codes, and redacts inside a printed object without breaking it', async () => {
    const { detail } = await fetchRecorded(base, '/printed');
    const [red, object] = (detail.panels.logs as LogsDetail).entries.map((e) => e.message);
    expect(red).toBe('in red');
    expect(object).toContain("cookie: { path: '/', token: '[redacted]' }");
    expect(object).not.toContain('abcd1234');
  });

  // Found by a review: a trace was a trace and an error (a false warning), and secrets in JSON
  // text, auth headers, an error's message in fields and raw header lists were stored.
  it('records a trace once, and redacts JSON names, auth credentials, field texts and header lists', async () => {
    const { detail } = await fetchRecorded(base, '/review');
    const entries = (detail.panels.logs as LogsDetail).entries;
    expect(entries.map((e) => e.level)).toEqual(['trace', 'log', 'log', 'error', 'info']);
    expect(entries[1].message).toBe('{"password":"[redacted]","user":"ada"}');
    expect(entries[2].message).toBe('Authorization: [redacted]');
    const stored = JSON.stringify(detail.panels.logs);
    for (const secret of ['hunter2', 'abc12345', 'SEKRET-TOKEN-123', 'eyJhbGciOiJIUzI1NiJ9']) expect(stored).not.toContain(secret);
  });

  it('does not format what is logged outside a request, nor throws on what winston accepts', async () => {
    let inspected = 0;
    const custom = { [Symbol.for('nodejs.util.inspect.custom')]: () => `inspected ${++inspected}` };
    // The app's console.log is mocked here and formats nothing: only the toolbar could have.
    console.log(custom);
    expect(inspected).toBe(0);
    expect(() => wlogger.log({ level: 'info', message: Object.create(null) as string })).not.toThrow();
  });

  it('stores nothing for a request that logs nothing, and no badge', async () => {
    const { detail } = await fetchRecorded(base, '/quiet');
    expect(detail.panels.logs).toBeUndefined();
  });

  it('keeps at most the limit per request and counts the rest', async () => {
    const { detail } = await fetchRecorded(base, '/flood');
    const logs = detail.panels.logs as LogsDetail;
    expect(logs.entries).toHaveLength(MAX_LOGS_PER_REQUEST);
    expect(logs.dropped).toBe(25);
  });

  it('records nothing logged outside a request, and not its own warnings', async () => {
    console.log('at start-up');
    const { detail } = await fetchRecorded(base, '/quiet');
    expect(detail.panels.logs).toBeUndefined();
  });
});

describe('instrument keys of the Logs panel', () => {
  it('says what to pass when a logger key holds something else', () => {
    expect(() => debugToolbar({ enabled: true, instrument: { pino: {} as never } })).toThrow(/`instrument.pino` must be the pino module/);
    expect(() => debugToolbar({ enabled: true, instrument: { winston: 3 as never } })).toThrow(/`instrument.winston` must be the winston module/);
  });
});
