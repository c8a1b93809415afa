import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkModule, packPackage, REPO, type PackedPackage } from '../support/packed-package.js';
import { startApp, type RunningApp } from '../support/fixture-process.js';
import { fetchRecorded } from '../support/http.js';

/*
 * The package as a new user installs it (npm pack of the build, unpacked outside the repository),
 * loaded by real Express apps in each module system and runner: CommonJS and ES module
 * JavaScript, TypeScript under tsx, under ts-node (CommonJS, type-checked with moduleResolution
 * node10) and compiled by tsc (CommonJS, node16 resolution). Each serves a page whose SQL the
 * toolbar must have recorded, with the call site on the right line, and a 500 whose stored stack
 * names the line that threw.
 */

const FIXTURES = join(REPO, 'test/fixtures/loading');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const TS_NODE = join(REPO, 'node_modules/ts-node/dist/bin.js');

interface FixtureApp {
  /** The run's name, and its fixture's folder under test/fixtures/loading unless `folder` says. */
  name: string;
  folder?: string;
  /** Which Express the app gets. */
  express: 4 | 5;
  /** How the app loads the toolbar: the README must show the same line. */
  loads: string;
  /** A command run before the app (a type-check or a compile). */
  prepare?: string[];
  run: string[];
  /** The file the call sites and the stack must name, relative to the app. */
  source: string;
}

const APPS: FixtureApp[] = [
  {
    name: 'cjs-js', express: 4, source: 'app.js', run: ['app.js'],
    loads: "const { debugToolbar } = require('express-debug-toolbar');",
  },
  {
    name: 'esm-js', express: 5, source: 'app.js', run: ['app.js'],
    loads: "import { debugToolbar } from 'express-debug-toolbar';",
  },
  {
    name: 'ts-tsx', express: 5, source: 'app.ts', prepare: [TSC, '--noEmit', '-p', '.'], run: ['--import', 'tsx', 'app.ts'],
    loads: "import { debugToolbar } from 'express-debug-toolbar';",
  },
  {
    name: 'ts-node', express: 4, source: 'app.ts', run: [TS_NODE, 'app.ts'],
    loads: "import { debugToolbar } from 'express-debug-toolbar';",
  },
  {
    name: 'tsc', express: 5, source: 'out/app.js', prepare: [TSC, '-p', '.'], run: ['out/app.js'],
    loads: "import { debugToolbar } from 'express-debug-toolbar';",
  },
  {
    name: 'tsc --enable-source-maps', folder: 'tsc', express: 5, source: 'app.ts', prepare: [TSC, '-p', '.'],
    run: ['--enable-source-maps', 'out/app.js'],
    loads: "import { debugToolbar } from 'express-debug-toolbar';",
  },
];

/** The 1-based line of `file` holding `marker`. */
function lineOf(file: string, marker: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`no ${marker} in ${file}`);
  return index + 1;
}

let packed: PackedPackage;

beforeAll(() => {
  packed = packPackage();
}, 60_000);

afterAll(() => packed?.remove());

describe('the packed package', () => {
  it('holds the server, its CommonJS declarations and the UI, and no sources or tests', () => {
    expect(packed.files).toEqual(expect.arrayContaining([
      'dist/server/index.js', 'dist/server/index.d.ts', 'dist/cjs-types/index.d.ts', 'dist/cjs-types/package.json',
      'dist/ui/launcher.js', 'package.json', 'README.md',
    ]));
    expect(packed.files.filter((file) => /^(server|test|ui)\//.test(file) || /\.test\./.test(file))).toEqual([]);
  });
});

describe.each(APPS)('a $name app on Express $express', (fixture) => {
  let app: RunningApp;
  let dir: string;

  beforeAll(async () => {
    dir = join(packed.root, fixture.name.replace(/\W+/g, '-'));
    cpSync(join(FIXTURES, fixture.folder ?? fixture.name), dir, { recursive: true });
    linkModule(dir, 'express', fixture.express === 4 ? 'express4' : 'express');
    if (fixture.prepare) {
      execFileSync(process.execPath, fixture.prepare, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    // `development`: vitest's `test` would keep Express from logging the 500 as apps do.
    app = await startApp(process.execPath, fixture.run, { cwd: dir, env: { ...process.env, NODE_ENV: 'development' } });
  }, 90_000);

  afterAll(() => app?.stop());

  it('loads the toolbar the way the README shows', () => {
    expect(readFileSync(join(dir, fixture.source.replace(/^out\/(.*)\.js$/, '$1.ts')), 'utf8')).toContain(fixture.loads);
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(fixture.loads);
  });

  it('records the page\'s SQL at the line that ran it and injects the launcher', async () => {
    const { response, body, id, detail } = await fetchRecorded(app.url, '/');
    expect(response.status).toBe(200);
    expect(body).toContain('<h1>1 post</h1>');
    expect(body).toMatch(new RegExp(`<script type="module" src="/__toolbar/static/launcher\\.js"[^>]* data-request-id="${id}"`));
    expect(detail.panels.sql!.queries.map(({ sql, params, rowCount }) => ({ sql, params, rowCount }))).toEqual([
      { sql: 'select id, title from posts where id > ?', params: [0], rowCount: 1 },
    ]);
    const source = join(dir, fixture.source);
    expect(detail.panels.sql!.queries[0].callSite).toMatchObject({ file: source, line: lineOf(source, '// query-line') });
    const launcher = await fetch(`${app.url}/__toolbar/static/launcher.js`);
    expect(launcher.status).toBe(200);
    expect(launcher.headers.get('content-type')).toMatch(/javascript/);
  });

  it('keeps a 500\'s error with the line that threw', async () => {
    const { response, detail } = await fetchRecorded(app.url, '/boom');
    expect(response.status).toBe(500);
    const source = join(dir, fixture.source);
    expect(detail.error?.message).toBe('boom from the app');
    expect(detail.error?.stack[0]).toMatchObject({ file: source, line: lineOf(source, '// throw-line') });
  });

  it('loads without a warning from Node', () => {
    expect(app.stderr()).not.toMatch(/ExperimentalWarning|DeprecationWarning|express-debug-toolbar\]/);
  });
});
