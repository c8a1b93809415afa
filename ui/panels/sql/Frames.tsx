/** The user-code stack frames behind a finding, innermost first, each opening the editor when it can. */
import type { CallSite } from '../../../server/types.js';
import { formatCallSite } from './callsite.js';
import { isSafeLink, type EditorLink } from './editor-link.js';

const sameSite = (a: CallSite, b: CallSite | null): boolean => !!b && a.file === b.file && a.line === b.line && a.column === b.column;

interface Props {
  frames: readonly CallSite[];
  editorLink: EditorLink | null;
  /** A group the server linked: its `editorUrl` opens its `callSite`. */
  linked: { callSite?: CallSite | null; editorUrl?: string } | null;
}

export function Frames({ frames, editorLink, linked }: Props) {
  if (frames.length === 0) return null;
  const linkFor = (frame: CallSite): string | null => {
    const url = linked?.editorUrl && sameSite(frame, linked.callSite ?? null) ? linked.editorUrl : (editorLink?.(frame) ?? null);
    return url && isSafeLink(url) ? url : null;
  };
  return (
    <div className="finding-section">
      <h4 className="finding-heading">{frames.length === 1 ? 'Called from' : 'Stack (your code, innermost first)'}</h4>
      <ol className="frames">
        {frames.map((frame, i) => {
          const href = linkFor(frame);
          const full = formatCallSite(frame, false);
          const text = formatCallSite(frame);
          return (
            <li key={`${full}:${frame.column}:${i}`}>
              {href ? (
                <a className="callsite" href={href} title={`Open ${full} in the editor`}>
                  {text}
                </a>
              ) : (
                <span className="callsite plain" title={full}>
                  {text}
                </span>
              )}
              {frame.function && <span className="muted"> in {frame.function}</span>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
