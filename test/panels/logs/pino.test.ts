import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pino from 'pino';
import { Writable } from 'node:stream';
import { debugToolbar } from '../../../server/index.js';
import type { LogsDetail } from '../../../server/panels/logs/types.js';
import { fetchRecorded, listen } from '../../support/http.js';

/**
 * pino's own `redact` paths and serializers in the Logs panel: the fields it shows are those of
 * the line pino wrote, not the object the app passed. Before, the panel copied the raw object: a
 * serializer's leaving out (an email) and a redacted path whose name is no secret of ours
 * (`customer.ssn`) were shown.
 */
describe('pino\'s redaction and serializers in the Logs panel', () => {
  const written: string[] = [];
  const logger = pino({
    level: 'info',
    redact: ['password', 'customer.ssn'],
    serializers: { user: (user: { id: number; email: string }) => ({ id: user.id }) },
  }, new Writable({ write(chunk, _encoding, done) { written.push(String(chunk)); done(); } }));
  const child = logger.child({ component: 'checkout' });
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { pino } }));
    app.get('/checkout', (_req, res) => {
      child.info({ user: { id: 7, email: 'ada@example.com' }, customer: { name: 'Ada', ssn: '078-05-1120' }, password: 'hunter2', total: 12 }, 'paid %d', 12);
      res.json({ ok: true });
    });
    ({ url: base, close } = await listen(app));
  });
  afterAll(() => close());

  it('shows the fields as pino wrote them: serialized, its paths redacted, with the child\'s bindings', async () => {
    const { detail } = await fetchRecorded(base, '/checkout');
    const [entry] = (detail.panels.logs as LogsDetail).entries;
    expect(entry).toMatchObject({ level: 'info', message: 'paid 12', source: 'pino' });
    expect(entry.fields).toEqual({
      component: 'checkout',
      user: { id: 7 },
      customer: { name: 'Ada', ssn: '[Redacted]' },
      // pino's censor, then ours: `password` is a secret's name here too.
      password: '[redacted]',
      total: 12,
    });
    const stored = JSON.stringify(detail.panels.logs);
    for (const secret of ['ada@example.com', '078-05-1120', 'hunter2']) expect(stored).not.toContain(secret);
    // The app's own output is pino's, unchanged.
    expect(JSON.parse(written.at(-1)!)).toMatchObject({ msg: 'paid 12', customer: { ssn: '[Redacted]' }, user: { id: 7 } });
  });
});

/**
 * Fields are copied (bounded, secrets' names redacted) once, when the line is logged. They were
 * bounded a second time when the request finished, which cut the notes of the first: a long
 * string's "[N more characters]" became a wrong count, a long list's "… N more" became "… 1 more".
 */
describe('bounded fields in the Logs panel', () => {
  const logger = pino({ level: 'info' }, new Writable({ write(_chunk, _encoding, done) { done(); } }));
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { pino } }));
    app.get('/big', (_req, res) => {
      logger.info({ note: 'x'.repeat(1200), ids: Array.from({ length: 80 }, (_, i) => i), apiKey: 'k-123' }, 'big');
      res.json({ ok: true });
    });
    ({ url: base, close } = await listen(app));
  });
  afterAll(() => close());

  it('keeps the notes of what was left out, and redacts names as before', async () => {
    const { detail } = await fetchRecorded(base, '/big');
    const { fields } = (detail.panels.logs as LogsDetail).entries[0];
    expect(fields!.note).toBe(`${'x'.repeat(500)}… [700 more characters]`);
    expect(fields!.ids).toEqual([...Array.from({ length: 50 }, (_, i) => i), '… 30 more']);
    expect(fields!.apiKey).toBe('[redacted]');
  });
});

