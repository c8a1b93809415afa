import type { LoopSite, Suggestion } from '../../../types.js';

const shortFile = (file: string) => file.split(/[\\/]+/).filter(Boolean).slice(-2).join('/');

/**
 * The fix of a loop that runs in a template (a view calls a helper per item): the same query, in
 * the same library's words, but run in the route before `res.render` and handed to the view,
 * which then reads what it was given. A helper that batched from inside the template would still
 * query while rendering, where django-debug-toolbar and every ORM's guide say not to.
 *
 * @example
 * beforeRendering({ title: "Load the users with one .whereIn('id', …)", code, orm: 'knex' }, { file: '/app/views/list.ejs', line: 3, … })
 * // { title: "Load the users with one .whereIn('id', …) in the route, before rendering views/list.ejs", … }
 */
export function beforeRendering(suggestion: Suggestion, loop: LoopSite): Suggestion {
  const view = shortFile(loop.file);
  const where = loop.lineUnknown ? view : `${view}:${loop.line}`;
  return {
    ...suggestion,
    title: `${suggestion.title} in the route, before rendering ${view}`,
    code: [
      `// In the route, before res.render(…): load what ${where} queried per item, and pass it to the view.`,
      suggestion.code.replaceAll('// in the loop:', `// in ${view}:`),
    ].join('\n'),
    reason: `${suggestion.reason ?? ''}${suggestion.reason ? ' ' : ''}The loop is in the template (${where}): load the data `
      + 'before rendering and let the template read it, rather than query, or batch, from inside the template.',
  };
}
