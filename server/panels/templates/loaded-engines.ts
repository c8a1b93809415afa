import { createRequire } from 'node:module';
import { reportHookError } from '../../instrument/patch.js';
import { instrumentEjs } from './engines/ejs.js';
import { instrumentExpressHandlebarsModule, instrumentHandlebars } from './engines/handlebars.js';
import { instrumentNunjucks } from './engines/nunjucks.js';
import { instrumentPug } from './engines/pug.js';

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
