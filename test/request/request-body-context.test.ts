import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import { debugToolbar } from '../../server/index.js';
import { listen, waitForRecord } from '../support/http.js';

/*
 * Found on a real Express 4.17 app (body-parser 1.19, raw-body 2.4.0): a POST whose body was
 * parsed before any query lost the request's context, and its queries were recorded nowhere.
 * raw-body 2.5 rebinds its callback; older parsers, and apps reading the body themselves, do not.
 */
describe.each([[5, express], [4, express4 as unknown as typeof express]])('queries after the body is read (Express %i)', (_version, makeApp) => {
  let base: string;
  let close: () => Promise<void>;
  const db = new Database(':memory:');

  beforeAll(async () => {
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    const app = makeApp();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    // A parser as raw-body 2.4 was: its callback runs from the stream's 'end' event, unbound.
    app.use((req, _res, next) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        (req as unknown as { text: string }).text = body;
        next();
      });
    });
    app.post('/notes', (req, res) => {
      db.prepare('INSERT INTO notes (text) VALUES (?)').run((req as unknown as { text: string }).text);
      res.json({ count: (db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n });
    });
    ({ url: base, close } = await listen(app));
  });
  afterAll(() => close());

  it('records them in the request', async () => {
    const response = await fetch(`${base}/notes`, { method: 'POST', body: 'hello' });
    const id = response.headers.get('x-debug-toolbar-id')!;
    await response.text();
    const stored = await waitForRecord(base, id);
    expect(stored.panels.sql!.queries.map((q) => q.sql)).toEqual(['INSERT INTO notes (text) VALUES (?)', 'SELECT count(*) AS n FROM notes']);
  });
});
