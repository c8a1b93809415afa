// The declarations for `require('express-debug-toolbar')`: a copy of dist/server's .d.ts files in a
// folder whose package.json says "commonjs". TypeScript reads a .d.ts as the format of its folder's
// package.json, so CommonJS projects with moduleResolution node16/nodenext see a CommonJS module
// (which is what Node's require() of the ES module hands them: its namespace, named exports and all)
// instead of refusing to import an ES module from CommonJS (TS1479).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../dist/server/', import.meta.url));
const to = fileURLToPath(new URL('../dist/cjs-types/', import.meta.url));

rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true, filter: (path) => !/\.(js|map)$/.test(path) });
writeFileSync(join(to, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
