import { describe, expect, it } from 'vitest';
import express from 'express';
import Database from 'better-sqlite3';
import { debugToolbar } from '../../server/index.js';
import { DEFAULT_REDACT_COLUMNS, DEFAULT_REDACT_NAMES } from '../../server/security/redact.js';
import { fetchRecorded, listen } from '../support/http.js';

/*
 * Which SQL columns are secret (issue 18 part 5): `redactColumns`, narrower than `redactNames` by
 * default, and what `redactNames` adds to its defaults applies to columns when `redactColumns` is
 * absent. Real Express apps on better-sqlite3.
 */

const SECRET = 'hunter2-S3CRET-value';

describe('the redactColumns option', () => {
  it('redactColumns decides which columns are secret; redactNames additions apply to columns when it is absent', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE people (id integer PRIMARY KEY, ssn text, password text, key text)');
    const run = () => {
      db.prepare('INSERT INTO people (ssn, password, key) VALUES (?, ?, ?)').run('123-45-6789', SECRET, 'k-1');
    };
    const cases: [Parameters<typeof debugToolbar>[0], unknown[]][] = [
      [{}, ['123-45-6789', '[redacted]', 'k-1']],
      [{ redactNames: [...DEFAULT_REDACT_NAMES, 'ssn'] }, ['[redacted]', '[redacted]', 'k-1']],
      [{ redactColumns: ['ssn'] }, ['[redacted]', SECRET, 'k-1']],
      [{ redactColumns: [...DEFAULT_REDACT_COLUMNS, 'key'], redactNames: [...DEFAULT_REDACT_NAMES, 'ssn'] }, ['123-45-6789', '[redacted]', '[redacted]']],
    ];
    try {
      for (const [options, params] of cases) {
        const app = express();
        app.use(debugToolbar({ instrument: { betterSqlite3: Database }, ...options }));
        app.get('/', (_req, res) => {
          run();
          res.json({});
        });
        const server = await listen(app);
        try {
          const { detail } = await fetchRecorded(server.url, '/');
          expect({ options, params: detail.panels.sql!.queries[0].params }).toEqual({ options, params });
        } finally {
          await server.close();
        }
      }
    } finally {
      db.close();
    }
  });

  it.each([
    [{ redactColumns: 'password' }, /redactColumns.*array/],
    [{ redactColumns: [7] }, /redactColumns.*strings/],
  ])('%j is rejected with a clear TypeError', (options, message) => {
    expect(() => debugToolbar({ enabled: true, ...(options as object) })).toThrow(message);
  });

});
