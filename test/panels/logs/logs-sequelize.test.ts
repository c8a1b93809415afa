import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { debugToolbar } from '../../../server/index.js';
import type { LogsDetail } from '../../../server/panels/logs/types.js';
import { createTestSchema, postgresAvailable } from '../../support/postgres.js';
import { fetchRecorded, listen } from '../../support/http.js';

const available = await postgresAvailable();

/*
 * Found on a real app: Sequelize keeps its own reference to console.log (its default `logging`),
 * taken when the app creates it, before debugToolbar() patches the console; its "Executing
 * (default): …" lines never reached the Logs tab.
 */
describe.skipIf(!available)('Sequelize\'s own SQL logging in the Logs tab', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let base: string;
  let close: () => Promise<void>;
  let sequelize: Sequelize;

  beforeAll(async () => {
    schema = await createTestSchema('edt_logs_seq');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    // Created first, with Sequelize's default logging, as apps do.
    sequelize = new Sequelize(schema.connection.connectionString, { dialectModule: pg, dialectOptions: { options: schema.connection.options } });
    const app = express();
    app.use(debugToolbar({ instrument: { pg, sequelize } }));
    app.get('/one', async (_req, res) => res.json(await sequelize.query('SELECT 1 AS one', { plain: true })));
    app.get('/loop', async (_req, res) => {
      const rows = [];
      for (let i = 0; i < 4; i++) rows.push(await sequelize.query(`SELECT ${i} AS n`, { plain: true })); // LOOP LINE
      rows.push(await sequelize.query('SELECT 9 AS n', { plain: true })); // AFTER LINE
      res.json(rows);
    });
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await sequelize.close();
    vi.restoreAllMocks();
    await schema.drop();
  });

  it('records each "Executing" line with the query', async () => {
    const { detail } = await fetchRecorded(base, '/one');
    // The first request also opens Sequelize's connection (its own set-up statements, which it does not log).
    const sqls = detail.panels.sql!.queries.map((q) => q.sql);
    const messages = (detail.panels.logs as LogsDetail).entries.map((e) => e.message);
    expect(sqls).toContain('SELECT 1 AS one');
    expect(messages).toContain('Executing (default): SELECT 1 AS one');
  });

  // #17: a line is captured along the path its hook's previous line took; the lines must not change.
  it('gives each line the user\'s line that ran its query, as the SQL panel has it, request after request', async () => {
    for (let request = 0; request < 3; request++) {
      const { detail } = await fetchRecorded(base, '/loop');
      const entries = (detail.panels.logs as LogsDetail).entries.filter((e) => e.message.startsWith('Executing'));
      const queries = detail.panels.sql!.queries.filter((q) => /^SELECT \d AS n$/.test(q.sql));
      expect(entries.map((e) => e.message)).toEqual(queries.map((q) => `Executing (default): ${q.sql}`));
      expect(entries.map((e) => `${e.callSite?.file}:${e.callSite?.line}`)).toEqual(queries.map((q) => `${q.callSite?.file}:${q.callSite?.line}`));
      const lines = entries.map((e) => e.callSite?.line);
      expect(new Set(lines.slice(0, 4)).size).toBe(1);
      expect(lines[4]).toBe(lines[0]! + 1);
      expect(entries[0].callSite?.file).toMatch(/logs-sequelize\.test\.ts$/);
    }
  });
});
