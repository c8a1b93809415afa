import { createRequire } from 'node:module';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { loadedAsEsModule } from './callsite.js';

/*
 * Whether a file of the app runs as CommonJS or as an ES module, so code the toolbar hands the
 * user (a fix, a log hint) says `require(…)` or `import … from` as that file does. The running
 * process is asked first, since it knows: a file V8 named by `file://` URL in a stack was loaded
 * as an ES module, a file in the require cache was loaded by `require`. Otherwise the file says
 * it: `.cjs`/`.cts`, `.mjs`/`.mts`, a `.js` by its nearest package.json `type` (Node's own rule),
 * a `.ts` by its nearest tsconfig `module`. When nothing says, the answer is "not known".
 */

export type ModuleSystem = 'commonjs' | 'esm';

export interface ModuleSystemAnswer {
  /** null: not known, and code for the user must say so rather than pick one. */
  system: ModuleSystem | null;
  /** How it was told, for a sentence: `loaded through require`. */
  why: string;
}

const requireCache = createRequire(import.meta.url).cache;

const realPath = (file: string) => {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
};

/** The nearest file called `name` at or above `dir`, read as text; null when there is none. */
function nearest(dir: string, name: string): { path: string; text: string } | null {
  for (let at = dir; ; at = dirname(at)) {
    const path = join(at, name);
    if (existsSync(path)) {
      try {
        return { path, text: readFileSync(path, 'utf8') };
      } catch {
        return null;
      }
    }
    if (dirname(at) === at) return null;
  }
}

function packageType(file: string): ModuleSystemAnswer {
  const found = nearest(dirname(file), 'package.json');
  if (!found) return { system: 'commonjs', why: 'no package.json above it (Node runs a .js file as CommonJS then)' };
  try {
    const type = (JSON.parse(found.text) as { type?: unknown }).type;
    return type === 'module'
      ? { system: 'esm', why: `${found.path} says "type": "module"` }
      : { system: 'commonjs', why: `${found.path} has no "type": "module"` };
  } catch {
    return { system: null, why: `${found.path} could not be read` };
  }
}

/** A .ts file: its compiled form follows tsconfig's `module`; NodeNext/Node16 follow package.json. */
function typescriptModule(file: string): ModuleSystemAnswer {
  const found = nearest(dirname(file), 'tsconfig.json');
  const module = found ? /"module"\s*:\s*"([^"]+)"/i.exec(found.text)?.[1]?.toLowerCase() : undefined;
  if (module === 'commonjs') return { system: 'commonjs', why: `${found!.path} compiles to "module": "commonjs"` };
  if (module && /^(nodenext|node\d+)$/.test(module)) {
    const byPackage = packageType(file);
    return byPackage.system ? { ...byPackage, why: `${found!.path} has "module": "${module}" and ${byPackage.why}` } : byPackage;
  }
  if (module && /^es/.test(module)) return { system: 'esm', why: `${found!.path} compiles to "module": "${module}"` };
  const byPackage = packageType(file);
  if (byPackage.system === 'esm') return byPackage;
  return { system: null, why: 'it is TypeScript whose output format neither tsconfig "module" nor package.json "type" says' };
}

/**
 * How `file` (an absolute path, as a stack names it) runs: CommonJS, an ES module, or not known.
 *
 * @example
 * moduleSystemOf('/app/routes/articles.js') // { system: 'commonjs', why: 'loaded through require' }
 * moduleSystemOf('/app/src/routes.ts')      // { system: null, why: '…' } when nothing says
 */
export function moduleSystemOf(file: string): ModuleSystemAnswer {
  if (loadedAsEsModule(file)) return { system: 'esm', why: 'Node loaded it as an ES module' };
  if (requireCache[file] || requireCache[realPath(file)]) return { system: 'commonjs', why: 'Node loaded it through require' };
  const ext = extname(file).toLowerCase();
  if (ext === '.cjs' || ext === '.cts') return { system: 'commonjs', why: `its extension is ${ext}` };
  if (ext === '.mjs' || ext === '.mts') return { system: 'esm', why: `its extension is ${ext}` };
  if (ext === '.ts' || ext === '.tsx') return typescriptModule(file);
  if (ext === '.js' || ext === '.jsx') return packageType(file);
  return { system: null, why: `a ${ext || 'extensionless'} file says neither` };
}

/**
 * One import as the file writes it: `const { QueryTypes } = require('sequelize');` or
 * `import { QueryTypes } from 'sequelize';`; when the module system is not known, the import
 * and a comment with the require form, saying so.
 *
 * @example
 * importLines(['QueryTypes'], 'sequelize', { system: 'commonjs', why: '…' }) // ["const { QueryTypes } = require('sequelize');"]
 */
export function importLines(names: readonly string[], from: string, answer: ModuleSystemAnswer | null): string[] {
  const list = `{ ${names.join(', ')} }`;
  const required = `const ${list} = require('${from}');`;
  const imported = `import ${list} from '${from}';`;
  if (answer?.system === 'commonjs') return [required];
  if (answer?.system === 'esm') return [imported];
  return [`// CommonJS or ES module is not known here (${answer?.why ?? 'no file to tell'}): in CommonJS, ${required}`, imported];
}

/** `import pg from 'pg'` or `const pg = require('pg')`, for a log line about the app's entry file. */
export function defaultImport(name: string, from: string, answer: ModuleSystemAnswer | null): string {
  if (answer?.system === 'commonjs') return `const ${name} = require('${from}')`;
  if (answer?.system === 'esm') return `import ${name} from '${from}'`;
  return `import ${name} from '${from}' (CommonJS: const ${name} = require('${from}'))`;
}
