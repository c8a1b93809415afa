import type { CallSite } from '../types.js';

/** The placeholders an `editorUrl` template may use. */
const PLACEHOLDERS = ['{file}', '{line}', '{column}'];

/**
 * Why an `editorUrl` template is unusable, or null when it is fine: it needs a scheme
 * (`vscode:`, `idea:`, `http:`…), the `{file}` placeholder, and no placeholder we do not fill.
 */
export function editorUrlProblem(template: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(template)) return 'must start with a URL scheme such as "vscode:"';
  if (!template.includes('{file}')) return 'must contain {file}';
  const unknown = (template.match(/\{[^}]*\}/g) ?? []).filter((p) => !PLACEHOLDERS.includes(p));
  if (unknown.length > 0) return `has unknown placeholder ${unknown[0]} (known: ${PLACEHOLDERS.join(' ')})`;
  return null;
}

/**
 * A link that opens a call site in the editor. The path keeps its slashes (percent-encoding only
 * what a URL cannot hold); after a `/` in the template its leading slash is dropped so
 * `vscode://file/{file}` gives `vscode://file/home/me/app.ts`, Windows paths get forward slashes.
 *
 * @example
 * editorUrl('vscode://file/{file}:{line}:{column}', { file: '/app/a.ts', line: 3, column: 7, function: null })
 * // 'vscode://file/app/a.ts:3:7'
 */
export function editorUrl(template: string, site: CallSite): string {
  const path = encodeURI(site.file.replace(/\\/g, '/')).replace(/[?#]/g, encodeURIComponent);
  return template
    .replace(/\/\{file\}/g, `/${path.replace(/^\/+/, '')}`)
    .replace(/\{file\}/g, path)
    .replace(/\{line\}/g, String(site.line))
    .replace(/\{column\}/g, String(site.column));
}
