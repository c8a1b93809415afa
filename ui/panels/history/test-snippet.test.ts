import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sampleDetail } from '../../testing/sample-detail.js';
import { testSnippet, TEST_RUNNERS, type TestFormat } from './test-snippet.js';

const syntaxErrors = (code: string, module: TestFormat['module']) =>
  (ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { module: module === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true },
  }).diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
const GET = { method: 'GET', url: '/api/posts?page=2', status: 200, queryCount: 12, nPlusOneCount: 2, requestHeaders: [] };

describe('testSnippet', () => {
  it('sends the request\'s own method, path and query, and asserts its status and counts as ceilings (node:test, ESM)', () => {
    const code = testSnippet(GET, '/__toolbar', { runner: 'node:test', module: 'esm' });
    expect(code).toContain("import { describe, it } from \"node:test\";\nimport assert from \"node:assert/strict\";\nimport { app } from \"./app.js\";");
    expect(code).toContain('const TOOLBAR = "/__toolbar";');
    expect(code).toContain('await recorded("GET", "/api/posts?page=2");');
    expect(code).toContain('assert.equal(status, 200);');
    expect(code).toContain('assert.ok(detail.queryCount <= 12,');
    expect(code).toContain('assert.ok(detail.nPlusOneCount <= 2,');
    expect(code).toContain('it("answers 200 with at most 12 queries and 2 N+1"');
    expect(code).toContain("// authorization: process.env.TEST_AUTHORIZATION ?? 'Bearer <token>',");
    expect(syntaxErrors(code, 'esm')).toEqual([]);
  });

  it('requires in CommonJS, and uses expect with vitest and jest', () => {
    const cjs = testSnippet(GET, '/dbg', { runner: 'mocha', module: 'cjs' });
    expect(cjs).toContain('const assert = require("node:assert/strict");\nconst { app } = require("./app");');
    expect(cjs).not.toContain('import ');
    const vitest = testSnippet(GET, '/dbg', { runner: 'vitest', module: 'esm' });
    expect(vitest).toContain('import { describe, expect, it } from "vitest";');
    expect(vitest).toContain("expect(detail.queryCount, 'queries').toBeLessThanOrEqual(12);");
    const jest = testSnippet(GET, '/dbg', { runner: 'jest', module: 'cjs' });
    expect(jest).toContain('// jest: describe, expect and it are globals');
    expect(jest).toContain('expect(detail.nPlusOneCount).toBeLessThanOrEqual(2);');
    for (const runner of TEST_RUNNERS) {
      for (const module of ['esm', 'cjs'] as const) expect(syntaxErrors(testSnippet(GET, '/dbg', { runner, module }), module)).toEqual([]);
    }
  });

  it('sends placeholders for the auth headers the request had, and leaves a place for a body', () => {
    const code = testSnippet({ ...GET, method: 'POST', url: '/form', status: 303, queryCount: 1, nPlusOneCount: 0,
      requestHeaders: [{ name: 'Authorization', value: '[redacted]' }, { name: 'Cookie', value: '[redacted]' }] }, '/dbg', { runner: 'node:test', module: 'esm' });
    expect(code).toContain("authorization: process.env.TEST_AUTHORIZATION ?? 'Bearer <token>',");
    expect(code).toContain("cookie: process.env.TEST_COOKIE ?? '<session cookie>',");
    expect(code).toContain("'content-type': 'application/json',");
    expect(code).toContain('await recorded("POST", "/form", { body: JSON.stringify({ /* the body this route expects */ }) });');
    expect(code).toContain('answers 303 with at most 1 query and 0 N+1');
    expect(code).not.toContain('[redacted]');
  });

  // The SQL findings moved to `detail.panels.sql`: a copied test that still read `detail.nPlusOne`
  // threw on its first run. Every field the copied test reads is one the API's detail has.
  it('reads only fields the API\'s request detail has', () => {
    for (const runner of TEST_RUNNERS) {
      const code = testSnippet(sampleDetail, '/dbg', { runner, module: 'esm' });
      const paths = new Set([...code.matchAll(/\bdetail\.([\w.]+)/g)].map((m) => m[1]));
      expect(paths.size, runner).toBeGreaterThan(0);
      for (const path of paths) {
        const value = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], sampleDetail);
        expect(value, `${runner}: detail.${path}`).toBeTypeOf('number');
      }
    }
    expect(testSnippet(sampleDetail, '/dbg', { runner: 'jest', module: 'esm' })).toContain('expect(detail.nPlusOneCount).toBeLessThanOrEqual(1);');
  });

  it('escapes a URL that would break the string', () => {
    const code = testSnippet({ ...GET, url: '/a"b\\c' }, '/dbg', { runner: 'vitest', module: 'esm' });
    expect(code).toContain('recorded("GET", "/a\\"b\\\\c")');
    expect(syntaxErrors(code, 'esm')).toEqual([]);
  });

  // Found on a real Sequelize app: today's count came from a warm server, the copied test started
  // a cold one, whose first request opened the pool's connections (and ran Sequelize's SET …
  // statements on them): every copied test failed by 2 or 3 queries. And the app's `Token` scheme
  // became `Bearer`.
  it('warms the app up with the same safe request first, and keeps the recorded auth scheme', () => {
    const withToken = { ...GET, requestHeaders: [{ name: 'Authorization', value: 'Token [redacted]' }] };
    const code = testSnippet(withToken, '/__toolbar', { runner: 'node:test', module: 'cjs' });
    const warmUp = code.indexOf("await fetch(base + path, { method, headers: HEADERS, redirect: 'manual' }).then((warm) => warm.arrayBuffer());");
    expect(warmUp).toBeGreaterThan(0);
    expect(warmUp).toBeLessThan(code.indexOf('const res = await fetch(base + path'));
    expect(code).toContain("authorization: process.env.TEST_AUTHORIZATION ?? 'Token <token>',");
    expect(code).toContain('set TEST_AUTHORIZATION to a valid one');
    const post = testSnippet({ ...GET, method: 'POST' }, '/__toolbar', { runner: 'node:test', module: 'cjs' });
    expect(post).not.toContain('.then((warm)');
    expect(post).toContain('No warm-up for a request that changes data');
    expect(syntaxErrors(code, 'cjs')).toEqual([]);
  });
});
