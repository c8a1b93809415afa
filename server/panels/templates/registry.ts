import { createRequire } from 'node:module';
import { reportHookError } from '../../instrument/patch.js';
import { instrumentEjs } from './engines/ejs.js';
import { instrumentExpressHandlebarsModule, instrumentHandlebars } from './engines/handlebars.js';
import { instrumentNunjucks } from './engines/nunjucks.js';
import { instrumentPug } from './engines/pug.js';

/**
 * Template engines whose partials/includes the toolbar times, one key per engine, next to the
 * database drivers in the `instrument` option. The views themselves are timed without this,
 * whatever the engine (server/panels/templates/view-render.ts); and engines Express loaded through
 * `require` are found on the first render anyway. Adding an engine is one file in engines/ and
 * one line in {@link ENGINES}.
 */
export interface TemplateInstrumentable {
  /** `import ejs from 'ejs'`: includes. */
  ejs?: unknown;
  /** `import pug from 'pug'`: includes, listed as inlined. */
  pug?: unknown;
  /** `import nunjucks from 'nunjucks'`: includes, extends. */
  nunjucks?: unknown;
  /** The handlebars module, the hbs module, or an express-handlebars instance: partials. */
  handlebars?: unknown;
}

const ENGINES: Record<keyof TemplateInstrumentable, (module: unknown) => void> = {
  ejs: instrumentEjs,
  pug: instrumentPug,
  nunjucks: instrumentNunjucks,
  handlebars: instrumentHandlebars,
};

/** Whether `key` of the `instrument` option names a template engine. */
export function isTemplateEngineKey(key: string): key is keyof TemplateInstrumentable {
  return Object.prototype.hasOwnProperty.call(ENGINES, key);
}

export const TEMPLATE_ENGINE_KEYS = Object.keys(ENGINES);

/** Patches the engines named in `instrument`, ignoring its driver keys; each patch applies once. */
export function instrumentTemplateEngines(instrument: object): void {
  for (const [key, module] of Object.entries(instrument)) {
    if (isTemplateEngineKey(key) && module !== undefined && module !== null) ENGINES[key](module);
  }
}

/* Where each engine's CommonJS entry lives: what Express `require()`s when a view has its extension. */
const ENTRY_FILES: [RegExp, (module: unknown) => void][] = [
  [/[\\/]node_modules[\\/]ejs[\\/]lib[\\/](cjs[\\/])?ejs\.c?js$/, instrumentEjs],
  [/[\\/]node_modules[\\/]pug[\\/]lib[\\/]index\.js$/, instrumentPug],
  [/[\\/]node_modules[\\/]nunjucks[\\/]index\.js$/, instrumentNunjucks],
  [/[\\/]node_modules[\\/]handlebars[\\/]dist[\\/]cjs[\\/]handlebars[\\/]runtime\.js$/, instrumentHandlebars],
  // The full Handlebars (`require('handlebars')`): its compiler too, for template lines.
  [/[\\/]node_modules[\\/]handlebars[\\/]lib[\\/]index\.js$/, instrumentHandlebars],
  // hbs: its layout and the files of its partials.
  [/[\\/]node_modules[\\/]hbs[\\/]lib[\\/]hbs\.js$/, instrumentHandlebars],
  // express-handlebars: its layouts and partial files.
  [/[\\/]node_modules[\\/]express-handlebars[\\/]dist[\\/]express-handlebars\.js$/, instrumentExpressHandlebarsModule],
];

const requireCache = createRequire(import.meta.url).cache;
const scannedFor = new Set<string>();

/**
 * Patches every copy of a known engine already loaded through `require` (Express loads a view's
 * engine that way when it first meets its extension). Scans once per engine name.
 */
export function instrumentLoadedEngines(engine: string): void {
  if (scannedFor.has(engine)) return;
  scannedFor.add(engine);
  for (const path of Object.keys(requireCache)) {
    for (const [pattern, instrument] of ENTRY_FILES) {
      if (!pattern.test(path)) continue;
      try {
        instrument(requireCache[path]?.exports);
      } catch (error) {
        reportHookError(error);
      }
    }
  }
}
