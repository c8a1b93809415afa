import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import Database from 'better-sqlite3';
import { create } from 'express-handlebars';
import knex from 'knex';
import { Sequelize } from 'sequelize';
import pg from 'pg';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../server/index.js';
import { isPatched } from '../../server/instrument/patch.js';
import { fetchRecorded, listen } from '../support/http.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';

/*
 * Each way the toolbar can do nothing while looking set up says so once in the log: off because
 * NODE_ENV is production, a driver the app loaded but did not pass, another copy of a driver than
 * the one passed, and wrappers passed in place of the module.
 */

// Real path: Node names modules by theirs (node_modules may be a link).
const REPO_MODULES = `${realpathSync(fileURLToPath(new URL('../../node_modules/', import.meta.url)))}/`;

function logged(spy: { mock: { calls: unknown[][] } }, pattern: RegExp): string[] {
  return spy.mock.calls.map((call) => String(call[0])).filter((line) => pattern.test(line));
}

afterEach(() => vi.restoreAllMocks());

describe('NODE_ENV=production', () => {
  const original = process.env.NODE_ENV;
  afterAll(() => {
    process.env.NODE_ENV = original;
  });

  it('turns the toolbar off, and says once which option turns it on; never when the app chose `enabled`', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    process.env.NODE_ENV = 'production';
    debugToolbar({ enabled: false });
    debugToolbar({ enabled: true });
    expect(info).not.toHaveBeenCalled();
    debugToolbar();
    debugToolbar({ instrument: {} });
    expect(info.mock.calls.map((call) => String(call[0]))).toEqual([
      '[express-debug-toolbar] off: NODE_ENV is "production", so nothing is recorded or served. '
        + 'Pass `enabled: true` to debugToolbar() to turn it on (only where no one else can reach the app).',
    ]);
  });
});

describe('a driver the app loaded but did not pass in `instrument`', () => {
  it('is named once, with what to pass, while its queries go unrecorded', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const db = new Database(':memory:');
    const app = express();
    app.use(debugToolbar({ enabled: true }));
    app.get('/', (_req, res) => res.json(db.prepare('SELECT 1 AS one').get()));
    const server = await listen(app);
    try {
      for (let i = 0; i < 3; i++) {
        const { detail } = await fetchRecorded(server.url, '/');
        expect(detail.panels.sql!.queries).toEqual([]);
      }
      expect(logged(warn, /better-sqlite3/)).toEqual([
        `[express-debug-toolbar] better-sqlite3 is loaded (${REPO_MODULES}better-sqlite3) but not instrumented: its queries `
          + "are not recorded. Pass it to the toolbar: import Database from 'better-sqlite3'; … instrument: { betterSqlite3: Database }.",
      ]);
    } finally {
      await server.close();
      db.close();
    }
  });
});

const available = await postgresAvailable();

describe.skipIf(!available)('a second copy of pg, the one the app queries through', () => {
  let folder: string;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  beforeAll(async () => {
    schema = await createTestSchema('edt_copies');
    // A nested copy, as `npm install` leaves one under an ORM that wants another version.
    folder = mkdtempSync(join(tmpdir(), 'edt-copy-'));
    const modules = join(folder, 'node_modules');
    mkdirSync(modules);
    cpSync(join(REPO_MODULES, 'pg'), join(modules, 'pg'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(REPO_MODULES, 'pg/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) symlinkSync(join(REPO_MODULES, name), join(modules, name), 'dir');
  });
  afterAll(async () => {
    await schema?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('is named once next to the instrumented one, with the ways to fix it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const otherPg = createRequire(join(folder, 'app.js'))('pg') as typeof pg;
    expect(otherPg.Client).not.toBe(pg.Client);
    const recorded = new pg.Pool({ ...schema.connection, max: 1 });
    const unrecorded = new otherPg.Pool({ ...schema.connection, max: 1 });
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/', async (_req, res) => {
      await recorded.query('SELECT 1 AS recorded');
      await unrecorded.query('SELECT 2 AS unrecorded');
      res.json({ ok: true });
    });
    const server = await listen(app);
    try {
      for (let i = 0; i < 2; i++) {
        const { detail } = await fetchRecorded(server.url, '/');
        expect(detail.panels.sql!.queries.map((query) => query.sql)).toEqual(['SELECT 1 AS recorded']);
      }
      const copy = join(folder, 'node_modules/pg');
      expect(logged(warn, /copies of pg/)).toEqual([
        `[express-debug-toolbar] two copies of pg are loaded: ${REPO_MODULES}pg, which the toolbar instruments, and ${copy}, `
          + 'which it does not: queries through that one (often an ORM\'s own copy) are not recorded. Pass that copy as '
          + `\`instrument.pg\` (require('${copy}')), give it to the ORM (Sequelize: \`dialectModule\`), or make both one (npm dedupe).`,
      ]);
    } finally {
      await server.close();
      await recorded.end();
      await unrecorded.end();
    }
  });
});

describe('a wrapper passed in place of the module', () => {
  it('an express-handlebars instance (or hbs) for `handlebars`: its handlebars is instrumented', () => {
    const hbs = create();
    debugToolbar({ enabled: true, instrument: { handlebars: hbs } });
    expect(isPatched((hbs.handlebars as unknown as { VM: { invokePartial: unknown } }).VM.invokePartial)).toBe(true);
  });

  it('the express-handlebars module for `handlebars`: a TypeError says what to pass', async () => {
    const module = await import('express-handlebars');
    expect(() => debugToolbar({ enabled: true, instrument: { handlebars: module } })).toThrow(
      'express-debug-toolbar: `instrument.handlebars` must be the handlebars module or a wrapper with a `.handlebars`; '
        + "got the express-handlebars module: pass your instance (`create()`), or `import handlebars from 'handlebars'`",
    );
  });

  it('a knex or Sequelize instance for the driver: the driver it loaded is instrumented', async () => {
    const builder = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    const orm = new Sequelize({ dialect: 'mysql', logging: false });
    try {
      debugToolbar({ enabled: true, instrument: { betterSqlite3: builder, mysql2: orm } });
      const statement = new Database(':memory:').prepare('SELECT 1');
      expect(isPatched(Object.getPrototypeOf(statement).run)).toBe(true);
      const mysql2 = createRequire(import.meta.url)('mysql2') as { Connection: { prototype: { query: unknown } } };
      expect(isPatched(mysql2.Connection.prototype.query)).toBe(true);
    } finally {
      await builder.destroy();
      await orm.close();
    }
  });
});
