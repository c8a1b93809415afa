import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the toolbar's own server code (`server/` under tsx, `dist/server/` when built),
 * with a trailing separator: frames in it are the toolbar's, never the app's. Computed here, at
 * the root of that folder, and nowhere else, so that moving a file cannot change its meaning.
 */
export const TOOLBAR_DIR = dirname(fileURLToPath(import.meta.url)) + sep;
