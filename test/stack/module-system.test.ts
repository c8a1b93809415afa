import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureFrames } from '../../server/stack/callsite.js';
import { defaultImport, importLines, moduleSystemOf } from '../../server/stack/module-system.js';

/*
 * Whether the file of a loop runs as CommonJS or as an ES module (server/stack/module-system.ts), from
 * real files: the running process first (required, imported), then what the files say.
 */

const dir = mkdtempSync(join(tmpdir(), 'edt-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe('the module system of a file', () => {
  it('a file Node loaded through require is CommonJS, whatever its package says', () => {
    file('esm-pkg/package.json', '{ "type": "module" }');
    const required = file('esm-pkg/loaded.cjs', 'module.exports = 1;');
    createRequire(import.meta.url)(required);
    expect(moduleSystemOf(required)).toEqual({ system: 'commonjs', why: 'Node loaded it through require' });
  });

  it('a file whose frames V8 named by file:// URL is an ES module, whatever its package says', async () => {
    file('cjs-pkg/package.json', '{}');
    const loaded = file('cjs-pkg/loaded.mjs', 'export const frames = (capture) => capture();');
    // Node's own import (from a required CommonJS file), not the test runner's, which would load it as its own module.
    const nativeImport = createRequire(import.meta.url)(file('importer.cjs', 'module.exports = (url) => import(url);')) as (url: string) => Promise<unknown>;
    const { frames } = await nativeImport(pathToFileURL(loaded).href) as { frames: (capture: () => unknown) => { file: string }[] };
    expect(frames(() => captureFrames()).some((f) => f.file === loaded)).toBe(true);
    expect(moduleSystemOf(loaded)).toEqual({ system: 'esm', why: 'Node loaded it as an ES module' });
  });

  it('otherwise: the extension, the nearest package.json type, a .ts file\'s tsconfig module', () => {
    expect(moduleSystemOf(file('a/x.cjs', '')).system).toBe('commonjs');
    expect(moduleSystemOf(file('a/x.mts', '')).system).toBe('esm');
    file('cjs-app/package.json', '{ "name": "app" }');
    expect(moduleSystemOf(file('cjs-app/routes/x.js', ''))).toMatchObject({ system: 'commonjs', why: expect.stringContaining('has no "type": "module"') });
    file('esm-app/package.json', '{ "type": "module" }');
    expect(moduleSystemOf(file('esm-app/routes/x.js', '')).system).toBe('esm');
    file('ts-cjs/package.json', '{}');
    file('ts-cjs/tsconfig.json', '{ "compilerOptions": { /* built with tsc */ "module": "CommonJS" } }');
    expect(moduleSystemOf(file('ts-cjs/src/x.ts', '')).system).toBe('commonjs');
    file('ts-next/package.json', '{ "type": "module" }');
    file('ts-next/tsconfig.json', '{ "compilerOptions": { "module": "NodeNext" } }');
    expect(moduleSystemOf(file('ts-next/src/x.ts', '')).system).toBe('esm');
  });

  it('says it does not know when nothing tells, and the import it writes says so', () => {
    file('ts-unknown/package.json', '{}');
    const answer = moduleSystemOf(file('ts-unknown/src/x.ts', ''));
    expect(answer.system).toBeNull();
    const lines = importLines(['QueryTypes'], 'sequelize', answer);
    expect(lines[0]).toMatch(/^\/\/ CommonJS or ES module is not known here \(it is TypeScript .*\): in CommonJS, const \{ QueryTypes \} = require\('sequelize'\);$/);
    expect(lines[1]).toBe("import { QueryTypes } from 'sequelize';");
    expect(importLines(['In'], 'typeorm', { system: 'commonjs', why: '' })).toEqual(["const { In } = require('typeorm');"]);
  });

  // Issue 12: the "loaded but not instrumented" log line showed `import` syntax in CommonJS apps.
  it('words the log line\'s hint in the entry file\'s module system, or gives both', () => {
    expect(defaultImport('Database', 'better-sqlite3', { system: 'commonjs', why: '' })).toBe("const Database = require('better-sqlite3')");
    expect(defaultImport('pg', 'pg', { system: 'esm', why: '' })).toBe("import pg from 'pg'");
    expect(defaultImport('pg', 'pg', null)).toBe("import pg from 'pg' (CommonJS: const pg = require('pg'))");
  });
});
