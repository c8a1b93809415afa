import type { TimelineSpan } from '../../../server/types.js';
import { shortPath } from '../sql/callsite.js';

/**
 * A span's row label. A middleware or handler reads with its route or mount path and the line that
 * registered it, so that handlers which all carry a wrapper's name (`asyncHandler`) and routers
 * which all read `router` can be told apart; other spans read as their name.
 *
 * @example
 * spanLabel({ kind: 'handler', name: 'asyncHandler', detail: 'GET /articles/:slug', registeredAt: { file: '/app/routes/articles.js', line: 14, … }, … })
 * // 'asyncHandler · GET /articles/:slug (app/routes/articles.js:14)'
 */
export function spanLabel(span: TimelineSpan): string {
  if (span.kind !== 'handler' && span.kind !== 'middleware') return span.name;
  const detail = span.detail ? ` · ${span.detail}` : '';
  const site = span.registeredAt;
  const where = site ? ` (${shortPath(site.file)}:${site.line}${site.unmapped ? ', not source-mapped' : ''})` : '';
  return `${span.name}${detail}${where}`;
}
