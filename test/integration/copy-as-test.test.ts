import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testSnippet } from '../../ui/panels/history/test-snippet.js';
import { createTables, seedRows } from '../fixtures/orm-fixes/blog-schema.js';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../support/postgres.js';
import { fetchRecorded } from '../support/http.js';
import { startChildApp } from '../support/child-app.js';

/*
 * Issue 18 part 6: "Copy as test" for a real route of a real Express app with the toolbar (knex
 * on PostgreSQL, the /feed loop of test/fixtures/loops) is written to a temp dir and RUN against
 * the app: with node:test and with vitest it passes as the route is, and fails once the route
 * runs one query more.
 */

const up = await postgresAvailable();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = fileURLToPath(new URL('../fixtures/loops/server.mjs', import.meta.url));
const APP = pathToFileURL(fileURLToPath(new URL('../fixtures/loops/app.mjs', import.meta.url))).href;

/** Runs a command from the repository (tsx and vitest resolve there); resolves with its exit code and output. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe.skipIf(!up)('a copied test runs against the route it was copied from', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dir: string;
  let env: Record<string, string>;
  let snippet: (runner: 'node:test' | 'vitest') => string;

  beforeAll(async () => {
    schema = await createTestSchema('edt_copytest');
    const client = new pg.Client(schema.connection);
    await client.connect();
    for (const sql of [...createTables('postgres'), ...seedRows('postgres')]) await client.query(sql);
    await client.end();
    env = { EDT_DATABASE_URL: POSTGRES_URL, EDT_PG_OPTIONS: schema.connection.options };
    const app = await startChildApp(SERVER, env);
    try {
      const { detail } = await fetchRecorded(app.url, '/feed?page=1');
      expect(detail).toMatchObject({ method: 'GET', url: '/feed?page=1', status: 200, queryCount: 16 });
      expect(detail.panels.sql!.nPlusOne).toHaveLength(3);
      snippet = (runner) => testSnippet(detail, '/__toolbar', { runner, module: 'esm' }, APP);
    } finally {
      await app.stop();
    }
    dir = mkdtempSync(join(tmpdir(), 'edt-copied-test-'));
    // The copied test imports its runner: resolved from the project's node_modules, as in an app.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await schema?.drop();
  });

  it('node:test: passes today, fails when the route gains a query', { timeout: 60_000 }, async () => {
    const file = join(dir, 'feed.test.mjs');
    writeFileSync(file, snippet('node:test'));
    const today = await run(['--import', 'tsx', '--test', file], env);
    expect(today.code, today.output).toBe(0);
    expect(today.output).toMatch(/# pass 1/);
    const worse = await run(['--import', 'tsx', '--test', file], { ...env, EDT_EXTRA_QUERY: '1' });
    expect(worse.code).not.toBe(0);
    expect(worse.output).toContain('17 queries, at most 16 expected');
  });

  // Two vitest runs of their own: slow on a shared machine, so a generous timeout.
  it('vitest: passes today, fails when the route gains a query', { timeout: 120_000 }, async () => {
    const file = join(dir, 'feed.vitest.test.mjs');
    writeFileSync(file, snippet('vitest'));
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    // A config of its own, so the project's (its include globs) does not apply to the temp dir.
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['feed.vitest.test.mjs'] } };\n");
    const args = [vitest, 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')];
    const today = await run(args, env);
    expect(today.code, today.output).toBe(0);
    const worse = await run(args, { ...env, EDT_EXTRA_QUERY: '1' });
    expect(worse.code).not.toBe(0);
    expect(worse.output).toMatch(/queries: expected 17 to be less than or equal to 16/);
  });
});
