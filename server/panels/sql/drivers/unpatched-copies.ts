import { createRequire } from 'node:module';
import type { Instrumentable } from './drivers.js';
import { isPatched, ownerOf } from '../../../instrument/patch.js';
import { warnOnce } from '../../../log.js';
import { isAbsolute } from 'node:path';
import { defaultImport, moduleSystemOf, type ModuleSystemAnswer } from '../../../stack/module-system.js';

/*
 * A driver the app (or its ORM) loaded that the toolbar does not instrument records nothing and
 * says nothing: `instrument` left it out, or named another copy of it than the one the ORM
 * `require`s (a nested node_modules, Sequelize loading its own). The driver modules are CommonJS,
 * so every copy loaded, through `require` or `import`, is in the require cache: each is looked
 * up there and its patched method checked, and the log names each unpatched copy once.
 */

type AnyFunction = (...args: any[]) => unknown;

interface DriverEntry {
  key: keyof Instrumentable;
  /** The package's name, as a user writes it in `import … from`. */
  name: string;
  /** The package's CommonJS entry file; the package folder is the part up to the name. */
  entry: RegExp;
  /** A method the driver's patch replaces on this copy. */
  probe: (exports: any) => unknown;
  /** How `instrument` takes it: the binding, its module, and the option. */
  pass: { name: string; from: string; instrument: string };
}

const methodOf = (prototype: object | undefined, name: string): AnyFunction | undefined =>
  (prototype ? (ownerOf(prototype, name) as Record<string, AnyFunction> | null)?.[name] : undefined);

const DRIVERS: DriverEntry[] = [
  {
    key: 'pg', name: 'pg', entry: /([\\/]node_modules[\\/]pg)[\\/]lib[\\/]index\.js$/,
    probe: (pg) => methodOf(pg?.Client?.prototype, 'query'), pass: { name: 'pg', from: 'pg', instrument: 'instrument: { pg }' },
  },
  {
    key: 'mysql2', name: 'mysql2', entry: /([\\/]node_modules[\\/]mysql2)[\\/]index\.js$/,
    probe: (mysql) => methodOf(mysql?.Connection?.prototype, 'query'), pass: { name: 'mysql2', from: 'mysql2', instrument: 'instrument: { mysql2 }' },
  },
  {
    key: 'betterSqlite3', name: 'better-sqlite3', entry: /([\\/]node_modules[\\/]better-sqlite3)[\\/]lib[\\/]index\.js$/,
    probe: (Database) => methodOf(Database?.prototype, 'exec'),
    pass: { name: 'Database', from: 'better-sqlite3', instrument: 'instrument: { betterSqlite3: Database }' },
  },
  {
    key: 'sqlite3', name: 'sqlite3', entry: /([\\/]node_modules[\\/]sqlite3)[\\/]lib[\\/]sqlite3\.js$/,
    probe: (sqlite3) => methodOf(sqlite3?.Database?.prototype, 'all'), pass: { name: 'sqlite3', from: 'sqlite3', instrument: 'instrument: { sqlite3 }' },
  },
  {
    key: 'pglite', name: '@electric-sql/pglite', entry: /([\\/]node_modules[\\/]@electric-sql[\\/]pglite)[\\/]dist[\\/]index\.cjs$/,
    probe: (pglite) => methodOf(pglite?.PGlite?.prototype, 'query'), pass: { name: '{ PGlite }', from: '@electric-sql/pglite', instrument: 'instrument: { pglite: PGlite }' },
  },
];

const requireCache = createRequire(import.meta.url).cache;

/** How the app's entry file loads modules, for the `require` or `import` line a warning shows. */
function appModuleSystem(): ModuleSystemAnswer | null {
  const main = process.argv[1];
  return main && isAbsolute(main) ? moduleSystemOf(main) : null;
}

interface LoadedCopy {
  driver: DriverEntry;
  /** The package folder: /app/node_modules/knex/node_modules/pg. */
  folder: string;
  patched: boolean;
}

/** Every copy of a known driver in the require cache, patched or not. */
export function loadedDriverCopies(): LoadedCopy[] {
  const copies: LoadedCopy[] = [];
  for (const [file, module] of Object.entries(requireCache)) {
    for (const driver of DRIVERS) {
      const match = driver.entry.exec(file);
      // A module still loading (a cycle) has no exports worth judging yet.
      if (!match || !module?.loaded) continue;
      let probe: unknown;
      try {
        probe = driver.probe(module.exports);
      } catch {
        continue;
      }
      if (typeof probe !== 'function') continue;
      copies.push({ driver, folder: file.slice(0, match.index + match[1].length), patched: isPatched(probe) });
    }
  }
  return copies;
}

function warningFor(copy: LoadedCopy, copies: LoadedCopy[]): string {
  const { driver, folder } = copy;
  const instrumented = copies.filter((other) => other.driver === driver && other.patched).map((other) => other.folder);
  if (instrumented.length === 0) {
    const { name, from, instrument } = driver.pass;
    return `${driver.name} is loaded (${folder}) but not instrumented: its queries are not recorded. `
      + `Pass it to the toolbar: ${defaultImport(name, from, appModuleSystem())}; … ${instrument}.`;
  }
  return `two copies of ${driver.name} are loaded: ${instrumented.join(', ')}, which the toolbar instruments, and `
    + `${folder}, which it does not: queries through that one (often an ORM's own copy) are not recorded. Pass that `
    + `copy as \`instrument.${driver.key}\` (require('${folder}')), give it to the ORM (Sequelize: \`dialectModule\`), `
    + 'or make both one (npm dedupe).';
}

/**
 * A watch for one toolbar: called as each request finishes (an ORM loads its driver on its first
 * query), it logs once per copy each driver loaded but not instrumented. It looks on the 1st, 2nd,
 * 4th, 8th… call only, so it costs nothing once the app has warmed up.
 *
 * @example
 * const watchDrivers = uninstrumentedDriverWatch();
 * res.once('finish', watchDrivers);
 */
export function uninstrumentedDriverWatch(): () => void {
  let finished = 0;
  return function watchDrivers() {
    finished += 1;
    if ((finished & (finished - 1)) !== 0) return;
    const copies = loadedDriverCopies();
    for (const copy of copies) {
      if (!copy.patched) warnOnce(`uninstrumented:${copy.folder}`, warningFor(copy, copies));
    }
  };
}
