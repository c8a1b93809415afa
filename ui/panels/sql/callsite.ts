/** How call sites are shown: the last path segments, with the full path kept for the tooltip. */
import type { CallSite } from '../../../server/types.js';

/**
 * @example
 * shortPath('/home/me/app/src/routes/users.ts') // → 'src/routes/users.ts'
 */
export function shortPath(file: string, segments = 3): string {
  const parts = file.split(/[\\/]+/).filter(Boolean);
  return parts.slice(-segments).join('/') || file;
}

/**
 * `src/routes/users.ts:12`, or an empty string when there is no call site. A line that could not
 * be source-mapped says so: it may be the compiled JavaScript's, not the file's; a template line
 * nobody knows is not shown.
 */
export function formatCallSite(site: CallSite | null, short = true): string {
  if (!site) return '';
  const file = short ? shortPath(site.file) : site.file;
  // A template whose engine does not say the line: the file, and no made-up line.
  if (site.lineUnknown) return `${file} (line unknown)`;
  return `${file}:${site.line}${site.unmapped ? ' (not source-mapped)' : ''}`;
}
