/**
 * Editor links for stack frames. The server links one frame (an N+1 group's call site) through
 * the `editorUrl` option; the pattern is not sent, so it is read back from that link: where the
 * file and line appear in it. Other frames get the same pattern, or no link when it is unclear.
 */
import type { CallSite } from '../../../server/types.js';

export type EditorLink = (frame: CallSite) => string;

// Most encoded first: a path with no special characters matches all three, and links must stay valid URLs.
const ENCODINGS: ReadonlyArray<(file: string) => string> = [encodeURIComponent, encodeURI, (f) => f];

/**
 * Learns the link pattern from one linked frame.
 *
 * @example
 * const link = editorLinkFrom({ file: '/app/a.ts', line: 3, column: 5, function: null }, 'vscode://file/app/a.ts:3:5');
 * link?.({ file: '/app/b.ts', line: 9, column: 1, function: null }) // → 'vscode://file/app/b.ts:9:1'
 */
export function editorLinkFrom(site: CallSite, url: string): EditorLink | null {
  for (const encode of ENCODINGS) {
    const file = encode(site.file);
    const at = url.indexOf(file);
    if (!file || at < 0) continue;
    const before = url.slice(0, at);
    const after = url.slice(at + file.length);
    // The line is the first run of digits equal to it after the file; the column, the next one.
    const lineMatch = new RegExp(`^(\\D*?)${site.line}(?!\\d)`).exec(after);
    if (!lineMatch) continue;
    const afterLine = after.slice(lineMatch[0].length);
    const columnMatch = new RegExp(`^(\\D*?)${site.column}(?!\\d)`).exec(afterLine);
    const rest = columnMatch ? afterLine.slice(columnMatch[0].length) : afterLine;
    return (frame) =>
      before +
      encode(frame.file) +
      lineMatch[1] +
      frame.line +
      (columnMatch ? columnMatch[1] + frame.column : '') +
      rest;
  }
  return null;
}

/** Only links a browser may follow from the panel: editor schemes and http(s), never `javascript:`. */
export function isSafeLink(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== 'javascript' && scheme !== 'data' && scheme !== 'vbscript';
}
