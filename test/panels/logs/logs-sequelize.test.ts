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
});
